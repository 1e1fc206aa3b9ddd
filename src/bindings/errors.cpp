// The one translator from core errors to Python exceptions, and the
// decoding of every message text handed to Python.
#include "errors.h"

#include "common.h"

namespace gkpy {

namespace {
// Messages may quote bytes of a corrupt file or of text input: never let
// them turn into a UnicodeDecodeError.
PyObject* decode_message(const std::string& msg) {
  return PyUnicode_DecodeUTF8(msg.data(), static_cast<Py_ssize_t>(msg.size()), "backslashreplace");
}
}  // namespace

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
  PyObject* text = decode_message(e.what());
  if (!text) return;  // MemoryError is set
  PyErr_SetObject(type, text);
  Py_DECREF(text);
}

py::str message_str(const std::string& msg) {
  PyObject* text = decode_message(msg);
  if (!text) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

py::list message_list(const std::vector<std::string>& msgs) {
  py::list out;
  for (const std::string& m : msgs) out.append(message_str(m));
  return out;
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
