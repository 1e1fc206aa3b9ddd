// Batch filling of genome_kit.loader.WindowLoader: _core.BatchFiller (the configured filler)
// and _core.BatchJob (one batch being filled by C++ threads, without the GIL).
#include <memory>

#include "batch_filler.h"
#include "common.h"
#include "errors.h"
#include "track_reader.h"

namespace gkpy {

namespace {

/// The core filler and the Python objects it reads from (kept alive with it).
struct PyBatchFiller {
  py::object dna;
  py::list tracks;
  gk::RefgId refg;
  std::vector<gk::ChromId> chroms;  // window chromosome index -> assembly id
  std::unique_ptr<gk::BatchFiller> core;
};

/// One batch in flight: the buffers it writes and the filler stay referenced until it is done.
struct PyBatchJob {
  py::object filler, dna, ref, targets;
  std::unique_ptr<gk::BatchJob> job;
  ~PyBatchJob() {
    py::gil_scoped_release nogil;  // the threads never take the GIL
    job.reset();
  }
};

gk::OneHotKind kind_of(py::handle dtype) {
  switch (one_hot_type(dtype)) {
    case OneHotType::U8:
      return gk::OneHotKind::U8;
    case OneHotType::F32:
      return gk::OneHotKind::F32;
    case OneHotType::F16:
      return gk::OneHotKind::F16;
  }
  return gk::OneHotKind::U8;
}

const char* dtype_name(gk::OneHotKind k) {
  return k == gk::OneHotKind::U8 ? "uint8" : k == gk::OneHotKind::F32 ? "float32" : "float16";
}

gk::Squash parse_squash(const std::string& s) {
  if (s == "none") return gk::Squash::None;
  if (s == "sqrt") return gk::Squash::Sqrt;
  if (s == "pow75") return gk::Squash::Pow75;
  gk::value_error("squash must be None, 'sqrt' or 'pow75', got '", s, "'");
}

/// The writable C-contiguous buffer `a` of dtype `dtype` and shape `shape`, else ValueError.
void* buffer_of(py::handle a, const char* what, const char* dtype, std::initializer_list<int64_t> shape) {
  if (a.is_none()) return nullptr;
  if (!py::isinstance<py::array>(a)) gk::type_error(what, " must be a numpy array, got ", type_name(a));
  auto arr = py::reinterpret_borrow<py::array>(a);
  const std::string dt = py::str(arr.dtype().attr("name"));
  bool ok = dt == dtype && arr.ndim() == py::ssize_t(shape.size()) && (arr.flags() & py::array::c_style);
  size_t i = 0;
  for (int64_t s : shape) ok = ok && arr.shape(py::ssize_t(i++)) == s;
  if (!ok) {
    std::string want;
    for (int64_t s : shape) want += (want.empty() ? "" : ", ") + std::to_string(s);
    gk::value_error(what, " must be a C-contiguous ", dtype, " array of shape (", want, ")");
  }
  if (!arr.writeable()) gk::value_error(what, " must be writeable");
  return arr.mutable_data();
}

template <class T>
py::array_t<T, py::array::c_style | py::array::forcecast> column(py::handle a, int64_t n, const char* what) {
  auto arr = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(a);
  if (!arr || arr.ndim() != 1 || arr.shape(0) != n) gk::value_error(what, " must be a 1-D array of ", n, " values");
  return arr;
}

}  // namespace

void register_loader(py::module_& m) {
  py::class_<PyBatchJob>(m, "BatchJob", "A batch being filled in the background (BatchFiller.start).")
      .def(
          "wait",
          [](PyBatchJob& j) {
            py::gil_scoped_release nogil;
            j.job->wait();
          },
          "Waits until the batch is filled; raises the first error of its windows.");

  py::class_<PyBatchFiller>(m, "BatchFiller", "Batch filler of genome_kit.loader.WindowLoader.")
      .def(py::init([](py::object dna, const std::vector<std::string>& chromosomes, py::list variants, py::list targets,
                       std::vector<int32_t> partner, int64_t length, int64_t resolution, py::handle dtype,
                       bool with_reference) {
             auto f = std::make_unique<PyBatchFiller>();
             f->dna = dna;
             const gk::TwoBitFile& twobit = dna.cast<const gk::TwoBitFile&>();
             f->refg = twobit.refg();
             for (const auto& c : chromosomes) f->chroms.push_back(gk::assembly(f->refg).resolve(c));
             std::vector<gk::Variant> vs;
             for (py::handle v : variants) vs.push_back(v.cast<gk::Variant>());
             std::vector<gk::TargetSpec> specs;
             int64_t column = 0;
             for (py::handle h : targets) {
               auto t = h.cast<py::tuple>();  // (track, aggregation, both_strands, scale, squash, clip_soft, clip, nan)
               gk::TargetSpec s;
               s.track = &t[0].cast<const gk::TrackFile&>();
               f->tracks.append(t[0]);
               s.aggregation = parse_aggregation(t[1]);
               s.both_strands = t[2].cast<bool>();
               s.scale = t[3].cast<float>();
               s.squash = parse_squash(t[4].cast<std::string>());
               s.clip_soft = t[5].cast<float>();
               s.clip = t[6].cast<float>();
               s.replace_nan = !t[7].is_none();
               s.nan_value = s.replace_nan ? t[7].cast<float>() : 0.0f;
               s.column = column;
               column += s.columns();
               specs.push_back(s);
             }
             const gk::OneHotKind kind = kind_of(dtype);
             py::gil_scoped_release nogil;  // validating variants reads the genome
             f->core = std::make_unique<gk::BatchFiller>(twobit, std::move(vs), std::move(specs), std::move(partner),
                                                         length, resolution, kind, with_reference);
             return f;
           }),
           py::arg("dna"), py::arg("chromosomes"), py::arg("variants"), py::arg("targets"), py::arg("partner"),
           py::arg("length"), py::arg("resolution"), py::arg("dtype"), py::arg("with_reference"))
      .def_property_readonly("length", [](const PyBatchFiller& f) { return f.core->length(); })
      .def_property_readonly("bins", [](const PyBatchFiller& f) { return f.core->bins(); })
      .def_property_readonly("columns", [](const PyBatchFiller& f) { return f.core->columns(); })
      .def(
          "start",
          [](py::object self, py::handle chrom_index, py::handle starts, py::handle reverse, py::object dna,
             py::object ref, py::object targets, int threads) {
            const PyBatchFiller& f = self.cast<const PyBatchFiller&>();
            const gk::BatchFiller& core = *f.core;
            const int64_t n = py::len(chrom_index), L = core.length();
            auto ci = column<int32_t>(chrom_index, n, "chrom_index");
            auto st = column<int64_t>(starts, n, "starts");
            auto rv = column<bool>(reverse, n, "reverse");
            std::vector<gk::Interval> windows(static_cast<size_t>(n));
            for (int64_t k = 0; k < n; ++k) {
              const int32_t c = ci.at(k);
              if (c < 0 || size_t(c) >= f.chroms.size())
                gk::index_error("chromosome index ", c, " is not in [0, ", f.chroms.size(), ")");
              windows[size_t(k)] =
                  gk::Interval::make(f.chroms[size_t(c)], rv.at(k) ? '-' : '+', st.at(k), st.at(k) + L, f.refg);
            }
            const char* dt = dtype_name(core.kind());
            void* d = buffer_of(dna, "dna", dt, {n, L, 4});
            void* r = buffer_of(ref, "reference", dt, {n, L, 4});
            void* t =
                core.columns() ? buffer_of(targets, "targets", "float32", {n, core.bins(), core.columns()}) : nullptr;
            auto job = std::make_unique<PyBatchJob>();
            job->filler = self;
            job->dna = dna;
            job->ref = ref;
            job->targets = targets;
            job->job = std::make_unique<gk::BatchJob>(core, std::move(windows), d, r, static_cast<float*>(t), threads);
            return job;
          },
          py::arg("chrom_index"), py::arg("starts"), py::arg("reverse"), py::arg("dna"), py::arg("reference"),
          py::arg("targets"), py::arg("threads"),
          "Starts filling a batch on `threads` C++ threads and returns its BatchJob at once.");
}

}  // namespace gkpy
