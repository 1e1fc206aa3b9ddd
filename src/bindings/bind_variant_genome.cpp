// genome_kit.VariantGenome's compiled base (_core.VariantGenome) and motif search.
#include <memory>
#include <optional>

#include "common.h"
#include "errors.h"
#include "fastcall.h"
#include "one_hot.h"
#include "twobit.h"
#include "variant_genome.h"

namespace gkpy {

using gk::BaseOrigin;
using gk::Interval;
using gk::TwoBitFile;
using gk::VariantGenome;

namespace {

/// The Python Genome, its GenomeDNA (kept alive: the core reads from it) and
/// the core object.
struct PyVariantGenome {
  py::object genome;
  py::object dna;
  VariantGenome core;
};

gk::Variant as_variant(py::handle h) {  // by value: VCFVariant rows are materialised
  if (const gk::Variant* v = exact_value<gk::Variant>(h)) return *v;
  return h.cast<gk::Variant>();
}

bool is_variant(py::handle h) {
  return PyObject_TypeCheck(h.ptr(), bound_type<gk::Variant>());
}

std::vector<gk::Variant> to_variants(py::handle seq) {
  std::vector<gk::Variant> out;
  for (py::handle h : seq) {
    if (!is_variant(h)) gk::type_error("variants must be Variant objects, got ", type_name(h));
    out.push_back(as_variant(h));
  }
  return out;
}

/// The variants argument of VariantGenome(genome, variants): one Variant, one
/// variant string (parsed and validated on `genome`), or a list/tuple of them.
std::vector<gk::Variant> variant_argument(py::handle genome, py::handle variants) {
  std::vector<gk::Variant> out;
  if (is_variant(variants)) {
    out.push_back(as_variant(variants));
    return out;
  }
  auto one = [&](py::handle v) {
    if (is_variant(v)) {
      out.push_back(as_variant(v));
    } else if (py::isinstance<py::str>(v)) {
      py::object parsed = py::detail::get_type_handle(typeid(gk::Variant), true).attr("from_string")(v, genome);
      out.push_back(as_variant(parsed));
    } else {
      gk::type_error("an element of variants is neither a Variant nor a str: ", py::repr(v).cast<std::string>());
    }
  };
  if (py::isinstance<py::str>(variants)) {
    one(variants);
  } else if (PyList_Check(variants.ptr()) || PyTuple_Check(variants.ptr())) {
    for (py::handle v : variants) one(v);
  } else {
    gk::type_error("variants must be a Variant, a variant string, or a list/tuple of them; got ",
                   Py_TYPE(variants.ptr())->tp_name);
  }
  return out;
}

PyVariantGenome* make_variant_genome(py::object genome, py::handle variants) {
  static PyObject* dna_name = PyUnicode_InternFromString("dna");  // leaked on purpose
  py::object dna = genome.attr(py::handle(dna_name));
  const TwoBitFile* file = exact_value<TwoBitFile>(dna);
  if (!file) {
    if (!py::isinstance<TwoBitFile>(dna))
      gk::type_error("VariantGenome needs a Genome (with a .dna sequence), got ", type_name(genome));
    file = &dna.cast<const TwoBitFile&>();
  }
  auto vs = variant_argument(genome, variants);
  if (vs.size() < 1000)
    return new PyVariantGenome{std::move(genome), std::move(dna), VariantGenome(*file, std::move(vs))};
  std::optional<VariantGenome> core;
  {
    py::gil_scoped_release nogil;
    core.emplace(*file, std::move(vs));
  }
  return new PyVariantGenome{std::move(genome), std::move(dna), std::move(*core)};
}

/// Motif and match position as searched on the '+' strand for an interval
/// on `strand`.
std::pair<std::string, int64_t> plus_strand_motif(std::string motif, int64_t match_position, char strand) {
  motif = gk::to_upper(std::move(motif));
  if (motif.empty()) gk::value_error("find_motif needs a non-empty motif");
  if (match_position < 0 || match_position > static_cast<int64_t>(motif.size()))
    gk::value_error("match_position must be in [0, ", motif.size(), "] for motif '", motif, "', got ", match_position);
  if (strand == '-') {
    gk::reverse_complement(motif.data(), motif.size());
    match_position = static_cast<int64_t>(motif.size()) - match_position;
  }
  return {motif, match_position};
}

py::list find_motif_reference(const TwoBitFile& dna, const Interval& iv, const std::string& motif_in,
                              int64_t match_position, bool overlapping) {
  if (iv.refg != dna.refg())
    gk::value_error("cannot search ", iv.describe(), " on genome ", gk::assembly(dna.refg()).name());
  auto [motif, mp] = plus_strand_motif(motif_in, match_position, iv.strand);
  Interval plus = iv;
  plus.strand = '+';
  plus.has_anchor = false;
  std::vector<int64_t> hits;
  {
    std::string seq(static_cast<size_t>(iv.length()), '\0');
    py::gil_scoped_release nogil;
    dna.fetch(plus, seq.data(), true, false);
    hits = gk::find_motif_offsets(seq.data(), iv.length(), motif, overlapping);
  }
  py::list out;
  for (int64_t h : hits) {
    Interval r = iv;
    r.has_anchor = false;
    r.anchor = r.anchor_offset = 0;
    r.start = r.end = iv.start + h + mp;
    out.append(r);
  }
  return out;
}

/// Reference (position, offset) of the gap before output base j: after an
/// inserted base it is that insertion (offset = index + 1); otherwise the
/// base at j (its insertion index, or offset 0); at the end, after the last
/// reference base.
std::pair<int64_t, int64_t> gap_origin(const std::vector<BaseOrigin>& o, int64_t j) {
  auto n = static_cast<int64_t>(o.size());
  if (j > 0 && o[static_cast<size_t>(j - 1)].ins_index >= 0)
    return {o[static_cast<size_t>(j - 1)].pos, o[static_cast<size_t>(j - 1)].ins_index + 1};
  if (j < n) {
    const BaseOrigin& b = o[static_cast<size_t>(j)];
    return {b.pos, b.ins_index >= 0 ? b.ins_index : 0};
  }
  return {o[static_cast<size_t>(j - 1)].pos + 1, 0};
}

py::list find_motif_variant(const VariantGenome& vg, const Interval& iv, const std::string& motif_in,
                            int64_t match_position, bool overlapping) {
  auto [motif, mp] = plus_strand_motif(motif_in, match_position, iv.strand);
  Interval plus = iv;
  plus.strand = '+';
  int64_t n = vg.output_length(plus);
  std::string seq(static_cast<size_t>(n), '\0');
  std::vector<BaseOrigin> origin(static_cast<size_t>(n));
  std::vector<int64_t> hits;
  {
    py::gil_scoped_release nogil;
    vg.fetch(plus, seq.data(), origin.data(), true);
    hits = gk::find_motif_offsets(seq.data(), n, motif, overlapping);
  }
  py::list out;
  for (int64_t h : hits) {
    auto [pos, off] = gap_origin(origin, h + mp);
    Interval r = iv;
    r.start = r.end = pos;
    r.has_anchor = true;
    r.anchor = pos;
    r.anchor_offset = off;
    out.append(r);
  }
  return out;
}

py::str variant_dna(const VariantGenome& vg, const Interval& iv, bool allow_outside, bool soft_mask) {
  int64_t n = vg.output_length(iv);
  char* data;
  py::str s = new_ascii_str(n, data);
  run_maybe_without_gil(n, [&] { vg.fetch(iv, data, nullptr, allow_outside, soft_mask); });
  return s;
}

void check_refg(const VariantGenome& vg, const Interval& iv) {
  if (iv.refg != vg.refg())
    gk::value_error("cannot fetch ", iv.describe(), " from a variant genome on ", gk::assembly(vg.refg()).name());
}

/// Variant DNA of many intervals: the str objects are sized and allocated
/// with the GIL, then filled without it.
py::list variant_dna_batch(const VariantGenome& vg, const std::vector<Interval>& ivs, bool allow_outside,
                           bool soft_mask) {
  py::list out(ivs.size());
  std::vector<char*> bufs(ivs.size());
  for (size_t k = 0; k < ivs.size(); ++k) {
    check_refg(vg, ivs[k]);
    out[k] = new_ascii_str(vg.output_length(ivs[k]), bufs[k]);
  }
  {
    py::gil_scoped_release nogil;
    for (size_t k = 0; k < ivs.size(); ++k) vg.fetch(ivs[k], bufs[k], nullptr, allow_outside, soft_mask);
  }
  return out;
}

/// One-hot variant DNA (N, L, 4) of intervals whose variant sequences all
/// have L bases (anchored intervals keep their length; unanchored ones
/// follow the indels inside them). Filled without the GIL.
template <class T>
py::array_t<T> variant_one_hot(const VariantGenome& vg, const std::vector<Interval>& ivs, bool allow_outside) {
  int64_t len = 0;
  for (size_t k = 0; k < ivs.size(); ++k) {
    check_refg(vg, ivs[k]);
    int64_t n = vg.output_length(ivs[k]);
    if (k == 0) len = n;
    if (n != len)
      gk::value_error("one_hot needs variant sequences of equal length: ", ivs[0].describe(), " gives ", len,
                      " bases, ", ivs[k].describe(), " gives ", n,
                      " (anchor the intervals, e.g. with_anchor('center'), to keep their length)");
  }
  py::array_t<T> out({static_cast<py::ssize_t>(ivs.size()), static_cast<py::ssize_t>(len), py::ssize_t(4)});
  T* dst = out.mutable_data();
  {
    py::gil_scoped_release nogil;
    std::string buf(static_cast<size_t>(len), '\0');
    for (const auto& iv : ivs) {
      vg.fetch(iv, buf.data(), nullptr, allow_outside);
      gk::one_hot_encode(buf.data(), len, dst);
      dst += 4 * len;
    }
  }
  return out;
}

// --- VariantGenome.dna as a raw METH_FASTCALL method --------------------------------------------------
// VariantGenome(genome, v).dna(window) is called once per variant when scoring variants; pybind11's
// generic dispatch (argument casters, type registry lookups, function_call bookkeeping) cost about as
// much as decoding a 1 kb window, so this one method bypasses it. Exceptions go through the same
// translators as pybind11's dispatcher.

const char* const kDnaDoc = R"doc(dna($self, /, interval, allow_outside_chromosome=True, soft_mask=False)
--

Variant DNA of ``interval`` (reverse complement on ``-``).

Without an anchor every variant inside the interval is applied and the
length follows the indels (an insertion at the start is included, one at the
end is not). With an anchor the result has the interval's length: the part
left of the anchor is right-aligned at it, the part right of it
left-aligned; ``anchor_offset`` puts that many bases of an insertion at the
anchor on its left (reference orientation, also on ``-``). Bases beyond the
chromosome are ``N`` (IndexError when ``allow_outside_chromosome=False``).
``soft_mask=True`` keeps the lower case of soft-masked reference bases
(variant bases are upper case).
)doc";

/// The PyVariantGenome of `self` (an instance of the class or a Python subclass, checked by the
/// method descriptor), or nullptr if its __init__ never ran.
PyVariantGenome* self_of(PyObject* self) {
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  if (inst->simple_layout) return static_cast<PyVariantGenome*>(inst->simple_value_holder[0]);
  return py::handle(self).cast<PyVariantGenome*>();
}

PyTypeObject* g_vg_type = nullptr;  // set at registration

/// The initialised PyVariantGenome of `self`: TypeError for another type or an instance whose
/// __init__ never ran (pybind11 would dereference a null pointer).
const PyVariantGenome& vg_of(py::handle self) {
  if (!g_vg_type || !PyObject_TypeCheck(self.ptr(), g_vg_type))
    gk::type_error("expected a VariantGenome, got ", type_name(self));
  const PyVariantGenome* vg = self_of(self.ptr());
  if (!vg) gk::type_error("VariantGenome.__init__ was not called");
  return *vg;
}

PyObject* dna_fastcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return guarded_call([&] {
    PyObject *interval, *allow, *soft;
    bind_fast_args("dna", args, nargs, kwnames,
                   {{"interval", &interval}, {"allow_outside_chromosome", &allow}, {"soft_mask", &soft}});
    if (!interval) gk::type_error("dna() missing required argument 'interval'");
    auto flag = [](PyObject* o, bool dflt) {
      if (!o) return dflt;
      int t = PyObject_IsTrue(o);
      if (t < 0) throw py::error_already_set();
      return t != 0;
    };
    bool allow_outside = flag(allow, true);
    bool soft_mask = flag(soft, false);
    PyVariantGenome* vg = self_of(self);
    if (!vg) gk::type_error("VariantGenome.__init__ was not called");
    return variant_dna(vg->core, interval_arg(interval), allow_outside, soft_mask).release().ptr();
  });
}

// --- VariantGenome.__init__ as a raw METH_FASTCALL method ----------------------------------------------
// Same reason as dna(): one VariantGenome is built per scored variant. The C++ object is installed in
// the pybind11 instance the way pybind11's own constructors do (value pointer + unique_ptr holder); the
// instance is not entered in pybind11's pointer registry, which only serves to return an existing
// Python object for a C++ pointer (never done for this class).

const char* const kInitDoc = R"doc(__init__($self, /, reference_genome, variants)
--

A Genome with ``variants`` applied: one Variant, one variant string (parsed
and validated on the genome), or a list/tuple of them.
)doc";

PyObject* init_fastcall(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  return guarded_call([&] {
    PyObject *genome, *variants;
    bind_fast_args("VariantGenome", args, nargs, kwnames, {{"reference_genome", &genome}, {"variants", &variants}});
    if (!genome || !variants) gk::type_error("VariantGenome() needs reference_genome and variants");
    auto* inst = reinterpret_cast<py::detail::instance*>(self);
    py::detail::value_and_holder v_h = inst->get_value_and_holder();
    if (v_h.holder_constructed()) gk::type_error("VariantGenome.__init__ called twice");
    install_value(v_h, std::unique_ptr<PyVariantGenome>(
                           make_variant_genome(py::reinterpret_borrow<py::object>(genome), py::handle(variants))));
    Py_RETURN_NONE;
  });
}

PyMethodDef g_init_def = {"__init__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&init_fastcall)),
                          METH_FASTCALL | METH_KEYWORDS, kInitDoc};

PyMethodDef g_dna_def = {"dna", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&dna_fastcall)),
                         METH_FASTCALL | METH_KEYWORDS, kDnaDoc};

/// The reference DNA of window `iv` (its anchor ignored: iv.length() bases)
/// into `ref`, its variant DNA (vg.output_length(iv) bases) into `alt`.
void fetch_pair(const VariantGenome& vg, const Interval& iv, char* ref, char* alt, bool allow_outside) {
  Interval plain = iv;
  plain.has_anchor = false;
  vg.dna().fetch(plain, ref, allow_outside, false);
  vg.fetch(iv, alt, nullptr, allow_outside);
}

/// `out` = (ref, alt): two C-contiguous writeable arrays of element type T and
/// shape (N, L, 4), else ValueError/TypeError saying what is expected.
template <class T>
std::pair<py::array_t<T>, py::array_t<T>> out_pair(py::handle out, const std::vector<py::ssize_t>& shape) {
  if (!py::isinstance<py::tuple>(out) || py::len(out) != 2)
    gk::type_error("out must be a tuple (ref, alt) of two numpy arrays, got ", type_name(out));
  std::pair<py::array_t<T>, py::array_t<T>> arrays;
  for (int k = 0; k < 2; ++k) {
    py::handle a = PyTuple_GET_ITEM(out.ptr(), k);
    if (!py::isinstance<py::array>(a)) gk::type_error("out must hold numpy arrays, got ", type_name(a));
    auto arr = py::reinterpret_borrow<py::array>(a);
    if (!arr.dtype().is(py::dtype::of<T>()))
      gk::type_error("out arrays must both be uint8 or both float32, got ", py::str(arr.dtype()).cast<std::string>());
    bool shape_ok = arr.ndim() == 3;
    for (int d = 0; d < 3 && shape_ok; ++d) shape_ok = arr.shape(d) == shape[size_t(d)];
    if (!shape_ok || !(arr.flags() & py::array::c_style) || !arr.writeable())
      gk::value_error("out arrays must be writeable C-contiguous arrays of shape (", shape[0], ", ", shape[1], ", 4)");
    (k ? arrays.second : arrays.first) = py::reinterpret_borrow<py::array_t<T>>(a);
  }
  return arrays;
}

/// One-hot (REF, ALT) arrays (N, L, 4) of anchored windows `ivs` of equal
/// length L (checked by the caller); window i's ALT comes from variant genome
/// `vg_of(i)`. Filled without the GIL, into `out` (see out_pair) unless it is None.
template <class T, class VgOf>
py::tuple one_hot_pairs(const std::vector<Interval>& ivs, VgOf&& vg_of, bool allow_outside,
                        py::handle out = py::none()) {
  int64_t len = ivs.empty() ? 0 : ivs[0].length();
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(ivs.size()), static_cast<py::ssize_t>(len), 4};
  auto [ref, alt] =
      out.is_none() ? std::make_pair(py::array_t<T>(shape), py::array_t<T>(shape)) : out_pair<T>(out, shape);
  T* r = ref.mutable_data();
  T* a = alt.mutable_data();
  {
    py::gil_scoped_release nogil;
    std::string rbuf(static_cast<size_t>(len), '\0'), abuf(static_cast<size_t>(len), '\0');
    for (size_t i = 0; i < ivs.size(); ++i, r += 4 * len, a += 4 * len) {
      fetch_pair(vg_of(i), ivs[i], rbuf.data(), abuf.data(), allow_outside);
      gk::one_hot_encode(rbuf.data(), len, r);
      gk::one_hot_encode(abuf.data(), len, a);
    }
  }
  return py::make_tuple(ref, alt);
}

template <class T>
py::tuple one_hot_pair(const VariantGenome& vg, const std::vector<Interval>& ivs, bool allow_outside) {
  int64_t len = ivs.empty() ? 0 : ivs[0].length();
  for (const auto& iv : ivs) {
    if (!iv.has_anchor) gk::value_error("one_hot_pair needs anchored intervals, got ", iv.describe());
    if (iv.length() != len)
      gk::value_error("one_hot_pair needs intervals of equal length: ", ivs[0].describe(), " has ", len, " bases, ",
                      iv.describe(), " has ", iv.length());
    if (iv.refg != vg.refg())
      gk::value_error("cannot fetch ", iv.describe(), " from a variant genome on ", gk::assembly(vg.refg()).name());
  }
  return one_hot_pairs<T>(ivs, [&](size_t) -> const VariantGenome& { return vg; }, allow_outside);
}

/// Windows for variant_pairs: `intervals` (one per variant) or, if None,
/// `width` bases on '+' anchored at each variant's start.
std::vector<Interval> pair_windows(const std::vector<gk::Variant>& vs, py::handle intervals, int64_t width) {
  std::vector<Interval> ivs;
  if (!intervals.is_none()) {
    for (py::handle h : intervals) ivs.push_back(interval_arg(h));
    if (ivs.size() != vs.size())
      gk::value_error("variant_pairs needs one interval per variant: ", vs.size(), " variants, ", ivs.size(),
                      " intervals");
    return ivs;
  }
  if (width < 0) gk::value_error("width must be >= 0, got ", width);
  for (const auto& v : vs) {
    Interval iv = static_cast<const Interval&>(v);
    iv.start = v.start - width / 2;
    iv.end = iv.start + width;
    iv.has_anchor = true;
    iv.anchor = v.start;
    iv.anchor_offset = 0;
    ivs.push_back(iv);
  }
  return ivs;
}

template <class T>
py::tuple variant_pairs_one_hot(const TwoBitFile& dna, const std::vector<gk::Variant>& vs,
                                const std::vector<Interval>& ivs, bool allow_outside, py::handle out) {
  int64_t len = ivs.empty() ? 0 : ivs[0].length();
  for (const auto& iv : ivs)
    if (iv.length() != len || !iv.has_anchor)
      gk::value_error("one-hot variant pairs need anchored intervals of equal length, got ", iv.describe());
  return one_hot_pairs<T>(ivs, [&](size_t i) { return VariantGenome(dna, {vs[i]}); }, allow_outside, out);
}

py::tuple variant_pairs_str(const TwoBitFile& dna, const std::vector<gk::Variant>& vs, const std::vector<Interval>& ivs,
                            bool allow_outside) {
  // Validate and size everything first, allocate the str objects (GIL held),
  // then fill them in place without the GIL.
  std::vector<VariantGenome> vgs;
  vgs.reserve(vs.size());
  for (const auto& v : vs) vgs.emplace_back(dna, std::vector<gk::Variant>{v});
  py::list r(vs.size()), a(vs.size());
  std::vector<char*> rbuf(vs.size()), abuf(vs.size());
  for (size_t i = 0; i < vs.size(); ++i) {
    r[i] = new_ascii_str(ivs[i].length(), rbuf[i]);
    a[i] = new_ascii_str(vgs[i].output_length(ivs[i]), abuf[i]);
  }
  {
    py::gil_scoped_release nogil;
    for (size_t i = 0; i < vs.size(); ++i) fetch_pair(vgs[i], ivs[i], rbuf[i], abuf[i], allow_outside);
  }
  return py::make_tuple(r, a);
}

}  // namespace

void register_variant_genome(py::module_& m) {
  py::class_<PyVariantGenome> vg_cls(m, "VariantGenome", "Compiled base of genome_kit.VariantGenome.");
  g_vg_type = reinterpret_cast<PyTypeObject*>(vg_cls.ptr());
  set_fast_method(vg_cls, &g_init_def);
  set_fast_method(vg_cls, &g_dna_def);
  vg_cls
      .def_property_readonly(
          "genome",
          [](py::handle self_h) {
            const PyVariantGenome& self = vg_of(self_h);
            return self.genome;
          },
          "The wrapped Genome.")
      .def_property_readonly(
          "reference_genome",
          [](py::handle self_h) -> std::string {
            const PyVariantGenome& self = vg_of(self_h);
            return py::str(self.genome.attr("reference_genome"));
          },
          "Name of the reference assembly.")
      .def_property_readonly(
          "variants",
          [](py::handle self_h) {
            const PyVariantGenome& self = vg_of(self_h);
            py::list out;
            for (const auto& v : self.core.variants()) out.append(v);
            return out;
          },
          "The variants, sorted by chromosome and position.")
      .def("__repr__",
           [](py::handle self_h) {
             const PyVariantGenome& self = vg_of(self_h);
             return gk::cat("<VariantGenome ", py::str(self.genome.attr("reference_genome")).cast<std::string>(),
                            " with ", self.core.variants().size(), " variants>");
           })
      .def("__eq__",
           [](py::handle a, py::handle b) -> py::object {
             if (!py::isinstance(b, py::type::of(a)) && !py::isinstance(a, py::type::of(b)))
               return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             const auto& x = vg_of(a);
             const auto& y = vg_of(b);
             return py::bool_(x.genome.equal(y.genome) && x.core.same_edits(y.core));
           })
      .def("__hash__",
           [](py::handle self_h) {
             const PyVariantGenome& self = vg_of(self_h);
             return py::hash(py::make_tuple("VariantGenome", self.genome.attr("reference_genome")));
           })
      .def("__reduce__",
           [](py::handle self) {
             const auto& vg = vg_of(self);
             py::list vs;
             for (const auto& v : vg.core.variants()) vs.append(v);
             return py::make_tuple(py::type::of(self), py::make_tuple(vg.genome, vs));
           })
      .def(
          "dna_batch",
          [](py::handle self_h, py::handle intervals, bool allow_outside, bool soft_mask) {
            return variant_dna_batch(vg_of(self_h).core, to_intervals(intervals), allow_outside, soft_mask);
          },
          py::arg("intervals"), py::arg("allow_outside_chromosome") = true, py::arg("soft_mask") = false,
          "Variant DNA of many intervals in one call (decoded without the GIL); element k is "
          "``dna(intervals[k])``.")
      .def(
          "_one_hot",
          [](py::handle self_h, py::handle intervals, py::handle dtype, bool allow_outside) {
            const VariantGenome& vg = vg_of(self_h).core;
            auto ivs = to_intervals(intervals);
            return one_hot_of(dtype, [&](auto t) { return variant_one_hot<decltype(t)>(vg, ivs, allow_outside); });
          },
          py::arg("intervals"), py::arg("dtype") = "uint8", py::arg("allow_outside_chromosome") = true)
      .def("_same_edits", [](py::handle a, py::handle b) { return vg_of(a).core.same_edits(vg_of(b).core); })
      .def(
          "_alignment",
          [](py::handle self_h, py::handle h, bool allow_outside) {
            const VariantGenome& vg = vg_of(self_h).core;
            const Interval& iv = interval_arg(h);
            int64_t n = vg.output_length(iv);
            py::array_t<int64_t> pos(n);
            py::array_t<int32_t> ins(n);
            int64_t* p = pos.mutable_data();
            int32_t* k = ins.mutable_data();
            {
              py::gil_scoped_release nogil;
              std::string seq(static_cast<size_t>(n), '\0');
              std::vector<BaseOrigin> origin(static_cast<size_t>(n));
              vg.fetch(iv, seq.data(), origin.data(), allow_outside);
              for (int64_t j = 0; j < n; ++j) {
                p[j] = origin[static_cast<size_t>(j)].pos;
                k[j] = origin[static_cast<size_t>(j)].ins_index;
              }
            }
            return py::make_tuple(pos, ins);
          },
          py::arg("interval"), py::arg("allow_outside_chromosome") = true,
          "Per output base: (reference position or insertion gap, index in the insertion or -1).")
      .def(
          "_find_motif",
          [](py::handle self_h, py::handle iv, const std::string& motif, int64_t mp, bool overlapping) {
            return find_motif_variant(vg_of(self_h).core, interval_arg(iv), motif, mp, overlapping);
          },
          py::arg("interval"), py::arg("motif"), py::arg("match_position"), py::arg("find_overlapping_motifs"))
      .def(
          "_one_hot_pair",
          [](py::handle self_h, py::handle intervals, py::handle dtype, bool allow_outside) {
            const VariantGenome& vg = vg_of(self_h).core;
            std::vector<Interval> ivs;
            for (py::handle h : intervals) ivs.push_back(interval_arg(h));
            return one_hot_of(dtype, [&](auto t) { return one_hot_pair<decltype(t)>(vg, ivs, allow_outside); });
          },
          py::arg("intervals"), py::arg("dtype") = "uint8", py::arg("allow_outside_chromosome") = true);

  m.def(
      "_variant_pairs",
      [](const TwoBitFile& dna, py::handle variants, py::handle intervals, int64_t width, py::object one_hot,
         bool allow_outside, py::object out) -> py::object {
        auto vs = to_variants(variants);
        auto ivs = pair_windows(vs, intervals, width);
        if (!out.is_none()) {  // one-hot into the caller's arrays: their dtype decides
          bool pair = PyTuple_Check(out.ptr()) && PyTuple_GET_SIZE(out.ptr()) == 2;
          py::handle first = pair ? PyTuple_GET_ITEM(out.ptr(), 0) : py::handle(Py_None);
          if (py::isinstance<py::array>(first) &&
              py::reinterpret_borrow<py::array>(first).dtype().is(py::dtype::of<float>()))
            return variant_pairs_one_hot<float>(dna, vs, ivs, allow_outside, out);
          return variant_pairs_one_hot<uint8_t>(dna, vs, ivs, allow_outside, out);
        }
        if (one_hot.is_none()) return variant_pairs_str(dna, vs, ivs, allow_outside);
        return one_hot_of(one_hot, [&](auto t) {
          return variant_pairs_one_hot<decltype(t)>(dna, vs, ivs, allow_outside, py::none());
        });
      },
      py::arg("dna"), py::arg("variants"), py::arg("intervals"), py::arg("width"), py::arg("one_hot"),
      py::arg("allow_outside_chromosome"), py::arg("out") = py::none(),
      "Per-variant REF/ALT windows (see VariantGenome.variant_pairs).");
  m.def(
      "_find_motif",
      [](const TwoBitFile& dna, py::handle iv, const std::string& motif, int64_t mp, bool overlapping) {
        return find_motif_reference(dna, interval_arg(iv), motif, mp, overlapping);
      },
      py::arg("dna"), py::arg("interval"), py::arg("motif"), py::arg("match_position"),
      py::arg("find_overlapping_motifs"), "Motif hits on the reference as empty Intervals (see Genome.find_motif).");
}

}  // namespace gkpy
