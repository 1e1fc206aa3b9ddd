// genome_kit.Variant: an Interval subclass carrying REF/ALT alleles.
#include "common.h"
#include "errors.h"
#include "fast_rows.h"
#include "twobit.h"
#include "variant.h"

namespace gkpy {

using gk::Interval;
using gk::Variant;

namespace {

std::string variant_repr(const Variant& v) {
  return gk::cat("<Variant ", v.as_variant_string(), ":", v.refg_name(), ">");
}

Variant from_string(const std::string& text, py::handle genome) {
  py::object dna = genome.attr("dna");  // a plain str has none: AttributeError, as documented
  gk::RefgId refg = resolve_refg(genome);
  Variant v = gk::parse_variant_string(text, refg);
  Interval span = static_cast<const Interval&>(v);
  int64_t size = gk::assembly(refg).chrom_size(v.chrom);
  std::string found(static_cast<size_t>(v.length()), '\0');
  if (py::isinstance<gk::TwoBitFile>(dna)) {
    const auto& f = dna.cast<const gk::TwoBitFile&>();
    if (size < 0) size = f.chrom_length(v.chrom);
    gk::check_variant_bounds(v, size, text);
    f.fetch(span, found.data(), false, false);
  } else {
    if (size < 0) gk::value_error("Variant string was invalid: ", text, ": size of ", v.chrom_name(), " unknown");
    gk::check_variant_bounds(v, size, text);
    found = dna(span).cast<std::string>();
  }
  gk::check_variant_reference(v, found, text);
  return v;
}

/// Variant.spanning(x, y, variants=None).
py::object spanning(py::handle x, py::handle y, py::handle variants) {
  for (py::handle h : {x, y})
    if (!py::isinstance<Interval>(h)) gk::type_error("Variant.spanning needs Intervals, got ", type_name(h));
  Interval a = interval_arg(x), b = interval_arg(y);  // by value: rows have no C++ Interval
  // Unanchored: exactly Interval.spanning (same checks and warnings). A
  // Variant passed as an interval counts as unanchored.
  if (!a.has_anchor && !b.has_anchor) return py::detail::get_type_handle(typeid(Interval), true).attr("spanning")(x, y);
  std::vector<Variant> vs;
  if (py::isinstance<Variant>(variants)) {
    vs.push_back(variants.cast<Variant>());
  } else if (!variants.is_none()) {
    for (py::handle h : variants) {
      if (!py::isinstance<Variant>(h))
        gk::type_error("Variant.spanning: variants must be Variant objects, got ", type_name(h));
      vs.push_back(h.cast<Variant>());
    }
  }
  if (vs.empty())
    gk::value_error("Anchored intervals (", py::repr(x).cast<std::string>(), ", ", py::repr(y).cast<std::string>(),
                    ") require a list of variants.");
  return py::cast(gk::variant_spanning(a, b, vs));
}

}  // namespace

void register_variant(py::module_& m) {
  py::class_<Variant, Interval> cls(m, "Variant", R"doc(
A sequence variant: the '+' strand Interval spanning its reference allele
(an insertion is the empty interval before base ``start``) with ``ref`` and
``alt`` alleles. ``Variant(chromosome, start, ref, alt, reference_genome)``
takes a DNA0 start and does not check the alleles; ``Variant.from_string``
(DNA1 text such as ``"chr7:117,120,149:AT:G"``) validates against the genome.
)doc");
  cls.def(py::init([](const std::string& chrom, int64_t start, const std::string& ref, const std::string& alt,
                      py::handle refg) {
            gk::RefgId id = resolve_refg(refg);
            return Variant::make(gk::assembly(id).resolve(chrom), start, ref, alt, id);
          }),
          py::arg("chromosome"), py::arg("start"), py::arg("ref"), py::arg("alt"), py::arg("reference_genome"));
  // start, end, position, ref, alt, chromosome: fast getters installed below.
  cls.def_property_readonly(
         "anchor", [](const Variant&) -> py::object { gk::type_error("a Variant has no anchor"); },
         "Variants carry no anchor (TypeError).")
      .def_property_readonly(
          "anchor_offset", [](const Variant&) -> py::object { gk::type_error("a Variant has no anchor_offset"); },
          "Variants carry no anchor (TypeError).")
      .def("as_variant_string", &Variant::as_variant_string, "``chrom:pos1:ref:alt`` with a DNA1 position.")
      .def("__repr__", &variant_repr)
      .def("__str__", &Variant::as_variant_string)
      .def("__hash__",
           [](const Variant& v) {
             auto h = static_cast<py::ssize_t>(v.Interval::hash());
             return h == -1 ? -2 : h;
           })
      .def("__eq__",
           [](py::handle a, py::handle b) {
             if (Py_TYPE(a.ptr()) != Py_TYPE(b.ptr())) return false;
             return a.cast<Variant>().same_variant(b.cast<Variant>());
           })
      .def("__ne__",
           [](py::handle a, py::handle b) {
             if (Py_TYPE(a.ptr()) != Py_TYPE(b.ptr())) return true;
             return !a.cast<Variant>().same_variant(b.cast<Variant>());
           })
      .def(py::pickle(
          [](const Variant& v) {
            return py::make_tuple(v.refg_name(), v.chrom_name(), v.start, v.ref, v.alt, pickled_data_setup());
          },
          [](py::tuple t) {
            if (t.size() != 5 && t.size() != 6) throw py::value_error("invalid Variant pickle state");
            gk::RefgId id = resolve_refg(t[0]);
            return Variant::make(gk::assembly(id).resolve(t[1].cast<std::string>()), t[2].cast<int64_t>(),
                                 t[3].cast<std::string>(), t[4].cast<std::string>(), id);
          }))
      .def_static("from_string", &from_string, py::arg("variant"), py::arg("genome"), R"doc(
Parses ``chrom:pos:ref:alt`` (DNA1 position, commas allowed, empty alleles as
``""``, ``-`` or ``.``, case-insensitive, Ensembl chromosome names accepted)
and checks the reference allele against ``genome``: ValueError naming the
expected and found bases on a mismatch, IndexError outside the chromosome.
)doc");
  cls.def_static("spanning", &spanning, py::arg("x"), py::arg("y"), py::arg("variants") = py::none(), R"doc(
Smallest interval covering ``x`` and ``y``, aware of anchors and variants.

Without anchors this is :meth:`Interval.spanning`. Otherwise ``variants`` (a
list of Variants; a single Variant is accepted) is required, both intervals
must share chromosome, strand and assembly, and anchors must lie within
their intervals (ValueError). The result is anchored like whichever of ``x``
and ``y`` has the leftmost (anchor, anchor_offset) and is the smallest such
interval whose anchored variant DNA contains the variant DNA of both: ``y``
is mapped into ``x``'s anchored frame through the length changes of the
variants between them. Variants on other chromosomes are ignored; variants on
another assembly or overlapping each other raise ValueError.

Example: with ``v = Variant("chr1", 100, "", 10 * "N", genome)``,
``Variant.spanning(Interval("chr1", "+", 100, 150, genome, 100),
Interval("chr1", "+", 200, 250, genome), [v])`` is
``Interval("chr1", "+", 100, 260, genome, 100)``.
)doc");
  // Ordering is undefined for variants.
  for (const char* op : {"__lt__", "__le__", "__gt__", "__ge__"})
    cls.def(op, [](const Variant&, py::handle) -> bool { gk::type_error("Variants are not orderable"); });
  // Per-variant loops read v.start / v.ref / v.alt for every variant: C getset descriptors (fast_rows.h,
  // ~25 ns) instead of pybind11 properties (~80 ns); they shadow the inherited Interval properties.
  def_interval_getters<Variant>(cls);
  def_fast_getter<Variant>(
      cls, "position", [](const Variant& v) -> py::object { return py::int_(v.start); },
      "DNA0 start of the reference allele.");
  def_fast_getter<Variant>(
      cls, "ref", [](const Variant& v) -> py::object { return py::str(v.ref); },
      "Reference allele ('' for insertions).");
  def_fast_getter<Variant>(
      cls, "alt", [](const Variant& v) -> py::object { return py::str(v.alt); },
      "Alternative allele ('' for deletions).");
  cls.attr("__module__") = "genome_kit";
}

}  // namespace gkpy
