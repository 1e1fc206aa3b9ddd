#include "track_format.h"

#include <cmath>
#include <vector>

#include "errors.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define GK_HAVE_F16C_DISPATCH 1
#endif

namespace gk {

namespace {

const ETypeInfo kInfo[] = {
    {"m0", 0, false, false, DType::Bool}, {"u1", 1, false, false, DType::Bool}, {"u2", 2, false, false, DType::U8},
    {"u3", 3, false, false, DType::U8},   {"u4", 4, false, false, DType::U8},   {"u5", 5, false, false, DType::U8},
    {"u6", 6, false, false, DType::U8},   {"u8", 8, false, false, DType::U8},   {"i8", 8, false, false, DType::I8},
    {"f2", 2, true, true, DType::F16},    {"f3", 3, true, true, DType::F16},    {"f4", 4, true, true, DType::F16},
    {"f5", 5, true, true, DType::F16},    {"f6", 6, true, true, DType::F16},    {"f8", 8, true, true, DType::F16},
    {"f16", 16, false, true, DType::F16}, {"f32", 32, false, true, DType::F32},
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<size_t>(EType::count), "one row per etype");

}  // namespace

const ETypeInfo& etype_info(EType e) {
  return kInfo[static_cast<size_t>(e)];
}

EType parse_etype(const std::string& name) {
  for (size_t i = 0; i < static_cast<size_t>(EType::count); ++i)
    if (name == kInfo[i].name) return static_cast<EType>(i);
  value_error("Unrecognized etype '", name, "': expected one of m0, u1, u2, u3, u4, u5, u6, u8, i8, f2, f3, f4, ",
              "f5, f6, f8, f16, f32");
}

const char* dtype_name(DType d) {
  switch (d) {
    case DType::Bool:
      return "bool";
    case DType::U8:
      return "uint8";
    case DType::I8:
      return "int8";
    case DType::F16:
      return "float16";
    case DType::F32:
      return "float32";
  }
  return "?";
}

size_t dtype_size(DType d) {
  return d == DType::F16 ? 2 : d == DType::F32 ? 4 : 1;
}

bool can_decode(EType e, DType d) {
  switch (e) {
    case EType::m0:
      return true;
    case EType::u1:
      return d != DType::I8;
    case EType::u2:
    case EType::u3:
    case EType::u4:
    case EType::u5:
    case EType::u6:
    case EType::u8:
      return d == DType::U8 || d == DType::F16 || d == DType::F32;
    case EType::i8:
      return d == DType::I8 || d == DType::F16 || d == DType::F32;
    case EType::f32:
      return d == DType::F32;
    default:  // dictionary types and f16
      return d == DType::F16 || d == DType::F32;
  }
}

bool can_encode(EType e, DType d) {
  if (e == EType::m0) return false;
  if (e == EType::u1) return d != DType::I8;
  return can_decode(e, d);
}

float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  float f;
  if (exp == 0) {
    f = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -f : f;
  }
  uint32_t bits = exp == 31 ? (sign | 0x7f800000u | (mant << 13)) : (sign | ((exp + 112) << 23) | (mant << 13));
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return static_cast<uint16_t>(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u : 0u));
  if (ax >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520 rounds to inf
  if (ax < 0x38800000u) {                                               // below 2^-14: subnormal half
    float a;
    std::memcpy(&a, &ax, 4);
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(a * 16777216.0f)));
  }
  uint32_t h = (((ax >> 23) - 112) << 10) | ((ax & 0x7fffffu) >> 13);
  uint32_t rem = ax & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // carries into the exponent correctly
  return static_cast<uint16_t>(sign | h);
}

const float* half_table() {
  static const std::vector<float> table = [] {
    std::vector<float> t(65536);
    for (uint32_t i = 0; i < 65536; ++i) t[i] = half_to_float(static_cast<uint16_t>(i));
    return t;
  }();
  return table.data();
}

namespace {

// Branch-free half -> float on bit patterns: rebias the exponent, then fix up
// inf/NaN (exponent 31) and zero/subnormals (exponent 0, renormalised by a
// float subtraction). Selects instead of branches, so loops vectorize.
inline float half_bits_to_float(uint32_t h) {
  const uint32_t em = (h & 0x7fffu) << 13;  // exponent and mantissa in float position
  const uint32_t exp = em & 0x0f800000u;
  uint32_t bits = em + (112u << 23);  // rebias 15 -> 127
  const uint32_t infnan = exp == 0x0f800000u ? (112u << 23) : 0u;
  bits += infnan;
  float f;
  const uint32_t sub_bits = bits + (1u << 23);
  float sub;
  std::memcpy(&sub, &sub_bits, 4);
  sub -= 6.103515625e-05f;  // 2^-14
  std::memcpy(&f, &bits, 4);
  f = exp == 0 ? sub : f;
  uint32_t out;
  std::memcpy(&out, &f, 4);
  out |= (h & 0x8000u) << 16;
  std::memcpy(&f, &out, 4);
  return f;
}

void halves_to_floats_portable(const uint8_t* src, float* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    uint16_t h;
    std::memcpy(&h, src + 2 * i, 2);
    dst[i] = half_bits_to_float(h);
  }
}

#ifdef GK_HAVE_F16C_DISPATCH
__attribute__((target("avx,f16c"))) void halves_to_floats_f16c(const uint8_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i + 16));
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(a));
    _mm256_storeu_ps(dst + i + 8, _mm256_cvtph_ps(b));
  }
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i))));
  halves_to_floats_portable(src + 2 * i, dst + i, n - i);
}

const bool kHaveF16C = [] {
  __builtin_cpu_init();
  // F16C from CPUID leaf 1 (clang before 15 has no __builtin_cpu_supports("f16c")); "avx" includes the OS check
  unsigned a, b, c, d;
  return __builtin_cpu_supports("avx") && __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
}();
#endif

}  // namespace

void halves_to_floats(const void* src, float* dst, size_t n, bool simd) {
  const auto* s = static_cast<const uint8_t*>(src);
#ifdef GK_HAVE_F16C_DISPATCH
  if (simd && kHaveF16C) return halves_to_floats_f16c(s, dst, n);
#endif
  halves_to_floats_portable(s, dst, n);
}

}  // namespace gk
