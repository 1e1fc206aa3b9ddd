#include "one_hot_unpack.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>  // SSE2 is part of x86-64: no run-time check needed
#define GK_HAVE_STREAM_STORES 1
#endif

namespace gk {

namespace {

// Channel of each 2-bit code (T=0 C=1 A=2 G=3) in the A, C, G, T layout; its complement is 3 - channel.
constexpr int kChannel[4] = {3, 1, 0, 2};

// Per packed byte, the one-hot of its 4 bases forward (fwd) and complemented in reverse order
// (rev); per code, the one-hot of one base (base) and of its complement (comp).
template <class T>
struct alignas(64) Rows {
  T fwd[256][16], rev[256][16], base[4][4], comp[4][4];
  Rows() {
    std::memset(static_cast<void*>(this), 0, sizeof(*this));
    const T one = one_hot_one<T>();
    for (int b = 0; b < 256; ++b)
      for (int i = 0; i < 4; ++i) {
        fwd[b][4 * i + kChannel[(b >> (6 - 2 * i)) & 3]] = one;  // base i of the byte
        rev[b][4 * i + 3 - kChannel[(b >> (2 * i)) & 3]] = one;  // base 3 - i, complemented
      }
    for (int c = 0; c < 4; ++c) base[c][kChannel[c]] = comp[c][3 - kChannel[c]] = one;
  }
};

template <class T>
const Rows<T>& rows() {
  static const Rows<T> r;
  return r;
}

// Bases [p, p + 32) as one word, base p in the two highest bits. Reads only the bytes that
// hold these bases (8, or 9 when p is not a multiple of 4), so never past the sequence.
inline uint64_t word_at(const uint8_t* packed, int64_t p) {
  const uint8_t* b = packed + (p >> 2);
  uint64_t w;
  std::memcpy(&w, b, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  w = __builtin_bswap64(w);  // the first byte is the most significant
#endif
  const int s = int(p & 3) * 2;
  return s ? (w << s) | (b[8] >> (8 - s)) : w;
}

// Copies one 16-element row (16 * sizeof(T) bytes, whole 16-byte vectors).
template <class T, bool Stream>
inline void put_row(T* dst, const T* row) {
#ifdef GK_HAVE_STREAM_STORES
  if constexpr (Stream) {
    for (size_t v = 0; v < sizeof(T); ++v)
      _mm_stream_si128(reinterpret_cast<__m128i*>(dst) + v, _mm_load_si128(reinterpret_cast<const __m128i*>(row) + v));
    return;
  }
#endif
  std::memcpy(dst, row, 16 * sizeof(T));
}

template <class T, bool Rc, bool Stream>
void unpack(const uint8_t* packed, int64_t start, int64_t end, T* out) {
  const Rows<T>& t = rows<T>();
  const int64_t n = end - start;
  auto one_base = [&](int64_t k) {  // output base k alone
    const int64_t p = Rc ? end - 1 - k : start + k;
    const int code = (packed[p >> 2] >> (6 - 2 * (p & 3))) & 3;
    std::memcpy(out + 4 * k, Rc ? t.comp[code] : t.base[code], 4 * sizeof(T));
  };
  int64_t k = 0;
  if constexpr (Stream)  // single bases up to a 16-byte boundary (the caller checked it is reachable)
    for (; k < n && reinterpret_cast<uintptr_t>(out + 4 * k) % 16; ++k) one_base(k);
  for (; k + 32 <= n; k += 32) {
    const uint64_t w = word_at(packed, Rc ? end - k - 32 : start + k);
    for (int i = 0; i < 8; ++i) {  // output bases k + 4i .. k + 4i + 3
      const auto byte = Rc ? (w >> (8 * i)) & 255 : (w >> (56 - 8 * i)) & 255;
      put_row<T, Stream>(out + 4 * (k + 4 * i), Rc ? t.rev[byte] : t.fwd[byte]);
    }
  }
  for (; k < n; ++k) one_base(k);
#ifdef GK_HAVE_STREAM_STORES
  if constexpr (Stream) _mm_sfence();  // streamed stores are weakly ordered: publish them
#endif
}

}  // namespace

template <class T>
void one_hot_unpack(const uint8_t* packed, int64_t start, int64_t end, T* out, bool rc, bool stream) {
  if (end <= start) return;
#ifdef GK_HAVE_STREAM_STORES
  // A 16-byte boundary is reachable base by base when the base size divides 16 or the address
  // is aligned to it (numpy's buffers always are).
  const size_t base_bytes = 4 * sizeof(T);
  stream = stream && reinterpret_cast<uintptr_t>(out) % (base_bytes < 16 ? base_bytes : 16) == 0;
#else
  stream = false;
#endif
  if (rc)
    stream ? unpack<T, true, true>(packed, start, end, out) : unpack<T, true, false>(packed, start, end, out);
  else
    stream ? unpack<T, false, true>(packed, start, end, out) : unpack<T, false, false>(packed, start, end, out);
}

template void one_hot_unpack<uint8_t>(const uint8_t*, int64_t, int64_t, uint8_t*, bool, bool);
template void one_hot_unpack<float>(const uint8_t*, int64_t, int64_t, float*, bool, bool);
template void one_hot_unpack<Half>(const uint8_t*, int64_t, int64_t, Half*, bool, bool);

}  // namespace gk
