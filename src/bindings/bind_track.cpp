// Genome tracks: the .gtrack reader (base of genome_kit.GenomeTrack) and the
// builder (used by genome_kit.GenomeTrackBuilder). Decoding runs in C++ with
// the GIL released for large windows; results are fresh arrays, or zero-copy
// read-only views of the mapped file through view().
//
// track(interval) is the hot call (a 1 kb read decodes in ~100 ns), so it is a
// raw METH_FASTCALL method rather than a pybind11 function: no argument
// dispatch, cached numpy types, arrays made with one numpy C-API call. Large
// results (>= 16 MiB, e.g. a 1 Mbp window of a dim-64 track) come from a small
// cache of recently freed buffers, so back-to-back reads reuse warm pages
// instead of paying the kernel to map and zero fresh ones.
#include <sys/mman.h>

#include <cstring>
#include <mutex>
#include <optional>
#include <vector>

#include "common.h"
#include "errors.h"
#include "track_builder.h"
#include "track_reader.h"

namespace gkpy {

using gk::DType;
using gk::Interval;
using gk::TrackBuilder;
using gk::TrackFile;

namespace {

// Decoding short windows is cheaper than a GIL round trip.
constexpr int64_t kReleaseGilValues = 1 << 14;

const char* numpy_name(DType d) {
  switch (d) {
    case DType::Bool:
      return "bool_";
    case DType::U8:
      return "uint8";
    case DType::I8:
      return "int8";
    case DType::F16:
      return "float16";
    case DType::F32:
      return "float32";
  }
  return "";
}

const py::dtype& np_dtype(DType d) {
  static py::dtype* cache[5] = {};
  auto i = static_cast<size_t>(d);
  if (!cache[i]) cache[i] = new py::dtype(py::dtype(gk::dtype_name(d)));  // leaked on purpose: lives to exit
  return *cache[i];
}

py::object np_type(DType d) {
  return py::module_::import("numpy").attr(numpy_name(d));
}

/// numpy dtype (or scalar type) → DType, or nullopt.
std::optional<DType> to_dtype(const py::dtype& dt) {
  char kind = dt.kind();
  auto size = dt.itemsize();
  if (kind == 'b' && size == 1) return DType::Bool;
  if (kind == 'u' && size == 1) return DType::U8;
  if (kind == 'i' && size == 1) return DType::I8;
  if (kind == 'f' && size == 2) return DType::F16;
  if (kind == 'f' && size == 4) return DType::F32;
  return std::nullopt;
}

std::string describe_dtype(const py::dtype& dt) {
  return py::str(dt).cast<std::string>();
}

PyTypeObject* interval_type() {
  static PyTypeObject* t = reinterpret_cast<PyTypeObject*>(py::detail::get_type_handle(typeid(Interval), true).ptr());
  return t;
}

/// The C++ object behind a pybind11 instance of exactly the bound class (or a
/// Python subclass of it), without pybind11's type lookup; nullptr when the
/// instance is not in pybind11's simple layout or not initialised.
template <class T>
const T* simple_value(PyObject* obj) {
  auto* inst = reinterpret_cast<py::detail::instance*>(obj);
  if (!inst->simple_layout || !inst->simple_holder_constructed) return nullptr;
  return static_cast<const T*>(inst->simple_value_holder[0]);
}

// By value: row objects (Exon, VCFVariant...) hold no C++ Interval (fast_rows.h).
Interval as_interval(py::handle iv) {
  if (Py_TYPE(iv.ptr()) == interval_type())
    if (const Interval* p = simple_value<Interval>(iv.ptr())) return *p;
  if (!py::isinstance<Interval>(iv))  // subclasses (Variant, Exon, ...) take the general path
    gk::type_error("expected an Interval, got ", py::str(py::type::of(iv)).cast<std::string>());
  return interval_of(iv);
}

const TrackFile& as_track(PyObject* self) {
  if (const TrackFile* p = simple_value<TrackFile>(self)) return *p;
  return py::handle(self).cast<const TrackFile&>();
}

/// DType of a dtype argument: None (the etype's default), a numpy scalar type
/// (compared by identity first), or anything np.dtype() accepts.
DType decode_dtype(const TrackFile& f, py::handle dtype) {
  if (dtype.is_none()) return f.info().default_dtype;
  static PyObject* scalar_types[5] = {};
  if (!scalar_types[0]) {
    py::module_ np = py::module_::import("numpy");
    for (int i = 0; i < 5; ++i)
      scalar_types[i] = py::object(np.attr(numpy_name(static_cast<DType>(i)))).release().ptr();
  }
  for (int i = 0; i < 5; ++i)
    if (dtype.ptr() == scalar_types[i]) return static_cast<DType>(i);
  py::dtype dt = py::dtype::from_args(py::reinterpret_borrow<py::object>(dtype));
  auto d = to_dtype(dt);
  if (!d)
    gk::type_error("Cannot decode as ", describe_dtype(dt), " from encoded type ", f.info().name,
                   ": track results are bool, uint8, int8, float16 or float32");
  return *d;
}

void read_into(const TrackFile& f, const Interval& iv, DType d, void* out, int64_t rs) {
  if (iv.length() * int64_t(f.dim()) >= kReleaseGilValues) {
    py::gil_scoped_release nogil;
    f.read(iv, d, out, rs);
  } else {
    f.read(iv, d, out, rs);
  }
}

// ---- Result arrays --------------------------------------------------------------------------------

// Results this large come from BufferCache; smaller ones from numpy (malloc keeps those warm).
constexpr size_t kCachedBytes = size_t(16) << 20;

/// Recently freed large result buffers, reused by later reads of a similar size
/// (capacity within 2x of the request). Holds at most kKeep buffers and
/// kKeepBytes in total; the oldest is unmapped first. Buffers are anonymous
/// mappings (huge pages where the kernel offers them).
class BufferCache {
 public:
  static constexpr size_t kKeep = 2;
  static constexpr size_t kKeepBytes = size_t(512) << 20;

  struct Buffer {
    void* ptr;
    size_t size;
  };

  Buffer acquire(size_t bytes) {
    const size_t want = round_up(bytes);
    {
      std::lock_guard<std::mutex> lock(mu_);
      size_t best = free_.size();
      for (size_t i = 0; i < free_.size(); ++i)
        if (free_[i].size >= want && free_[i].size / 2 <= want &&
            (best == free_.size() || free_[i].size < free_[best].size))
          best = i;
      if (best != free_.size()) {
        Buffer b = free_[best];
        free_.erase(free_.begin() + std::ptrdiff_t(best));
        held_ -= b.size;
        return b;
      }
    }
    void* p = ::mmap(nullptr, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    ::madvise(p, want, MADV_HUGEPAGE);
#endif
    return {p, want};
  }

  void release(Buffer b) {
    std::vector<Buffer> drop;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (b.size > kKeepBytes) {
        drop.push_back(b);
      } else {
        free_.push_back(b);
        held_ += b.size;
        while (free_.size() > kKeep || held_ > kKeepBytes) {
          drop.push_back(free_.front());
          held_ -= free_.front().size;
          free_.erase(free_.begin());
        }
      }
    }
    for (auto& x : drop) ::munmap(x.ptr, x.size);
  }

  static BufferCache& get() {
    static auto* cache = new BufferCache();  // leaked on purpose: arrays may outlive static destructors
    return *cache;
  }

 private:
  static size_t round_up(size_t n) {
    const size_t huge = size_t(2) << 20;
    return (n + huge - 1) / huge * huge;
  }
  std::mutex mu_;
  std::vector<Buffer> free_;
  size_t held_ = 0;
};

/// A new C-contiguous array of `ndim` dims (np.empty semantics: not zeroed).
py::array new_array(DType d, int ndim, const int64_t* shape) {
  auto& api = py::detail::npy_api::get();
  Py_intptr_t dims[3];
  size_t bytes = gk::dtype_size(d);
  for (int i = 0; i < ndim; ++i) {
    dims[i] = Py_intptr_t(shape[i]);
    bytes *= size_t(shape[i]);
  }
  PyObject* descr = np_dtype(d).inc_ref().ptr();  // stolen by NewFromDescr
  if (bytes < kCachedBytes) {
    PyObject* a = api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, ndim, dims, nullptr, nullptr, 0, nullptr);
    if (!a) throw py::error_already_set();
    return py::reinterpret_steal<py::array>(a);
  }
  auto* buf = new BufferCache::Buffer(BufferCache::get().acquire(bytes));
  py::capsule owner(buf, [](void* p) {
    auto* b = static_cast<BufferCache::Buffer*>(p);
    BufferCache::get().release(*b);
    delete b;
  });
  const int flags = py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_ | py::detail::npy_api::NPY_ARRAY_ALIGNED_ |
                    py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  PyObject* a = api.PyArray_NewFromDescr_(api.PyArray_Type_, descr, ndim, dims, nullptr, buf->ptr, flags, nullptr);
  if (!a) throw py::error_already_set();
  auto arr = py::reinterpret_steal<py::array>(a);
  if (api.PyArray_SetBaseObject_(arr.ptr(), owner.release().ptr()) != 0) throw py::error_already_set();
  return arr;
}

int64_t parse_resolution(py::handle resolution) {
  if (!PyLong_Check(resolution.ptr()) || PyBool_Check(resolution.ptr()))
    gk::type_error("resolution must be an int, got ", type_name(resolution));
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(resolution.ptr(), &overflow);
  if (overflow || v <= 0)
    gk::value_error("resolution must be a positive int, got ", py::str(resolution).cast<std::string>());
  return v;
}

void check_binned_dtype(py::handle dtype) {
  if (!dtype.is_none() && !py::dtype::from_args(py::reinterpret_borrow<py::object>(dtype)).is(py::dtype::of<float>()))
    gk::type_error("reads at a resolution are float32; got dtype ", py::str(dtype).cast<std::string>());
}

/// track(interval, resolution=R, aggregation=...): (len / R, dim) float32, pooled in C++.
py::object binned_call(const TrackFile& f, const Interval& iv, int64_t res, gk::Aggregation agg, py::handle dtype,
                       py::handle out) {
  check_binned_dtype(dtype);
  const int64_t bins = res > 0 ? iv.length() / res : 0, dim = f.dim();
  py::array_t<float> arr;
  if (out.is_none()) {
    arr = py::array_t<float>({py::ssize_t(bins), py::ssize_t(dim)});
  } else {
    if (!py::isinstance<py::array_t<float>>(out) ||
        !py::reinterpret_borrow<py::array>(out).dtype().is(py::dtype::of<float>()))
      gk::type_error("out must be a float32 numpy array for reads at a resolution");
    arr = py::reinterpret_borrow<py::array_t<float>>(out);
    if (!arr.writeable()) gk::value_error("out must be writeable");
    const bool shape_ok = (arr.ndim() == 2 && arr.shape(0) == bins && arr.shape(1) == dim) ||
                          (arr.ndim() == 1 && dim == 1 && arr.shape(0) == bins);
    if (!shape_ok || !(arr.flags() & py::array::c_style))
      gk::value_error("out must be a C-contiguous float32 array of shape (", bins, ", ", dim, ")");
  }
  {
    py::gil_scoped_release nogil;
    f.read_binned(iv, res, agg, arr.mutable_data(), dim);
  }
  return out.is_none() ? py::object(std::move(arr)) : py::reinterpret_borrow<py::object>(out);
}

py::object track_call(const TrackFile& f, py::handle ivh, py::handle dtype, py::handle out) {
  const Interval& iv = as_interval(ivh);
  const int64_t len = iv.length(), dim = f.dim();
  if (out.is_none()) {
    DType d = decode_dtype(f, dtype);
    f.check_query(iv, d);
    const int64_t shape[2] = {len, dim};
    py::array arr = new_array(d, 2, shape);
    read_into(f, iv, d, arr.mutable_data(), dim);
    return std::move(arr);
  }
  if (!py::isinstance<py::array>(out)) gk::type_error("out must be a numpy array");
  auto arr = py::reinterpret_borrow<py::array>(out);
  auto d = to_dtype(arr.dtype());
  if (!d)
    gk::type_error("out has dtype ", describe_dtype(arr.dtype()),
                   "; track results are bool, uint8, int8, float16 or float32");
  if (!arr.writeable()) gk::value_error("out must be writeable");
  const auto item = py::ssize_t(gk::dtype_size(*d));
  if (arr.ndim() < 1 || arr.ndim() > 2) gk::value_error("out must be 1-D or 2-D, got ", arr.ndim(), " dimensions");
  if (arr.shape(0) != len) gk::value_error("Row mismatch: out has ", arr.shape(0), " rows but the interval has ", len);
  const int64_t cols = arr.ndim() == 2 ? arr.shape(1) : 1;
  if (cols != dim) gk::value_error("Column mismatch: out has ", cols, " columns but the track has dim ", dim);
  if (arr.ndim() == 2 && dim > 1 && arr.strides(1) != item)
    gk::value_error("out must have contiguous columns (stride ", item, "), got stride ", arr.strides(1));
  const py::ssize_t rs = arr.strides(0);
  if (len > 1 && (rs <= 0 || rs % item != 0 || rs / item < dim))
    gk::value_error("out must have a positive row stride of at least ", dim, " elements, got ", rs, " bytes");
  f.check_query(iv, *d);
  read_into(f, iv, *d, arr.mutable_data(), len > 1 ? int64_t(rs / item) : dim);
  return py::reinterpret_borrow<py::object>(out);
}

/// GenomeTrack.__call__(interval, dtype=None, out=None, *, resolution=None, aggregation="mean") as
/// METH_FASTCALL | METH_KEYWORDS.
PyObject* track_call_fast(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) noexcept {
  constexpr int kArgs = 5;
  static const char* const names[kArgs] = {"interval", "dtype", "out", "resolution", "aggregation"};
  PyObject* a[kArgs] = {nullptr, nullptr, nullptr, nullptr, nullptr};
  if (nargs > 3) {  // resolution and aggregation are keyword-only
    PyErr_Format(PyExc_TypeError, "__call__() takes at most 3 arguments (%zd given)", nargs);
    return nullptr;
  }
  for (Py_ssize_t i = 0; i < nargs; ++i) a[i] = args[i];
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, k);
    int i = 0;
    while (i < kArgs && PyUnicode_CompareWithASCIIString(key, names[i]) != 0) ++i;
    if (i == kArgs) {
      PyErr_Format(PyExc_TypeError, "__call__() got an unexpected keyword argument '%U'", key);
      return nullptr;
    }
    if (a[i]) {
      PyErr_Format(PyExc_TypeError, "__call__() got multiple values for argument '%s'", names[i]);
      return nullptr;
    }
    a[i] = args[nargs + k];
  }
  if (!a[0]) {
    PyErr_SetString(PyExc_TypeError, "__call__() missing required argument 'interval'");
    return nullptr;
  }
  try {
    py::handle dtype = a[1] ? a[1] : Py_None, out = a[2] ? a[2] : Py_None;
    if (a[3] && a[3] != Py_None) {
      const gk::Aggregation agg = a[4] ? parse_aggregation(a[4]) : gk::Aggregation::Mean;
      return binned_call(as_track(self), as_interval(a[0]), parse_resolution(a[3]), agg, dtype, out).release().ptr();
    }
    return track_call(as_track(self), a[0], dtype, out).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const gk::Error& e) {
    set_python_error(e);
  } catch (py::builtin_exception& e) {
    e.set_error();
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

std::vector<Interval> equal_length_intervals(py::handle intervals) {
  if (py::isinstance<Interval>(intervals)) gk::type_error("expected a sequence of Intervals, got a single Interval");
  std::vector<Interval> ivs;
  if (PyList_Check(intervals.ptr()) || PyTuple_Check(intervals.ptr())) {
    py::sequence seq = py::reinterpret_borrow<py::sequence>(intervals);
    ivs.reserve(seq.size());
  }
  for (py::handle h : intervals) ivs.push_back(as_interval(h));
  for (auto& iv : ivs)
    if (iv.length() != ivs[0].length())
      gk::value_error("batch reads need intervals of equal length: ", ivs[0].describe(), " has ", ivs[0].length(),
                      " bases, ", iv.describe(), " has ", iv.length());
  return ivs;
}

/// track.batch(intervals, resolution=R, aggregation=...): (N, len / R, dim) float32, filled without the GIL.
py::array binned_batch(const TrackFile& f, py::handle intervals, int64_t res, gk::Aggregation agg, py::handle dtype) {
  check_binned_dtype(dtype);
  const std::vector<Interval> ivs = equal_length_intervals(intervals);
  const int64_t n = int64_t(ivs.size()), bins = ivs.empty() ? 0 : ivs[0].length() / res, dim = f.dim();
  py::array_t<float> arr({py::ssize_t(n), py::ssize_t(bins), py::ssize_t(dim)});
  float* base = arr.mutable_data();
  py::gil_scoped_release nogil;
  for (int64_t k = 0; k < n; ++k) f.read_binned(ivs[size_t(k)], res, agg, base + k * bins * dim, dim);
  return arr;
}

py::array track_batch(const TrackFile& f, py::handle intervals, py::handle dtype, py::handle out) {
  const std::vector<Interval> ivs = equal_length_intervals(intervals);
  const int64_t n = int64_t(ivs.size()), len = ivs.empty() ? 0 : ivs[0].length(), dim = f.dim();
  py::array arr;
  DType d;
  if (out.is_none()) {
    d = decode_dtype(f, dtype);
    const int64_t shape[3] = {n, len, dim};
    arr = new_array(d, 3, shape);
  } else {
    if (!py::isinstance<py::array>(out)) gk::type_error("out must be a numpy array");
    arr = py::reinterpret_borrow<py::array>(out);
    auto od = to_dtype(arr.dtype());
    if (!od) gk::type_error("out has dtype ", describe_dtype(arr.dtype()), "; use bool, uint8, int8, float16, float32");
    d = *od;
    if (!arr.writeable()) gk::value_error("out must be writeable");
    if (arr.ndim() != 3 || arr.shape(0) != n || arr.shape(1) != len || arr.shape(2) != dim ||
        !(arr.flags() & py::array::c_style))
      gk::value_error("out must be a C-contiguous array of shape (", n, ", ", len, ", ", dim, ")");
  }
  for (auto& iv : ivs) f.check_query(iv, d);
  char* base = static_cast<char*>(arr.mutable_data());
  const size_t step = size_t(len * dim) * gk::dtype_size(d);
  if (n * len * dim >= kReleaseGilValues) {
    py::gil_scoped_release nogil;
    for (int64_t k = 0; k < n; ++k) f.read(ivs[size_t(k)], d, base + size_t(k) * step, dim);
  } else {
    for (int64_t k = 0; k < n; ++k) f.read(ivs[size_t(k)], d, base + size_t(k) * step, dim);
  }
  return arr;
}

}  // namespace

gk::Aggregation parse_aggregation(py::handle agg) {
  const std::string a = py::str(agg);
  if (a == "sum" || a == "AggregationType.SUM") return gk::Aggregation::Sum;
  if (a == "mean" || a == "AggregationType.MEAN") return gk::Aggregation::Mean;
  if (a == "max" || a == "AggregationType.MAX") return gk::Aggregation::Max;
  gk::value_error("aggregation must be 'sum', 'mean' or 'max', got '", a, "'");
}

void register_track(py::module_& m) {
  py::class_<TrackFile> track_cls(m, "TrackFile", "Memory-mapped .gtrack reader (see genome_kit.GenomeTrack).");
  track_cls
      .def(py::init([](const std::string& path) {
             std::unique_ptr<TrackFile> f;
             {
               py::gil_scoped_release nogil;
               f = std::make_unique<TrackFile>(path);
             }
             f->attach(resolve_stored_refg(path, f->refg_name()));
             return f;
           }),
           py::arg("path"))
      .def_property_readonly("filename", &TrackFile::path)
      .def_property_readonly("dim", &TrackFile::dim)
      .def_property_readonly("resolution", &TrackFile::resolution)
      .def_property_readonly("stranded", &TrackFile::stranded)
      .def_property_readonly("etype", [](const TrackFile& f) { return std::string(f.info().name); })
      .def_property_readonly("dtype", [](const TrackFile& f) { return np_type(f.info().default_dtype); })
      .def_property_readonly("reference_genome", &TrackFile::refg_name)
      .def_property_readonly("refg", &TrackFile::refg_name)
      .def_property_readonly("default_value", &TrackFile::default_value,
                             "Value of uncovered positions (NaN when never set: 0 for integer decodes).")
      .def_property_readonly("dictionary",
                             [](const TrackFile& f) -> py::object {
                               if (f.dictionary().empty()) return py::none();
                               py::array_t<float> a(py::ssize_t(f.dictionary().size()));
                               std::memcpy(a.mutable_data(), f.dictionary().data(), f.dictionary().size() * 4);
                               return std::move(a);
                             })
      .def_property_readonly("num_blocks", &TrackFile::num_blocks)
      .def_property_readonly("_metadata_bytes", [](const TrackFile& f) { return py::bytes(f.metadata()); })
      .def_property_readonly("intervals", &TrackFile::intervals,
                             "Blocks of stored data as Intervals (chromosome, strand, start order).")
      .def(
          "batch",
          [](const TrackFile& f, py::handle ivs, py::handle dtype, py::handle out, py::handle resolution,
             py::handle aggregation) {
            if (resolution.is_none()) return track_batch(f, ivs, dtype, out);
            if (!out.is_none()) gk::value_error("out is not supported with resolution");
            return binned_batch(f, ivs, parse_resolution(resolution), parse_aggregation(aggregation), dtype);
          },
          py::arg("intervals"), py::arg("dtype") = py::none(), py::arg("out") = py::none(),
          py::arg("resolution") = py::none(), py::arg("aggregation") = "mean",
          "Values of N equal-length intervals as one (N, len, dim) array; with `resolution`, (N, len / "
          "resolution, dim) float32 pooled by `aggregation` ('sum', 'mean', 'max').")
      .def(
          "view",
          [](py::object self, py::handle ivh) {
            const TrackFile& f = self.cast<const TrackFile&>();
            const Interval& iv = as_interval(ivh);
            DType d = f.info().default_dtype;
            const void* p = f.view(iv, d);
            if (!p)
              gk::value_error("no zero-copy view of ", iv.describe(),
                              ": it needs resolution 1, a u8/i8/f16/f32 track, a '+' (or single-base) query, and ",
                              "the whole interval inside one stored block");
            py::array arr(np_dtype(d), {py::ssize_t(iv.length()), py::ssize_t(f.dim())}, p, self);
            py::detail::array_proxy(arr.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
            return arr;
          },
          py::arg("interval"),
          "Zero-copy read-only view of the stored rows of `interval` (ValueError when the data is not stored "
          "in that form).");

  // __call__ as a method descriptor of TrackFile (inherited by genome_kit.GenomeTrack).
  static PyMethodDef call_def = {
      "__call__", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(track_call_fast)),
      METH_FASTCALL | METH_KEYWORDS,
      "__call__($self, interval, dtype=None, out=None, *, resolution=None, aggregation='mean')\n--\n\n"
      "Values of `interval` as a new (len, dim) array (5'→3' on '-'); with `out`, fills and returns it. With "
      "`resolution` (a multiple of the track's), (len / resolution, dim) float32 bins pooled from the stored "
      "values by `aggregation` ('sum', 'mean' or 'max')."};
  py::object call_descr =
      py::reinterpret_steal<py::object>(PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(track_cls.ptr()), &call_def));
  if (!call_descr) throw py::error_already_set();
  py::setattr(track_cls, "__call__", call_descr);

  py::class_<TrackBuilder>(m, "TrackBuilder", "Writer of .gtrack files (see genome_kit.GenomeTrackBuilder).")
      .def(py::init([](const std::string& path, const std::string& etype, const std::string& strandedness,
                       py::handle refg, uint32_t dim, uint32_t res) {
             gk::EType e = gk::parse_etype(etype);
             gk::Strandedness s = gk::parse_strandedness(strandedness);
             return std::make_unique<TrackBuilder>(path, e, s, resolve_refg(refg), dim, res);
           }),
           py::arg("path"), py::arg("etype"), py::arg("strandedness"), py::arg("reference_genome"), py::arg("dim") = 1,
           py::arg("resolution") = 1)
      .def_property_readonly("filename", &TrackBuilder::path)
      .def_property_readonly("dim", &TrackBuilder::dim)
      .def_property_readonly("resolution", &TrackBuilder::resolution)
      .def_property_readonly("stranded", &TrackBuilder::stranded)
      .def_property_readonly("etype", [](const TrackBuilder& b) { return std::string(gk::etype_info(b.etype()).name); })
      .def_property_readonly("dtype",
                             [](const TrackBuilder& b) { return np_type(gk::etype_info(b.etype()).default_dtype); })
      .def_property_readonly("reference_genome", [](const TrackBuilder& b) { return gk::assembly(b.refg()).name(); })
      .def_property_readonly("data_size", &TrackBuilder::data_size)
      .def_property_readonly("index_size", &TrackBuilder::index_size)
      .def_property_readonly("finalized", &TrackBuilder::finalized)
      .def("set_default_value", &TrackBuilder::set_default_value, py::arg("value"))
      .def("set_sparsity", &TrackBuilder::set_sparsity, py::arg("min_run") = 64, py::arg("min_delta") = 0.0)
      .def("set_clamping", &TrackBuilder::set_clamping)
      .def("set_transform", &TrackBuilder::set_transform, py::arg("a"), py::arg("b"), py::arg("c"), py::arg("d"))
      .def(
          "set_restriction", [](TrackBuilder& b, py::handle iv) { b.set_restriction(as_interval(iv)); },
          py::arg("interval"))
      .def(
          "set_dict",
          [](TrackBuilder& b, py::handle arr) {
            if (!py::isinstance<py::array>(arr)) gk::type_error("set_dict needs a numpy array");
            auto a = py::reinterpret_borrow<py::array>(arr);
            auto d = to_dtype(a.dtype());
            if (!d || (*d != DType::F16 && *d != DType::F32))
              gk::type_error("set_dict needs a float16 or float32 array, got ", describe_dtype(a.dtype()));
            if (a.ndim() != 1) gk::value_error("set_dict needs a 1-D array, got ", a.ndim(), " dimensions");
            auto f = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(a);
            b.set_dict(std::vector<float>(f.data(), f.data() + f.size()));
          },
          py::arg("array"))
      .def("_set_metadata", [](TrackBuilder& b, py::bytes data) { b.set_metadata(std::string(data)); })
      .def(
          "set_data",
          [](TrackBuilder& b, py::handle ivh, py::handle data) {
            const Interval& iv = as_interval(ivh);
            if (b.etype() == gk::EType::m0) {
              if (!data.is_none()) gk::value_error("Data must be None for etype 'm0'");
              b.set_data(iv, nullptr, DType::Bool, iv.length() / b.resolution());
              return;
            }
            if (!py::isinstance<py::array>(data))
              gk::type_error("data must be a numpy array, got ", py::str(py::type::of(data)).cast<std::string>());
            auto a = py::reinterpret_borrow<py::array>(data);
            auto d = to_dtype(a.dtype());
            if (!d)
              gk::type_error("data array had unrecognized dtype ", describe_dtype(a.dtype()),
                             "; try np.bool_, np.uint8, np.int8, np.float16, or np.float32");
            if (a.ndim() != 1 && a.ndim() != 2)
              gk::value_error("Data must be 1-D or 2-D (rows, dim), got ", a.ndim(), " dimensions");
            const int64_t rows = a.shape(0), cols = a.ndim() == 2 ? a.shape(1) : 1;
            if (cols != int64_t(b.dim())) gk::value_error("Data must have ", b.dim(), " columns, got ", cols);
            if (!(a.flags() & py::array::c_style))
              a = py::module_::import("numpy").attr("ascontiguousarray")(a).cast<py::array>();
            if (rows * cols >= kReleaseGilValues) {
              py::gil_scoped_release nogil;
              b.set_data(iv, a.data(), *d, rows);
            } else {
              b.set_data(iv, a.data(), *d, rows);
            }
          },
          py::arg("interval"), py::arg("data"))
      .def(
          "_add_text",
          [](TrackBuilder& b, const std::string& kind, py::object stream, const std::string& name, char strand) {
            PyStreamSource src(std::move(stream), name);
            py::gil_scoped_release nogil;
            if (kind == "bedgraph")
              b.add_bedgraph(src, strand);
            else
              gk::value_error("unknown text kind ", kind);
          },
          py::arg("kind"), py::arg("stream"), py::arg("name"), py::arg("strand"))
      .def(
          "_add_wig",
          [](TrackBuilder& b, py::object stream, const std::string& name, char strand, const std::string& track_name,
             int64_t track_index) {
            PyStreamSource src(std::move(stream), name);
            py::gil_scoped_release nogil;
            b.add_wig(src, strand, track_name, track_index);
          },
          py::arg("stream"), py::arg("name"), py::arg("strand"), py::arg("track_name"), py::arg("track_index"))
      .def(
          "_add_bed",
          [](TrackBuilder& b, py::object stream, const std::string& name, std::vector<std::string> categories) {
            PyStreamSource src(std::move(stream), name);
            py::gil_scoped_release nogil;
            b.add_bed(src, categories);
          },
          py::arg("stream"), py::arg("name"), py::arg("categories"))
      .def(
          "_add_runs",
          [](TrackBuilder& b, const std::string& chrom, char strand, py::array_t<int64_t, py::array::c_style> starts,
             py::array_t<int64_t, py::array::c_style> ends, py::array_t<float, py::array::c_style> values,
             const std::string& where) {
            if (starts.size() != ends.size() || starts.size() != values.size())
              gk::value_error("starts, ends and values must have equal lengths");
            gk::ChromId c = gk::assembly(b.refg()).resolve(chrom);
            py::gil_scoped_release nogil;
            b.add_runs(c, strand, starts.data(), ends.data(), values.data(), size_t(starts.size()), where);
          },
          py::arg("chrom"), py::arg("strand"), py::arg("starts"), py::arg("ends"), py::arg("values"), py::arg("where"))
      .def("flush", &TrackBuilder::flush)
      .def("finalize",
           [](TrackBuilder& b) {
             py::gil_scoped_release nogil;
             b.finalize();
           })
      .def("_abort", &TrackBuilder::abort);

  m.def(
      "_halves_to_floats",
      [](py::array halves, bool portable) {
        if (halves.itemsize() != 2 || halves.ndim() != 1 || !(halves.flags() & py::array::c_style))
          gk::value_error("expected a contiguous 1-D array of 16-bit values");
        py::array_t<float> out(halves.shape(0));
        gk::halves_to_floats(halves.data(), out.mutable_data(), size_t(halves.shape(0)), !portable);
        return out;
      },
      py::arg("halves"), py::arg("portable") = false,
      "float16 bit patterns to float32 through the track decoder's kernel (for tests).");
  m.def("track_format_version", [] { return gk::kTrackVersion; }, "Version of the .gtrack format this build writes.");
}

}  // namespace gkpy
