// 2bit reader (the base of genome_kit.GenomeDNA), batch/one-hot extraction and
// the FASTA → 2bit writer.
#include <array>
#include <cstring>

#include "common.h"
#include "errors.h"
#include "twobit.h"

namespace gkpy {

using gk::Interval;
using gk::TwoBitFile;

namespace {

// Decoding short windows is cheaper than a GIL round trip; release it only
// for windows at least this long.
constexpr int64_t kReleaseGilBases = 1 << 14;

py::str fetch_str(const TwoBitFile& f, const Interval& iv, bool allow_outside, bool soft_mask) {
  auto s = py::reinterpret_steal<py::str>(PyUnicode_New(iv.length(), 127));
  if (!s) throw py::error_already_set();
  char* data = reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(s.ptr()));
  if (iv.length() >= kReleaseGilBases) {
    py::gil_scoped_release nogil;
    f.fetch(iv, data, allow_outside, soft_mask);
  } else {
    f.fetch(iv, data, allow_outside, soft_mask);
  }
  return s;
}

std::vector<Interval> to_intervals(py::handle seq) {
  std::vector<Interval> out;
  if (py::isinstance<Interval>(seq)) gk::type_error("expected a sequence of Intervals, got a single Interval");
  for (py::handle h : seq) {
    if (!py::isinstance<Interval>(h))
      gk::type_error("expected Interval objects, got ", py::str(py::type::of(h)).cast<std::string>());
    out.push_back(interval_of(h));
  }
  return out;
}

// One-hot rows per base letter: A, C, G, T channels; anything else all zero.
template <class T>
struct OneHotTable {
  std::array<std::array<T, 4>, 256> rows{};
  OneHotTable() {
    const char* letters = "ACGT";
    for (int k = 0; k < 4; ++k) {
      rows[static_cast<uint8_t>(letters[k])][static_cast<size_t>(k)] = T(1);
      rows[static_cast<uint8_t>(letters[k] + 32)][static_cast<size_t>(k)] = T(1);
    }
  }
};

template <class T>
py::array_t<T> one_hot_impl(const TwoBitFile& f, const std::vector<Interval>& ivs, bool allow_outside) {
  int64_t len = ivs.empty() ? 0 : ivs[0].length();
  for (auto& iv : ivs)
    if (iv.length() != len)
      gk::value_error("one_hot needs intervals of equal length: ", ivs[0].describe(), " has ", len, " bases, ",
                      iv.describe(), " has ", iv.length());
  py::array_t<T> out({static_cast<py::ssize_t>(ivs.size()), static_cast<py::ssize_t>(len), py::ssize_t(4)});
  T* dst = out.mutable_data();
  {
    py::gil_scoped_release nogil;
    static const OneHotTable<T> table;
    std::vector<char> buf(static_cast<size_t>(len));
    for (auto& iv : ivs) {
      f.fetch(iv, buf.data(), allow_outside, false);
      for (int64_t i = 0; i < len; ++i, dst += 4)
        std::memcpy(dst, table.rows[static_cast<uint8_t>(buf[static_cast<size_t>(i)])].data(), 4 * sizeof(T));
    }
  }
  return out;
}

}  // namespace

void register_twobit(py::module_& m) {
  py::class_<TwoBitFile> cls(m, "GenomeDNA", R"doc(
DNA of an assembly, read from a memory-mapped UCSC .2bit file.

``GenomeDNA(path, reference_genome=None)``: without a reference genome, it is
taken from the file name (``hg19.2bit`` -> ``hg19``) with the chromosome sizes
found beside the file or in the data directory. ``Genome.dna`` is one of these.

Calling it returns the DNA of an Interval as a str, reverse complemented on the
'-' strand: ``dna(interval, allow_outside_chromosome=True, soft_mask=False)``.
Bases beyond the chromosome are N (IndexError when allow_outside_chromosome is
False); soft_mask=True keeps the file's lower-case soft-masked bases.
)doc");
  cls.def(py::init([](py::object path_like, py::object refg) {
            auto path = py::module_::import("os").attr("fspath")(path_like).cast<std::string>();
            if (refg.is_none()) refg = py::module_::import("genome_kit._assemblies").attr("load_beside")(path);
            gk::RefgId id = resolve_refg(refg);
            py::gil_scoped_release nogil;
            return std::make_unique<TwoBitFile>(path, id);
          }),
          py::arg("path"), py::arg("reference_genome") = py::none())
      .def("__repr__", [](const TwoBitFile& f) { return "<GenomeDNA '" + f.path() + "'>"; })
      .def(py::pickle(
          [](const TwoBitFile& f) { return py::make_tuple(f.path(), gk::assembly(f.refg()).name()); },
          [](py::tuple t) { return std::make_unique<TwoBitFile>(t[0].cast<std::string>(), resolve_refg(t[1])); }))
      .def_property_readonly("filename", &TwoBitFile::path)
      .def_property_readonly("reference_genome", [](const TwoBitFile& f) { return gk::assembly(f.refg()).name(); })
      .def_property_readonly("refg", [](const TwoBitFile& f) { return gk::assembly(f.refg()).name(); })
      .def(
          "__call__",
          [](const TwoBitFile& f, py::handle iv, bool allow_outside, bool soft_mask) {
            if (!py::isinstance<Interval>(iv))
              gk::type_error("expected an Interval, got ", py::str(py::type::of(iv)).cast<std::string>());
            return fetch_str(f, interval_of(iv), allow_outside, soft_mask);
          },
          py::arg("interval"), py::arg("allow_outside_chromosome") = true, py::arg("soft_mask") = false,
          "DNA of an interval as a str (reverse complement on '-').")
      .def(
          "dna_batch",
          [](const TwoBitFile& f, py::handle intervals, bool allow_outside, bool soft_mask) {
            auto ivs = to_intervals(intervals);
            std::vector<py::str> strs;
            std::vector<char*> bufs;
            for (auto& iv : ivs) {
              strs.push_back(py::reinterpret_steal<py::str>(PyUnicode_New(iv.length(), 127)));
              if (!strs.back()) throw py::error_already_set();
              bufs.push_back(reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(strs.back().ptr())));
            }
            {
              py::gil_scoped_release nogil;
              for (size_t k = 0; k < ivs.size(); ++k) f.fetch(ivs[k], bufs[k], allow_outside, soft_mask);
            }
            py::list out(strs.size());
            for (size_t k = 0; k < strs.size(); ++k) out[k] = strs[k];
            return out;
          },
          py::arg("intervals"), py::arg("allow_outside_chromosome") = true, py::arg("soft_mask") = false)
      .def(
          "one_hot",
          [](const TwoBitFile& f, py::handle intervals, const std::string& dtype, bool allow_outside) -> py::array {
            auto ivs = to_intervals(intervals);
            if (dtype == "uint8") return one_hot_impl<uint8_t>(f, ivs, allow_outside);
            if (dtype == "float32") return one_hot_impl<float>(f, ivs, allow_outside);
            gk::value_error("one_hot dtype must be 'uint8' or 'float32', got '", dtype, "'");
          },
          py::arg("intervals"), py::arg("dtype") = "uint8", py::arg("allow_outside_chromosome") = true)
      .def(
          "chromosome_length",
          [](const TwoBitFile& f, const std::string& chrom) {
            return f.chrom_length(gk::assembly(f.refg()).resolve(chrom));
          },
          py::arg("chromosome"), "Length of a chromosome's sequence in this file.");
  cls.attr("__module__") = "genome_kit";

  m.def(
      "write_twobit",
      [](py::object stream, const std::string& source_name, const std::string& out_path, int version) {
        PyStreamSource src(std::move(stream), source_name);
        gk::TwoBitWriteResult r;
        {
          py::gil_scoped_release nogil;
          r = gk::write_twobit(src, out_path, version);
        }
        return r.sizes;
      },
      py::arg("stream"), py::arg("source_name"), py::arg("out_path"), py::arg("version") = -1,
      "Writes FASTA text read from a binary stream to a .2bit file; returns [(name, size)].");
}

}  // namespace gkpy
