// Shared helpers of the binding files: the registration functions each area
// file provides, and conversions every area needs (reference genome
// arguments, Python streams as byte sources).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "interval.h"
#include "line_reader.h"
#include "variant.h"

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

/// Lazy row objects (Gene, Exon, VCFVariant...: fast_rows.h) hold no C++
/// Interval: if `obj` is one, these write its value to `out` and return true.
bool lazy_interval(PyObject* obj, gk::Interval& out);
bool lazy_variant(PyObject* obj, gk::Variant& out);

/// The value of any genome_kit.Interval (row objects included), by value;
/// TypeError naming `what` for anything else.
gk::Interval interval_of(py::handle obj, const char* what = "an Interval");

}  // namespace gkpy

// Casters of gk::Interval and gk::Variant: pybind11's own, except that a lazy
// row object is materialised into the caster. Arguments bound as
// `const gk::Interval&` therefore work for rows; `handle.cast<const
// gk::Interval&>()` does not compile (the value may live in the caster): use
// `handle.cast<gk::Interval>()` or gkpy::interval_of.
namespace pybind11::detail {

template <class T, bool (*Lazy)(PyObject*, T&)>
class lazy_row_caster {
 public:
  static constexpr auto name = type_caster_base<T>::name;

  bool load(handle src, bool convert) {
    if (src && Lazy(src.ptr(), tmp_)) {
      value_ = &tmp_;
      return true;
    }
    if (!base_.load(src, convert)) return false;
    value_ = static_cast<T*>(base_);
    return true;
  }

  template <typename U>
  using cast_op_type = pybind11::detail::cast_op_type<U>;
  operator T*() { return value_; }  // NOLINT(google-explicit-constructor)
  operator T&() {                   // NOLINT(google-explicit-constructor)
    if (!value_) throw reference_cast_error();
    return *value_;
  }

  static handle cast(const T& src, return_value_policy policy, handle parent) {
    return type_caster_base<T>::cast(src, policy, parent);
  }
  static handle cast(T&& src, return_value_policy policy, handle parent) {
    return type_caster_base<T>::cast(std::move(src), policy, parent);
  }
  static handle cast(const T* src, return_value_policy policy, handle parent) {
    return type_caster_base<T>::cast(src, policy, parent);
  }

 private:
  type_caster_base<T> base_;
  T tmp_;
  T* value_ = nullptr;
};

template <>
class type_caster<gk::Interval> : public lazy_row_caster<gk::Interval, &gkpy::lazy_interval> {};
template <>
class type_caster<gk::Variant> : public lazy_row_caster<gk::Variant, &gkpy::lazy_variant> {};

}  // namespace pybind11::detail
