// Implementations of the shared helpers declared in common.h (those of
// resolve_refg live with the assembly registry, bind_assembly.cpp).
#include "common.h"

#include <limits>

#include "errors.h"
#include "variant.h"

namespace gkpy {

using namespace pybind11::literals;

int64_t int64_of(PyObject* o, const char* what) {
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);  // calls __index__ when needed
  if (overflow) {
    py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(o));
    gk::value_error(what, " ", index ? py::str(index).cast<std::string>() : std::string("?"),
                    " is out of range: positions, sizes and counts are 64-bit integers (-2**63 <= value < 2**63)");
  }
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

template <class T>
py::array_t<T, py::array::c_style> int_array(py::handle a, const char* what) {
  constexpr int64_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  py::module_ np = py::module_::import("numpy");
  // Not np.asarray(list): a list mixing ints below and above 2**63 would become float64.
  py::array arr = py::isinstance<py::array>(a) ? py::reinterpret_borrow<py::array>(a)
                                               : py::array(np.attr("asarray")(a, "dtype"_a = "O"));
  if (arr.ndim() != 1) gk::value_error(what, " must be a 1-d array, got ", arr.ndim(), " dimensions");
  const char kind = arr.dtype().kind();
  const py::dtype to = py::dtype::of<T>();
  if (kind == 'O') {  // Python ints (or anything with __index__), checked one by one
    py::array_t<T, py::array::c_style> out(arr.shape(0));
    T* p = out.mutable_data();
    for (py::ssize_t i = 0; i < arr.shape(0); ++i) {
      py::object item = arr.attr("item")(i);
      py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(item.ptr()));
      if (!index) {
        PyErr_Clear();
        gk::type_error("row ", i, ": ", what, " must hold integers, got ", type_name(item));
      }
      int overflow = 0;
      const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
      if (overflow || v < lo || v > hi)
        gk::value_error("row ", i, ": ", what, " ", py::str(index).cast<std::string>(), " is out of range (", lo,
                        " to ", hi, ")");
      p[i] = static_cast<T>(v);
    }
    return out;
  }
  if (kind != 'i' && kind != 'u' && kind != 'b')
    gk::type_error(what, " must hold integers, got an array of ", py::str(arr.dtype()).cast<std::string>());
  if (!np.attr("can_cast")(arr.dtype(), to).cast<bool>()) {  // wider or unsigned: find a value out of range
    py::array bad = np.attr("flatnonzero")(np.attr("logical_or")(arr.attr("__lt__")(lo), arr.attr("__gt__")(hi)));
    if (bad.size()) {
      const py::ssize_t i = bad.attr("item")(0).cast<py::ssize_t>();
      gk::value_error("row ", i, ": ", what, " ", py::str(arr.attr("item")(i)).cast<std::string>(),
                      " is out of range (", lo, " to ", hi, ")");
    }
  }
  return np.attr("ascontiguousarray")(arr, "dtype"_a = to).template cast<py::array_t<T, py::array::c_style>>();
}
template py::array_t<int32_t, py::array::c_style> int_array<int32_t>(py::handle, const char*);
template py::array_t<int64_t, py::array::c_style> int_array<int64_t>(py::handle, const char*);

std::string type_name(py::handle h) {
  return py::str(py::type::of(h)).cast<std::string>();
}

gk::Interval interval_arg(py::handle h) {
  if (const gk::Interval* iv = exact_value<gk::Interval>(h)) return *iv;
  if (const gk::Variant* v = exact_value<gk::Variant>(h)) return *v;
  if (!py::isinstance<gk::Interval>(h)) gk::type_error("expected an Interval, got ", type_name(h));
  return interval_of(h);
}

std::vector<gk::Interval> to_intervals(py::handle seq) {
  std::vector<gk::Interval> out;
  if (py::isinstance<gk::Interval>(seq)) gk::type_error("expected a sequence of Intervals, got a single Interval");
  for (py::handle h : seq) out.push_back(interval_arg(h));
  return out;
}

py::object pickled_data_setup() {
  static PyObject* fn = py::object(py::module_::import("genome_kit.gk_data").attr("pickled_setup")).release().ptr();
  PyObject* r = PyObject_CallNoArgs(fn);
  if (!r) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(r);
}

PyStreamSource::PyStreamSource(py::object stream, std::string name)
    : stream_(std::move(stream)), name_(std::move(name)) {}

PyStreamSource::~PyStreamSource() {
  py::gil_scoped_acquire gil;
  stream_ = py::object();
}

size_t PyStreamSource::read(char* buf, size_t n) {
  py::gil_scoped_acquire gil;
  try {
    py::memoryview view = py::memoryview::from_memory(buf, static_cast<py::ssize_t>(n));
    py::object got = stream_.attr("readinto")(view);
    return got.is_none() ? 0 : got.cast<size_t>();
  } catch (py::error_already_set& e) {
    // Truncated gzip, I/O errors: keep the Python message, name the file.
    gk::os_error("error reading ", name_, ": ", e.what());
  }
}

OneHotType one_hot_type(py::handle dtype) {
  std::string name;
  try {
    name = py::str(py::dtype::from_args(py::reinterpret_borrow<py::object>(dtype)).attr("name"));
  } catch (py::error_already_set&) {
    name.clear();
  }
  if (name == "uint8") return OneHotType::U8;
  if (name == "float32") return OneHotType::F32;
  if (name == "float16") return OneHotType::F16;
  gk::value_error("one-hot dtype must be uint8, float32 or float16, got ", py::repr(dtype).cast<std::string>());
}

}  // namespace gkpy
