// genome_kit.Interval: the C++ value type with the tutorial's semantics.
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "common.h"
#include "errors.h"
#include "fast_rows.h"
#include "fastcall.h"
#include "interval.h"

namespace gkpy {

using gk::Interval;

namespace {

char parse_strand(const std::string& s) {
  if (s != "+" && s != "-") gk::value_error("strand must be '+' or '-', got '", s, "'");
  return s[0];
}

/// An int anchor as a position; ValueError naming it when it does not fit 64 bits.
int64_t anchor_position(py::handle value) {
  if (!value) throw py::error_already_set();
  return int64_of(value.ptr(), "anchor");
}

/// Sets the anchor of `iv` from a Python value: None, an int, one of the
/// keywords, or an empty Interval on the same chromosome and strand.
void set_anchor(Interval& iv, py::handle anchor, int64_t offset) {
  if (anchor.is_none()) {
    iv.has_anchor = false;
    iv.anchor = 0;
    iv.anchor_offset = 0;
    return;
  }
  if (PyLong_CheckExact(anchor.ptr())) {  // the common case first: no type-registry lookups
    iv.anchor = anchor_position(anchor);
  } else if (py::isinstance<py::str>(anchor)) {
    iv.anchor = iv.anchor_position(anchor.cast<std::string>());
  } else if (py::isinstance<Interval>(anchor)) {
    Interval a = interval_of(anchor);
    if (!a.empty() || !a.same_track(iv))
      gk::value_error("an anchor Interval must be empty and on the same chromosome and strand, got ", a.describe());
    iv.anchor = a.start;
  } else if (py::isinstance<py::int_>(anchor) || py::hasattr(anchor, "__index__")) {
    iv.anchor = anchor_position(py::reinterpret_steal<py::object>(PyNumber_Index(anchor.ptr())));
  } else {
    throw py::type_error("anchor must be None, an int, a str or an empty Interval");
  }
  iv.has_anchor = true;
  iv.anchor_offset = offset;
}

Interval make(const std::string& chrom, const std::string& strand, int64_t start, int64_t end, py::handle refg) {
  gk::RefgId id = resolve_refg(refg);
  return Interval::make(gk::assembly(id).resolve(chrom), parse_strand(strand), start, end, id);
}

/// A coordinate of interval text: digits with optional ',' separators and spaces.
int64_t parse_coordinate(const std::string& s, const std::string& text) {
  std::string digits;
  for (char ch : s)
    if (ch != ',' && ch != ' ') digits += ch;
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(digits, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (digits.empty() || used != digits.size()) gk::value_error("bad coordinate '", s, "' in '", text, "'");
  return v;
}

Interval from_str(const std::string& text, py::handle refg) {
  std::string body = text, strand = "+";
  size_t last = text.rfind(':');
  if (last != std::string::npos && last + 2 == text.size() && std::strchr("+-.", text.back())) {
    strand = text.back() == '-' ? "-" : "+";
    body = text.substr(0, last);
  }
  size_t colon = body.rfind(':');
  size_t dash = colon == std::string::npos ? std::string::npos : body.find('-', colon);
  if (dash == std::string::npos)
    gk::value_error("expected 'chrom:start-end' or 'chrom:start-end:strand' (0-based, half-open), got '", text, "'");
  int64_t start = parse_coordinate(body.substr(colon + 1, dash - colon - 1), text);
  int64_t end = parse_coordinate(body.substr(dash + 1), text);
  return make(body.substr(0, colon), strand, start, end, refg);
}

void check_same_refg(const Interval& a, const Interval& b) {
  if (a.refg != b.refg)
    gk::value_error("Coordinate system mismatch: ", a.describe(), " and ", b.describe(),
                    " are on different reference genomes");
}

std::string repr(const Interval& i) {
  std::string s = gk::cat("Interval(\"", i.chrom_name(), "\", \"", i.strand, "\", ", i.start, ", ", i.end, ", \"",
                          i.refg_name(), "\"");
  if (i.has_anchor) {
    s += gk::cat(", ", i.anchor);
    if (i.anchor_offset) s += gk::cat(", ", i.anchor_offset);
  }
  return s + ")";
}

void check_same_chromosome(const Interval& a, const Interval& b) {
  if (a.refg != b.refg || a.chrom != b.chrom)
    gk::value_error("Both intervals must be on the same chromosome, got: ", repr(a), ", ", repr(b));
}

void warn(const std::string& msg) {
  if (PyErr_WarnEx(PyExc_UserWarning, msg.c_str(), 2) < 0) throw py::error_already_set();
}

double distance_one(const Interval& a, const Interval& b, const std::string& method) {
  check_same_chromosome(a, b);
  if (a.has_anchor || b.has_anchor) gk::value_error("distance is not defined for anchored intervals");
  if (a.strand != b.strand) warn("distance between intervals on opposite strands");
  auto point = [&](const Interval& i) -> double {
    if (method == "end5") return static_cast<double>(i.end5().start);
    if (method == "end3") return static_cast<double>(i.end3().start);
    int64_t half = i.length() / 2;
    Interval m = i.expand(-half, -half);
    return static_cast<double>(m.start) + static_cast<double>(m.length()) / 2.0;
  };
  return std::fabs(point(a) - point(b));
}

// --- Interval(...) fast path ---------------------------------------------------------------------------
// Intervals are created once per request in per-variant loops; pybind11's generic constructor dispatch
// costs more than building the Interval (see fastcall.h). __init__ is therefore a raw METH_FASTCALL method that handles
// the common call -- an exact Interval, positional (str, str, int, int, genome[, anchor[, int]]) -- with the same
// helpers as the pybind11 constructor, and hands every other call (keywords, subclasses, numpy ints, errors in
// conversion...) to that pybind11 constructor, so behaviour is unchanged.

PyObject* g_pybind_init = nullptr;  // pybind11's __init__, kept for every other call
PyTypeObject* g_interval_type = nullptr;

/// An exact int argument `param` of Interval(); false for other types, and
/// false with ValueError set for an int that does not fit 64 bits.
bool exact_int(PyObject* o, int64_t& out, const char* param) {
  if (!PyLong_CheckExact(o)) return false;
  PyObject* ok = guarded_call([&]() -> PyObject* {
    out = int_arg(o, "Interval", param);
    Py_RETURN_NONE;
  });
  Py_XDECREF(ok);
  return ok != nullptr;
}

bool exact_str(PyObject* o, std::string& out) {
  if (!PyUnicode_CheckExact(o)) return false;
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(o, &n);
  if (!p) {
    PyErr_Clear();
    return false;
  }
  out.assign(p, static_cast<size_t>(n));
  return true;
}

PyObject* init_fastcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  if (Py_TYPE(self) == g_interval_type && !kwnames && nargs >= 5 && nargs <= 7) {
    std::string chrom, strand;
    int64_t start = 0, end = 0, offset = 0;
    if (exact_str(args[0], chrom) && exact_str(args[1], strand) && exact_int(args[2], start, "start") &&
        exact_int(args[3], end, "end") && (nargs < 7 || exact_int(args[6], offset, "anchor_offset"))) {
      PyObject* done = guarded_call([&]() -> PyObject* {
        Interval iv = make(chrom, strand, start, end, args[4]);
        set_anchor(iv, nargs > 5 ? py::handle(args[5]) : py::handle(Py_None), offset);
        if (!values::init(self, iv)) return nullptr;  // initialised before: pybind11's __init__ decides
        Py_RETURN_NONE;
      });
      if (done || PyErr_Occurred()) return done;
    }
    if (PyErr_Occurred()) return nullptr;  // an int argument out of range
  }
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  std::vector<PyObject*> all(static_cast<size_t>(1 + nargs + nkw));
  all[0] = self;
  for (Py_ssize_t k = 0; k < nargs + nkw; ++k) all[static_cast<size_t>(1 + k)] = args[k];
  return PyObject_Vectorcall(g_pybind_init, all.data(), static_cast<size_t>(1 + nargs), kwnames);
}

PyMethodDef g_init_def = {
    "__init__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&init_fastcall)),
    METH_FASTCALL | METH_KEYWORDS,
    "__init__($self, /, chromosome, strand, start, end, reference_genome, anchor=None, anchor_offset=0)\n--\n\n"};

// --- per-call operations as C slots, getters and methods (fast_rows.h) ----------------------------------
// Loops call these millions of times; pybind11's dispatch costs several times the work they do.

using O = py::object;

O new_obj(const Interval& iv) {
  return py::reinterpret_steal<O>(new_interval(iv));
}

O bool_obj(bool b) {
  return py::reinterpret_borrow<O>(b ? Py_True : Py_False);
}

/// The value of an Interval argument (rows materialised into `tmp`); TypeError otherwise.
const Interval& other_ref(PyObject* other, Interval& tmp) {
  if (!PyObject_TypeCheck(other, g_interval_type))
    gk::type_error("expected an Interval, got ", Py_TYPE(other)->tp_name);
  return value_ref<Interval>(other, tmp);
}

template <bool (Interval::*F)(const Interval&) const>
O relation(const Interval& a, py::handle other) {
  Interval tmp;
  const Interval& b = other_ref(other.ptr(), tmp);
  check_same_refg(a, b);
  return bool_obj((a.*F)(b));
}

constexpr char kOther[] = "other";
constexpr char kAmount[] = "amount";

O shift_method(const Interval& i, py::handle amount) {
  return new_obj(i.shift(int_arg(amount.ptr(), "shift", "amount")));
}

O expand_method(const Interval& i, const CallArgs& a) {
  PyObject *up = nullptr, *dn = nullptr;
  bind_fast_args("expand", a.args, a.nargs, a.kwnames, {{"upstream", &up}, {"downstream", &dn}});
  if (!up) throw py::type_error("expand() missing required argument 'upstream'");
  int64_t u = int_arg(up, "expand", "upstream");
  int64_t d = (!dn || dn == Py_None) ? u : int_arg(dn, "expand", "downstream");
  return new_obj(i.expand(u, d));
}

O ucsc_method(const Interval& i) {
  const std::string& c = i.chrom_name();
  char buf[64];
  int n =
      std::snprintf(buf, sizeof buf, ":%lld-%lld", static_cast<long long>(i.start + 1), static_cast<long long>(i.end));
  std::string s;
  s.reserve(c.size() + static_cast<size_t>(n));
  s.append(c).append(buf, static_cast<size_t>(n));
  return py::reinterpret_steal<O>(PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size())));
}

/// Pickles of exact Intervals call _unpickle_interval (below) with the fields and the data-manager set-up
/// (unpickled first, so the assembly resolves with it); subclasses keep the default protocol (Variant's
/// state, rows' own __reduce__).
PyObject* g_unpickle = nullptr;

O reduce_ex_method(PyObject* self, const Interval& i, py::handle protocol) {
  if (Py_TYPE(self) != g_interval_type)
    return py::reinterpret_borrow<O>(reinterpret_cast<PyObject*>(&PyBaseObject_Type))
        .attr("__reduce_ex__")(py::handle(self), protocol);
  O anchor = i.has_anchor ? O(py::int_(i.anchor)) : O(py::none());
  O args =
      py::make_tuple(py::reinterpret_borrow<O>(rows::chrom_str(i.refg, i.chrom)),
                     py::reinterpret_borrow<O>(rows::strand_str(i.strand)), i.start, i.end,
                     py::reinterpret_borrow<O>(rows::refg_str(i.refg)), anchor, i.anchor_offset, pickled_data_setup());
  return py::make_tuple(py::reinterpret_borrow<O>(g_unpickle), args);
}

PyObject* unpickle_fastcall(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  return guarded_call([&] {
    if (nargs != 8) gk::type_error("_unpickle_interval() takes 8 arguments (", nargs, " given)");
    Interval iv =
        make(py::handle(args[0]).cast<std::string>(), py::handle(args[1]).cast<std::string>(),
             int_arg(args[2], "_unpickle_interval", "start"), int_arg(args[3], "_unpickle_interval", "end"), args[4]);
    set_anchor(iv, args[5], int_arg(args[6], "_unpickle_interval", "anchor_offset"));
    return new_interval(iv);
  });
}

PyMethodDef g_unpickle_def = {"_unpickle_interval",
                              reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&unpickle_fastcall)),
                              METH_FASTCALL, "Rebuilds a pickled Interval (internal)."};

PyObject* reduce_ex_thunk(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return guarded_call([&] {
    PyObject* protocol = nullptr;
    bind_fast_args("__reduce_ex__", args, nargs, kwnames, {{"protocol", &protocol}});
    Interval tmp;
    return reduce_ex_method(self, value_ref<Interval>(self, tmp), protocol ? protocol : Py_None).release().ptr();
  });
}

PyMethodDef g_reduce_ex_def = {"__reduce_ex__",
                               reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&reduce_ex_thunk)),
                               METH_FASTCALL | METH_KEYWORDS, "__reduce_ex__($self, protocol, /)\n--\n\n"};

// Type slots. Equality of different classes is False (a Variant is not equal to its Interval); intervals on
// different assemblies raise ValueError; anything not an Interval is NotImplemented.

/// The value of an exact Interval (inline or not), else nullptr.
inline const Interval* exact(PyObject* o) {
  if (Py_TYPE(o) != g_interval_type) return nullptr;
  auto* inst = reinterpret_cast<py::detail::instance*>(o);
  return inst->simple_layout ? static_cast<const Interval*>(inst->simple_value_holder[0]) : nullptr;
}

bool compare(const Interval& x, const Interval& y, int op) {
  switch (op) {
    case Py_EQ:
      return x.same_as(y);
    case Py_NE:
      return !x.same_as(y);
    case Py_LT:
      return x.less_than(y);
    case Py_LE:
      return !y.less_than(x);
    case Py_GT:
      return y.less_than(x);
    default:
      return !x.less_than(y);
  }
}

PyObject* richcompare_slot(PyObject* a, PyObject* b, int op) {
  const Interval* x = exact(a);
  const Interval* y = exact(b);
  if (x && y && x->refg == y->refg) {  // the common case (sorting, sets): no checks left to fail
    PyObject* r = compare(*x, *y, op) ? Py_True : Py_False;
    Py_INCREF(r);
    return r;
  }
  return guarded_call([&]() -> PyObject* {
    if (!PyObject_TypeCheck(b, g_interval_type) || !PyObject_TypeCheck(a, g_interval_type)) Py_RETURN_NOTIMPLEMENTED;
    if ((op == Py_EQ || op == Py_NE) && Py_TYPE(a) != Py_TYPE(b)) return bool_obj(op == Py_NE).release().ptr();
    Interval ta, tb;
    const Interval& x = value_ref<Interval>(a, ta);
    const Interval& y = value_ref<Interval>(b, tb);
    check_same_refg(x, y);
    bool r = compare(x, y, op);
    return bool_obj(r).release().ptr();
  });
}

Py_hash_t hash_value(const Interval& i) {
  auto h = static_cast<Py_hash_t>(i.hash());
  return h == -1 ? -2 : h;
}

O len_method(const Interval& i) {
  return py::int_(i.length());
}
O pos_strand_method(const Interval& i) {
  return bool_obj(i.pos_strand());
}
O positive_method(const Interval& i) {
  return new_obj(i.with_strand('+'));
}
O negative_method(const Interval& i) {
  return new_obj(i.with_strand('-'));
}
O opposite_method(const Interval& i) {
  return new_obj(i.with_strand(i.pos_strand() ? '-' : '+'));
}
O center_method(const Interval& i) {
  return py::int_(i.anchor_position("center"));
}
O dna0_method(const Interval& i) {
  return py::make_tuple(i.start, i.end);
}
O repr_method(const Interval& i) {
  return py::str(repr(i));
}
O hash_method(const Interval& i) {
  return py::int_(hash_value(i));
}

Py_hash_t hash_slot(PyObject* self) {
  if (const Interval* v = exact(self)) return hash_value(*v);
  try {
    Interval tmp;
    return hash_value(value_ref<Interval>(self, tmp));
  } catch (...) {
    py::detail::try_translate_exceptions();
    return -1;
  }
}

Py_ssize_t len_slot(PyObject* self) {
  if (const Interval* v = exact(self)) return static_cast<Py_ssize_t>(v->length());
  try {
    Interval tmp;
    return static_cast<Py_ssize_t>(value_ref<Interval>(self, tmp).length());
  } catch (...) {
    py::detail::try_translate_exceptions();
    return -1;
  }
}

int contains_slot(PyObject* self, PyObject* other) {
  try {
    Interval ta, tb;
    const Interval& a = value_ref<Interval>(self, ta);
    const Interval& b = other_ref(other, tb);
    check_same_refg(a, b);
    return a.contains(b) ? 1 : 0;
  } catch (...) {
    py::detail::try_translate_exceptions();
    return -1;
  }
}

PyObject* repr_slot(PyObject* self) {
  return guarded_call([&] {
    Interval tmp;
    std::string r = repr(value_ref<Interval>(self, tmp));
    return PyUnicode_FromStringAndSize(r.data(), static_cast<Py_ssize_t>(r.size()));
  });
}

// Dunder methods for explicit calls (Interval.__eq__(a, b)) and Python subclasses: the slots above.
template <int Op>
PyObject* compare_thunk(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  if (!detail::one_arg(nargs, kwnames, "other")) return nullptr;
  return richcompare_slot(self, args[0], Op);
}

PyMethodDef g_compare_defs[] = {
    {"__eq__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&compare_thunk<Py_EQ>)),
     METH_FASTCALL | METH_KEYWORDS, "__eq__($self, other, /)\n--\n\n"},
    {"__ne__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&compare_thunk<Py_NE>)),
     METH_FASTCALL | METH_KEYWORDS, "__ne__($self, other, /)\n--\n\n"},
    {"__lt__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&compare_thunk<Py_LT>)),
     METH_FASTCALL | METH_KEYWORDS, "__lt__($self, other, /)\n--\n\n"},
    {"__le__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&compare_thunk<Py_LE>)),
     METH_FASTCALL | METH_KEYWORDS, "__le__($self, other, /)\n--\n\n"},
    {"__gt__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&compare_thunk<Py_GT>)),
     METH_FASTCALL | METH_KEYWORDS, "__gt__($self, other, /)\n--\n\n"},
    {"__ge__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&compare_thunk<Py_GE>)),
     METH_FASTCALL | METH_KEYWORDS, "__ge__($self, other, /)\n--\n\n"},
};

}  // namespace

PyObject* new_interval(const Interval& iv) {
  return values::make(iv);
}

void register_interval(py::module_& m) {
  py::class_<Interval> cls(m, "Interval", R"doc(
A stranded genomic interval in DNA0 coordinates: 0-based, end exclusive,
``start <= end`` on either strand (empty intervals are the gap between two
bases). An optional anchor fixes the output length of variant sequences.
)doc");
  cls.def(py::init([](const std::string& chrom, const std::string& strand, int64_t start, int64_t end, py::handle refg,
                      py::handle anchor, int64_t anchor_offset) {
            Interval iv = make(chrom, strand, start, end, refg);
            set_anchor(iv, anchor, anchor_offset);
            return iv;
          }),
          py::arg("chromosome"), py::arg("strand"), py::arg("start"), py::arg("end"), py::arg("reference_genome"),
          py::arg("anchor") = py::none(), py::arg("anchor_offset") = 0);
  {  // the fast path in front of it (see init_fastcall)
    g_interval_type = reinterpret_cast<PyTypeObject*>(cls.ptr());
    g_pybind_init = py::object(cls.attr("__init__")).release().ptr();  // leaked with the class
    set_fast_method(cls, &g_init_def);
  }

  // --- attributes (C getset descriptors: fast_rows.h) ---
  values::install<Interval>(cls);
  def_interval_getters<Interval>(cls);
  auto refg = [](const Interval& i) -> O { return py::reinterpret_borrow<O>(rows::refg_str(i.refg)); };
  def_fast_getter<Interval>(cls, "reference_genome", refg);
  def_fast_getter<Interval>(cls, "refg", refg);
  def_fast_getter<Interval>(
      cls, "anchor", [](const Interval& i) -> O { return i.has_anchor ? O(py::int_(i.anchor)) : O(py::none()); });
  def_fast_getter<Interval>(cls, "anchor_offset", [](const Interval& i) -> O { return py::int_(i.anchor_offset); });
  def_fast_getter<Interval>(cls, "sys",
                            [](const Interval& i) -> O { return py::str(i.refg_name() + ":" + i.chrom_name()); });
  def_fast_getter<Interval>(
      cls, "interval", [](const Interval& i) { return new_obj(i); }, "This interval as a plain Interval (a copy).");
  def_fast_getter<Interval>(
      cls, "end5", [](const Interval& i) { return new_obj(i.end5()); }, "Empty interval at the 5' end (anchor kept).");
  def_fast_getter<Interval>(
      cls, "end3", [](const Interval& i) { return new_obj(i.end3()); }, "Empty interval at the 3' end (anchor kept).");
  def_fast_getter<Interval>(
      cls, "midpoint",
      [](const Interval& i) {
        int64_t h = i.length() / 2;
        return new_obj(i.expand(-h, -h));
      },
      "Centre of the interval: empty for even lengths, the middle base for odd ones.");
  def_value_method<Interval, &len_method>(cls, "__len__", "__len__($self, /)\n--\n\n");

  // --- geometry ---
  def_value_method<Interval, &pos_strand_method>(cls, "is_positive_strand", "is_positive_strand($self, /)\n--\n\n");
  def_value_method<Interval, &shift_method, kAmount>(
      cls, "shift", "shift($self, /, amount)\n--\n\nMoves the interval `amount` bases downstream.");
  def_value_method<Interval, &expand_method>(
      cls, "expand",
      "expand($self, /, upstream, downstream=None)\n--\n\n"
      "Adds bases upstream and downstream (strand aware); one argument expands both sides.");
  def_value_method<Interval, &positive_method>(cls, "as_positive_strand", "as_positive_strand($self, /)\n--\n\n");
  def_value_method<Interval, &negative_method>(cls, "as_negative_strand", "as_negative_strand($self, /)\n--\n\n");
  def_value_method<Interval, &opposite_method>(cls, "as_opposite_strand", "as_opposite_strand($self, /)\n--\n\n");
  def_value_method<Interval, &center_method>(
      cls, "center", "center($self, /)\n--\n\nCentre coordinate (rounded toward the 5' end for odd lengths).");
  cls.def(
         "resize", [](const Interval& i, int64_t width) { return i.resize(width); }, py::arg("width"),
         "Interval of `width` bases with the same centre and strand.")
      .def(
          "with_anchor",
          [](const Interval& i, py::handle anchor, int64_t offset) {
            Interval r = i;
            set_anchor(r, anchor, offset);
            return r;
          },
          py::arg("anchor"), py::arg("anchor_offset") = 0);

  // --- relations ---
  def_value_method<Interval, &relation<&Interval::contains>, kOther>(cls, "contains",
                                                                     "contains($self, /, other)\n--\n\n");
  def_value_method<Interval, &relation<&Interval::contains>, kOther>(cls, "__contains__",
                                                                     "__contains__($self, other, /)\n--\n\n");
  def_value_method<Interval, &relation<&Interval::within>, kOther>(cls, "within", "within($self, /, other)\n--\n\n");
  def_value_method<Interval, &relation<&Interval::overlaps>, kOther>(cls, "overlaps",
                                                                     "overlaps($self, /, other)\n--\n\n");
  def_value_method<Interval, &relation<&Interval::upstream_of>, kOther>(cls, "upstream_of",
                                                                        "upstream_of($self, /, other)\n--\n\n");
  def_value_method<Interval, &relation<&Interval::dnstream_of>, kOther>(cls, "dnstream_of",
                                                                        "dnstream_of($self, /, other)\n--\n\n");
  cls.def(
         "intersect",
         [](const Interval& a, const Interval& b) -> std::optional<Interval> {
           check_same_refg(a, b);
           if (a.has_anchor || b.has_anchor) gk::value_error("cannot intersect anchored intervals");
           auto r = a.intersect(b);
           if (r) r->has_anchor = false;
           return r;
         },
         py::arg("other"), "The overlap of two intervals, or None.")
      .def(
          "subtract",
          [](const Interval& a, const Interval& b) {
            check_same_refg(a, b);
            if (a.has_anchor || b.has_anchor) gk::value_error("cannot subtract anchored intervals");
            std::vector<Interval> out;
            auto x = a.intersect(b);
            if (!x) return std::vector<Interval>{a};
            Interval left = a, right = a;
            left.end = x->start;
            right.start = x->end;
            if (left.length() > 0) out.push_back(left);
            if (right.length() > 0) out.push_back(right);
            return out;
          },
          py::arg("other"), "The parts of this interval not covered by `other` (0, 1 or 2 intervals).")
      .def("check_same_chromosome", &check_same_chromosome, py::arg("other"))
      .def(
          "distance",
          [](const Interval& a, py::handle other, const std::string& method) -> py::object {
            if (method != "midpoint" && method != "end5" && method != "end3")
              gk::value_error("`method` must be in ['midpoint', 'end5', 'end3'], got '", method, "'");
            if (py::isinstance<Interval>(other)) return py::float_(distance_one(a, other.cast<Interval>(), method));
            py::list out;
            for (py::handle o : other) out.append(distance_one(a, o.cast<Interval>(), method));
            return out;
          },
          py::arg("other"), py::arg("method") = "midpoint",
          "Distance between midpoints (or 5'/3' ends); a list of intervals gives a list.");

  // --- coordinate conventions ---
  def_value_method<Interval, &dna0_method>(cls, "as_dna0", "as_dna0($self, /)\n--\n\n");
  def_value_method<Interval, &ucsc_method>(cls, "as_ucsc", "as_ucsc($self, /)\n--\n\n");
  cls.def("as_dna1",
          [](const Interval& i) {
            if (i.empty()) gk::value_error("Empty intervals cannot be represented using DNA1 convention.");
            return py::make_tuple(i.start + 1, i.end);
          })
      .def("as_rna1",
           [](const Interval& i) {
             if (i.empty()) gk::value_error("Empty intervals cannot be represented using RNA1 convention.");
             int64_t a = i.pos_strand() ? i.start + 1 : -i.end, b = i.pos_strand() ? i.end : -(i.start + 1);
             return py::make_tuple(a, b);
           })
      .def_static(
          "from_dna0",
          [](const std::string& c, const std::string& s, int64_t start, int64_t end, py::handle refg) {
            return make(c, s, start, end, refg);
          },
          py::arg("chromosome"), py::arg("strand"), py::arg("start"), py::arg("end"), py::arg("reference_genome"))
      .def_static(
          "from_dna0_coord",
          [](const std::string& c, const std::string& s, int64_t pos, py::handle refg) {
            return make(c, s, pos, pos + 1, refg);
          },
          py::arg("chromosome"), py::arg("strand"), py::arg("position"), py::arg("reference_genome"))
      .def_static(
          "from_dna1",
          [](const std::string& c, const std::string& s, int64_t start, int64_t end, py::handle refg) {
            return make(c, s, start - 1, end, refg);
          },
          py::arg("chromosome"), py::arg("strand"), py::arg("start"), py::arg("end"), py::arg("reference_genome"))
      .def_static(
          "from_rna1",
          [](const std::string& c, int64_t start, int64_t end, py::handle refg) {
            if (end != 0 && ((start < 0) != (end < 0) || start > end))
              gk::value_error("Start position needs to be <= end and of the same sign (", start, ", ", end, ")");
            int64_t a = std::llabs(start), b = std::llabs(end);
            bool neg = start < 0 || end < 0;
            return make(c, neg ? "-" : "+", std::min(a, b) - 1, std::max(a, b), refg);
          },
          py::arg("chromosome"), py::arg("start"), py::arg("end"), py::arg("reference_genome"),
          "Interval from RNA1 coordinates: 1-based, inclusive, negative on the '-' strand.")
      .def_static(
          "from_ucsc",
          [](const std::string& text, const std::string& strand, py::handle refg) {
            auto colon = text.rfind(':');
            auto dash = text.find('-', colon == std::string::npos ? 0 : colon);
            if (colon == std::string::npos || dash == std::string::npos)
              gk::value_error("expected 'chrom:start-end' (1-based, inclusive), got '", text, "'");
            int64_t s = parse_coordinate(text.substr(colon + 1, dash - colon - 1), text);
            int64_t e = parse_coordinate(text.substr(dash + 1), text);
            return make(text.substr(0, colon), strand, s - 1, e, refg);
          },
          py::arg("text"), py::arg("strand") = "+", py::arg("reference_genome") = py::none(),
          "Parses UCSC browser text such as 'chr7:117,120,017-117,120,201'.")
      .def_static("from_str", &from_str, py::arg("text"), py::arg("reference_genome") = py::none(),
                  "Parses 'chrom:start-end[:strand]' in DNA0 (0-based, half-open) coordinates, the spelling of "
                  "AlphaGenome's Interval; strand '+', '-' or '.' (read as '+'), '+' when absent.")
      .def_static(
          "spanning",
          [](const Interval& a, const Interval& b) {
            check_same_chromosome(a, b);
            if (a.has_anchor || b.has_anchor) gk::value_error("cannot span anchored intervals");
            if (a.strand != b.strand)
              warn("spanning intervals on opposite strands; the result takes the first's strand");
            Interval r = a;
            r.start = std::min(a.start, b.start);
            r.end = std::max(a.end, b.end);
            return r;
          },
          py::arg("a"), py::arg("b"), "Smallest interval covering both.");

  // --- identity: pybind11's pickle state kept for pickles made before __reduce_ex__ ---
  cls.def(py::pickle(
      [](const Interval& i) {
        return py::make_tuple(i.chrom_name(), std::string(1, i.strand), i.start, i.end, i.refg_name(),
                              i.has_anchor ? py::object(py::int_(i.anchor)) : py::object(py::none()), i.anchor_offset,
                              pickled_data_setup());
      },
      [](py::tuple t) {
        if (t.size() != 7 && t.size() != 8) throw py::value_error("invalid Interval pickle state");
        Interval iv =
            make(t[0].cast<std::string>(), t[1].cast<std::string>(), t[2].cast<int64_t>(), t[3].cast<int64_t>(), t[4]);
        set_anchor(iv, t[5], t[6].cast<int64_t>());
        return iv;
      }));
  set_fast_method(cls, &g_reduce_ex_def);
  {
    PyObject* f = PyCFunction_NewEx(&g_unpickle_def, nullptr, py::str("genome_kit._core").ptr());
    if (!f || PyModule_AddObject(m.ptr(), g_unpickle_def.ml_name, f) < 0) {
      Py_XDECREF(f);
      throw py::error_already_set();
    }
    g_unpickle = f;  // owned by the module
  }
  def_value_method<Interval, &repr_method>(cls, "__repr__", "__repr__($self, /)\n--\n\n");
  def_value_method<Interval, &repr_method>(cls, "__str__", "__str__($self, /)\n--\n\n");
  def_value_method<Interval, &hash_method>(cls, "__hash__", "__hash__($self, /)\n--\n\n");
  for (PyMethodDef& d : g_compare_defs) set_fast_method(cls, &d);
  cls.attr("__module__") = "genome_kit";
  // Last: the slots themselves (setting the dunder attributes above reset them); Variant and the row
  // classes, bound later, inherit those they do not define.
  set_type_slots(cls, {&hash_slot, &richcompare_slot, &len_slot, &contains_slot, &repr_slot, &repr_slot});
}

}  // namespace gkpy
