// TrackFile::read_binned: track values pooled into bins of a multiple of the track's resolution,
// straight from the stored rows (a 128 bp track read at 128 bp never expands to bases).
//
// A stored row holds one value per `res` bases. Output bin j covers bases
// [start + j*B, start + (j+1)*B). Each stored row contributes, per bin it
// overlaps, its value weighted by overlap/res (sum: so that an aligned bin sums
// its stored rows) or overlap/B (mean: the mean over the bin's bases), or to the
// bin's maximum. Windows need not be aligned to the stored rows.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "errors.h"
#include "track_reader.h"

namespace gk {

namespace {

constexpr int64_t kChunkValues = 1 << 16;  // stored values decoded per step (256 KiB of floats)

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

void TrackFile::read_binned(const Interval& iv, int64_t bin_size, Aggregation agg, float* out,
                            int64_t row_stride) const {
  if (iv.refg != refg_)
    value_error("Reference genome mismatch: the track is on ", refg_name_, ", the interval ", iv.describe(), " on ",
                iv.refg_name());
  if (!can_decode(etype_, DType::F32))
    type_error("binned reads decode as float32, which encoded type ", info().name, " does not");
  const int64_t r = res_;
  if (bin_size <= 0 || bin_size % r != 0)
    value_error("resolution ", bin_size, " must be a positive multiple of the track's resolution ", r);
  const int64_t len = iv.length();
  if (len % bin_size != 0)
    value_error("the interval length ", len, " is not a multiple of the resolution ", bin_size, " (", iv.describe(),
                ")");
  const int64_t bins = len / bin_size, d = dim_;
  if (bins == 0) return;

  if (bin_size == r && iv.start % r == 0 && iv.start >= 0) {  // the stored rows are the bins: decode in place
    read_stored_rows(iv.chrom, iv.strand, iv.start / r, iv.end / r, iv.strand == '-', out, row_stride);
    return;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> acc(size_t(bins * d), agg == Aggregation::Max ? -std::numeric_limits<double>::infinity() : 0.0);
  const int64_t s = iv.start, e = iv.end;
  const int64_t k_first = floor_div(s, r), k_last = floor_div(e - 1, r) + 1;  // stored rows touched
  // Sized to the rows this window touches: a small window must not allocate (and zero) a whole chunk.
  const int64_t chunk = std::max<int64_t>(1, std::min(kChunkValues / d, k_last - k_first));
  std::vector<float> rows(size_t(chunk * d));

  for (int64_t k = k_first; k < k_last; k += chunk) {
    const int64_t k_end = std::min(k_last, k + chunk), lo = std::clamp<int64_t>(0, k, k_end);
    std::fill(rows.begin(), rows.begin() + (lo - k) * d, default_f32_);  // before the chromosome
    read_stored_rows(iv.chrom, iv.strand, lo, k_end, false, rows.data() + (lo - k) * d, d);
    for (int64_t kk = k; kk < k_end; ++kk) {
      const float* v = rows.data() + (kk - k) * d;
      for (int64_t p = std::max(s, kk * r), p_end = std::min(e, kk * r + r); p < p_end;) {
        const int64_t j = (p - s) / bin_size, q = std::min(p_end, s + (j + 1) * bin_size);
        double* a = acc.data() + j * d;
        if (agg == Aggregation::Max) {
          for (int64_t c = 0; c < d; ++c)
            a[c] = std::isnan(a[c]) || std::isnan(v[c]) ? nan : std::max(a[c], double(v[c]));
        } else {
          const double w = double(q - p) / double(agg == Aggregation::Sum ? r : bin_size);
          for (int64_t c = 0; c < d; ++c) a[c] += w * double(v[c]);
        }
        p = q;
      }
    }
  }
  const bool rev = iv.strand == '-';
  for (int64_t j = 0; j < bins; ++j) {
    float* o = out + (rev ? bins - 1 - j : j) * row_stride;
    for (int64_t c = 0; c < d; ++c) o[c] = float(acc[size_t(j * d + c)]);
  }
}

}  // namespace gk
