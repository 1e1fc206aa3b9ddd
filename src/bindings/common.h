// Shared helpers of the binding files: the registration functions each area
// file provides, and conversions every area needs (reference genome and
// Interval arguments, Python streams as byte sources, str results).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "errors.h"
#include "interval.h"
#include "line_reader.h"
#include "variant.h"

namespace py = pybind11;

namespace gk {
enum class Aggregation;  // track_reader.h
}  // namespace gk

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
void register_checksum(py::module_& m);
void register_liftover(py::module_& m);
void register_loader(py::module_& m);

/// Sets the Python exception for a core error (the mapping the module's
/// translator uses), for raw CPython entry points that bypass pybind11.
void set_python_error(const gk::Error& e);

/// Assembly id for a reference-genome argument: an assembly or annotation
/// name, or any object with a `reference_genome` attribute (Genome,
/// VariantGenome). Unknown names are loaded through the Python-side loader.
gk::RefgId resolve_refg(py::handle refg);

/// Assembly id for the reference genome name stored in the file `path`; a
/// name that cannot be loaded is an OSError naming the file.
gk::RefgId resolve_stored_refg(const std::string& path, const std::string& name);

/// A message for Python (an error, a warning, a report entry): text that may
/// quote bytes of an input file, so bytes that are not UTF-8 are shown escaped
/// ('\xff') instead of raising UnicodeDecodeError.
py::str message_str(const std::string& msg);

/// The messages of a report as a list of str (see message_str).
py::list message_list(const std::vector<std::string>& msgs);

/// `o` (an int, or anything with __index__) as a 64-bit integer: ValueError
/// naming `what` (e.g. "shift(): argument 'amount'") and the value when it
/// does not fit. Every int64 argument of the bindings comes through here (the
/// pybind11 caster below, the fastcall methods, anchors).
int64_t int64_of(PyObject* o, const char* what);

/// An integer array argument of a batch API (positions, chromosome or row
/// indexes) as a C-contiguous 1-d array of T, exactly: an integer or bool
/// numpy array (any width) or a sequence of ints. A value T cannot hold is a
/// ValueError naming the row and value, floats and other types a TypeError,
/// as for the per-object APIs: never a silent wrap or truncation. Copies only
/// when the dtype differs.
template <class T>
py::array_t<T, py::array::c_style> int_array(py::handle a, const char* what);

/// `str(type(h))` for messages, e.g. "<class 'str'>".
std::string type_name(py::handle h);

/// The Python class pybind11 bound to T, looked up once (pybind11's
/// isinstance<T> looks it up in its registry on every call).
template <class T>
PyTypeObject* bound_type() {
  static PyTypeObject* t = reinterpret_cast<PyTypeObject*>(py::detail::get_type_handle(typeid(T), true).ptr());
  return t;
}

/// The C++ value of `h` if its class is exactly T's bound class (not a
/// subclass), read without pybind11's registry lookups; nullptr otherwise.
template <class T>
const T* exact_value(py::handle h) {
  if (Py_TYPE(h.ptr()) != bound_type<T>()) return nullptr;
  auto* inst = reinterpret_cast<py::detail::instance*>(h.ptr());
  if (!inst->simple_layout) return nullptr;
  return static_cast<const T*>(inst->simple_value_holder[0]);
}

/// An Interval argument: an Interval or any subclass (Variant, annotation
/// rows, ...), else TypeError naming the type. Exact Intervals and Variants
/// take a fast path (per-call hot paths pass them). By value: row objects
/// hold no C++ Interval (fast_rows.h).
gk::Interval interval_arg(py::handle h);

/// The Intervals of a sequence argument (batch APIs); TypeError for a single
/// Interval or a non-Interval element.
std::vector<gk::Interval> to_intervals(py::handle seq);

/// The data-manager set-up pickled handles carry after their reference genome
/// names (genome_kit.gk_data.pickled_setup()): unpickling it first lets a new
/// process resolve those names as the sender did.
py::object pickled_data_setup();

/// Decoding short sequences is cheaper than a GIL round trip: hot paths
/// release the GIL only from this many output items (bases, values) on.
constexpr int64_t kReleaseGilItems = 1 << 14;

/// Calls `fn()`, without the GIL when `items` reaches kReleaseGilItems.
template <class Fn>
void run_maybe_without_gil(int64_t items, Fn&& fn) {
  if (items >= kReleaseGilItems) {
    py::gil_scoped_release nogil;
    fn();
  } else {
    fn();
  }
}

/// A new str of `n` ASCII characters, not yet filled: `data` receives its
/// buffer (fill it before the str is used; the GIL may be released meanwhile).
inline py::str new_ascii_str(int64_t n, char*& data) {
  auto s = py::reinterpret_steal<py::str>(PyUnicode_New(n, 127));
  if (!s) throw py::error_already_set();
  data = reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(s.ptr()));
  return s;
}

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

/// New reference to a genome_kit.Interval holding a copy of `iv` (its value
/// inline: see values::make in fast_rows.h). Every Interval returned by value
/// is made here (the caster below).
PyObject* new_interval(const gk::Interval& iv);

/// The track aggregation `agg` names: "sum", "mean" or "max" (or an AggregationType); ValueError otherwise.
gk::Aggregation parse_aggregation(py::handle agg);

/// The element type of a one-hot result named by `dtype`: a str or anything
/// numpy.dtype() takes (np.uint8, "float32", np.dtype("float16"), ...); ValueError otherwise.
enum class OneHotType { U8, F32, F16 };
OneHotType one_hot_type(py::handle dtype);

/// A one-hot result of the type `dtype` names: `make(uint8_t{})` or `make(float{})` fill it in C++;
/// float16 is the float32 result converted once (element by element for a tuple of arrays).
template <class F>
py::object one_hot_of(py::handle dtype, F&& make) {
  const OneHotType t = one_hot_type(dtype);
  if (t == OneHotType::U8) return py::object(make(uint8_t{}));
  py::object r = make(float{});
  if (t == OneHotType::F32) return r;
  if (py::isinstance<py::tuple>(r)) {
    py::list halves;
    for (py::handle a : r) halves.append(a.attr("astype")("float16"));
    return py::tuple(halves);
  }
  return r.attr("astype")("float16");
}

}  // namespace gkpy

// Casters of gk::Interval and gk::Variant: pybind11's own, except that a lazy
// row object is materialised into the caster. Arguments bound as
// `const gk::Interval&` therefore work for rows; `handle.cast<const
// gk::Interval&>()` does not compile (the value may live in the caster): use
// `handle.cast<gk::Interval>()` or gkpy::interval_of.
namespace pybind11::detail {

// int64 arguments: pybind11's own caster turns an int that does not fit into
// "incompatible function arguments" (TypeError) without saying which value;
// this one accepts what it accepts (int or __index__, never float) and raises
// ValueError naming the value.
template <>
class type_caster<int64_t> {
 public:
  PYBIND11_TYPE_CASTER(int64_t, io_name("typing.SupportsInt | typing.SupportsIndex", "int"));
  bool load(handle src, bool /*convert*/) {
    if (!src || PyFloat_Check(src.ptr()) || !(PyLong_Check(src.ptr()) || PyIndex_Check(src.ptr()))) return false;
    value = gkpy::int64_of(src.ptr(), "integer argument");
    return true;
  }
  static handle cast(int64_t v, return_value_policy, handle) { return PyLong_FromLongLong(v); }
};

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

  // Intervals returned as copies are made with new_interval (no pybind11 holder or registry entry).
  static bool by_value(return_value_policy p) {
    return (p == return_value_policy::automatic || p == return_value_policy::automatic_reference ||
            p == return_value_policy::copy || p == return_value_policy::move);
  }

  template <typename U>
  using cast_op_type = pybind11::detail::cast_op_type<U>;
  operator T*() { return value_; }  // NOLINT(google-explicit-constructor)
  operator T&() {                   // NOLINT(google-explicit-constructor)
    if (!value_) throw reference_cast_error();
    return *value_;
  }

  static handle cast(const T& src, return_value_policy policy, handle parent) {
    if constexpr (std::is_same_v<T, gk::Interval>)
      if (by_value(policy)) return gkpy::new_interval(src);
    return type_caster_base<T>::cast(src, policy, parent);
  }
  static handle cast(T&& src, return_value_policy policy, handle parent) {
    if constexpr (std::is_same_v<T, gk::Interval>)
      if (by_value(policy)) return gkpy::new_interval(src);
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
