// genome_kit._core: table of contents of the compiled module. Each area lives
// in its own bind_<area>.cpp and registers itself here.
#include "common.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "Compiled core of genome_kit (use the genome_kit package, not this module)";
  // numpy's C API, looked up now as C extensions do in import_array(): pybind11 otherwise does it on the
  // first array a call makes, which imports numpy.lib and parses numpy's version in Python (~0.1 ms taken
  // from a process's first track read).
  py::detail::npy_api::get();
  gkpy::register_errors(m);
  gkpy::register_assembly(m);
  gkpy::register_interval(m);
  gkpy::register_variant(m);
  gkpy::register_vcf(m);
  gkpy::register_twobit(m);
  gkpy::register_variant_genome(m);
  gkpy::register_track(m);
  gkpy::register_anno(m);
  gkpy::register_checksum(m);
  gkpy::register_liftover(m);
  gkpy::register_loader(m);
}
