// Checksums for verifying downloads against providers' manifests (data-src recipes).
#include "checksum.h"
#include "common.h"

namespace gkpy {

void register_checksum(py::module_& m) {
  m.def(
      "bsd_sum_update",
      [](uint16_t state, py::buffer data) {
        py::buffer_info info = data.request();
        if (info.ndim != 1 || info.itemsize != 1) {
          throw std::invalid_argument("bsd_sum_update: expected a bytes-like object of single bytes");
        }
        const auto* bytes = static_cast<const uint8_t*>(info.ptr);
        size_t n = static_cast<size_t>(info.size);
        py::gil_scoped_release nogil;
        return gk::bsd_sum_update(state, bytes, n);
      },
      py::arg("state"), py::arg("data"),
      "BSD ``sum`` (``sum -r``) state after feeding ``data`` to ``state`` (start from 0).");
}

}  // namespace gkpy
