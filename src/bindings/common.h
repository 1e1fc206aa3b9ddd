// Shared helpers of the binding files: the registration functions each area
// file provides, and conversions every area needs (reference genome
// arguments, Python streams as byte sources).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "errors.h"
#include "interval.h"
#include "line_reader.h"

namespace py = pybind11;

namespace gkpy {

// One per binding file; module.cpp calls them in order.
void register_errors(py::module_& m);
void register_assembly(py::module_& m);
void register_interval(py::module_& m);
void register_twobit(py::module_& m);
void register_variant(py::module_& m);
void register_vcf(py::module_& m);
void register_variant_genome(py::module_& m);
void register_track(py::module_& m);
void register_anno(py::module_& m);

/// Sets the Python exception for a core error (the mapping the module's
/// translator uses), for raw CPython entry points that bypass pybind11.
void set_python_error(const gk::Error& e);

/// Assembly id for a reference-genome argument: an assembly or annotation
/// name, or any object with a `reference_genome` attribute (Genome,
/// VariantGenome). Unknown names are loaded through the Python-side loader.
gk::RefgId resolve_refg(py::handle refg);

/// Adapts a Python binary stream (open(..., "rb"), gzip.open, sys.stdin.buffer)
/// to the core's ByteSource. Reads take the GIL; parsers may release it.
class PyStreamSource : public gk::ByteSource {
 public:
  PyStreamSource(py::object stream, std::string name);
  ~PyStreamSource() override;
  size_t read(char* buf, size_t n) override;
  const std::string& name() const override { return name_; }

 private:
  py::object stream_;
  std::string name_;
};

}  // namespace gkpy
