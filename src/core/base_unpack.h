// Unpacking 2-bit bases (four per byte, first base in the high bits,
// T=0 C=1 A=2 G=3, as in .2bit files) to ASCII, forward or reverse
// complemented in one pass. Uses SSSE3 when the CPU has it (checked at run
// time, so binaries stay portable), a table otherwise.
#pragma once

#include <cstdint>

namespace gk {

/// Writes bases [start, end) of `packed` to out[0, end - start). With
/// `reverse_complement`, out[k] is the complement of base end-1-k.
void unpack_bases(const uint8_t* packed, int64_t start, int64_t end, char* out, bool reverse_complement);

}  // namespace gk
