// One-hot encoding of DNA, the layout every one-hot result uses: four
// channels A, C, G, T per base (either case); any other letter (N, IUPAC
// codes) is all zeros.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

namespace gk {

/// An IEEE float16 stored as its bits (one-hot float16 results are filled directly, never converted).
struct Half {
  uint16_t bits;
};

/// The value of a set channel: 1 in the element type.
template <class T>
constexpr T one_hot_one() {
  return T(1);
}
template <>
constexpr Half one_hot_one<Half>() {
  return Half{0x3C00};
}

/// Writes the 4 channels of each of the `n` bases of `seq` to dst[0, 4n).
template <class T>
void one_hot_encode(const char* seq, int64_t n, T* dst) {
  static const auto rows = [] {
    std::array<std::array<T, 4>, 256> r{};
    const char* letters = "ACGT";
    for (size_t k = 0; k < 4; ++k) {
      r[static_cast<uint8_t>(letters[k])][k] = one_hot_one<T>();
      r[static_cast<uint8_t>(letters[k] + 32)][k] = one_hot_one<T>();
    }
    return r;
  }();
  for (int64_t i = 0; i < n; ++i, dst += 4) std::memcpy(dst, rows[static_cast<uint8_t>(seq[i])].data(), 4 * sizeof(T));
}

}  // namespace gk
