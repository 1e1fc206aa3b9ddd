// LiftOver (chain file index, UCSC liftOver rules): the compiled base of
// genome_kit.LiftOver, which adds file opening, pickling and variants.
#include <cmath>

#include "common.h"
#include "errors.h"
#include "liftover.h"

namespace gkpy {

using gk::LiftOver;
using gk::LiftStatus;

namespace {

double min_match_arg(const LiftOver& lo, py::handle min_match) {
  if (min_match.is_none()) return lo.min_match();
  const double v = min_match.cast<double>();
  if (!(v >= 0.0 && v <= 1.0)) gk::value_error("min_match must be between 0 and 1, got ", v);
  return v;
}

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T, int Flags>
const T* same_length(const py::array_t<T, Flags>& a, py::ssize_t n, const char* what) {
  if (a.ndim() != 1 || a.shape(0) != n)
    gk::value_error(what, " must be a 1-d array as long as chrom (", n, "), got shape of ", a.ndim(), " dims and ",
                    a.size(), " items");
  return a.data();
}

}  // namespace

void register_liftover(py::module_& m) {
  py::class_<LiftOver> cls(m, "LiftOver", "Compiled chain-file index; use genome_kit.LiftOver.");
  cls.def(py::init([](py::object stream, const std::string& name, py::handle target, double min_match) {
            if (!(min_match >= 0.0 && min_match <= 1.0))
              gk::value_error("min_match must be between 0 and 1, got ", min_match);
            const gk::RefgId refg = resolve_refg(target);
            PyStreamSource src(std::move(stream), name);
            py::gil_scoped_release nogil;  // reads take the GIL back for each buffer
            return std::make_unique<LiftOver>(src, refg, min_match);
          }),
          py::arg("stream"), py::arg("name"), py::arg("target"), py::arg("min_match") = 0.95);
  cls.def_property_readonly("source_chromosomes", &LiftOver::source_names,
                            "Source (old assembly) chromosome names of the chains, in file order: the indexes "
                            "``lift_arrays`` takes.")
      .def_property_readonly("target_chromosomes", &LiftOver::target_names,
                             "Target (new assembly) chromosome names of the chains, in file order: the indexes "
                             "``lift_arrays`` returns.")
      .def_property_readonly(
          "target", [](const LiftOver& lo) { return gk::assembly(lo.target()).name(); },
          "Name of the target assembly, the reference genome of lifted Intervals.")
      .def_property_readonly("min_match", &LiftOver::min_match,
                             "Default fraction of an interval's bases that must align (UCSC -minMatch).")
      .def_property_readonly("num_chains", &LiftOver::num_chains, "Number of chains in the file.")
      .def(
          "lift",
          [](const LiftOver& lo, const gk::Interval& iv, py::handle min_match) -> py::object {
            const gk::IntervalLift r = lo.lift(iv, min_match_arg(lo, min_match));
            if (r.status != LiftStatus::Mapped) return py::none();
            return py::reinterpret_steal<py::object>(new_interval(r.interval));
          },
          py::arg("interval"), py::arg("min_match") = py::none(),
          "The Interval on the target assembly, or None when UCSC liftOver leaves it unmapped "
          "(``lift_with_reason`` says why).")
      .def(
          "lift_with_reason",
          [](const LiftOver& lo, const gk::Interval& iv, py::handle min_match) {
            const gk::IntervalLift r = lo.lift(iv, min_match_arg(lo, min_match));
            py::object out = r.status == LiftStatus::Mapped
                                 ? py::reinterpret_steal<py::object>(new_interval(r.interval))
                                 : py::object(py::none());
            return py::make_tuple(out, py::str(gk::lift_reason(r.status)));
          },
          py::arg("interval"), py::arg("min_match") = py::none(),
          "``(interval, reason)``: the lifted Interval and ``\"\"``, or None and UCSC's reason "
          "(``\"Deleted in new\"``, ``\"Partially deleted in new\"``, ``\"Split in new\"``, "
          "``\"Duplicated in new\"``).")
      .def(
          "convert_coordinate",
          [](const LiftOver& lo, const std::string& chrom, int64_t pos, const std::string& strand) -> py::object {
            if (strand != "+" && strand != "-") gk::value_error("strand must be '+' or '-', got '", strand, "'");
            const int32_t c = lo.find_source(chrom);
            if (c < 0) return py::none();
            py::list out;
            for (const gk::PointHit& h : lo.lift_point(c, pos, strand[0])) {
              // Integral scores (UCSC's) come back as int, as pyliftover gives them.
              py::object score = std::nearbyint(h.score) == h.score && std::fabs(h.score) < 9e15
                                     ? py::object(py::int_(static_cast<int64_t>(h.score)))
                                     : py::object(py::float_(h.score));
              out.append(py::make_tuple(lo.target_names()[static_cast<size_t>(h.chrom)], h.pos,
                                        std::string(1, h.strand), score));
            }
            return out;
          },
          py::arg("chrom"), py::arg("pos"), py::arg("strand") = "+",
          "pyliftover's point conversion: every chain block holding base ``pos`` (DNA0) of ``chrom`` as "
          "``(chrom, pos, strand, score)`` tuples by decreasing chain score; ``[]`` in a gap, None for a "
          "chromosome the chains lack.")
      .def(
          "_lift_arrays",
          [](const LiftOver& lo, py::handle chrom_arg, py::handle start_arg, py::handle end_arg, py::object strand,
             py::handle min_match) {
            const auto chrom = int_array<int32_t>(chrom_arg, "chrom");
            const auto start = int_array<int64_t>(start_arg, "start");
            const auto end = int_array<int64_t>(end_arg, "end");
            const py::ssize_t n = chrom.shape(0);
            const int64_t* s = same_length(start, n, "start");
            const int64_t* e = same_length(end, n, "end");
            carray<uint8_t> strand_arr;
            const char* st = nullptr;
            if (!strand.is_none()) {
              strand_arr = strand.cast<carray<uint8_t>>();
              st = reinterpret_cast<const char*>(same_length(strand_arr, n, "strand"));
            }
            const double mm = min_match_arg(lo, min_match);
            py::array_t<int32_t> oc(n);
            py::array_t<int64_t> os(n), oe(n);
            py::array_t<uint8_t> ost(n), ostat(n);
            const int32_t* c = chrom.data();
            int32_t* pc = oc.mutable_data();
            int64_t *ps = os.mutable_data(), *pe = oe.mutable_data();
            char* pst = reinterpret_cast<char*>(ost.mutable_data());
            uint8_t* pstat = ostat.mutable_data();
            {
              py::gil_scoped_release nogil;
              lo.lift_batch(static_cast<size_t>(n), c, s, e, st, mm, pc, ps, pe, pst, pstat);
            }
            return py::make_tuple(oc, os, oe, ost, ostat);
          },
          py::arg("chrom"), py::arg("start"), py::arg("end"), py::arg("strand"), py::arg("min_match") = py::none());
  m.attr("LIFT_REASONS") = [] {
    py::list reasons;
    for (int i = 0; i < gk::kNumLiftStatus; ++i) reasons.append(gk::lift_reason(static_cast<LiftStatus>(i)));
    return py::tuple(reasons);
  }();
}

}  // namespace gkpy
