// One-hot encoding straight from 2-bit packed bases (four per byte, first base in the high
// bits, T=0 C=1 A=2 G=3, as in .2bit files), forward or reverse complemented, with no
// intermediate letters: 32 bases are read as one 64-bit word and each of its bytes (4 bases)
// becomes one 16-element row of a 256-row table, copied with 16-byte stores. Output layout
// of one_hot.h (channels A, C, G, T per base).
#pragma once

#include <cstddef>
#include <cstdint>

#include "one_hot.h"

namespace gk {

/// Outputs at least this large are written with non-temporal (streaming) stores: they do not
/// fit in the cache, so reading each line before writing it would only double the traffic.
constexpr size_t kStreamMinBytes = size_t(8) << 20;

/// Writes the one-hot of bases [start, end) of `packed` to out[0, 4 * (end - start)); with
/// `reverse_complement`, base k of the output is the complement of base end-1-k. `stream`:
/// non-temporal stores where the CPU and the alignment of `out` allow, fenced before return.
template <class T>
void one_hot_unpack(const uint8_t* packed, int64_t start, int64_t end, T* out, bool reverse_complement, bool stream);

extern template void one_hot_unpack<uint8_t>(const uint8_t*, int64_t, int64_t, uint8_t*, bool, bool);
extern template void one_hot_unpack<float>(const uint8_t*, int64_t, int64_t, float*, bool, bool);
extern template void one_hot_unpack<Half>(const uint8_t*, int64_t, int64_t, Half*, bool, bool);

}  // namespace gk
