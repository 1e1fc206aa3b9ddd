// Raw METH_FASTCALL methods for the per-call hot paths (Interval(),
// VariantGenome(), VariantGenome.dna): pybind11's generic dispatch (argument
// casters, overload records, type-registry lookups) costs more than the work
// these calls do. The helpers keep them indistinguishable from bound methods:
// errors are translated as pybind11's dispatcher does, argument errors read
// like Python's own, C++ values are installed as pybind11's constructors do.
#pragma once

#include <initializer_list>
#include <memory>
#include <utility>

#include "common.h"

namespace gkpy {

/// Runs `body` (which returns a new reference) as a C method's body: an
/// exception becomes the Python error pybind11's dispatcher would set, and the
/// result nullptr.
template <class Body>
PyObject* guarded_call(Body&& body) {
  try {
    return body();
  } catch (py::error_already_set& e) {
    e.restore();
    return nullptr;
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

/// A parameter of a fastcall method: its name, and where its argument goes
/// (nullptr when it is not given).
struct FastArg {
  const char* name;
  PyObject** slot;
};

/// Binds the positional arguments, then the keyword ones, to `params`;
/// TypeError naming `fn` for too many, unknown or repeated arguments (missing
/// ones are left nullptr for the caller to check).
void bind_fast_args(const char* fn, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                    std::initializer_list<FastArg> params);

/// An integer argument (an int or anything with __index__, as pybind11 accepts),
/// else TypeError naming `fn` and `param`.
int64_t int_arg(PyObject* o, const char* fn, const char* param);

/// A bool argument as pybind11 converts one: True, False, None (false) or an object with __bool__
/// (numpy.bool_, int); `dflt` when not given (nullptr); else TypeError naming `fn` and `param`.
bool bool_arg(PyObject* o, bool dflt, const char* fn, const char* param);

/// Makes `value` the C++ object of a pybind11 instance being initialised
/// (value pointer + unique_ptr holder, as pybind11's constructors do).
template <class T>
void install_value(py::detail::value_and_holder& v_h, std::unique_ptr<T> value) {
  using Holder = std::unique_ptr<T>;
  v_h.value_ptr() = value.get();
  new (std::addressof(v_h.holder<Holder>())) Holder(std::move(value));
  v_h.set_holder_constructed();
}

/// Sets `def` as the method of class `cls` named def->ml_name, replacing the
/// one pybind11 bound (`def` must outlive the class).
void set_fast_method(py::handle cls, PyMethodDef* def);

}  // namespace gkpy
