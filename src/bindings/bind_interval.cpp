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
    iv.anchor = anchor.cast<int64_t>();
  } else if (py::isinstance<py::str>(anchor)) {
    iv.anchor = iv.anchor_position(anchor.cast<std::string>());
  } else if (py::isinstance<Interval>(anchor)) {
    Interval a = interval_of(anchor);
    if (!a.empty() || !a.same_track(iv))
      gk::value_error("an anchor Interval must be empty and on the same chromosome and strand, got ", a.describe());
    iv.anchor = a.start;
  } else if (py::isinstance<py::int_>(anchor) || py::hasattr(anchor, "__index__")) {
    iv.anchor = anchor.cast<int64_t>();
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

Interval plain(const Interval& i) {
  return i;
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

py::object richcompare(py::handle self, py::handle other, int op) {
  if (!py::isinstance<Interval>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  bool same_type = Py_TYPE(self.ptr()) == Py_TYPE(other.ptr());
  if ((op == Py_EQ || op == Py_NE) && !same_type) return py::bool_(op == Py_NE);
  Interval a = interval_of(self);
  Interval b = interval_of(other);
  check_same_refg(a, b);
  switch (op) {
    case Py_EQ:
      return py::bool_(a.same_as(b));
    case Py_NE:
      return py::bool_(!a.same_as(b));
    case Py_LT:
      return py::bool_(a.less_than(b));
    case Py_LE:
      return py::bool_(!b.less_than(a));
    case Py_GT:
      return py::bool_(b.less_than(a));
    default:
      return py::bool_(!a.less_than(b));
  }
}

// --- Interval(...) fast path ---------------------------------------------------------------------------
// Intervals are created once per request in per-variant loops; pybind11's generic constructor dispatch
// costs more than building the Interval (see fastcall.h). __init__ is therefore a raw METH_FASTCALL method that handles
// the common call -- an exact Interval, positional (str, str, int, int, genome[, anchor[, int]]) -- with the same
// helpers as the pybind11 constructor, and hands every other call (keywords, subclasses, numpy ints, errors in
// conversion...) to that pybind11 constructor, so behaviour is unchanged.

PyObject* g_pybind_init = nullptr;  // pybind11's __init__, kept for every other call
PyTypeObject* g_interval_type = nullptr;
const py::detail::type_info* g_interval_tinfo = nullptr;

bool exact_int(PyObject* o, int64_t& out) {
  if (!PyLong_CheckExact(o)) return false;
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
  if (overflow || (v == -1 && PyErr_Occurred())) {
    PyErr_Clear();
    return false;
  }
  out = v;
  return true;
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
    auto* inst = reinterpret_cast<py::detail::instance*>(self);
    py::detail::value_and_holder v_h = inst->get_value_and_holder(g_interval_tinfo);
    std::string chrom, strand;
    int64_t start = 0, end = 0, offset = 0;
    if (!v_h.holder_constructed() && exact_str(args[0], chrom) && exact_str(args[1], strand) &&
        exact_int(args[2], start) && exact_int(args[3], end) && (nargs < 7 || exact_int(args[6], offset))) {
      return guarded_call([&] {
        auto iv = std::make_unique<Interval>(make(chrom, strand, start, end, args[4]));
        set_anchor(*iv, nargs > 5 ? py::handle(args[5]) : py::handle(Py_None), offset);
        install_value(v_h, std::move(iv));
        py::detail::register_instance(inst, v_h.value_ptr(), v_h.type);
        v_h.set_instance_registered();
        Py_RETURN_NONE;
      });
    }
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

}  // namespace

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
    g_interval_tinfo = py::detail::get_type_info(typeid(Interval));
    g_pybind_init = py::object(cls.attr("__init__")).release().ptr();  // leaked with the class
    set_fast_method(cls, &g_init_def);
  }

  // --- attributes ---
  // Interned, cached chromosome names (fast_rows.h): no new str per access.
  auto chrom = [](const Interval& i) { return py::reinterpret_borrow<py::str>(rows::chrom_str(i.refg, i.chrom)); };
  auto refg = [](const Interval& i) { return i.refg_name(); };
  cls.def_property_readonly("chromosome", chrom)
      .def_property_readonly("chrom", chrom)
      .def_property_readonly("strand", [](const Interval& i) { return std::string(1, i.strand); })
      .def_property_readonly("start", [](const Interval& i) { return i.start; })
      .def_property_readonly("end", [](const Interval& i) { return i.end; })
      .def_property_readonly("reference_genome", refg)
      .def_property_readonly("refg", refg)
      .def_property_readonly("anchor",
                             [](const Interval& i) -> py::object {
                               return i.has_anchor ? py::object(py::int_(i.anchor)) : py::object(py::none());
                             })
      .def_property_readonly("anchor_offset", [](const Interval& i) { return i.anchor_offset; })
      .def_property_readonly("sys", [](const Interval& i) { return i.refg_name() + ":" + i.chrom_name(); })
      .def_property_readonly("interval", &plain, "This interval as a plain Interval (a copy).")
      .def_property_readonly("end5", &Interval::end5, "Empty interval at the 5' end (anchor kept).")
      .def_property_readonly("end3", &Interval::end3, "Empty interval at the 3' end (anchor kept).")
      .def_property_readonly(
          "midpoint",
          [](const Interval& i) {
            int64_t h = i.length() / 2;
            return i.expand(-h, -h);
          },
          "Centre of the interval: empty for even lengths, the middle base for odd ones.")
      .def("__len__", [](const Interval& i) { return i.length(); });

  // --- geometry ---
  cls.def("is_positive_strand", &Interval::pos_strand)
      .def("shift", &Interval::shift, py::arg("amount"), "Moves the interval `amount` bases downstream.")
      .def(
          "expand",
          [](const Interval& i, int64_t up, std::optional<int64_t> dn) { return i.expand(up, dn.value_or(up)); },
          py::arg("upstream"), py::arg("downstream") = py::none(),
          "Adds bases upstream and downstream (strand aware); one argument expands both sides.")
      .def("as_positive_strand", [](const Interval& i) { return i.with_strand('+'); })
      .def("as_negative_strand", [](const Interval& i) { return i.with_strand('-'); })
      .def("as_opposite_strand", [](const Interval& i) { return i.with_strand(i.pos_strand() ? '-' : '+'); })
      .def(
          "center", [](const Interval& i) { return i.anchor_position("center"); },
          "Centre coordinate (rounded toward the 5' end for odd lengths).")
      .def(
          "resize",
          [](const Interval& i, int64_t width) {
            if (width < 0) gk::value_error("width must be >= 0, got ", width);
            int64_t c = i.anchor_position("center");
            Interval r = i;
            if (i.pos_strand()) {
              r.start = c - width / 2;
              r.end = r.start + width;
            } else {
              r.end = c + width / 2;
              r.start = r.end - width;
            }
            return r;
          },
          py::arg("width"), "Interval of `width` bases with the same centre and strand.")
      .def(
          "with_anchor",
          [](const Interval& i, py::handle anchor, int64_t offset) {
            Interval r = i;
            set_anchor(r, anchor, offset);
            return r;
          },
          py::arg("anchor"), py::arg("anchor_offset") = 0);

  // --- relations ---
  auto rel = [](bool (Interval::*f)(const Interval&) const) {
    return [f](const Interval& a, const Interval& b) {
      check_same_refg(a, b);
      return (a.*f)(b);
    };
  };
  cls.def("contains", rel(&Interval::contains), py::arg("other"))
      .def("__contains__", rel(&Interval::contains))
      .def("within", rel(&Interval::within), py::arg("other"))
      .def("overlaps", rel(&Interval::overlaps), py::arg("other"))
      .def("upstream_of", rel(&Interval::upstream_of), py::arg("other"))
      .def("dnstream_of", rel(&Interval::dnstream_of), py::arg("other"))
      .def(
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
  cls.def("as_dna0", [](const Interval& i) { return py::make_tuple(i.start, i.end); })
      .def("as_dna1",
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
      .def("as_ucsc", [](const Interval& i) { return gk::cat(i.chrom_name(), ":", i.start + 1, "-", i.end); })
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

  // --- identity ---
  cls.def("__repr__", &repr)
      .def("__str__", &repr)
      .def("__hash__",
           [](const Interval& i) {
             auto h = static_cast<py::ssize_t>(i.hash());
             return h == -1 ? -2 : h;
           })
      .def("__eq__", [](py::handle a, py::handle b) { return richcompare(a, b, Py_EQ); })
      .def("__ne__", [](py::handle a, py::handle b) { return richcompare(a, b, Py_NE); })
      .def("__lt__", [](py::handle a, py::handle b) { return richcompare(a, b, Py_LT); })
      .def("__le__", [](py::handle a, py::handle b) { return richcompare(a, b, Py_LE); })
      .def("__gt__", [](py::handle a, py::handle b) { return richcompare(a, b, Py_GT); })
      .def("__ge__", [](py::handle a, py::handle b) { return richcompare(a, b, Py_GE); })
      .def(py::pickle(
          [](const Interval& i) {
            return py::make_tuple(i.chrom_name(), std::string(1, i.strand), i.start, i.end, i.refg_name(),
                                  i.has_anchor ? py::object(py::int_(i.anchor)) : py::object(py::none()),
                                  i.anchor_offset, pickled_data_setup());
          },
          [](py::tuple t) {
            if (t.size() != 7 && t.size() != 8) throw py::value_error("invalid Interval pickle state");
            Interval iv = make(t[0].cast<std::string>(), t[1].cast<std::string>(), t[2].cast<int64_t>(),
                               t[3].cast<int64_t>(), t[4]);
            set_anchor(iv, t[5], t[6].cast<int64_t>());
            return iv;
          }));
  cls.attr("__module__") = "genome_kit";
}

}  // namespace gkpy
