#include "track_reader.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "binary_format.h"
#include "errors.h"
#include "utf8.h"

namespace gk {

namespace {

constexpr uint32_t kMaxDim = 1u << 20;
// Values decoded per step into a stack buffer (reversed '-' rows, R > 1 rows).
constexpr int64_t kTmpValues = 4096;
// Jump tables aim at about this many blocks per bucket.
constexpr uint64_t kBlocksPerBucket = 2;
// Blocks ahead whose payload a read prefetches.
constexpr uint64_t kPrefetchBlocks = 4;

// ---- The read loop and its kernels ------------------------------------------------------------------
//
// The loop is compiled twice: for baseline x86-64 (or whatever the build
// targets) and, on x86 with GCC/Clang, for AVX2 through a target attribute on
// its entry point; TrackFile::read picks one by CPU detection, once. Every
// kernel the loop calls is force-inlined into the entry point, so each copy is
// vectorized for its own instruction set (32-byte stores, conversions), while
// out-of-line code stays baseline: nothing AVX2 can leak into other callers.

#if defined(__GNUC__) || defined(__clang__)
#define GK_INLINE __attribute__((always_inline)) inline
#else
#define GK_INLINE inline
#endif

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define GK_TRACK_AVX2 1
const bool kHaveAvx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}();
#endif

GK_INLINE uint64_t load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

/// A 64-bit word holding 8 / sizeof(S) copies of v.
template <class S>
GK_INLINE uint64_t splat(S v) {
  if constexpr (sizeof(S) == 1) {
    return 0x0101010101010101ull * static_cast<uint8_t>(v);
  } else if constexpr (sizeof(S) == 2) {
    return 0x0001000100010001ull * static_cast<uint16_t>(v);
  } else {
    uint32_t x;
    std::memcpy(&x, &v, 4);
    return 0x0000000100000001ull * x;
  }
}

// Short copies and fills dominate reads of sparse tracks (blocks and gaps of
// a few hundred bytes, rows of R values): inline moves by size class, where
// the first and last stores of a class may overlap (same bytes), so a call
// costs one well-predicted branch instead of a loop exit or a libc call. The
// 32-byte vector type becomes one AVX store in the AVX2 copy of the read
// loop, two SSE stores in the baseline one.
#if defined(__GNUC__) || defined(__clang__)
#define GK_VECTOR_MOVES 1
// The helpers below are always inlined, so no 32-byte vector crosses a call boundary.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef uint64_t v32 __attribute__((vector_size(32), aligned(1)));
typedef uint64_t v16 __attribute__((vector_size(16), aligned(1)));
GK_INLINE v32 ld32(const unsigned char* p) {
  return *reinterpret_cast<const v32*>(p);
}
GK_INLINE void st32(unsigned char* p, v32 x) {
  *reinterpret_cast<v32*>(p) = x;
}
GK_INLINE v16 ld16(const unsigned char* p) {
  return *reinterpret_cast<const v16*>(p);
}
GK_INLINE void st16(unsigned char* p, v16 x) {
  *reinterpret_cast<v16*>(p) = x;
}
#endif

template <class T>
GK_INLINE T ld(const unsigned char* p) {
  T x;
  std::memcpy(&x, p, sizeof(T));
  return x;
}
template <class T>
GK_INLINE void st(unsigned char* p, T x) {
  std::memcpy(p, &x, sizeof(T));
}

/// memcpy of non-overlapping ranges, inline up to 512 bytes.
GK_INLINE void copy_bytes(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (n > 512) {
    std::memcpy(d, s, n);
    return;
  }
#ifdef GK_VECTOR_MOVES
  if (n >= 32) {
    if (n <= 64) {
      const v32 a = ld32(s), z = ld32(s + n - 32);
      st32(d, a);
      st32(d + n - 32, z);
    } else if (n <= 128) {
      const v32 a = ld32(s), b = ld32(s + 32), y = ld32(s + n - 64), z = ld32(s + n - 32);
      st32(d, a);
      st32(d + 32, b);
      st32(d + n - 64, y);
      st32(d + n - 32, z);
    } else {
      const v32 y = ld32(s + n - 64), z = ld32(s + n - 32);
      for (size_t i = 0; i + 64 < n; i += 64) {
        st32(d + i, ld32(s + i));
        st32(d + i + 32, ld32(s + i + 32));
      }
      st32(d + n - 64, y);
      st32(d + n - 32, z);
    }
    return;
  }
  if (n >= 16) {
    const v16 a = ld16(s), z = ld16(s + n - 16);
    st16(d, a);
    st16(d + n - 16, z);
    return;
  }
#else
  if (n >= 16) {
    std::memcpy(d, s, n);
    return;
  }
#endif
  if (n >= 8) {
    const uint64_t a = ld<uint64_t>(s), z = ld<uint64_t>(s + n - 8);
    st(d, a);
    st(d + n - 8, z);
  } else if (n >= 4) {
    const uint32_t a = ld<uint32_t>(s), z = ld<uint32_t>(s + n - 4);
    st(d, a);
    st(d + n - 4, z);
  } else {
    for (size_t i = 0; i < n; ++i) d[i] = s[i];
  }
}

/// count copies of v, inline; long runs of a byte pattern go to memset.
template <class S>
GK_INLINE void fill_run(S* dst, S v, int64_t count) {
  const uint64_t w = splat(v);
  const size_t n = size_t(count) * sizeof(S);
  auto* p = reinterpret_cast<unsigned char*>(dst);
  // Every store below starts at a multiple of sizeof(S) (n is one), and the
  // pattern repeats every sizeof(S) bytes, so overlapping stores agree.
#ifdef GK_VECTOR_MOVES
  if (n >= 32) {
    const v32 x = {w, w, w, w};
    if (n <= 64) {
      st32(p, x);
      st32(p + n - 32, x);
    } else if (n <= 128) {
      st32(p, x);
      st32(p + 32, x);
      st32(p + n - 64, x);
      st32(p + n - 32, x);
    } else if (n >= 1024 && w == 0x0101010101010101ull * (w & 0xff)) {
      std::memset(p, int(w & 0xff), n);
    } else {
      for (size_t i = 0; i + 64 < n; i += 64) {
        st32(p + i, x);
        st32(p + i + 32, x);
      }
      st32(p + n - 64, x);
      st32(p + n - 32, x);
    }
    return;
  }
  if (n >= 16) {
    const v16 x = {w, w};
    st16(p, x);
    st16(p + n - 16, x);
    return;
  }
#else
  if (n >= 16) {
    for (size_t i = 0; i + 8 < n; i += 8) st(p + i, w);
    st(p + n - 8, w);
    return;
  }
#endif
  if (n >= 8) {
    st(p, w);
    st(p + n - 8, w);
  } else if (n >= 4) {
    st(p, uint32_t(w));
    st(p + n - 4, uint32_t(w));
  } else {
    for (int64_t i = 0; i < count; ++i) dst[i] = v;
  }
}

/// Reverses the order of the 8 / sizeof(S) values packed in a 64-bit word.
template <class S>
GK_INLINE uint64_t reverse_lanes(uint64_t w) {
  if constexpr (sizeof(S) == 1) {
    return __builtin_bswap64(w);
  } else if constexpr (sizeof(S) == 2) {
    w = (w >> 32) | (w << 32);
    return ((w >> 16) & 0x0000ffff0000ffffull) | ((w & 0x0000ffff0000ffffull) << 16);
  } else if constexpr (sizeof(S) == 4) {
    return (w >> 32) | (w << 32);
  } else {
    return w;
  }
}

/// dst[c - 1 - j] = src[j] for j < c, a word at a time.
template <class S>
GK_INLINE void reverse_copy(S* dst, const S* src, int64_t c) {
  constexpr int64_t k = 8 / sizeof(S);
  int64_t j = 0;
  for (; j + k <= c; j += k) {
    uint64_t w;
    std::memcpy(&w, src + j, 8);
    w = reverse_lanes<S>(w);
    std::memcpy(dst + (c - j - k), &w, 8);
  }
  for (; j < c; ++j) std::memcpy(dst + (c - 1 - j), src + j, sizeof(S));
}

/// Rows of d values: row j of src becomes row c - 1 - j of dst.
template <class S>
GK_INLINE void reverse_rows_copy(S* dst, const S* src, int64_t c, int64_t d) {
  if (d == 1) return reverse_copy(dst, src, c);
  // Rows of 2, 4 or 8 bytes (e.g. u8 dim 4) reverse as single values of that width: a byte swap per word,
  // not a small copy per row.
  switch (size_t(d) * sizeof(S)) {
    case 2:
      return reverse_copy(reinterpret_cast<uint16_t*>(dst), reinterpret_cast<const uint16_t*>(src), c);
    case 4:
      return reverse_copy(reinterpret_cast<uint32_t*>(dst), reinterpret_cast<const uint32_t*>(src), c);
    case 8:
      return reverse_copy(reinterpret_cast<uint64_t*>(dst), reinterpret_cast<const uint64_t*>(src), c);
    default:
      break;
  }
  for (int64_t j = 0; j < c; ++j) copy_bytes(dst + (c - 1 - j) * d, src + j * d, size_t(d) * sizeof(S));
}

// ---- Decode kernels: `count` stored values from value index `first` of a
// payload `p` into dst. Payloads sit inside the data region, which ends with
// 8 zero bytes, so a 64-bit load at any payload byte stays inside the file.

/// Kinds of kernel; TrackFile::read picks one per read, not per value.
enum class Kernel : uint8_t { Mask, Packed, Copy, Lut8, U8ToFloat, I8ToFloat, HalfToFloat };

/// Bit-packed codes (B = 1..6 bits, LSB first) through a code -> value table.
/// Groups of 8 values start on a byte boundary (8*B bits), so the body loads
/// one word per group and extracts with constant shifts.
template <unsigned B, class S>
GK_INLINE void unpack(const uint8_t* p, uint64_t first, uint64_t count, const S* lut, S* dst) {
  constexpr uint64_t mask = (uint64_t(1) << B) - 1;
  uint64_t i = 0, v = first;
  for (; i < count && (v & 7); ++i, ++v) {
    const uint64_t bit = v * B;
    dst[i] = lut[(load64(p + (bit >> 3)) >> (bit & 7)) & mask];
  }
  for (; i + 8 <= count; i += 8, v += 8) {
    const uint64_t w = load64(p + (v >> 3) * B);
    for (unsigned j = 0; j < 8; ++j) dst[i + j] = lut[(w >> (j * B)) & mask];
  }
  for (; i < count; ++i, ++v) {
    const uint64_t bit = v * B;
    dst[i] = lut[(load64(p + (bit >> 3)) >> (bit & 7)) & mask];
  }
}

/// 8-bit codes through a 256-entry table, eight codes per load; with
/// `reversed`, value i goes to dst[count - 1 - i].
template <bool reversed, class S>
GK_INLINE void lut8(const uint8_t* p, uint64_t count, const S* lut, S* dst) {
  uint64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const uint64_t w = load64(p + i);
    for (unsigned j = 0; j < 8; ++j) {
      const S x = lut[(w >> (8 * j)) & 0xff];
      if constexpr (reversed)
        dst[count - 1 - i - j] = x;
      else
        dst[i + j] = x;
    }
  }
  for (; i < count; ++i) {
    if constexpr (reversed)
      dst[count - 1 - i] = lut[p[i]];
    else
      dst[i] = lut[p[i]];
  }
}

template <class S>
struct Decoder {
  const uint8_t* data = nullptr;      // start of the mapped file
  const uint64_t* offsets = nullptr;  // payload offset of each block
  const S* lut = nullptr;
  Kernel kind = Kernel::Copy;
  unsigned bits = 0;

  /// The stored values themselves when they need no decoding (Copy), else nullptr.
  GK_INLINE const S* stored(uint64_t block, uint64_t first) const {
    return kind == Kernel::Copy ? reinterpret_cast<const S*>(data + offsets[block]) + first : nullptr;
  }

  GK_INLINE void operator()(uint64_t block, uint64_t first, uint64_t count, S* dst) const {
    if (kind == Kernel::Mask) return fill_run(dst, lut[1], int64_t(count));
    const uint8_t* p = data + offsets[block];
    switch (kind) {
      case Kernel::Copy:
        copy_bytes(dst, p + first * sizeof(S), count * sizeof(S));
        return;
      case Kernel::Lut8:
        return lut8<false>(p + first, count, lut, dst);
      case Kernel::U8ToFloat:
        if constexpr (std::is_same_v<S, float>)
          for (uint64_t i = 0; i < count; ++i) dst[i] = static_cast<float>(p[first + i]);
        return;
      case Kernel::I8ToFloat:
        if constexpr (std::is_same_v<S, float>)
          for (uint64_t i = 0; i < count; ++i) dst[i] = static_cast<float>(static_cast<int8_t>(p[first + i]));
        return;
      case Kernel::HalfToFloat:
        if constexpr (std::is_same_v<S, float>) halves_to_floats(p + first * 2, dst, count);
        return;
      case Kernel::Packed:
        switch (bits) {
          case 1:
            return unpack<1>(p, first, count, lut, dst);
          case 2:
            return unpack<2>(p, first, count, lut, dst);
          case 3:
            return unpack<3>(p, first, count, lut, dst);
          case 4:
            return unpack<4>(p, first, count, lut, dst);
          case 5:
            return unpack<5>(p, first, count, lut, dst);
          default:
            return unpack<6>(p, first, count, lut, dst);
        }
      case Kernel::Mask:
        return;
    }
  }
};

/// Everything one read needs, resolved by TrackFile::read_impl.
template <class S>
struct ReadArgs {
  Decoder<S> dec;
  const uint32_t* starts;
  const uint32_t* ends;
  uint64_t n;  // blocks of the track
  uint64_t b;  // first block ending after the window's first coarse row
  int64_t start, end, d, R, rs;
  bool rev;
  S dflt;
  S* out;
};

/// Writes the window [start, end) into `out` (see TrackFile::read).
template <class S>
GK_INLINE void read_loop(const ReadArgs<S>& args) {
  // Everything is copied into locals: stores through `out` (a char type for
  // 8-bit results) could otherwise alias the arguments and force reloads.
  const Decoder<S> dec = args.dec;
  const uint32_t* const starts = args.starts;
  const uint32_t* const ends = args.ends;
  const uint64_t n = args.n;
  const int64_t start = args.start, end = args.end, d = args.d, R = args.R, rs = args.rs;
  const bool rev = args.rev, packed_rows = rs == d;
  const S dflt = args.dflt;
  S* const out = args.out;
  uint64_t b = args.b;
  int64_t pos = start;
  auto fill = [=](int64_t a, int64_t z) {  // genomic [a, z) gets the default
    if (a >= z) return;
    const int64_t r0 = rev ? end - z : a - start;
    if (packed_rows) {
      fill_run(out + r0 * d, dflt, (z - a) * d);
    } else {
      for (int64_t r = r0; r < r0 + z - a; ++r) fill_run(out + r * rs, dflt, d);
    }
  };

  if (R == 1 && packed_rows && !rev) {
    // The common case: rows in stored order, contiguous. Decode each block's
    // part straight into place; gaps get the default.
    for (; b < n && int64_t(starts[b]) < end; ++b) {
      const int64_t bs = starts[b];
      const int64_t a = std::max(bs, start), z = std::min(int64_t(ends[b]), end);
#if defined(__GNUC__) || defined(__clang__)
      // Payloads are short and contiguous, and hardware prefetchers stop at page boundaries:
      // ask for a later block's bytes now.
      if (dec.offsets && b + kPrefetchBlocks < n) __builtin_prefetch(dec.data + dec.offsets[b + kPrefetchBlocks]);
#endif
      fill(pos, a);
      dec(b, uint64_t(a - bs) * uint64_t(d), uint64_t((z - a) * d), out + (a - start) * d);
      pos = z;
    }
    fill(pos, end);
    return;
  }

  // Scratch rows for reversed and repeated rows: on the stack unless one row is larger.
  S stack_tmp[kTmpValues];
  std::vector<S> heap_tmp;
  S* tmp = stack_tmp;
  int64_t tmp_rows = kTmpValues / d;
  if (tmp_rows == 0) {
    heap_tmp.resize(size_t(d));
    tmp = heap_tmp.data();
    tmp_rows = 1;
  }

  const int64_t ce = (end + R - 1) / R;
  for (; b < n && int64_t(starts[b]) < ce; ++b) {
    const int64_t bs = int64_t(starts[b]);
    const int64_t a = std::max(bs * R, start), z = std::min(int64_t(ends[b]) * R, end);
    fill(pos, a);
    pos = z;
    if (R == 1 && packed_rows) {  // '-': rows reversed
      const int64_t rows = z - a;
      S* dst = out + (end - z) * d;
      const uint64_t first = uint64_t(a - bs) * uint64_t(d);
      if (const S* src = dec.stored(b, first)) {
        reverse_rows_copy(dst, src, rows, d);  // stored as is: reverse straight from the file
      } else if (d == 1 && dec.kind == Kernel::Lut8) {
        lut8<true>(dec.data + dec.offsets[b] + first, uint64_t(rows), dec.lut, dst);
      } else if (d >= 16 && dec.kind != Kernel::Packed) {
        // Wide rows: decode each straight into its reversed place.
        for (int64_t r = 0; r < rows; ++r) dec(b, first + uint64_t(r * d), uint64_t(d), dst + (rows - 1 - r) * d);
      } else {
        // Decode a chunk into the scratch buffer (in L1), then store its rows reversed.
        for (int64_t r = 0; r < rows; r += tmp_rows) {
          const int64_t c = std::min(tmp_rows, rows - r);
          dec(b, first + uint64_t(r * d), uint64_t(c * d), tmp);
          reverse_rows_copy(dst + (rows - r - c) * d, tmp, c, d);
        }
      }
      continue;
    }
    // Decode coarse rows in chunks, then place (and for R > 1 repeat) each row.
    const int64_t k0 = a / R, k1 = (z - 1) / R + 1;
    for (int64_t k = k0; k < k1; k += tmp_rows) {
      const int64_t kend = std::min(k1, k + tmp_rows);
      dec(b, uint64_t(k - bs) * uint64_t(d), uint64_t((kend - k) * d), tmp);
      if (packed_rows && d == 1) {
        // Rows [f0, f1) lie wholly inside [a, z): runs of exactly R at a fixed step.
        const int64_t f0 = std::min(std::max(k, (a + R - 1) / R), kend), f1 = std::max(std::min(kend, z / R), f0);
        auto edge = [&](int64_t kk) {
          const int64_t p0 = std::max(a, kk * R), p1 = std::min(z, kk * R + R);
          fill_run(out + (rev ? end - p1 : p0 - start), tmp[kk - k], p1 - p0);
        };
        for (int64_t kk = k; kk < f0; ++kk) edge(kk);
        if (f0 < f1) {
          S* dst = out + (rev ? end - (f0 + 1) * R : f0 * R - start);
          const int64_t step = rev ? -R : R;
          for (int64_t kk = f0; kk < f1; ++kk, dst += step) fill_run(dst, tmp[kk - k], R);
        }
        for (int64_t kk = f1; kk < kend; ++kk) edge(kk);
        continue;
      }
      for (int64_t kk = k; kk < kend; ++kk) {
        const S* src = tmp + (kk - k) * d;
        const int64_t p0 = std::max(a, kk * R), p1 = std::min(z, kk * R + R);
        if (packed_rows) {
          // Identical rows, so their order does not matter: copy one, then double.
          S* dst = out + (rev ? end - p1 : p0 - start) * d;
          const int64_t m = p1 - p0;
          copy_bytes(dst, src, size_t(d) * sizeof(S));
          for (int64_t have = 1; have < m;) {
            const int64_t c = std::min(have, m - have);
            std::memcpy(dst + have * d, dst, size_t(c * d) * sizeof(S));
            have += c;
          }
        } else {
          for (int64_t p = p0; p < p1; ++p)
            copy_bytes(out + (rev ? end - 1 - p : p - start) * rs, src, size_t(d) * sizeof(S));
        }
      }
    }
  }
  fill(pos, end);
}

template <class S>
void read_loop_baseline(const ReadArgs<S>& args) {
  read_loop(args);
}

#ifdef GK_TRACK_AVX2
template <class S>
__attribute__((target("avx2"))) void read_loop_avx2(const ReadArgs<S>& args) {
  read_loop(args);
}
#endif

template <class S>
void run_read_loop(const ReadArgs<S>& args) {
#ifdef GK_TRACK_AVX2
  if (kHaveAvx2) return read_loop_avx2(args);
#endif
  read_loop_baseline(args);
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
    if (!is_stored_name(names_.back())) file_.corrupt(cat("chromosome name #", i, " is not a valid name"));
    at += n;
  }
  refg_name_.assign(file_.array_at<char>(h.refg_offset, h.refg_size, "reference genome name"), h.refg_size);
  if (!is_stored_name(refg_name_) || refg_name_[0] == '.') file_.corrupt("the reference genome name is not valid");
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
    // Bases are coarse positions x resolution: they must fit int64 comfortably.
    if (t.n > 0 && uint64_t(t.ends[t.n - 1]) * res_ > (uint64_t(1) << 62))
      file_.corrupt(cat("blocks of ", names_[e.chrom], ":", t.strand, " end past 2^62 bases"));
    if (t.n > 0) {
      // Buckets of 2^shift coarse positions, about kBlocksPerBucket blocks each.
      const uint64_t last = t.ends[t.n - 1];
      while ((last >> t.jump_shift) > t.n / kBlocksPerBucket) ++t.jump_shift;
      t.jump.resize((last >> t.jump_shift) + 1);
      uint64_t b = 0;
      for (uint64_t j = 0; j < t.jump.size(); ++j) {
        while (b < t.n && t.ends[b] <= (j << t.jump_shift)) ++b;
        t.jump[j] = static_cast<uint32_t>(b);
      }
    }
    tracks_.push_back(std::move(t));
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
  default_bool_ = default_as<uint8_t>(DType::Bool);
  default_u8_ = default_as<uint8_t>(DType::U8);
  default_i8_ = default_as<int8_t>(DType::I8);
  default_f16_ = default_as<uint16_t>(DType::F16);
  default_f32_ = default_as<float>(DType::F32);
}

uint64_t TrackFile::Track::first_ending_after(int64_t c) const {
  if (n == 0 || c >= int64_t(ends[n - 1])) return n;
  if (c < 0) c = 0;                              // positions before 0 (padded reads, views) search from the first block
  const uint64_t j = uint64_t(c) >> jump_shift;  // < jump.size() since c < last end
  const uint64_t lo = jump[j], hi = j + 1 < jump.size() ? jump[j + 1] : n;
#if defined(__GNUC__) || defined(__clang__)
  // The block is almost always `lo` or the next one: start loading its start and payload offset now,
  // in parallel with the search over `ends`, rather than after it.
  __builtin_prefetch(starts + lo);
  if (offsets) __builtin_prefetch(offsets + lo);
#endif
  return static_cast<uint64_t>(
      std::upper_bound(ends + lo, ends + hi, c, [](int64_t v, uint32_t e) { return v < int64_t(e); }) - ends);
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
void TrackFile::read_impl(const Interval& iv, DType dt, S* out, int64_t rs) const {
  // Positions before 0 read the default, as positions past the chromosome end do (genome.dna pads
  // with N alike): windows centred near either end are normal model inputs. They are the first rows,
  // or the last ones of a '-' read (5'->3').
  const bool rev = iv.strand == '-';
  const int64_t before = iv.start < 0 ? std::min<int64_t>(iv.end, 0) - iv.start : 0;
  if (before > 0) {
    S* pad = rev ? out + (iv.length() - before) * rs : out;
    read_rows(ChromId(-1), '+', 0, before, 1, false, dt, pad, rs);  // no chromosome, no blocks: the default
    if (!rev) out += before * rs;
  }
  read_rows(iv.chrom, iv.strand, iv.start + before, iv.end, res_, rev, dt, out, rs);
}

void TrackFile::read_stored_rows(ChromId chrom, char strand, int64_t first, int64_t last, bool reversed, float* out,
                                 int64_t row_stride) const {
  read_rows(chrom, strand, first, last, 1, reversed, DType::F32, out, row_stride);
}

/// Rows [start, end) in units of R bases (R = res_ for bases, 1 for stored rows), reversed when `rev`.
template <class S>
void TrackFile::read_rows(ChromId chrom, char strand, int64_t start, int64_t end, int64_t R, bool rev, DType dt, S* out,
                          int64_t rs) const {
  if (end == start) return;
  ReadArgs<S> args;
  args.start = start;
  args.end = end;
  args.d = dim_;
  args.R = R;
  args.rs = rs;
  args.rev = rev;
  args.out = out;
  if constexpr (std::is_same_v<S, float>)
    args.dflt = default_f32_;
  else if constexpr (std::is_same_v<S, uint16_t>)
    args.dflt = default_f16_;
  else if constexpr (std::is_same_v<S, int8_t>)
    args.dflt = default_i8_;
  else
    args.dflt = dt == DType::Bool ? default_bool_ : default_u8_;

  static const uint32_t kNoBlocks[1] = {0};
  const Track* t = find(chrom, stranded_ ? strand : '+');
  if (!t || t->n == 0) {  // all default: a loop over no blocks
    args.starts = args.ends = kNoBlocks;
    args.n = args.b = 0;
    return run_read_loop(args);
  }
  args.starts = t->starts;
  args.ends = t->ends;
  args.n = t->n;
  args.b = t->first_ending_after(start / R);

  // Pick the kernel once for the whole read.
  Decoder<S>& dec = args.dec;
  dec.data = file_.data();
  dec.offsets = t->offsets;
  dec.lut = lut<S>(dt);
  dec.bits = bits_;
  if (bits_ == 0) {
    dec.kind = Kernel::Mask;
  } else if (bits_ < 8) {
    dec.kind = Kernel::Packed;
  } else if (bits_ == 8) {
    const bool identity = !info().dictionary && sizeof(S) == 1 &&
                          ((etype_ == EType::u8 && dt == DType::U8) || (etype_ == EType::i8 && dt == DType::I8));
    if (identity)
      dec.kind = Kernel::Copy;
    else if (std::is_same_v<S, float> && !info().dictionary)
      dec.kind = etype_ == EType::i8 ? Kernel::I8ToFloat : Kernel::U8ToFloat;
    else
      dec.kind = Kernel::Lut8;
  } else if (bits_ == 16) {
    dec.kind = std::is_same_v<S, float> ? Kernel::HalfToFloat : Kernel::Copy;
  } else {
    dec.kind = Kernel::Copy;
  }
  run_read_loop(args);
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
  if (iv.start < 0) return nullptr;                          // padded rows are not stored
  const Track* t = find(iv.chrom, stranded_ ? iv.strand : '+');
  if (!t) return nullptr;
  const uint64_t b = t->first_ending_after(iv.start);
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
