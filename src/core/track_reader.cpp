#include "track_reader.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "binary_format.h"
#include "errors.h"

namespace gk {

namespace {

constexpr uint32_t kMaxDim = 1u << 20;
constexpr int64_t kChunkRows = 4096;

template <class S>
void copy_row(S* dst, const S* src, size_t d) {
  if (d == 1)
    *dst = *src;
  else
    std::memcpy(dst, src, d * sizeof(S));
}

template <class S>
void reverse_rows(S* p, int64_t rows, size_t d) {
  if (d == 1) {
    std::reverse(p, p + rows);
    return;
  }
  for (int64_t i = 0, j = rows - 1; i < j; ++i, --j) std::swap_ranges(p + i * d, p + (i + 1) * d, p + j * d);
}

inline uint64_t load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

}  // namespace

TrackFile::TrackFile(const std::string& path) : file_(path) {
  check_binary_header(file_, kTrackMagic, kTrackVersion, "track");
  auto h = file_.read<TrackHeader>(kTrackHeaderOffset, "track header");
  if (h.etype >= static_cast<uint8_t>(EType::count)) file_.corrupt(cat("unknown etype code ", int(h.etype)));
  etype_ = static_cast<EType>(h.etype);
  const ETypeInfo& inf = etype_info(etype_);
  bits_ = inf.bits;
  if (h.bits != bits_) file_.corrupt(cat("etype ", inf.name, " stored with ", int(h.bits), " bits"));
  if (h.stranded > 1) file_.corrupt("bad stranded flag");
  if (h.dim < 1 || h.dim > kMaxDim || (etype_ == EType::m0 && h.dim != 1)) file_.corrupt(cat("bad dim ", h.dim));
  if (h.resolution < 1) file_.corrupt("resolution 0");
  stranded_ = h.stranded != 0;
  dim_ = h.dim;
  res_ = h.resolution;
  default_ = h.default_value;

  uint32_t want_dict = inf.dictionary ? (1u << bits_) : 0;
  if (h.dict_size != want_dict) file_.corrupt(cat("dictionary of ", h.dict_size, " entries for etype ", inf.name));
  const float* d = file_.array_at<float>(h.dict_offset, h.dict_size, "dictionary");
  dict_.assign(d, d + h.dict_size);

  const char* names = file_.array_at<char>(h.names_offset, h.names_size, "chromosome names");
  uint64_t at = 0;
  for (uint32_t i = 0; i < h.num_chroms; ++i) {
    uint32_t n;
    if (at + 4 > h.names_size) file_.corrupt("chromosome name table too short");
    std::memcpy(&n, names + at, 4);
    at += 4;
    if (n > h.names_size - at) file_.corrupt("chromosome name overruns its table");
    names_.emplace_back(names + at, n);
    at += n;
  }
  refg_name_.assign(file_.array_at<char>(h.refg_offset, h.refg_size, "reference genome name"), h.refg_size);
  file_.array_at<uint8_t>(h.meta_offset, h.meta_size, "metadata");
  meta_offset_ = h.meta_offset;
  meta_size_ = h.meta_size;

  file_.array_at<uint8_t>(h.data_offset, h.data_size, "data region");
  if (h.data_size < kDataPadBytes) file_.corrupt("data region lacks its padding");
  const uint64_t data_begin = h.data_offset, data_end = h.data_offset + h.data_size - kDataPadBytes;

  const TrackEntry* table = file_.array_at<TrackEntry>(h.table_offset, h.num_tracks, "track table");
  std::set<std::pair<uint32_t, uint8_t>> seen;
  for (uint32_t i = 0; i < h.num_tracks; ++i) {
    TrackEntry e;
    std::memcpy(&e, table + i, sizeof e);
    if (e.chrom >= h.num_chroms) file_.corrupt(cat("track entry ", i, " names chromosome #", e.chrom));
    if (!(e.strand == '+' || (e.strand == '-' && stranded_))) file_.corrupt(cat("track entry ", i, " strand"));
    if (!seen.insert({e.chrom, e.strand}).second) file_.corrupt(cat("duplicate track entry ", i));
    if (e.index_offset % 8 != 0) file_.corrupt(cat("misaligned block index of entry ", i));
    Track t;
    t.n = e.num_blocks;
    t.name_index = e.chrom;
    t.strand = static_cast<char>(e.strand);
    uint64_t off = e.index_offset;
    if (bits_ > 0) {
      t.offsets = file_.array_at<uint64_t>(off, t.n, "block offsets");
      off += t.n * 8;
    }
    t.starts = file_.array_at<uint32_t>(off, t.n, "block starts");
    t.ends = file_.array_at<uint32_t>(off + t.n * 4, t.n, "block ends");
    for (uint64_t b = 0; b < t.n; ++b) {
      if (t.starts[b] >= t.ends[b] || (b > 0 && t.ends[b - 1] > t.starts[b]))
        file_.corrupt(cat("blocks of ", names_[e.chrom], ":", t.strand, " are not sorted and disjoint"));
      if (t.offsets) {
        uint64_t bytes = packed_bytes(uint64_t(t.ends[b] - t.starts[b]) * dim_, bits_);
        if (t.offsets[b] < data_begin || t.offsets[b] > data_end || bytes > data_end - t.offsets[b] ||
            t.offsets[b] % 8 != 0)
          file_.corrupt(cat("block payload of ", names_[e.chrom], ":", t.strand, " outside the data region"));
      }
    }
    tracks_.push_back(t);
  }

  // Lookup tables from codes to every output type.
  for (unsigned c = 0; c < 256; ++c) {
    double v;
    if (inf.dictionary)
      v = c < dict_.size() ? dict_[c] : std::nan("");
    else if (etype_ == EType::i8)
      v = static_cast<int8_t>(c);
    else
      v = c;
    lut_bool_[c] = v != 0 && !std::isnan(v);
    lut_u8_[c] = static_cast<uint8_t>(c);
    lut_i8_[c] = static_cast<int8_t>(c);
    lut_f32_[c] = static_cast<float>(v);
    lut_f16_[c] = float_to_half(static_cast<float>(v));
  }
}

void TrackFile::attach(RefgId refg) {
  const Assembly& a = assembly(refg);
  if (a.name() != refg_name_) value_error("track ", path(), " is on ", refg_name_, ", not ", a.name());
  by_chrom_.assign(a.num_chroms(), {-1, -1});
  for (size_t i = 0; i < tracks_.size(); ++i) {
    ChromId c = a.find(names_[tracks_[i].name_index]);
    if (c < 0) os_error(path(), " names chromosome '", names_[tracks_[i].name_index], "' unknown to ", a.name());
    by_chrom_[static_cast<size_t>(c)][tracks_[i].strand == '-' ? 1 : 0] = static_cast<int32_t>(i);
  }
  refg_ = refg;
  attached_ = true;
}

std::string TrackFile::metadata() const {
  return std::string(file_.array_at<char>(meta_offset_, meta_size_, "metadata"), meta_size_);
}

uint64_t TrackFile::num_blocks() const {
  uint64_t n = 0;
  for (auto& t : tracks_) n += t.n;
  return n;
}

const TrackFile::Track* TrackFile::find(ChromId chrom, char strand) const {
  if (chrom < 0 || static_cast<size_t>(chrom) >= by_chrom_.size()) return nullptr;
  int32_t i = by_chrom_[static_cast<size_t>(chrom)][strand == '-' ? 1 : 0];
  return i < 0 ? nullptr : &tracks_[static_cast<size_t>(i)];
}

void TrackFile::check_query(const Interval& iv, DType dt) const {
  if (!attached_) runtime_error("track ", path(), " is not attached to its reference genome");
  if (iv.refg != refg_)
    value_error("Reference genome mismatch: the track is on ", refg_name_, ", the interval ", iv.describe(), " on ",
                iv.refg_name());
  if (iv.start < 0) value_error("Interval start ", iv.start, " is invalid (", iv.describe(), ")");
  if (!can_decode(etype_, dt))
    type_error("Cannot decode as ", dtype_name(dt), " from encoded type ", info().name, " (valid: ",
               etype_ == EType::f32 ? "float32"
               : info().is_float    ? "float16, float32"
                                    : "see the etype table",
               ")");
}

template <class S>
S TrackFile::default_as(DType dt) const {
  double d = default_;
  if constexpr (std::is_same_v<S, float>) {
    return static_cast<float>(d);
  } else if constexpr (std::is_same_v<S, uint16_t>) {
    return float_to_half(static_cast<float>(d));
  } else {
    if (std::isnan(d)) return S(0);
    if (dt == DType::Bool) return S(d != 0);
    double lo = dt == DType::I8 ? -128 : 0, hi = dt == DType::I8 ? 127 : 255;
    return static_cast<S>(std::clamp(std::trunc(d), lo, hi));
  }
}

template <class S>
const S* TrackFile::lut(DType dt) const {
  if constexpr (std::is_same_v<S, float>)
    return lut_f32_.data();
  else if constexpr (std::is_same_v<S, uint16_t>)
    return lut_f16_.data();
  else if constexpr (std::is_same_v<S, int8_t>)
    return lut_i8_.data();
  else
    return dt == DType::Bool ? lut_bool_.data() : lut_u8_.data();
}

template <class S>
void TrackFile::decode_flat(const Track& t, uint64_t block, uint64_t first, uint64_t count, DType dt, S* dst) const {
  if (bits_ == 0) {  // mask: every covered position is 1
    std::fill(dst, dst + count, lut<S>(dt)[1]);
    return;
  }
  const uint8_t* p = file_.data() + t.offsets[block];
  if (bits_ < 8) {
    const S* table = lut<S>(dt);
    const uint64_t mask = (1u << bits_) - 1;
    uint64_t bit = first * bits_;
    for (uint64_t i = 0; i < count; ++i, bit += bits_) dst[i] = table[(load64(p + (bit >> 3)) >> (bit & 7)) & mask];
  } else if (bits_ == 8) {
    const S* table = lut<S>(dt);
    p += first;
    for (uint64_t i = 0; i < count; ++i) dst[i] = table[p[i]];
  } else if (bits_ == 16) {
    p += first * 2;
    if constexpr (std::is_same_v<S, uint16_t>) {
      std::memcpy(dst, p, count * 2);
    } else if constexpr (std::is_same_v<S, float>) {
      const float* ht = half_table();
      for (uint64_t i = 0; i < count; ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        dst[i] = ht[h];
      }
    }
  } else if constexpr (std::is_same_v<S, float>) {
    std::memcpy(dst, p + first * 4, count * 4);
  }
}

template <class S>
void TrackFile::read_impl(const Interval& iv, DType dt, S* out, int64_t rs) const {
  const int64_t len = iv.length();
  if (len == 0) return;
  const bool rev = iv.strand == '-';
  const size_t d = dim_;
  const bool packed_rows = rs == static_cast<int64_t>(d);
  auto row_of = [&](int64_t p) { return rev ? iv.end - 1 - p : p - iv.start; };
  const S dflt = default_as<S>(dt);
  auto fill = [&](int64_t a, int64_t z) {  // genomic [a, z) gets the default
    if (a >= z) return;
    int64_t r0 = rev ? iv.end - z : a - iv.start;
    if (packed_rows) {
      std::fill(out + r0 * rs, out + (r0 + z - a) * rs, dflt);
    } else {
      for (int64_t r = r0; r < r0 + z - a; ++r) std::fill(out + r * rs, out + r * rs + d, dflt);
    }
  };
  const Track* t = find(iv.chrom, stranded_ ? iv.strand : '+');
  if (!t) {
    fill(iv.start, iv.end);
    return;
  }
  const int64_t R = res_;
  const int64_t cs = iv.start / R, ce = (iv.end + R - 1) / R;
  uint64_t b = static_cast<uint64_t>(
      std::upper_bound(t->ends, t->ends + t->n, cs, [](int64_t v, uint32_t e) { return v < int64_t(e); }) - t->ends);
  int64_t pos = iv.start;
  std::vector<S> tmp;
  for (; b < t->n && int64_t(t->starts[b]) < ce; ++b) {
    const int64_t bs = int64_t(t->starts[b]);
    const int64_t a = std::max(bs * R, iv.start), z = std::min(int64_t(t->ends[b]) * R, iv.end);
    fill(pos, a);
    pos = z;
    if (R == 1 && packed_rows) {
      S* dst = out + (rev ? iv.end - z : a - iv.start) * rs;
      decode_flat(*t, b, uint64_t(a - bs) * d, uint64_t(z - a) * d, dt, dst);
      if (rev) reverse_rows(dst, z - a, d);
      continue;
    }
    // Decode coarse rows in chunks, then place (and for R > 1 repeat) each row.
    const int64_t k0 = a / R, k1 = (z - 1) / R + 1;
    for (int64_t k = k0; k < k1; k += kChunkRows) {
      const int64_t kend = std::min(k1, k + kChunkRows);
      tmp.resize(size_t(kend - k) * d);
      decode_flat(*t, b, uint64_t(k - bs) * d, uint64_t(kend - k) * d, dt, tmp.data());
      for (int64_t kk = k; kk < kend; ++kk) {
        const S* src = tmp.data() + (kk - k) * d;
        const int64_t p0 = std::max(a, kk * R), p1 = std::min(z, (kk + 1) * R);
        if (packed_rows && d == 1) {
          int64_t r0 = rev ? iv.end - p1 : p0 - iv.start;
          std::fill(out + r0, out + r0 + (p1 - p0), *src);
        } else if (packed_rows) {
          // Identical rows, so their order does not matter: copy one, then double.
          S* dst = out + (rev ? iv.end - p1 : p0 - iv.start) * rs;
          const int64_t n = p1 - p0;
          copy_row(dst, src, d);
          for (int64_t have = 1; have < n;) {
            const int64_t c = std::min(have, n - have);
            std::memcpy(dst + have * int64_t(d), dst, size_t(c) * d * sizeof(S));
            have += c;
          }
        } else {
          for (int64_t p = p0; p < p1; ++p) copy_row(out + row_of(p) * rs, src, d);
        }
      }
    }
  }
  fill(pos, iv.end);
}

void TrackFile::read(const Interval& iv, DType dt, void* out, int64_t row_stride) const {
  check_query(iv, dt);
  switch (dt) {
    case DType::Bool:
    case DType::U8:
      return read_impl(iv, dt, static_cast<uint8_t*>(out), row_stride);
    case DType::I8:
      return read_impl(iv, dt, static_cast<int8_t*>(out), row_stride);
    case DType::F16:
      return read_impl(iv, dt, static_cast<uint16_t*>(out), row_stride);
    case DType::F32:
      return read_impl(iv, dt, static_cast<float*>(out), row_stride);
  }
}

const void* TrackFile::view(const Interval& iv, DType dt) const {
  check_query(iv, dt);
  const ETypeInfo& inf = info();
  if (res_ != 1 || inf.dictionary || bits_ < 8 || dt != inf.default_dtype || iv.empty()) return nullptr;
  if (iv.strand == '-' && iv.length() != 1) return nullptr;  // '-' rows are reversed: not the stored order
  const Track* t = find(iv.chrom, stranded_ ? iv.strand : '+');
  if (!t) return nullptr;
  auto it = std::upper_bound(t->ends, t->ends + t->n, iv.start, [](int64_t v, uint32_t e) { return v < int64_t(e); });
  uint64_t b = static_cast<uint64_t>(it - t->ends);
  if (b >= t->n || int64_t(t->starts[b]) > iv.start || int64_t(t->ends[b]) < iv.end) return nullptr;
  return file_.data() + t->offsets[b] + uint64_t(iv.start - t->starts[b]) * dim_ * (bits_ / 8);
}

std::vector<Interval> TrackFile::intervals() const {
  std::vector<std::pair<ChromId, const Track*>> order;
  const Assembly& a = assembly(refg_);
  for (auto& t : tracks_) order.emplace_back(a.find(names_[t.name_index]), &t);
  std::sort(order.begin(), order.end(), [](auto& x, auto& y) {
    return x.first != y.first ? x.first < y.first : x.second->strand < y.second->strand;
  });
  std::vector<Interval> out;
  for (auto& [c, t] : order)
    for (uint64_t b = 0; b < t->n; ++b)
      out.push_back(Interval::make(c, t->strand, int64_t(t->starts[b]) * res_, int64_t(t->ends[b]) * res_, refg_));
  return out;
}

}  // namespace gk
