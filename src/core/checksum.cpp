#include "checksum.h"

namespace gk {

uint16_t bsd_sum_update(uint16_t state, const uint8_t* data, size_t n) {
  uint32_t s = state;
  for (size_t i = 0; i < n; ++i) {
    s = ((s >> 1) | ((s & 1u) << 15)) + data[i];
    s &= 0xFFFFu;
  }
  return static_cast<uint16_t>(s);
}

}  // namespace gk
