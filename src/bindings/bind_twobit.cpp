// 2bit reader (the base of genome_kit.GenomeDNA), batch/one-hot extraction and
// the FASTA → 2bit writer.
#include "atomic_writer.h"
#include "common.h"
#include "errors.h"
#include "one_hot_unpack.h"
#include "twobit.h"

namespace gkpy {

using gk::Interval;
using gk::TwoBitFile;

namespace {

py::str fetch_str(const TwoBitFile& f, const Interval& iv, bool allow_outside, bool soft_mask) {
  char* data;
  py::str s = new_ascii_str(iv.length(), data);
  run_maybe_without_gil(iv.length(), [&] { f.fetch(iv, data, allow_outside, soft_mask); });
  return s;
}

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
    const bool stream = size_t(out.nbytes()) >= gk::kStreamMinBytes;
    py::gil_scoped_release nogil;
    for (auto& iv : ivs) {
      f.fetch_one_hot(iv, dst, allow_outside, stream);
      dst += 4 * len;
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
          [](const TwoBitFile& f) {
            return py::make_tuple(f.path(), gk::assembly(f.refg()).name(), pickled_data_setup());
          },
          [](py::tuple t) { return std::make_unique<TwoBitFile>(t[0].cast<std::string>(), resolve_refg(t[1])); }))
      .def_property_readonly("filename", &TwoBitFile::path)
      .def_property_readonly("reference_genome", [](const TwoBitFile& f) { return gk::assembly(f.refg()).name(); })
      .def_property_readonly("refg", [](const TwoBitFile& f) { return gk::assembly(f.refg()).name(); })
      .def(
          "__call__",
          [](const TwoBitFile& f, py::handle iv, bool allow_outside, bool soft_mask) {
            return fetch_str(f, interval_arg(iv), allow_outside, soft_mask);
          },
          py::arg("interval"), py::arg("allow_outside_chromosome") = true, py::arg("soft_mask") = false,
          "DNA of an interval as a str (reverse complement on '-').")
      .def(
          "dna_batch",
          [](const TwoBitFile& f, py::handle intervals, bool allow_outside, bool soft_mask) {
            auto ivs = to_intervals(intervals);
            py::list out(ivs.size());
            std::vector<char*> bufs(ivs.size());
            for (size_t k = 0; k < ivs.size(); ++k) out[k] = new_ascii_str(ivs[k].length(), bufs[k]);
            {
              py::gil_scoped_release nogil;
              for (size_t k = 0; k < ivs.size(); ++k) f.fetch(ivs[k], bufs[k], allow_outside, soft_mask);
            }
            return out;
          },
          py::arg("intervals"), py::arg("allow_outside_chromosome") = true, py::arg("soft_mask") = false)
      .def(
          "one_hot",
          [](const TwoBitFile& f, py::handle intervals, py::handle dtype, bool allow_outside) {
            auto ivs = to_intervals(intervals);
            return one_hot_of(dtype, [&](auto t) { return one_hot_impl<decltype(t)>(f, ivs, allow_outside); });
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
      [](py::object stream, const std::string& source_name, const std::string& out_path, int version,
         const std::string& sizes_path) {
        PyStreamSource src(std::move(stream), source_name);
        gk::TwoBitWriteResult r;
        {
          py::gil_scoped_release nogil;
          r = gk::write_twobit(src, out_path, version, sizes_path);
        }
        return r.sizes;
      },
      py::arg("stream"), py::arg("source_name"), py::arg("out_path"), py::arg("version") = -1,
      py::arg("sizes_path") = "",
      "Writes FASTA text read from a binary stream to a .2bit file (and, with sizes_path, its chrom.sizes, "
      "committed first); returns [(name, size)].");
  m.def(
      "write_file_atomic",
      [](const std::string& path, py::bytes data) {
        std::string_view s = data;
        gk::AtomicFileWriter out(path);
        out.write(s.data(), s.size());
        out.commit();
      },
      py::arg("path"), py::arg("data"),
      "Writes `data` to `path` through a locked temporary file and an atomic rename (stale temporaries of "
      "killed writers are reclaimed).");
}

}  // namespace gkpy
