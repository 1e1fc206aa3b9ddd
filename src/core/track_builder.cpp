#include "track_builder.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "atomic_writer.h"
#include "binary_format.h"
#include "errors.h"
#include "mapped_file.h"

namespace gk {

namespace {

constexpr uint32_t kMaxDim = 1u << 20;

uint64_t round8(uint64_t n) {
  return (n + 7) & ~uint64_t(7);
}

bool is_integer_dtype(DType d) {
  return d == DType::Bool || d == DType::U8 || d == DType::I8;
}

}  // namespace

Strandedness parse_strandedness(const std::string& s) {
  if (s == "single_stranded") return Strandedness::single_stranded;
  if (s == "strand_unaware") return Strandedness::strand_unaware;
  if (s == "strand_aware") return Strandedness::strand_aware;
  value_error("strandedness must be one of 'single_stranded', 'strand_unaware', or 'strand_aware', got '", s, "'");
}

TrackBuilder::TrackBuilder(std::string path, EType etype, Strandedness strandedness, RefgId refg, uint32_t dim,
                           uint32_t res)
    : path_(std::move(path)),
      etype_(etype),
      bits_(etype_info(etype).bits),
      width_(bits_ <= 8 ? 1 : bits_ / 8),
      strandedness_(strandedness),
      refg_(refg),
      dim_(dim),
      res_(res),
      default_(std::nan("")) {
  if (dim < 1) value_error("Must have dim >= 1, got ", dim);
  if (dim > kMaxDim) value_error("dim ", dim, " is too large (at most ", kMaxDim, ")");
  if (etype == EType::m0 && dim != 1) value_error("Masks (etype m0) can only be 1 dimensional, got dim=", dim);
  if (res < 1) value_error("resolution must be >= 1, got ", res);
  if (etype_info(etype).dictionary) {
    size_t n = size_t(1) << bits_;
    for (size_t i = 0; i < n; ++i) dict_.push_back(static_cast<float>(double(i) / double(n - 1)));
    dict_finite_ = n;
  }
}

TrackBuilder::~TrackBuilder() {
  abort();
}

void TrackBuilder::abort() {
  if (spill_) {
    std::fclose(spill_);
    spill_ = nullptr;
  }
  spill_path_.clear();
}

void TrackBuilder::check_config(const char* method) const {
  if (done_) runtime_error("Cannot call \"", method, "\" after finalize()");
  if (frozen_) runtime_error("Cannot call \"", method, "\" after data has been added");
}

void TrackBuilder::set_default_value(double v) {
  check_config("set_default_value");
  default_ = v;
  default_set_ = true;
}

void TrackBuilder::set_sparsity(int64_t min_run, double min_delta) {
  check_config("set_sparsity");
  if (etype_ == EType::m0) value_error("set_sparsity does not apply to masks (etype m0)");
  if (min_run < 1) value_error("set_sparsity: min_run must be >= 1, got ", min_run);
  if (!(min_delta >= 0)) value_error("set_sparsity: min_delta must be >= 0, got ", min_delta);
  sparse_min_run_ = min_run;
  sparse_min_delta_ = min_delta;
}

void TrackBuilder::set_clamping() {
  check_config("set_clamping");
  clamp_ = true;
}

void TrackBuilder::set_dict(const std::vector<float>& values) {
  check_config("set_dict");
  const ETypeInfo& inf = etype_info(etype_);
  if (!inf.dictionary) value_error("Cannot call set_dict on etype '", inf.name, "' (only f2..f8 use a dictionary)");
  size_t n = size_t(1) << bits_;
  if (values.size() != n)
    value_error("dict array must be of size ", n, " for etype ", inf.name, ", got ", values.size());
  size_t finite = n;
  for (size_t i = 0; i < n; ++i) {
    float v = values[i];
    if (std::isinf(v)) value_error("Dictionary values must be finite, entry ", i, " is ", v);
    if (std::isnan(v)) {
      if (i != n - 1) value_error("Only the last dictionary entry may be NaN, entry ", i, " is NaN");
      finite = n - 1;
    } else if (i > 0 && v < values[i - 1]) {
      value_error("Dictionary must be in non-decreasing order of value: entry ", i, " (", v, ") < entry ", i - 1, " (",
                  values[i - 1], ")");
    }
  }
  if (finite == 0) value_error("Dictionary needs at least one non-NaN entry");
  dict_ = values;
  dict_finite_ = finite;
}

void TrackBuilder::set_transform(double a, double b, double c, double d) {
  check_config("set_transform");
  if (!(a != b) || !std::isfinite(a) || !std::isfinite(b) || !std::isfinite(c) || !std::isfinite(d))
    value_error("set_transform needs finite a != b, got [", a, ", ", b, "] -> [", c, ", ", d, "]");
  transform_ = true;
  tf_a_ = a;
  tf_c_ = c;
  tf_scale_ = (d - c) / (b - a);
}

void TrackBuilder::set_restriction(const Interval& iv) {
  check_config("set_restriction");
  if (iv.refg != refg_)
    value_error("Reference genome mismatch: restriction ", iv.describe(), " is on ", iv.refg_name(), ", the track on ",
                assembly(refg_).name());
  restricted_ = true;
  restriction_ = iv;
  restrict_cs_ = iv.start / res_;
  restrict_ce_ = (iv.end + res_ - 1) / res_;
}

void TrackBuilder::freeze() {
  frozen_ = true;
}

bool TrackBuilder::default_encodable() {
  if (!default_checked_) {
    default_checked_ = true;
    default_codes_.assign(size_t(dim_) * width_, 0);
    if (etype_ != EType::m0) {
      try {
        std::vector<float> row(dim_, static_cast<float>(default_));
        bool saved = transform_;
        transform_ = false;  // the default is a stored value, not raw data
        try {
          encode_row(reinterpret_cast<const uint8_t*>(row.data()), DType::F32, default_codes_.data());
        } catch (...) {
          transform_ = saved;
          throw;
        }
        transform_ = saved;
        default_ok_ = decode_code(default_codes_.data(), 0) == static_cast<float>(default_) ||
                      (std::isnan(default_) && std::isnan(decode_code(default_codes_.data(), 0)));
      } catch (const Error&) {
        default_ok_ = false;
      }
    }
  }
  return default_ok_;
}

uint32_t TrackBuilder::encode_float(double x, bool from_float) const {
  if (from_float && transform_) x = tf_c_ + (x - tf_a_) * tf_scale_;
  const ETypeInfo& inf = etype_info(etype_);
  if (inf.dictionary) {
    const size_t n = dict_.size();
    if (std::isnan(x)) {
      if (dict_finite_ == n) value_error("Cannot encode nan to a dict with no nan entry");
      return static_cast<uint32_t>(n - 1);
    }
    const float lo = dict_[0], hi = dict_[dict_finite_ - 1];
    if (x < lo) {
      if (!clamp_)
        value_error("Value ", x, " was smaller than smallest dictionary value ", lo,
                    " (wrong dict? use set_clamping?)");
      return 0;
    }
    if (x > hi) {
      if (!clamp_)
        value_error("Value ", x, " was larger than largest dictionary value ", hi, " (wrong dict? use set_clamping?)");
      return static_cast<uint32_t>(dict_finite_ - 1);
    }
    // Nearest entry; a tie goes to the larger entry.
    size_t k = static_cast<size_t>(std::lower_bound(dict_.begin(), dict_.begin() + dict_finite_, x) - dict_.begin());
    if (k == 0) return 0;
    if (k < dict_finite_ && double(dict_[k]) - x <= x - double(dict_[k - 1])) return static_cast<uint32_t>(k);
    // several equal entries: the first of the run is as good as any
    return static_cast<uint32_t>(k - 1);
  }
  switch (etype_) {
    case EType::f16: {
      uint16_t h = float_to_half(static_cast<float>(x));
      if ((h & 0x7fffu) == 0x7c00u && std::isfinite(x)) {
        if (!clamp_)
          value_error("Overflow to inf detected when converting value ", x,
                      " to float16: the range is [-65504, 65504]; clamp or scale the values");
        h = static_cast<uint16_t>((h & 0x8000u) | 0x7bffu);
      }
      return h;
    }
    case EType::f32: {
      float f = static_cast<float>(x);
      uint32_t u;
      std::memcpy(&u, &f, 4);
      return u;
    }
    default: {  // integer etypes
      const double lo = etype_ == EType::i8 ? -128 : 0, hi = etype_ == EType::i8 ? 127 : double((1u << bits_) - 1);
      if (!(x >= lo && x <= hi && x == std::floor(x)))
        value_error("Value ", x, " can't be encoded as ", inf.name, ", must be integral value in range [", lo, ",", hi,
                    "]");
      return static_cast<uint32_t>(static_cast<int32_t>(x)) & 0xffu;
    }
  }
}

bool TrackBuilder::stored_as_given(DType dt) const {
  // Integers are never transformed (encode_row); floats only when a transform is set.
  return (etype_ == EType::u8 && dt == DType::U8) || (etype_ == EType::i8 && dt == DType::I8) ||
         (!transform_ && ((etype_ == EType::f16 && dt == DType::F16) || (etype_ == EType::f32 && dt == DType::F32)));
}

void TrackBuilder::encode_row(const uint8_t* src, DType dt, uint8_t* codes) const {
  const bool f16_copy = etype_ == EType::f16 && dt == DType::F16 && !transform_;
  const bool f32_copy = etype_ == EType::f32 && dt == DType::F32 && !transform_;
  for (size_t j = 0; j < dim_; ++j) {
    uint32_t code;
    if (f16_copy) {
      uint16_t h;
      std::memcpy(&h, src + 2 * j, 2);
      code = h;
    } else if (f32_copy) {
      std::memcpy(&code, src + 4 * j, 4);
    } else if (is_integer_dtype(dt)) {
      long v = dt == DType::I8 ? long(reinterpret_cast<const int8_t*>(src)[j]) : long(src[j]);
      code = encode_float(double(v), false);
    } else if (dt == DType::F16) {
      uint16_t h;
      std::memcpy(&h, src + 2 * j, 2);
      code = encode_float(half_to_float(h), true);
    } else {
      float f;
      std::memcpy(&f, src + 4 * j, 4);
      code = encode_float(f, true);
    }
    if (width_ == 1)
      codes[j] = static_cast<uint8_t>(code);
    else if (width_ == 2) {
      uint16_t h = static_cast<uint16_t>(code);
      std::memcpy(codes + 2 * j, &h, 2);
    } else {
      std::memcpy(codes + 4 * j, &code, 4);
    }
  }
}

double TrackBuilder::decode_code(const uint8_t* codes, size_t j) const {
  const ETypeInfo& inf = etype_info(etype_);
  if (inf.dictionary) return dict_[codes[j]];
  if (etype_ == EType::f16) {
    uint16_t h;
    std::memcpy(&h, codes + 2 * j, 2);
    return half_to_float(h);
  }
  if (etype_ == EType::f32) {
    float f;
    std::memcpy(&f, codes + 4 * j, 4);
    return f;
  }
  if (etype_ == EType::i8) return static_cast<int8_t>(codes[j]);
  return codes[j];
}

void TrackBuilder::set_data(const Interval& iv, const void* data, DType dt, int64_t rows) {
  if (done_) runtime_error("Cannot add data after finalize()");
  if (iv.refg != refg_)
    value_error("Reference genome mismatch: interval ", iv.describe(), " is on ", iv.refg_name(), ", the track on ",
                assembly(refg_).name());
  if (iv.strand == '-' && strandedness_ == Strandedness::single_stranded)
    value_error("Cannot specify interval on negative strand for an unstranded track: ", iv.describe());
  if (iv.start < 0) value_error("Interval start ", iv.start, " is invalid: ", iv.describe());
  if (iv.start % res_ != 0 || iv.end % res_ != 0)
    value_error("Interval ", iv.describe(), " must be aligned to resolution=", res_,
                " (0-based start and end multiples of ", res_, ")");
  const int64_t want = iv.length() / res_;
  if (etype_ != EType::m0) {
    if (!can_encode(etype_, dt))
      type_error("Cannot encode as ", etype_info(etype_).name, " using decoded type ", dtype_name(dt));
    if (rows != want) value_error("Data must have ", want, " rows for ", iv.describe(), ", got ", rows);
  }
  if (want == 0) return;
  const bool reverse = iv.strand == '-' && strandedness_ == Strandedness::strand_aware;
  try {
    add_block(iv.chrom, stranded() ? iv.strand : '+', iv.start / res_, iv.end / res_, data, dt, reverse);
  } catch (const Error& e) {
    fail(e.kind(), "for ", iv.describe(), ": ", e.what());
  }
}

void TrackBuilder::add_block(ChromId chrom, char strand, int64_t cs, int64_t ce, const void* data, DType dt,
                             bool reverse) {
  if (done_) runtime_error("Cannot add data after finalize()");
  if (sealed_.count(chrom))
    value_error("chromosome ", assembly(refg_).chrom_name(chrom), " was flushed; no more data can be added to it");
  freeze();
  const int64_t rows = ce - cs;
  int64_t a = cs, z = ce;
  if (restricted_) {
    if (chrom != restriction_.chrom) return;
    a = std::max(a, restrict_cs_);
    z = std::min(z, restrict_ce_);
    if (a >= z) return;
  }
  if (z > int64_t(std::numeric_limits<uint32_t>::max()))
    value_error("position ", z * res_, " is beyond the largest supported chromosome size");
  auto& taken = taken_[{chrom, strand}];
  auto it = taken.lower_bound(z);
  if (it != taken.begin() && std::prev(it)->second > a) {
    auto p = std::prev(it);
    value_error("Overlapping blocks are not allowed: data already covers ", assembly(refg_).chrom_name(chrom), ":",
                p->first * res_ + 1, "-", p->second * res_, ":", strand);
  }

  const size_t d = dim_, n = size_t(z - a);
  std::vector<uint8_t> codes(n * d * width_);
  if (etype_ != EType::m0) {
    const size_t src_row = d * dtype_size(dt);
    const uint8_t* base = static_cast<const uint8_t*>(data);
    if (stored_as_given(dt)) {  // the input bytes are the codes: whole rows copied
      if (!reverse)
        std::memcpy(codes.data(), base + size_t(a - cs) * src_row, n * src_row);
      else
        for (size_t r = 0; r < n; ++r)
          std::memcpy(codes.data() + r * src_row, base + size_t(rows - 1 - (a + int64_t(r) - cs)) * src_row, src_row);
    } else {
      for (size_t r = 0; r < n; ++r) {
        int64_t k = a + int64_t(r) - cs;  // row in reference order within the given block
        int64_t srow = reverse ? rows - 1 - k : k;
        encode_row(base + size_t(srow) * src_row, dt, codes.data() + r * d * width_);
      }
    }
  }
  taken.emplace(a, z);

  if (sparse_min_run_ == 0) {
    write_segment(chrom, strand, a, z, codes.data());
    return;
  }
  // Sparsity: drop runs of >= min_run rows equal (within min_delta) to the default.
  const bool snap = sparse_min_delta_ > 0 && default_encodable();
  const double dflt = default_;
  std::vector<char> is_def(n);
  for (size_t r = 0; r < n; ++r) {
    bool all = true;
    for (size_t j = 0; j < d; ++j) {
      double v = decode_code(codes.data(), r * d + j);
      bool near = v == dflt || (std::isnan(v) && std::isnan(dflt)) || std::fabs(v - dflt) <= sparse_min_delta_;
      if (near && snap) std::memcpy(codes.data() + (r * d + j) * width_, default_codes_.data() + j * width_, width_);
      all = all && near;
    }
    is_def[r] = all;
  }
  size_t seg = 0, r = 0;
  while (r < n) {
    if (!is_def[r]) {
      ++r;
      continue;
    }
    size_t run = r;
    while (run < n && is_def[run]) ++run;
    if (int64_t(run - r) >= sparse_min_run_) {
      if (r > seg) write_segment(chrom, strand, a + int64_t(seg), a + int64_t(r), codes.data() + seg * d * width_);
      seg = run;
    }
    r = run;
  }
  if (n > seg) write_segment(chrom, strand, a + int64_t(seg), z, codes.data() + seg * d * width_);
}

void TrackBuilder::write_segment(ChromId chrom, char strand, int64_t cs, int64_t ce, const uint8_t* codes) {
  const uint64_t values = uint64_t(ce - cs) * dim_;
  const uint64_t bytes = packed_bytes(values, bits_);
  if (bytes > 0) {
    if (!spill_) {
      std::string tmpl = path_ + ".spill-XXXXXX";
      std::vector<char> buf(tmpl.begin(), tmpl.end());
      buf.push_back('\0');
      int fd = ::mkstemp(buf.data());
      if (fd < 0) os_error("cannot create a temporary file next to ", path_, ": ", std::strerror(errno));
      spill_path_ = buf.data();
      // Unlinked at once: a killed builder leaves nothing behind.
      ::unlink(spill_path_.c_str());
      spill_ = ::fdopen(fd, "w+b");
      if (!spill_) {
        ::close(fd);
        os_error("cannot write ", spill_path_, ": ", std::strerror(errno));
      }
    }
    const uint8_t* out = codes;
    if (bits_ < 8) {
      pack_buf_.assign(bytes, 0);
      for (uint64_t i = 0; i < values; ++i) {
        uint64_t bit = i * bits_;
        unsigned sh = bit & 7;
        uint32_t c = codes[i];
        pack_buf_[bit >> 3] |= static_cast<uint8_t>(c << sh);
        if (sh + bits_ > 8) pack_buf_[(bit >> 3) + 1] |= static_cast<uint8_t>(c >> (8 - sh));
      }
      out = pack_buf_.data();
    }
    if (std::fwrite(out, 1, bytes, spill_) != bytes) os_error("cannot write ", spill_path_, ": ", std::strerror(errno));
  }
  blocks_.push_back({chrom, strand, uint32_t(cs), uint32_t(ce), spill_size_, bytes});
  spill_size_ += bytes;
  data_size_ += uint64_t(ce - cs);
}

void TrackBuilder::flush() {
  if (done_) runtime_error("Cannot call \"flush\" after finalize()");
  for (auto& b : blocks_) sealed_.insert(b.chrom);
  if (spill_ && std::fflush(spill_) != 0) os_error("cannot write ", spill_path_, ": ", std::strerror(errno));
}

void TrackBuilder::finalize() {
  if (done_) runtime_error("finalize() was already called for ", path_);
  done_ = true;
  if (spill_ && std::fflush(spill_) != 0) os_error("cannot write ", spill_path_, ": ", std::strerror(errno));

  std::vector<size_t> order(blocks_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Block &a = blocks_[x], &b = blocks_[y];
    if (a.chrom != b.chrom) return a.chrom < b.chrom;
    if (a.strand != b.strand) return a.strand < b.strand;  // '+' (43) before '-' (45)
    return a.start < b.start;
  });
  struct Group {
    ChromId chrom;
    char strand;
    size_t first, count;
    uint64_t index_offset;
  };
  std::vector<Group> groups;
  std::vector<ChromId> chroms;
  for (size_t i = 0; i < order.size(); ++i) {
    const Block& b = blocks_[order[i]];
    if (groups.empty() || groups.back().chrom != b.chrom || groups.back().strand != b.strand) {
      groups.push_back({b.chrom, b.strand, i, 0, 0});
      if (chroms.empty() || chroms.back() != b.chrom) chroms.push_back(b.chrom);
    }
    ++groups.back().count;
  }

  AtomicFileWriter out(path_);
  begin_binary_file(out, kTrackMagic, kTrackVersion);
  TrackHeader h{};
  h.etype = static_cast<uint8_t>(etype_);
  h.bits = static_cast<uint8_t>(bits_);
  h.stranded = stranded() ? 1 : 0;
  h.dim = dim_;
  h.resolution = res_;
  h.default_value = default_set_ ? default_ : std::nan("");
  out.write_pod(h);

  out.pad_to(8);
  h.dict_offset = out.tell();
  h.dict_size = static_cast<uint32_t>(dict_.size());
  out.write_vector(dict_);

  out.pad_to(8);
  h.names_offset = out.tell();
  h.num_chroms = static_cast<uint32_t>(chroms.size());
  for (ChromId c : chroms) {
    const std::string& name = assembly(refg_).chrom_name(c);
    uint32_t n = static_cast<uint32_t>(name.size());
    out.write_pod(n);
    out.write(name.data(), n);
  }
  h.names_size = out.tell() - h.names_offset;

  out.pad_to(8);
  const std::string& refg_name = assembly(refg_).name();
  h.refg_offset = out.tell();
  h.refg_size = static_cast<uint32_t>(refg_name.size());
  out.write(refg_name.data(), refg_name.size());

  out.pad_to(8);
  h.meta_offset = out.tell();
  h.meta_size = metadata_.size();
  out.write(metadata_.data(), metadata_.size());

  out.pad_to(8);
  h.table_offset = out.tell();
  h.num_tracks = static_cast<uint32_t>(groups.size());
  uint64_t cur = h.table_offset + groups.size() * sizeof(TrackEntry);
  for (auto& g : groups) {
    g.index_offset = cur;
    cur += round8(g.count * ((bits_ > 0 ? 8 : 0) + 8));
  }
  h.data_offset = cur;
  std::vector<uint64_t> payload(blocks_.size());
  for (size_t i = 0; i < order.size(); ++i) {
    payload[i] = cur;
    cur += round8(blocks_[order[i]].bytes);
  }
  h.data_size = cur - h.data_offset + kDataPadBytes;

  size_t ci = 0;
  for (auto& g : groups) {
    while (chroms[ci] != g.chrom) ++ci;
    TrackEntry e{};
    e.chrom = static_cast<uint32_t>(ci);
    e.strand = static_cast<uint8_t>(g.strand);
    e.num_blocks = g.count;
    e.index_offset = g.index_offset;
    out.write_pod(e);
  }
  for (auto& g : groups) {
    if (bits_ > 0)
      for (size_t i = g.first; i < g.first + g.count; ++i) out.write_pod(payload[i]);
    for (size_t i = g.first; i < g.first + g.count; ++i) out.write_pod(blocks_[order[i]].start);
    for (size_t i = g.first; i < g.first + g.count; ++i) out.write_pod(blocks_[order[i]].end);
    out.pad_to(8);
  }
  if (out.tell() != h.data_offset) runtime_error("internal error: track layout mismatch");
  if (spill_size_ > 0) {
    MappedFile spill(::fileno(spill_), spill_path_);
    for (size_t i = 0; i < order.size(); ++i) {
      const Block& b = blocks_[order[i]];
      out.write(spill.array_at<uint8_t>(b.spill_offset, b.bytes, "spill"), b.bytes);
      out.pad_to(8);
    }
  }
  static const uint8_t zeros[kDataPadBytes] = {};
  out.write(zeros, sizeof zeros);
  out.write_at(kTrackHeaderOffset, &h, sizeof h);
  finish_binary_file(out);
  abort();  // removes the spill file
}

}  // namespace gk
