// Assembly registry: Python resolves data files (through the data manager)
// and registers assemblies here; C++ asks the Python loader for names it has
// not seen.
#include "assembly.h"
#include "common.h"
#include "errors.h"

namespace gkpy {

namespace {
// Set once by genome_kit at import; intentionally leaked (outlives the interpreter's
// module teardown order).
py::object* g_loader = nullptr;
}  // namespace

gk::RefgId resolve_refg(py::handle refg) {
  std::string name;
  if (py::isinstance<py::str>(refg)) {
    name = refg.cast<std::string>();
  } else if (py::hasattr(refg, "reference_genome")) {
    py::object r = refg.attr("reference_genome");
    if (!py::isinstance<py::str>(r)) throw py::type_error("reference_genome attribute must be a str");
    name = r.cast<std::string>();
  } else {
    throw py::type_error("reference_genome must be a str, a Genome or an object with a reference_genome attribute");
  }
  int id = gk::find_assembly(name);
  if (id >= 0) return static_cast<gk::RefgId>(id);
  if (!g_loader) throw std::runtime_error("genome_kit is not initialised");
  (*g_loader)(name);  // registers the assembly or raises
  id = gk::find_assembly(name);
  if (id < 0) gk::runtime_error("loading reference genome '", name, "' did not register it");
  return static_cast<gk::RefgId>(id);
}

void register_assembly(py::module_& m) {
  m.def(
      "_set_assembly_loader", [](py::object fn) { g_loader = new py::object(std::move(fn)); },
      "Installs the function C++ calls to load an unknown reference genome by name.");
  m.def(
      "_register_assembly",
      [](const std::string& name, const std::string& sizes_path, const std::string& alias_path) {
        return gk::register_assembly(gk::Assembly::load(name, sizes_path, alias_path));
      },
      py::arg("name"), py::arg("sizes_path"), py::arg("alias_path") = "");
  m.def("_register_assembly_alias", [](const std::string& config, const std::string& refg) {
    int id = gk::find_assembly(refg);
    if (id < 0) gk::key_error("reference genome ", refg, " is not registered");
    gk::register_assembly_alias(config, static_cast<gk::RefgId>(id));
  });
  m.def("_is_registered", [](const std::string& name) { return gk::find_assembly(name) >= 0; });
  m.def(
      "_assembly_name", [](py::handle refg) { return gk::assembly(resolve_refg(refg)).name(); },
      "Assembly name of a reference-genome argument (loading it if needed).");
  m.def(
      "_chromosomes",
      [](py::handle refg) {
        const gk::Assembly& a = gk::assembly(resolve_refg(refg));
        py::list out;
        for (size_t i = 0; i < a.num_sized(); ++i) out.append(a.chrom_name(static_cast<gk::ChromId>(i)));
        return out;
      },
      "Chromosome names of chrom.sizes, in file order.");
  m.def(
      "_canonical_chromosome",
      [](py::handle refg, const std::string& chrom) {
        const gk::Assembly& a = gk::assembly(resolve_refg(refg));
        return a.chrom_name(a.resolve(chrom));
      },
      "Canonical name of a chromosome or alias.");
}

}  // namespace gkpy
