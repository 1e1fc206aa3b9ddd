// Checksums of providers' manifests that no standard library offers: the BSD
// `sum` (`sum -r`) that Ensembl's CHECKSUMS files list. A 16-bit state rotated
// right by one bit before each byte is added, so the loop is inherently serial.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gk {

/// BSD `sum` state after feeding `n` bytes to `state` (start from 0; chain blocks of a file).
uint16_t bsd_sum_update(uint16_t state, const uint8_t* data, size_t n);

}  // namespace gk
