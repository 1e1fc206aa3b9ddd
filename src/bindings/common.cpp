// Implementations of the shared helpers declared in common.h (those of
// resolve_refg live with the assembly registry, bind_assembly.cpp).
#include "common.h"

#include "errors.h"
#include "variant.h"

namespace gkpy {

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
