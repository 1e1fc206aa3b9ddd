#include "fastcall.h"

#include "errors.h"

namespace gkpy {

void bind_fast_args(const char* fn, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
                    std::initializer_list<FastArg> params) {
  for (const FastArg& p : params) *p.slot = nullptr;
  if (static_cast<size_t>(nargs) > params.size())
    gk::type_error(fn, "() takes at most ", params.size(), " arguments (", nargs, " given)");
  const FastArg* p = params.begin();
  for (Py_ssize_t k = 0; k < nargs; ++k) *p[k].slot = args[k];
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    PyObject* name = PyTuple_GET_ITEM(kwnames, k);
    const FastArg* hit = nullptr;
    for (const FastArg& q : params)
      if (PyUnicode_CompareWithASCIIString(name, q.name) == 0) hit = &q;
    if (!hit) gk::type_error(fn, "() got an unexpected keyword argument '", py::str(name).cast<std::string>(), "'");
    if (*hit->slot) gk::type_error(fn, "() got multiple values for argument '", py::str(name).cast<std::string>(), "'");
    *hit->slot = args[nargs + k];
  }
}

int64_t int_arg(PyObject* o, const char* fn, const char* param) {
  if (!PyLong_Check(o) && !PyIndex_Check(o))
    gk::type_error(fn, "(): argument '", param, "' must be an int, not ", Py_TYPE(o)->tp_name);
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);                       // calls __index__ when needed
  if (overflow) return int64_of(o, gk::cat(fn, "(): argument '", param, "'").c_str());  // raises, naming it
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  return v;
}

bool bool_arg(PyObject* o, bool dflt, const char* fn, const char* param) {
  if (!o) return dflt;
  if (o == Py_True) return true;
  if (o == Py_False || o == Py_None) return false;
  if (PyNumberMethods* nb = Py_TYPE(o)->tp_as_number; nb && nb->nb_bool) {
    const int r = nb->nb_bool(o);
    if (r == 0 || r == 1) return r == 1;
    PyErr_Clear();
  }
  gk::type_error(fn, "(): argument '", param, "' must be a bool, not ", Py_TYPE(o)->tp_name);
}

void set_fast_method(py::handle cls, PyMethodDef* def) {
  PyObject* descr = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), def);
  if (!descr || PyObject_SetAttrString(cls.ptr(), def->ml_name, descr) < 0) {
    Py_XDECREF(descr);
    throw py::error_already_set();
  }
  Py_DECREF(descr);
}

}  // namespace gkpy
