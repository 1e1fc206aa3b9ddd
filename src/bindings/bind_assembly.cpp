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

// One-entry caches for the per-call path (Interval(..., genome), VariantGenome(genome, v)); the GIL
// guards them. A name is cached by the identity of its str object, kept alive here so that its address
// cannot be reused; a genome_kit object (Genome, VariantGenome: their assembly never changes) by
// identity checked through a weak reference, so a new object at a freed address cannot match.
struct RefgCache {
  PyObject* name = nullptr;  // strong reference
  gk::RefgId name_id = 0;
  PyObject* obj = nullptr;   // borrowed; valid while `weak` is alive
  PyObject* weak = nullptr;  // strong reference to a weakref of obj
  gk::RefgId obj_id = 0;
};
RefgCache g_refg_cache;

bool immutable_refg_type(PyTypeObject* t) {
  if (!PyType_SUPPORTS_WEAKREFS(t)) return false;
  py::object mod = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(t)).attr("__module__");
  return py::isinstance<py::str>(mod) && mod.cast<std::string>().rfind("genome_kit", 0) == 0;
}

gk::RefgId resolve_refg_name(const std::string& name) {
  int id = gk::find_assembly(name);
  if (id >= 0) return static_cast<gk::RefgId>(id);
  if (!g_loader) gk::runtime_error("genome_kit is not initialised (import genome_kit first)");
  (*g_loader)(name);  // registers the assembly or raises
  id = gk::find_assembly(name);
  if (id < 0) gk::runtime_error("loading reference genome '", name, "' did not register it");
  return static_cast<gk::RefgId>(id);
}

}  // namespace

gk::RefgId resolve_stored_refg(const std::string& path, const std::string& name) {
  auto cannot = [&](const std::string& why) {
    return gk::cat(path, " is on reference genome '", name, "', which cannot be loaded: ", why);
  };
  try {
    return resolve_refg_name(name);
  } catch (py::error_already_set& e) {
    if (e.matches(PyExc_OSError)) throw;
    py::raise_from(e, PyExc_OSError, cannot(py::str(e.value())).c_str());
    throw py::error_already_set();
  } catch (const gk::Error& e) {
    if (e.kind() == gk::ErrorKind::OS || e.kind() == gk::ErrorKind::FileNotFound) throw;
    gk::os_error(cannot(e.what()));
  }
}

gk::RefgId resolve_refg(py::handle refg) {
  RefgCache& c = g_refg_cache;
  PyObject* p = refg.ptr();
  if (p == c.name) return c.name_id;
  if (p == c.obj && PyWeakref_GetObject(c.weak) == p) return c.obj_id;
  if (PyUnicode_Check(p)) {
    gk::RefgId id = resolve_refg_name(refg.cast<std::string>());
    Py_INCREF(p);
    Py_XDECREF(c.name);
    c.name = p;
    c.name_id = id;
    return id;
  }
  PyObject* r = PyObject_GetAttrString(p, "reference_genome");
  if (!r) {
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) throw py::error_already_set();
    PyErr_Clear();
    throw py::type_error("reference_genome must be a str, a Genome or an object with a reference_genome attribute");
  }
  auto name = py::reinterpret_steal<py::object>(r);
  if (!py::isinstance<py::str>(name)) throw py::type_error("reference_genome attribute must be a str");
  gk::RefgId id = resolve_refg_name(name.cast<std::string>());
  if (immutable_refg_type(Py_TYPE(p))) {
    PyObject* weak = PyWeakref_NewRef(p, nullptr);
    if (weak) {
      Py_XDECREF(c.weak);
      c.weak = weak;
      c.obj = p;
      c.obj_id = id;
    } else {
      PyErr_Clear();
    }
  }
  return id;
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
