// The one translator from core errors to Python exceptions.
#include "errors.h"

#include "common.h"

namespace gkpy {

void set_python_error(const gk::Error& e) {
  PyObject* type = PyExc_RuntimeError;
  switch (e.kind()) {
    case gk::ErrorKind::Value:
      type = PyExc_ValueError;
      break;
    case gk::ErrorKind::Index:
      type = PyExc_IndexError;
      break;
    case gk::ErrorKind::Key:
      type = PyExc_KeyError;
      break;
    case gk::ErrorKind::Type:
      type = PyExc_TypeError;
      break;
    case gk::ErrorKind::OS:
      type = PyExc_OSError;
      break;
    case gk::ErrorKind::FileNotFound:
      type = PyExc_FileNotFoundError;
      break;
    case gk::ErrorKind::Runtime:
      type = PyExc_RuntimeError;
      break;
  }
  // Messages may quote bytes of a corrupt file: never let them turn the
  // error into a UnicodeDecodeError.
  const std::string msg = e.what();
  PyObject* text = PyUnicode_DecodeUTF8(msg.data(), static_cast<Py_ssize_t>(msg.size()), "backslashreplace");
  if (!text) return;  // MemoryError is set
  PyErr_SetObject(type, text);
  Py_DECREF(text);
}

void register_errors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const gk::Error& e) {
      set_python_error(e);
    }
  });
}

}  // namespace gkpy
