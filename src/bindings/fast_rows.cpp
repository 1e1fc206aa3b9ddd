// Lazy row objects: allocator, class installation, shared slots and the
// hooks the Interval/Variant casters call (see fast_rows.h).
#include "fast_rows.h"

#include <sys/mman.h>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "errors.h"

namespace gkpy {

namespace rows {

namespace {

// ---- allocator -------------------------------------------------------------
//
// Fixed-size blocks (kObjectSize bytes) in 2 MiB chunks aligned to 2 MiB, so
// the chunk of a block is its address rounded down. Each chunk has its own
// free list and live count; chunks with room are on a doubly linked list.
// A chunk that becomes empty is kept for reuse (up to kKeepEmpty of them) or
// unmapped. All calls hold the GIL.

constexpr size_t kChunk = size_t(2) << 20;
constexpr size_t kBlock = kObjectSize;
constexpr size_t kKeepEmpty = 16;  // 32 MiB of empty chunks kept

struct Chunk {
  void* free;  // free blocks (each holds the next pointer)
  char* bump;  // first never-used block
  char* end;
  uint32_t live;
  bool listed;  // on the list of chunks with room
  Chunk* prev;
  Chunk* next;
};

constexpr size_t kFirst = (sizeof(Chunk) + 15) / 16 * 16;

Chunk* g_avail = nullptr;  // chunks with room
size_t g_empty = 0;        // empty chunks kept

void unlink(Chunk* c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    g_avail = c->next;
  if (c->next) c->next->prev = c->prev;
  c->prev = c->next = nullptr;
  c->listed = false;
}

void push(Chunk* c) {
  c->prev = nullptr;
  c->next = g_avail;
  if (g_avail) g_avail->prev = c;
  g_avail = c;
  c->listed = true;
}

Chunk* new_chunk() {
  // Map twice the size, keep the aligned middle.
  void* raw = ::mmap(nullptr, 2 * kChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) {
    PyErr_NoMemory();
    throw py::error_already_set();
  }
  auto base = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (base + kChunk - 1) & ~(uintptr_t(kChunk) - 1);
  if (aligned > base) ::munmap(raw, aligned - base);
  uintptr_t tail = aligned + kChunk, raw_end = base + 2 * kChunk;
  if (raw_end > tail) ::munmap(reinterpret_cast<void*>(tail), raw_end - tail);
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), kChunk, MADV_HUGEPAGE);  // advisory: ignore failure
#endif
  auto* c = reinterpret_cast<Chunk*>(aligned);
  c->free = nullptr;
  c->bump = reinterpret_cast<char*>(aligned) + kFirst;
  c->end = reinterpret_cast<char*>(aligned) + kChunk;
  c->live = 0;
  c->prev = c->next = nullptr;
  c->listed = false;
  push(c);
  ++g_empty;
  return c;
}

inline bool has_room(const Chunk* c) {
  return c->free || c->bump + kBlock <= c->end;
}

}  // namespace

void* alloc() {
  Chunk* c = g_avail ? g_avail : new_chunk();
  void* p;
  if (c->free) {
    p = c->free;
    c->free = *static_cast<void**>(p);
  } else {
    p = c->bump;
    c->bump += kBlock;
  }
  if (c->live++ == 0) --g_empty;
  if (!has_room(c)) unlink(c);
  return p;
}

void free(void* p) {
  auto* c = reinterpret_cast<Chunk*>(reinterpret_cast<uintptr_t>(p) & ~(uintptr_t(kChunk) - 1));
  *static_cast<void**>(p) = c->free;
  c->free = p;
  if (--c->live == 0) {
    if (g_empty >= kKeepEmpty) {
      if (c->listed) unlink(c);
      ::munmap(c, kChunk);
      return;
    }
    ++g_empty;
    // Start over: sequential allocation again (locality).
    c->free = nullptr;
    c->bump = reinterpret_cast<char*>(c) + kFirst;
  }
  if (!c->listed) push(c);
}

// ---- classes ------------------------------------------------------------------

namespace {
std::vector<std::pair<PyTypeObject*, RowKind>>& kinds() {
  static auto* k = new std::vector<std::pair<PyTypeObject*, RowKind>>();  // lives as long as the classes
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
  for (auto& k : kinds())
    if (k.first == type) return k.second;
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

void dealloc(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (!(inst->simple_layout && inst->simple_value_holder[0] == inline_value(self))) {
    py::detail::pybind11_object_dealloc(self);  // made by pybind11: its own layout
    return;
  }
  PyTypeObject* tp = Py_TYPE(self);
  if (inst->weakrefs) PyObject_ClearWeakRefs(self);
  if (inst->has_patients) py::detail::clear_patients(self);
  PyObject_Free(self);
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
