// Lazy row objects: allocator, class installation, shared slots and the
// hooks the Interval/Variant casters call (see fast_rows.h).
#include "fast_rows.h"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <utility>
#include <vector>

#include "errors.h"

namespace gkpy {

namespace rows {

namespace {

Slab& slab() {
  static auto* s = new Slab(kObjectSize);  // lives as long as the objects (the process)
  return *s;
}

}  // namespace

void* alloc() {
  return slab().alloc();
}

void free(void* p) {
  slab().free(p);
}

// ---- classes ------------------------------------------------------------------

namespace {
// A deque: entries never move (kind_of keeps a pointer to the last one it found).
std::deque<std::pair<PyTypeObject*, RowKind>>& kinds() {
  static auto* k = new std::deque<std::pair<PyTypeObject*, RowKind>>();  // lives as long as the classes
  return *k;
}
}  // namespace

void dealloc(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  RowRef* r = inline_ref(self);
  if (!(inst->simple_layout && inst->simple_value_holder[0] == r)) {
    // Made by pybind11 (its __init__ raised): its own layout and allocator.
    py::detail::pybind11_object_dealloc(self);
    return;
  }
  PyTypeObject* tp = Py_TYPE(self);
  if (inst->weakrefs) PyObject_ClearWeakRefs(self);
  if (inst->has_patients) py::detail::clear_patients(self);
  PyObject* owner = r->owner;
  rows::free(self);
  Py_DECREF(tp);
  Py_XDECREF(owner);
}

void install(py::handle cls, const RowKind& kind) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  if (PyType_HasFeature(type, Py_TPFLAGS_HAVE_GC) || type->tp_itemsize != 0 || type->tp_free != PyObject_Free ||
      static_cast<size_t>(type->tp_basicsize) != kObjectSize)
    throw std::logic_error("rows::install: the class must be a plain (non-GC, fixed size) pybind11 class");
  type->tp_dealloc = &dealloc;
  kinds().emplace_back(type, kind);
}

const RowKind& kind_of(PyTypeObject* type) {
  // Loops ask for one class at a time (exon.interval, exon.end5 over a list of exons): the last answer
  // first (GIL held).
  static PyTypeObject* last_type = nullptr;
  static const RowKind* last = nullptr;
  if (type == last_type) return *last;
  for (auto& k : kinds())
    if (k.first == type) {
      last_type = type;
      last = &k.second;
      return k.second;
    }
  throw std::logic_error("rows::kind_of: not a row class");
}

const RowRef& checked_ref(PyObject* self) {
  const RowRef* r = ref(self);
  if (!r) gk::type_error("uninitialised ", Py_TYPE(self)->tp_name, " object");
  return *r;
}

PyObject* chrom_str(gk::RefgId refg, gk::ChromId chrom) {
  static auto* cache = new std::vector<std::vector<PyObject*>>();  // interned names, never freed
  if (cache->size() <= refg) cache->resize(size_t(refg) + 1);
  auto& names = (*cache)[refg];
  auto c = static_cast<size_t>(chrom);
  if (c >= names.size()) {
    const gk::Assembly& a = gk::assembly(refg);
    if (c >= a.num_chroms()) gk::value_error("chromosome #", chrom, " unknown in ", a.name());
    names.resize(a.num_chroms(), nullptr);
  }
  PyObject*& s = names[c];
  if (!s) {
    const std::string& n = gk::assembly(refg).chrom_name(chrom);
    s = PyUnicode_FromStringAndSize(n.data(), static_cast<Py_ssize_t>(n.size()));
    if (!s) throw py::error_already_set();
    PyUnicode_InternInPlace(&s);
  }
  return s;
}

PyObject* refg_str(gk::RefgId refg) {
  static auto* cache = new std::vector<PyObject*>();  // interned names, never freed
  if (cache->size() <= refg) cache->resize(size_t(refg) + 1, nullptr);
  PyObject*& s = (*cache)[refg];
  if (!s) {
    const std::string& n = gk::assembly(refg).name();
    s = PyUnicode_FromStringAndSize(n.data(), static_cast<Py_ssize_t>(n.size()));
    if (!s) throw py::error_already_set();
    PyUnicode_InternInPlace(&s);
  }
  return s;
}

PyObject* strand_str(char strand) {
  static PyObject* plus = nullptr;
  static PyObject* minus = nullptr;
  if (!plus) {
    plus = PyUnicode_InternFromString("+");
    minus = PyUnicode_InternFromString("-");
    if (!plus || !minus) throw py::error_already_set();
  }
  return strand == '-' ? minus : plus;
}

PyObject* category_str(std::string_view s) {
  // Direct-mapped, keyed by content (so it is right for any file, open or closed): a slot keeps the last
  // ASCII str that hashed there. Few distinct values (biotypes) stay cached; a miss costs one str.
  constexpr size_t kSlots = 256;
  static PyObject* slots[kSlots] = {};
  uint64_t head = 0, tail = 0;
  std::memcpy(&head, s.data(), std::min<size_t>(8, s.size()));
  if (s.size() > 8) std::memcpy(&tail, s.data() + s.size() - 8, 8);
  uint64_t h = (head ^ (tail * 0x9E3779B97F4A7C15ull) ^ s.size()) * 0xC2B2AE3D27D4EB4Full;
  PyObject*& slot = slots[h >> 56];
  if (slot && static_cast<size_t>(PyUnicode_GET_LENGTH(slot)) == s.size() &&
      std::memcmp(PyUnicode_1BYTE_DATA(slot), s.data(), s.size()) == 0) {
    Py_INCREF(slot);
    return slot;
  }
  PyObject* str = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), nullptr);
  if (!str) throw py::error_already_set();
  if (PyUnicode_IS_ASCII(str)) {  // 1-byte data whose length is its size in bytes
    Py_XDECREF(slot);
    Py_INCREF(str);
    slot = str;
  }
  return str;
}

}  // namespace rows

bool lazy_interval(PyObject* obj, gk::Interval& out) {
  if (Py_TYPE(obj)->tp_dealloc != &rows::dealloc) return false;
  const RowRef& r = rows::checked_ref(obj);
  rows::kind_of(Py_TYPE(obj)).interval(r, out);
  return true;
}

bool lazy_variant(PyObject* obj, gk::Variant& out) {
  if (Py_TYPE(obj)->tp_dealloc != &rows::dealloc) return false;
  const RowRef& r = rows::checked_ref(obj);
  const RowKind& k = rows::kind_of(Py_TYPE(obj));
  if (!k.variant) return false;  // not a Variant: pybind11's caster refuses it
  k.variant(r, out);
  return true;
}

gk::Interval interval_of(py::handle obj, const char* what) {
  gk::Interval iv;
  if (lazy_interval(obj.ptr(), iv)) return iv;
  static PyTypeObject* type =
      reinterpret_cast<PyTypeObject*>(py::detail::get_type_handle(typeid(gk::Interval), true).ptr());
  if (!PyObject_TypeCheck(obj.ptr(), type)) gk::type_error("expected ", what, ", got ", Py_TYPE(obj.ptr())->tp_name);
  auto* inst = reinterpret_cast<py::detail::instance*>(obj.ptr());
  if (inst->simple_layout && inst->simple_value_holder[0])
    return *static_cast<const gk::Interval*>(inst->simple_value_holder[0]);
  return obj.cast<gk::Interval>();
}

namespace values {

namespace {
PyTypeObject* g_inline_class = nullptr;
Slab* g_slab = nullptr;
}  // namespace

Slab& slab() {
  return *g_slab;
}

void set_inline_class(PyTypeObject* type, Slab* slab) {
  if (g_inline_class && g_inline_class != type)
    throw std::logic_error("values::install: only one class holds inline values");
  g_inline_class = type;
  g_slab = slab;
}

void dealloc(PyObject* self) {
  PyTypeObject* tp = Py_TYPE(self);
  if (tp != g_inline_class) {  // a subclass instance (Variant, Python subclasses): pybind11's from end to end
    py::detail::pybind11_object_dealloc(self);
    return;
  }
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (inst->simple_layout && inst->simple_value_holder[0] == inline_value(self)) {
    if (inst->weakrefs) PyObject_ClearWeakRefs(self);
    if (inst->has_patients) py::detail::clear_patients(self);
  } else {
    py::detail::clear_instance(self);  // a heap value pybind11 installed, or none (a failed __init__)
  }
  g_slab->free(self);  // tp_alloc took it from the slab
  Py_DECREF(tp);
}

}  // namespace values

void set_type_slots(py::handle cls, const TypeSlots& slots) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  if (slots.hash) type->tp_hash = slots.hash;
  if (slots.richcompare) type->tp_richcompare = slots.richcompare;
  if (slots.repr) type->tp_repr = slots.repr;
  if (slots.str) type->tp_str = slots.str;
  if (slots.length) {
    type->tp_as_sequence->sq_length = slots.length;
    type->tp_as_mapping->mp_length = slots.length;
  }
  if (slots.contains) type->tp_as_sequence->sq_contains = slots.contains;
  PyType_Modified(type);
}

namespace detail {

PyObject* row_getter_thunk(PyObject* self, void* closure) {
  try {
    auto* g = static_cast<RowGetter*>(closure);
    const RowRef& r = rows::checked_ref(self);
    if (g->get) return g->get(r).release().ptr();
    gk::Interval iv;
    g->interval(r, iv);
    return g->get_interval(iv).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

bool one_arg(Py_ssize_t nargs, PyObject* kwnames, const char* name) {
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  if ((nargs == 1 && nkw == 0) ||
      (nargs == 0 && nkw == 1 && PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, 0), name) == 0))
    return true;
  PyErr_Format(PyExc_TypeError, "expected exactly one argument (%s)", name);
  return false;
}

void set_getset(py::handle cls, PyGetSetDef* def) {
  PyObject* descr = PyDescr_NewGetSet(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (!descr || PyObject_SetAttrString(cls.ptr(), def->name, descr) < 0) {
    Py_XDECREF(descr);
    throw py::error_already_set();
  }
  Py_DECREF(descr);
}

void set_method(py::handle cls, PyMethodDef* def) {
  PyObject* descr = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (!descr || PyObject_SetAttrString(cls.ptr(), def->ml_name, descr) < 0) {
    Py_XDECREF(descr);
    throw py::error_already_set();
  }
  Py_DECREF(descr);
}

}  // namespace detail

void def_row_getter(py::handle cls, const char* name, py::object (*get)(const RowRef&), const char* doc) {
  auto* closure = new detail::RowGetter{get, nullptr, nullptr};  // lives as long as the class (the module)
  auto* def = new PyGetSetDef{name, &detail::row_getter_thunk, nullptr, doc, closure};
  PyObject* descr = PyDescr_NewGetSet(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (!descr || PyObject_SetAttrString(cls.ptr(), name, descr) < 0) {
    Py_XDECREF(descr);
    throw py::error_already_set();
  }
  Py_DECREF(descr);
}

void def_row_interval_getters(py::handle cls) {
  const RowKind& k = rows::kind_of(reinterpret_cast<PyTypeObject*>(cls.ptr()));
  auto def = [&](const char* name, py::object (*get)(const gk::Interval&)) {
    auto* closure = new detail::RowGetter{nullptr, get, k.interval};  // lives as long as the class
    auto* d = new PyGetSetDef{name, &detail::row_getter_thunk, nullptr, nullptr, closure};
    PyObject* descr = PyDescr_NewGetSet(reinterpret_cast<PyTypeObject*>(cls.ptr()), d);
    if (!descr || PyObject_SetAttrString(cls.ptr(), name, descr) < 0) {
      Py_XDECREF(descr);
      throw py::error_already_set();
    }
    Py_DECREF(descr);
  };
  using O = py::object;
  def("start", [](const gk::Interval& iv) -> O { return py::int_(iv.start); });
  def("end", [](const gk::Interval& iv) -> O { return py::int_(iv.end); });
  def("strand", [](const gk::Interval& iv) -> O { return py::reinterpret_borrow<O>(rows::strand_str(iv.strand)); });
  def("chromosome",
      [](const gk::Interval& iv) -> O { return py::reinterpret_borrow<O>(rows::chrom_str(iv.refg, iv.chrom)); });
  def("chrom",
      [](const gk::Interval& iv) -> O { return py::reinterpret_borrow<O>(rows::chrom_str(iv.refg, iv.chrom)); });
}

}  // namespace gkpy
