// BatchFiller and BatchJob (layout and semantics in batch_filler.h).
//
// DNA without variants is one-hot encoded straight from the packed bases of the mapped .2bit
// into the output buffer (one_hot_unpack), with streaming stores when the batch's DNA is larger
// than the cache, so a batch of 2^20 bp windows is written at memory speed.
#include "batch_filler.h"

#include <algorithm>

#include "errors.h"
#include "one_hot.h"
#include "one_hot_unpack.h"

namespace gk {

namespace {

template <class F>
void with_kind(OneHotKind k, F&& f) {
  switch (k) {
    case OneHotKind::U8:
      return f(uint8_t{});
    case OneHotKind::F32:
      return f(float{});
    case OneHotKind::F16:
      return f(Half{});
  }
}

}  // namespace

size_t one_hot_size(OneHotKind k) {
  return k == OneHotKind::U8 ? 1 : k == OneHotKind::F32 ? 4 : 2;
}

void TargetSpec::transform(float* v, int64_t n) const {
  const bool identity =
      scale == 1 && squash == Squash::None && std::isinf(clip_soft) && std::isinf(clip) && !replace_nan;
  if (identity) return;  // the common case: values pass as read
  for (int64_t i = 0; i < n; ++i) {
    float x = v[i];
    if (std::isnan(x)) {
      if (replace_nan) v[i] = nan_value;
      continue;
    }
    x *= scale;
    if (squash == Squash::Sqrt) x = -1.0f + std::sqrt(1.0f + x);
    if (squash == Squash::Pow75) x = -1.0f + std::pow(1.0f + x, 0.75f);
    if (x > clip_soft) x = clip_soft - 1.0f + std::sqrt(x - clip_soft + 1.0f);
    v[i] = std::clamp(x, -clip, clip);
  }
}

BatchFiller::BatchFiller(const TwoBitFile& dna, std::vector<Variant> variants, std::vector<TargetSpec> targets,
                         std::vector<int32_t> partner, int64_t length, int64_t bin_size, OneHotKind kind,
                         bool with_reference)
    : dna_(&dna),
      targets_(std::move(targets)),
      partner_(std::move(partner)),
      length_(length),
      bin_(bin_size),
      kind_(kind),
      with_reference_(with_reference) {
  if (length <= 0) value_error("window length must be positive, got ", length);
  if (bin_size <= 0 || length % bin_size != 0)
    value_error("the window length ", length, " is not a multiple of the resolution ", bin_size);
  int64_t col = 0;
  for (const TargetSpec& t : targets_) {
    if (t.track->refg() != dna.refg())
      value_error("track ", t.track->path(), " is on ", t.track->refg_name(), ", the genome is ",
                  assembly(dna.refg()).name());
    if (bin_size % t.track->resolution() != 0)
      value_error("resolution ", bin_size, " is not a multiple of the resolution ", t.track->resolution(), " of track ",
                  t.track->path());
    if (t.column != col) value_error("target columns must follow each other: expected ", col, ", got ", t.column);
    col += t.columns();
  }
  if (col != columns()) value_error("partner has ", columns(), " columns, the tracks have ", col);
  for (int32_t p : partner_)
    if (p < 0 || p >= col) value_error("partner column ", p, " is not in [0, ", col, ")");
  if (!variants.empty()) variants_ = std::make_unique<VariantGenome>(dna, std::move(variants));
  if (with_reference_ && !variants_) value_error("a reference one-hot needs variants");
}

void BatchFiller::fill_dna(const Interval& iv, bool variant, bool stream, void* out) const {
  with_kind(kind_, [&](auto t) {
    using T = decltype(t);
    T* dst = static_cast<T*>(out);
    if (!variant) return dna_->fetch_one_hot(iv, dst, true, stream);  // straight from the packed bases
    thread_local std::vector<char> seq;
    Interval a = iv;  // anchored at the centre: always L bases
    a.has_anchor = true;
    a.anchor = iv.start + length_ / 2;
    a.anchor_offset = 0;
    seq.resize(size_t(length_));
    variants_->fetch(a, seq.data(), nullptr, true);
    one_hot_encode(seq.data(), length_, dst);
  });
}

void BatchFiller::fill_targets(const Interval& iv, float* out) const {
  thread_local std::vector<float> tmp;
  const int64_t bins = this->bins(), cols = columns();
  const bool rc = iv.strand == '-';
  for (const TargetSpec& t : targets_) {
    const int64_t dim = t.track->dim();
    tmp.resize(size_t(bins * dim));
    for (int pass = 0; pass < (t.both_strands ? 2 : 1); ++pass) {
      Interval q = iv;
      q.strand = pass == 0 ? '+' : '-';
      q.has_anchor = false;
      t.track->read_binned(q, bin_, t.aggregation, tmp.data(), dim);  // 5'→3' of q's strand
      t.transform(tmp.data(), bins * dim);
      const int64_t col0 = t.column + pass * dim;
      const int32_t* perm = partner_.data() + col0;
      for (int64_t b = 0; b < bins; ++b) {
        const int64_t genomic = pass == 0 ? b : bins - 1 - b;  // '-' reads come reversed
        float* row = out + (rc ? bins - 1 - genomic : genomic) * cols;
        const float* v = tmp.data() + b * dim;
        if (rc) {
          for (int64_t c = 0; c < dim; ++c) row[perm[c]] = v[c];
        } else {
          std::copy(v, v + dim, row + col0);
        }
      }
    }
  }
}

void BatchFiller::fill_window(const Interval& iv, int64_t k, void* dna, void* ref, float* targets, bool stream) const {
  if (iv.length() != length_) value_error("window ", iv.describe(), " has ", iv.length(), " bases, not ", length_);
  const size_t window_bytes = size_t(length_) * 4 * one_hot_size(kind_);
  if (dna) fill_dna(iv, bool(variants_), stream, static_cast<char*>(dna) + size_t(k) * window_bytes);
  if (ref && with_reference_) fill_dna(iv, false, stream, static_cast<char*>(ref) + size_t(k) * window_bytes);
  if (targets && !targets_.empty()) fill_targets(iv, targets + k * bins() * columns());
}

BatchJob::BatchJob(const BatchFiller& filler, std::vector<Interval> windows, void* dna, void* ref, float* targets,
                   int threads)
    : filler_(filler),
      windows_(std::move(windows)),
      dna_(dna),
      ref_(ref),
      targets_(targets),
      stream_(windows_.size() * size_t(filler.length()) * 4 * one_hot_size(filler.kind()) >= kStreamMinBytes) {
  const int n = int(std::clamp<int64_t>(int64_t(windows_.size()), 1, std::max(1, threads)));
  threads_.reserve(size_t(n));
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
}

BatchJob::~BatchJob() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void BatchJob::run() {
  for (int64_t k; (k = next_.fetch_add(1)) < int64_t(windows_.size());) {
    try {
      filler_.fill_window(windows_[size_t(k)], k, dna_, ref_, targets_, stream_);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      next_ = int64_t(windows_.size());  // stop the others early
    }
  }
}

void BatchJob::wait() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

}  // namespace gk
