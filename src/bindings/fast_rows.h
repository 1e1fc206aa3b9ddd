// Fast Python row objects for bound classes (VCFVariant, Gene, Transcript,
// Exon, ...): queries return thousands of them, and pybind11's generic cast
// path costs ~0.3 us each (a heap copy of the value, a hash-map insert into
// pybind11's instance registry on creation and an erase on destruction, two
// type-info lookups). FastRows<T> creates the same pybind11 instances, usable
// by every bound method and property, in one Python allocation:
//
//   [pybind11 instance header][padding][T value]
//
// The class's tp_basicsize is grown to hold the value inline; the value
// pointer of the (simple-layout) instance points at it; no holder is
// constructed and the instance is not registered (nothing ever looks these
// values up by C++ address: they are returned by value). tp_dealloc is
// replaced by one that destroys the inline value and frees the object;
// instances that pybind11 itself created (e.g. a Python subclass, or the
// raising constructor) still go through pybind11's own dealloc.
//
// Use: FastRows<T>::install(cls) right after binding class T (before any
// instance or Python subclass exists); FastRows<T>::make(fill) for a new
// reference. Only in the bindings layer; the core never sees Python.
#pragma once

#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include "common.h"

namespace gkpy {

template <class T>
class FastRows {
 public:
  static void install(py::handle cls) {
    type_ = reinterpret_cast<PyTypeObject*>(cls.ptr());
    if (PyType_HasFeature(type_, Py_TPFLAGS_HAVE_GC) || type_->tp_itemsize != 0 || type_->tp_free != PyObject_Free)
      throw std::logic_error("FastRows: the class must be a plain (non-GC, fixed size) pybind11 class");
    type_->tp_basicsize = static_cast<Py_ssize_t>(kOffset + sizeof(T));
    type_->tp_dealloc = &dealloc;
  }

  static PyTypeObject* type() { return type_; }

  /// New reference to a fresh instance whose value is default constructed,
  /// then passed to `fill(T&)` (which may throw).
  template <class Fill>
  static PyObject* make(Fill&& fill) {
    // What PyType_GenericAlloc does for a non-GC type, without zeroing the
    // value part (the constructor initialises it).
    PyObject* self = static_cast<PyObject*>(PyObject_Malloc(static_cast<size_t>(type_->tp_basicsize)));
    if (!self) {
      PyErr_NoMemory();
      throw py::error_already_set();
    }
    auto* inst = reinterpret_cast<py::detail::instance*>(self);
    std::memset(static_cast<void*>(inst), 0, sizeof(py::detail::instance));
    PyObject_Init(self, type_);  // increfs the heap type
    inst->simple_layout = true;  // value pointer stays null until the value exists
    T* v = value_of(self);
    new (v) T;
    inst->simple_value_holder[0] = v;
    try {
      fill(*v);
    } catch (...) {
      Py_DECREF(self);
      throw;
    }
    return self;
  }

  /// The value of an instance this class made (or nullptr for another layout).
  static T* inline_value(PyObject* self) {
    auto* inst = reinterpret_cast<py::detail::instance*>(self);
    T* v = value_of(self);
    return inst->simple_layout && inst->simple_value_holder[0] == v ? v : nullptr;
  }

 private:
  static constexpr size_t kOffset = (sizeof(py::detail::instance) + alignof(T) - 1) / alignof(T) * alignof(T);

  static T* value_of(PyObject* self) {
    return std::launder(reinterpret_cast<T*>(reinterpret_cast<char*>(self) + kOffset));
  }

  static void dealloc(PyObject* self) {
    T* v = inline_value(self);
    if (!v) {
      py::detail::pybind11_object_dealloc(self);
      return;
    }
    PyTypeObject* tp = Py_TYPE(self);
    if (PyType_HasFeature(tp, Py_TPFLAGS_HAVE_GC)) PyObject_GC_UnTrack(self);
    auto* inst = reinterpret_cast<py::detail::instance*>(self);
    v->~T();
    inst->simple_value_holder[0] = nullptr;
    if (inst->weakrefs) PyObject_ClearWeakRefs(self);
    if (inst->has_patients) py::detail::clear_patients(self);
    tp->tp_free(self);
    Py_DECREF(tp);
  }

  static inline PyTypeObject* type_ = nullptr;
};

/// The C++ value of an instance of a bound class T (or of a class derived
/// from T by single inheritance at offset 0): read straight from the
/// instance for the simple layout, through pybind11's caster otherwise.
template <class T>
const T& self_value(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (inst->simple_layout && inst->simple_value_holder[0]) return *static_cast<const T*>(inst->simple_value_holder[0]);
  return py::handle(self).cast<const T&>();
}

namespace detail {

template <class T>
struct FastGetter {
  py::object (*get)(const T&);
};

template <class T>
PyObject* getter_thunk(PyObject* self, void* closure) {
  try {
    return static_cast<FastGetter<T>*>(closure)->get(self_value<T>(self)).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

template <class T, py::object (*Fn)(const T&, py::handle), const char* Arg>
PyObject* method_thunk(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  try {
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    bool ok = (nargs == 1 && nkw == 0) ||
              (nargs == 0 && nkw == 1 && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), Arg) == 0);
    if (!ok) {
      PyErr_Format(PyExc_TypeError, "expected exactly one argument (%s)", Arg);
      return nullptr;
    }
    return Fn(self_value<T>(self), args[0]).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

}  // namespace detail

/// Defines (or replaces) read-only attribute `name` of class `cls` as a C
/// getset descriptor calling `get` (no pybind11 dispatch: ~4x cheaper).
template <class T>
void def_fast_getter(py::handle cls, const char* name, py::object (*get)(const T&), const char* doc = nullptr) {
  auto* closure = new detail::FastGetter<T>{get};  // lives as long as the class (the module)
  auto* def = new PyGetSetDef{name, &detail::getter_thunk<T>, nullptr, doc, closure};
  PyObject* descr = PyDescr_NewGetSet(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (!descr || PyObject_SetAttrString(cls.ptr(), name, descr) < 0) {
    Py_XDECREF(descr);
    throw py::error_already_set();
  }
  Py_DECREF(descr);
}

/// Defines (or replaces) method `name(arg)` of class `cls`, taking one
/// argument (positional, or by keyword `Arg`), as a C method descriptor
/// calling `Fn` (no pybind11 dispatch, no bound-method object per call).
template <class T, py::object (*Fn)(const T&, py::handle), const char* Arg>
void def_fast_method(py::handle cls, const char* name, const char* doc = nullptr) {
  auto* def = new PyMethodDef{
      name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&detail::method_thunk<T, Fn, Arg>)),
      METH_FASTCALL | METH_KEYWORDS, doc};  // lives as long as the class
  PyObject* descr = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (!descr || PyObject_SetAttrString(cls.ptr(), name, descr) < 0) {
    Py_XDECREF(descr);
    throw py::error_already_set();
  }
  Py_DECREF(descr);
}

/// Interval attributes read straight from the row object's value.
template <class T>
void def_interval_getters(py::handle cls) {
  def_fast_getter<T>(cls, "start", [](const T& r) -> py::object { return py::int_(r.start); });
  def_fast_getter<T>(cls, "end", [](const T& r) -> py::object { return py::int_(r.end); });
  def_fast_getter<T>(cls, "strand", [](const T& r) -> py::object { return py::str(&r.strand, 1); });
  def_fast_getter<T>(cls, "chromosome", [](const T& r) -> py::object { return py::str(r.chrom_name()); });
  def_fast_getter<T>(cls, "chrom", [](const T& r) -> py::object { return py::str(r.chrom_name()); });
}

/// A new list of `n` objects made by `make(i)` (each a new reference).
template <class Make>
py::list fast_list(size_t n, Make&& make) {
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(n));
  if (!list) throw py::error_already_set();
  py::list out = py::reinterpret_steal<py::list>(list);
  for (size_t i = 0; i < n; ++i) PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), make(i));
  return out;
}

}  // namespace gkpy
