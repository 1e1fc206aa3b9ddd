// Lazy row objects for bound classes (Gene, Transcript, Exon, ..., VCFVariant).
//
// Queries and navigation return thousands of rows, most of which are looked
// at briefly or not at all. A row object therefore carries only a reference
// to its source and its row number — no copy of its interval, alleles or
// anything read from the mapped file — and everything is read on access:
//
//   PyObject header | value pointer | RowRef (owner, row, table) | weakrefs | flags
//   (a plain pybind11 instance, 56 bytes: the RowRef sits in the two words
//   pybind11 reserves for an inline holder, unused since rows have none; the
//   value pointer points at the RowRef, which tells these instances from
//   ones pybind11 made itself)
//
// * `owner` is a strong reference to the Python object that keeps the data
//   alive (the AnnotationFile object, or the _VCFTable handle): a plain
//   Py_INCREF, no atomic shared_ptr traffic.
// * Creating a row touches neither the mapped row nor the chromosome table:
//   `exon.transcript` or `transcripts[i]` cost one small allocation (see
//   measurements in docs/annotations.md).
// * Objects come from a Slab (slab.h), so building a list of a million rows
//   costs a few dozen page faults (none when chunks are reused), not ~14,000.
//
// The classes stay pybind11 classes deriving from genome_kit.Interval (and
// Variant): `isinstance`, docstrings and every Interval/Variant method work.
// pybind11 never sees a C++ value for these instances: the casters of
// gk::Interval and gk::Variant (common.h) ask `lazy_interval` /
// `lazy_variant` first, which materialise the value of a row into the
// caster. Row classes must therefore bind every own method/attribute with
// def_row_getter / def_row_method / the type slots here (never a pybind11
// `.def` taking the row's C++ type).
//
// pybind11 internals relied upon (pinned to 3.1.x in pyproject.toml):
// `py::detail::instance` (simple layout: simple_value_holder[0] is the value
// pointer, simple_value_holder[1..2] the inline holder storage, touched only
// once simple_holder_constructed is set; weakrefs; has_patients),
// `pybind11_object_dealloc` and `clear_patients` for instances pybind11
// itself made (a failed __init__). static_asserts below check the layout.
// Only in the bindings layer; the core never sees Python.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include "common.h"
#include "errors.h"
#include "slab.h"

namespace gkpy {

/// The value of a lazy row object.
struct RowRef {
  PyObject* owner;  // strong reference: keeps the mapped data alive
  uint32_t row;     // row number in its table
  uint8_t table;    // table kind (annotations), 0 otherwise
  uint8_t pad[3];
};
static_assert(sizeof(RowRef) == 16, "RowRef is two words");

/// How a row class materialises its Interval / Variant value on demand.
struct RowKind {
  void (*interval)(const RowRef&, gk::Interval&) = nullptr;
  void (*variant)(const RowRef&, gk::Variant&) = nullptr;  // Variant subclasses only
};

namespace rows {

constexpr size_t kInstanceSize = sizeof(py::detail::instance);
constexpr size_t kObjectSize = kInstanceSize;
static_assert(py::detail::instance_simple_holder_in_ptrs() * sizeof(void*) >= sizeof(RowRef),
              "the RowRef fits in the inline holder storage");
static_assert(offsetof(py::detail::instance, simple_value_holder) % alignof(RowRef) == 0, "aligned RowRef");

/// Block allocator of row objects (GIL held). Never returns null: raises MemoryError.
void* alloc();
void free(void* p);
/// The shared tp_dealloc of every lazy row class.
void dealloc(PyObject* self);

/// Makes `cls` (a pybind11 class, non-GC, before any instance exists) a lazy row class.
void install(py::handle cls, const RowKind& kind);
/// The hooks of a row class (install()ed).
const RowKind& kind_of(PyTypeObject* type);

inline RowRef* inline_ref(PyObject* self) {
  return reinterpret_cast<RowRef*>(&reinterpret_cast<py::detail::instance*>(self)->simple_value_holder[1]);
}

/// The RowRef of a lazy row object, or nullptr for any other object
/// (including a row instance pybind11 made whose __init__ failed).
inline const RowRef* ref(PyObject* self) {
  if (Py_TYPE(self)->tp_dealloc != &dealloc) return nullptr;
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  RowRef* r = inline_ref(self);
  return inst->simple_layout && inst->simple_value_holder[0] == r ? r : nullptr;
}

/// As ref(), but TypeError instead of nullptr.
const RowRef& checked_ref(PyObject* self);

/// New reference to a fresh row object of `type` (install()ed).
inline PyObject* make(PyTypeObject* type, PyObject* owner, uint32_t row, uint8_t table = 0) {
  auto* self = static_cast<PyObject*>(alloc());
  std::memset(static_cast<void*>(self), 0, kInstanceSize);
  PyObject_Init(self, type);  // increfs the heap type
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  RowRef* r = inline_ref(self);
  Py_INCREF(owner);
  r->owner = owner;
  r->row = row;
  r->table = table;
  inst->simple_layout = true;
  inst->simple_value_holder[0] = r;
  return self;
}

/// Interned Python str of a chromosome name (borrowed; lives as long as the process).
PyObject* chrom_str(gk::RefgId refg, gk::ChromId chrom);
/// "+" or "-" (borrowed).
PyObject* strand_str(char strand);
/// New reference to a str of `s` (UTF-8), shared with earlier calls for the same text: for attributes with
/// few distinct values (biotypes), which would otherwise cost a new str per read.
PyObject* category_str(std::string_view s);
/// Interned Python str of an assembly's name (borrowed; lives as long as the process).
PyObject* refg_str(gk::RefgId refg);

}  // namespace rows

/// The value of an instance of a plain bound class T (tables, handles):
/// read straight from a simple-layout instance, through pybind11 otherwise.
/// Not for row objects, Intervals or Variants (use interval_of).
template <class T>
const T& self_value(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (inst->simple_layout && inst->simple_value_holder[0]) return *static_cast<const T*>(inst->simple_value_holder[0]);
  return py::handle(self).cast<const T&>();
}

namespace detail {

struct RowGetter {
  py::object (*get)(const RowRef&);  // or, when null:
  py::object (*get_interval)(const gk::Interval&);
  void (*interval)(const RowRef&, gk::Interval&);
};

PyObject* row_getter_thunk(PyObject* self, void* closure);

bool one_arg(Py_ssize_t nargs, PyObject* kwnames, const char* name);

template <py::object (*Fn)(PyObject*, const RowRef&, py::handle), const char* Arg>
PyObject* row_method_thunk(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  try {
    if (!one_arg(nargs, kwnames, Arg)) return nullptr;
    return Fn(self, rows::checked_ref(self), args[0]).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

template <py::object (*Fn)(PyObject*, const RowRef&)>
PyObject* row_noargs_thunk(PyObject* self, PyObject*) {
  try {
    return Fn(self, rows::checked_ref(self)).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

template <class T, py::object (*Fn)(PyObject*, const T&, py::handle), const char* Arg>
PyObject* method_thunk(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  try {
    if (!one_arg(nargs, kwnames, Arg)) return nullptr;
    return Fn(self, self_value<T>(self), args[0]).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

void set_method(py::handle cls, PyMethodDef* def);

}  // namespace detail

/// Defines (or replaces) read-only attribute `name` of row class `cls` as a
/// C getset descriptor calling `get` (a new reference, or nullptr with an
/// exception set; C++ exceptions are translated).
void def_row_getter(py::handle cls, const char* name, py::object (*get)(const RowRef&), const char* doc = nullptr);

/// Method `name(arg)` of row class `cls` (one argument, positional or by
/// keyword `Arg`) as a C method descriptor: `Fn(self, ref, arg)`.
template <py::object (*Fn)(PyObject*, const RowRef&, py::handle), const char* Arg>
void def_row_method(py::handle cls, const char* name, const char* doc = nullptr) {
  detail::set_method(
      cls, new PyMethodDef{
               name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&detail::row_method_thunk<Fn, Arg>)),
               METH_FASTCALL | METH_KEYWORDS, doc});  // lives as long as the class
}

/// Method `name()` of row class `cls` as a C method descriptor: `Fn(self, ref)`.
template <py::object (*Fn)(PyObject*, const RowRef&)>
void def_row_method(py::handle cls, const char* name, const char* doc = nullptr) {
  detail::set_method(cls, new PyMethodDef{name, &detail::row_noargs_thunk<Fn>, METH_NOARGS, doc});
}

/// Method `name(arg)` of a plain bound class (tables, handles) as a C method
/// descriptor: `Fn(self, value, arg)`, no pybind11 dispatch.
template <class T, py::object (*Fn)(PyObject*, const T&, py::handle), const char* Arg>
void def_fast_method(py::handle cls, const char* name, const char* doc = nullptr) {
  detail::set_method(
      cls, new PyMethodDef{
               name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&detail::method_thunk<T, Fn, Arg>)),
               METH_FASTCALL | METH_KEYWORDS, doc});
}

/// start / end / strand / chromosome / chrom of row class `cls`, read through
/// its RowKind (the interval is materialised on the stack, names cached).
void def_row_interval_getters(py::handle cls);

// ---- value classes (Interval, Variant): C slots, getters and methods ------------
//
// Per-call operations on Intervals (attribute reads, hash, ==, len, end5,
// expand, relations...) cost less than pybind11's dispatch around them, so
// the value classes bind them as CPython getset descriptors, method
// descriptors and type slots over `value_ref` below (row objects reaching
// them are materialised first).

/// The value of an instance of value class T (or of a subclass: Variant,
/// row objects). Row objects are materialised into `tmp`.
template <class T>
const T& value_ref(PyObject* self, T& tmp);

namespace values {

// Objects made by values::make hold their value inline, right after the
// pybind11 instance header:
//   pybind11 instance (value pointer -> the T below; no holder; unregistered) | T
// One allocation (from a Slab: no page faults when lists of them come and go)
// and no entry in pybind11's instance registry, where a pybind11-made result
// costs three of each. pybind11 reads them as ordinary instances (it only
// follows the value pointer); the class's tp_dealloc (dealloc) frees them and
// hands every instance pybind11 made (constructor, Python subclasses) back to
// pybind11. T must be trivially destructible; one class has inline values.

constexpr size_t kValueOffset = (rows::kInstanceSize + 7) / 8 * 8;  // 96-byte Interval objects

inline void* inline_value(PyObject* self) {
  return reinterpret_cast<char*>(self) + kValueOffset;
}

/// The tp_dealloc of classes with inline values (and of their subclasses).
void dealloc(PyObject* self);

/// The allocator of every exact instance of the class with inline values (set by install()).
Slab& slab();
void set_inline_class(PyTypeObject* type, Slab* slab);

/// Python class bound to T once install()ed (nullptr before).
template <class T>
PyTypeObject*& type_slot() {
  static PyTypeObject* t = nullptr;
  return t;
}

/// tp_alloc of T's class: exact instances come from the slab, with room for an
/// inline value, which __init__ fills with values::init (pybind11's own
/// __init__ or casters may still give them a heap value instead: dealloc tells
/// them apart). Subclasses: as usual.
template <class T>
PyObject* alloc(PyTypeObject* type, Py_ssize_t nitems) {
  if (type != type_slot<T>()) return PyType_GenericAlloc(type, nitems);
  void* mem;
  try {
    mem = slab().alloc();
  } catch (py::error_already_set& e) {
    e.restore();
    return nullptr;
  }
  std::memset(mem, 0, kValueOffset);
  return PyObject_Init(static_cast<PyObject*>(mem), type);  // increfs the heap type
}

/// Lets T's class hold values inline: call once, right after py::class_<T>
/// (subclasses bound later inherit the deallocator).
template <class T>
void install(py::handle cls) {
  static_assert(std::is_trivially_destructible_v<T>, "inline values are freed without a destructor");
  static_assert(alignof(T) <= 8, "inline values are 8-byte aligned");
  static Slab slab_of_t(kValueOffset + sizeof(T));
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  set_inline_class(type, &slab_of_t);
  type->tp_dealloc = &dealloc;
  type->tp_alloc = &alloc<T>;
  type_slot<T>() = type;
}

/// __init__ of an exact instance of T's class not yet initialised: places `v`
/// inline (false, and nothing done, for any other object). The holder counts
/// as constructed (it is an empty unique_ptr), as pybind11 checks after __init__.
template <class T>
bool init(PyObject* self, const T& v) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (Py_TYPE(self) != type_slot<T>() || !inst->simple_layout || inst->simple_value_holder[0] ||
      inst->simple_holder_constructed)
    return false;
  inst->simple_value_holder[0] = new (inline_value(self)) T(v);
  inst->simple_holder_constructed = true;
  return true;
}

/// New reference to an object of T's bound class holding a copy of `v`.
template <class T>
PyObject* make(const T& v) {
  PyTypeObject* type = type_slot<T>();
  void* mem = slab().alloc();
  auto* self = static_cast<PyObject*>(mem);
  std::memset(mem, 0, rows::kInstanceSize);
  PyObject_Init(self, type);  // increfs the heap type
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  inst->simple_layout = true;
  inst->simple_value_holder[0] = new (inline_value(self)) T(v);
  return self;
}

}  // namespace values

/// Positional and keyword arguments of a METH_FASTCALL | METH_KEYWORDS call.
struct CallArgs {
  PyObject* const* args;
  Py_ssize_t nargs;
  PyObject* kwnames;
};

namespace detail {

template <class T>
bool lazy_value(PyObject* obj, T& out);
template <>
inline bool lazy_value<gk::Interval>(PyObject* obj, gk::Interval& out) {
  return lazy_interval(obj, out);
}
template <>
inline bool lazy_value<gk::Variant>(PyObject* obj, gk::Variant& out) {
  return lazy_variant(obj, out);
}

template <class T>
struct ValueGetter {
  py::object (*get)(const T&);
};

template <class T>
PyObject* value_getter_thunk(PyObject* self, void* closure) {
  try {
    T tmp;
    return static_cast<ValueGetter<T>*>(closure)->get(value_ref<T>(self, tmp)).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

/// The value an instance of value class T holds (inline or on the heap), or nullptr (row objects: lazy).
template <class T>
inline const T* held_value(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (Py_TYPE(self)->tp_dealloc != &rows::dealloc && inst->simple_layout && inst->simple_value_holder[0])
    return static_cast<const T*>(inst->simple_value_holder[0]);
  return nullptr;
}

/// As value_getter_thunk, with the read compiled in (`Get` returns a new reference): no call through the
/// closure and, for objects holding their value, no temporary.
template <class T, PyObject* (*Get)(const T&)>
PyObject* static_getter_thunk(PyObject* self, void*) {
  try {
    if (const T* v = held_value<T>(self)) return Get(*v);
    T tmp;
    return Get(value_ref<T>(self, tmp));
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

template <class T, py::object (*Fn)(const T&)>
PyObject* value_noargs_thunk(PyObject* self, PyObject*) {
  try {
    T tmp;
    return Fn(value_ref<T>(self, tmp)).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

template <class T, py::object (*Fn)(const T&, py::handle), const char* Arg>
PyObject* value_arg_thunk(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  try {
    if (!one_arg(nargs, kwnames, Arg)) return nullptr;
    T tmp;
    return Fn(value_ref<T>(self, tmp), args[0]).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

template <class T, py::object (*Fn)(const T&, const CallArgs&)>
PyObject* value_args_thunk(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  try {
    T tmp;
    return Fn(value_ref<T>(self, tmp), CallArgs{args, nargs, kwnames}).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
    return nullptr;
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

void set_getset(py::handle cls, PyGetSetDef* def);

}  // namespace detail

template <class T>
const T& value_ref(PyObject* self, T& tmp) {
  if (const T* v = detail::held_value<T>(self)) return *v;
  if (Py_TYPE(self)->tp_dealloc == &rows::dealloc) {  // a row object: materialise it
    if (!detail::lazy_value<T>(self, tmp)) gk::type_error("not a ", Py_TYPE(self)->tp_name, " value");
    return tmp;
  }
  tmp = py::handle(self).cast<T>();
  return tmp;
}

/// Read-only attribute `name` of value class `cls` (T = gk::Interval or
/// gk::Variant, or a class whose instances hold a T) as a C getset descriptor
/// calling `get` (~4x cheaper than pybind11 dispatch). Row objects reaching it
/// (e.g. gk.Variant.ref.__get__(vcf_variant)) are materialised first.
template <class T>
void def_fast_getter(py::handle cls, const char* name, py::object (*get)(const T&), const char* doc = nullptr) {
  auto* closure = new detail::ValueGetter<T>{get};  // lives as long as the class (the module)
  detail::set_getset(cls, new PyGetSetDef{name, &detail::value_getter_thunk<T>, nullptr, doc, closure});
}

/// Method `name()` of value class `cls` as a C method descriptor: `Fn(value)`.
template <class T, py::object (*Fn)(const T&)>
void def_value_method(py::handle cls, const char* name, const char* doc = nullptr) {
  detail::set_method(cls, new PyMethodDef{name, &detail::value_noargs_thunk<T, Fn>, METH_NOARGS, doc});
}

/// Method `name(arg)` of value class `cls` (one argument, positional or by
/// keyword `Arg`) as a C method descriptor: `Fn(value, arg)`.
template <class T, py::object (*Fn)(const T&, py::handle), const char* Arg>
void def_value_method(py::handle cls, const char* name, const char* doc = nullptr) {
  detail::set_method(
      cls, new PyMethodDef{
               name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&detail::value_arg_thunk<T, Fn, Arg>)),
               METH_FASTCALL | METH_KEYWORDS, doc});
}

/// Method `name(...)` of value class `cls` taking any arguments (bound by
/// `Fn` itself, e.g. with bind_fast_args) as a C method descriptor.
template <class T, py::object (*Fn)(const T&, const CallArgs&)>
void def_value_method(py::handle cls, const char* name, const char* doc = nullptr) {
  detail::set_method(
      cls, new PyMethodDef{
               name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&detail::value_args_thunk<T, Fn>)),
               METH_FASTCALL | METH_KEYWORDS, doc});
}

/// Type slots set directly on a class, bypassing the dunder methods in its
/// dict (which stay, for explicit calls and Python subclasses). Null members
/// are left as they are.
struct TypeSlots {
  hashfunc hash = nullptr;
  richcmpfunc richcompare = nullptr;
  lenfunc length = nullptr;  // sq_length and mp_length
  objobjproc contains = nullptr;
  reprfunc repr = nullptr;
  reprfunc str = nullptr;
};

/// Sets `slots` on `cls`. Call after the last attribute of `cls` is set
/// (setting a dunder attribute resets its slot); classes bound later inherit
/// the slots they do not define.
void set_type_slots(py::handle cls, const TypeSlots& slots);

/// As def_fast_getter, for the attributes loops read most: `Get` (a new reference) compiled into the thunk.
template <class T, PyObject* (*Get)(const T&)>
void def_static_getter(py::handle cls, const char* name, const char* doc = nullptr) {
  detail::set_getset(cls, new PyGetSetDef{name, &detail::static_getter_thunk<T, Get>, nullptr, doc, nullptr});
}

namespace detail {
template <class T>
PyObject* start_of(const T& v) {
  return PyLong_FromLongLong(v.start);
}
template <class T>
PyObject* end_of(const T& v) {
  return PyLong_FromLongLong(v.end);
}
template <class T>
PyObject* strand_of(const T& v) {
  PyObject* s = rows::strand_str(v.strand);
  Py_INCREF(s);
  return s;
}
template <class T>
PyObject* chrom_of(const T& v) {
  PyObject* s = rows::chrom_str(v.refg, v.chrom);
  Py_INCREF(s);
  return s;
}
}  // namespace detail

/// start / end / strand / chromosome / chrom of value class `cls` (cached names).
template <class T>
void def_interval_getters(py::handle cls) {
  def_static_getter<T, &detail::start_of<T>>(cls, "start");
  def_static_getter<T, &detail::end_of<T>>(cls, "end");
  def_static_getter<T, &detail::strand_of<T>>(cls, "strand");
  def_static_getter<T, &detail::chrom_of<T>>(cls, "chromosome");
  def_static_getter<T, &detail::chrom_of<T>>(cls, "chrom");
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
