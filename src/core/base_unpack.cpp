#include "base_unpack.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GK_HAVE_SSSE3_KERNEL 1
#endif

namespace gk {

namespace {

// For each packed byte: its 4 bases forward, and complemented in reverse order.
struct Tables {
  std::array<uint32_t, 256> forward, reverse;
  Tables() {
    const char bases[4] = {'T', 'C', 'A', 'G'}, comps[4] = {'A', 'G', 'T', 'C'};
    for (int b = 0; b < 256; ++b) {
      int c[4] = {(b >> 6) & 3, (b >> 4) & 3, (b >> 2) & 3, b & 3};
      char f[4] = {bases[c[0]], bases[c[1]], bases[c[2]], bases[c[3]]};
      char r[4] = {comps[c[3]], comps[c[2]], comps[c[1]], comps[c[0]]};
      std::memcpy(&forward[static_cast<size_t>(b)], f, 4);
      std::memcpy(&reverse[static_cast<size_t>(b)], r, 4);
    }
  }
};
const Tables kTables;

char base_at(const uint8_t* packed, int64_t pos) {
  static const char bases[4] = {'T', 'C', 'A', 'G'};
  return bases[(packed[pos >> 2] >> (6 - 2 * (pos & 3))) & 3];
}
char comp_at(const uint8_t* packed, int64_t pos) {
  static const char comps[4] = {'A', 'G', 'T', 'C'};
  return comps[(packed[pos >> 2] >> (6 - 2 * (pos & 3))) & 3];
}

#ifdef GK_HAVE_SSSE3_KERNEL
// 16 packed bytes → 64 bases per step. Forward: bytes in order, bases 0..3 of
// each byte. Reverse: chunks from the end, bytes reversed, bases 3..0 and
// complemented. `nbytes` is a multiple of 16.
__attribute__((target("ssse3"))) void unpack_ssse3(const uint8_t* in, int64_t nbytes, char* out, bool rc) {
  const __m128i letters = rc ? _mm_setr_epi8('A', 'G', 'T', 'C', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                             : _mm_setr_epi8('T', 'C', 'A', 'G', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m128i three = _mm_set1_epi8(3);
  const __m128i reverse = _mm_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  for (int64_t i = 0; i < nbytes; i += 16, out += 64) {
    __m128i x;
    if (rc) {
      x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + nbytes - 16 - i));
      x = _mm_shuffle_epi8(x, reverse);
    } else {
      x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    }
    __m128i b0 = _mm_shuffle_epi8(letters, _mm_and_si128(_mm_srli_epi16(x, 6), three));
    __m128i b1 = _mm_shuffle_epi8(letters, _mm_and_si128(_mm_srli_epi16(x, 4), three));
    __m128i b2 = _mm_shuffle_epi8(letters, _mm_and_si128(_mm_srli_epi16(x, 2), three));
    __m128i b3 = _mm_shuffle_epi8(letters, _mm_and_si128(x, three));
    if (rc) {
      std::swap(b0, b3);
      std::swap(b1, b2);
    }
    __m128i lo01 = _mm_unpacklo_epi8(b0, b1), hi01 = _mm_unpackhi_epi8(b0, b1);
    __m128i lo23 = _mm_unpacklo_epi8(b2, b3), hi23 = _mm_unpackhi_epi8(b2, b3);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi16(lo01, lo23));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm_unpackhi_epi16(lo01, lo23));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 32), _mm_unpacklo_epi16(hi01, hi23));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 48), _mm_unpackhi_epi16(hi01, hi23));
  }
}
const bool kHaveSsse3 = __builtin_cpu_supports("ssse3");
#endif

// Whole bytes [b0, b1): SIMD for multiples of 16 bytes, the table for the rest.
void unpack_bytes(const uint8_t* packed, int64_t b0, int64_t b1, char* out, bool rc) {
  int64_t n = b1 - b0, simd = 0;
#ifdef GK_HAVE_SSSE3_KERNEL
  if (kHaveSsse3) simd = n / 16 * 16;
#endif
  if (!rc) {
#ifdef GK_HAVE_SSSE3_KERNEL
    if (simd) unpack_ssse3(packed + b0, simd, out, false);
#endif
    for (int64_t b = b0 + simd; b < b1; ++b) std::memcpy(out + 4 * (b - b0), &kTables.forward[packed[b]], 4);
  } else {
    // Highest bytes first: the SIMD part covers [b1 - simd, b1).
#ifdef GK_HAVE_SSSE3_KERNEL
    if (simd) unpack_ssse3(packed + b1 - simd, simd, out, true);
#endif
    for (int64_t b = b1 - simd - 1, k = 4 * simd; b >= b0; --b, k += 4)
      std::memcpy(out + k, &kTables.reverse[packed[b]], 4);
  }
}

}  // namespace

void unpack_bases(const uint8_t* packed, int64_t start, int64_t end, char* out, bool rc) {
  if (end <= start) return;
  int64_t b0 = (start + 3) / 4, b1 = end / 4;  // whole bytes inside [start, end)
  if (b0 >= b1) {                              // less than one whole byte
    for (int64_t p = start; p < end; ++p)
      out[rc ? end - 1 - p : p - start] = rc ? comp_at(packed, p) : base_at(packed, p);
    return;
  }
  int64_t head = 4 * b0 - start, tail = end - 4 * b1;  // loose bases at each end
  if (!rc) {
    for (int64_t k = 0; k < head; ++k) out[k] = base_at(packed, start + k);
    unpack_bytes(packed, b0, b1, out + head, false);
    for (int64_t k = 0; k < tail; ++k) out[head + 4 * (b1 - b0) + k] = base_at(packed, 4 * b1 + k);
  } else {
    for (int64_t k = 0; k < tail; ++k) out[k] = comp_at(packed, end - 1 - k);
    unpack_bytes(packed, b0, b1, out + tail, true);
    for (int64_t k = 0; k < head; ++k) out[tail + 4 * (b1 - b0) + k] = comp_at(packed, start + head - 1 - k);
  }
}

}  // namespace gk
