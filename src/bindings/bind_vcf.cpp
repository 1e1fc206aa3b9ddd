// VCF tables: the .vcfbin builder, the memory-mapped table (genome_kit.VCFTable
// wraps it) and VCFVariant, a Variant that reads its INFO/FORMAT values from
// the table it came from.
#include <atomic>
#include <memory>

#include "common.h"
#include "errors.h"
#include "fast_rows.h"
#include "text_fields.h"
#include "twobit.h"
#include "variant.h"
#include "vcf_table.h"

namespace gkpy {

using gk::Interval;
using gk::VcfTable;

namespace {

/// An attribute name of VCFVariants, looked up once: its INFO/FORMAT column
/// (nullptr for other names) and, for a column of one number per entry,
/// where a row's value is (the first sample's for FORMAT).
struct FieldAttr {
  py::object name;
  const gk::VcfColumn* column = nullptr;
  const uint8_t* data = nullptr;  // set for the one-number columns only
  uint64_t row_bytes = 0;
  gk::VcfDtype dtype = gk::VcfDtype::Int32;
};

/// The open table plus the "closed" flag shared with every VCFVariant of one
/// handle (a masked view has its own handle and flag on the same table).
struct VcfShared {
  std::shared_ptr<const VcfTable> table;
  std::atomic<bool> closed{false};
  /// The table, or OSError once closed.
  const VcfTable& open() const {
    if (closed) gk::os_error("I/O operation on a closed VCFTable (", table->path(), ")");
    return *table;
  }
  // Attribute names already looked up (by identity: attribute names are
  // interned). Touched with the GIL held only.
  std::vector<FieldAttr> names;
};

/// Python handle of an open table (genome_kit._core.VCFTable).
struct VcfHandle {
  std::shared_ptr<VcfShared> s;
  std::string label = "VCFTable";  // the Python table class, for messages
  const VcfTable& t() const { return s->open(); }
};

/// genome_kit.VCFVariant: a lazy row (fast_rows.h) whose owner is the
/// _VCFTable handle object; interval, alleles and fields are read from the
/// mapping on access. The C++ type only gives pybind11 the class hierarchy.
struct VcfVariant : gk::Variant {};

PyTypeObject* g_variant_type = nullptr;

const VcfShared& shared_of(const RowRef& r) {
  return *self_value<VcfHandle>(r.owner).s;
}

/// Whether two handles read the same file mapping (a table and its masked views).
bool same_table(const VcfShared& a, const VcfShared& b) {
  return a.table == b.table;
}

void vcf_interval(const RowRef& r, Interval& out) {
  out = shared_of(r).open().interval(r.row);
}

void vcf_variant(const RowRef& r, gk::Variant& out) {
  const VcfTable& t = shared_of(r).open();
  static_cast<Interval&>(out) = t.interval(r.row);
  std::string_view ref = t.ref(r.row), alt = t.alt(r.row);
  out.ref.assign(ref.data(), ref.size());
  out.alt.assign(alt.data(), alt.size());
}

/// The RowRef of a VCFVariant, or nullptr.
const RowRef* variant_ref(PyObject* obj) {
  const RowRef* r = rows::ref(obj);
  return r && Py_TYPE(obj) == g_variant_type ? r : nullptr;
}

/// New reference to the VCFVariant of a row (no bounds check); `owner` is the handle object.
inline PyObject* new_variant(PyObject* owner, uint32_t row) {
  return rows::make(g_variant_type, owner, row);
}

py::object make_variant(PyObject* owner, uint32_t row) {
  return py::reinterpret_steal<py::object>(new_variant(owner, row));
}

template <class Row>
py::list variant_list(PyObject* owner, size_t n, Row&& row) {
  return fast_list(n, [&](size_t i) { return new_variant(owner, row(i)); });
}

py::list variant_list(PyObject* owner, const std::vector<uint32_t>& rows) {
  return variant_list(owner, rows.size(), [&](size_t i) { return rows[i]; });
}

gk::IndexQuery query_kind(const std::string& name) {
  using gk::IndexQuery;
  if (name == "overlapping") return IndexQuery::Overlapping;
  if (name == "within") return IndexQuery::Within;
  if (name == "exact") return IndexQuery::Exact;
  if (name == "5p_within") return IndexQuery::Within5p;
  if (name == "3p_within") return IndexQuery::Within3p;
  if (name == "5p_aligned") return IndexQuery::Aligned5p;
  if (name == "3p_aligned") return IndexQuery::Aligned3p;
  gk::value_error("unknown query kind '", name, "'");
}

Interval as_interval(py::handle h) {
  if (!py::isinstance<Interval>(h))
    gk::type_error("expected an Interval, got ", py::str(py::type::of(h)).cast<std::string>());
  return interval_of(h);
}

py::dtype numpy_dtype(gk::VcfDtype t) {
  return py::dtype(std::string(gk::vcf_dtype_name(t)));
}

/// Values of a ragged column at one entry: a str, or a read-only zero-copy array (base = owner).
py::object ragged_value(py::handle owner, const VcfTable& t, const gk::VcfColumn& c, uint64_t entry) {
  auto [p, n] = t.ragged_at(c, entry);
  if (c.dtype == gk::VcfDtype::String) return py::str(reinterpret_cast<const char*>(p), n);
  py::dtype dt = numpy_dtype(c.dtype);
  py::array a(dt, {static_cast<py::ssize_t>(n)}, {dt.itemsize()}, p, owner);
  a.attr("setflags")(py::arg("write") = false);
  return std::move(a);
}

/// A ragged column as an object array of (rows,) or (rows, samples) entries.
py::array ragged_view(py::handle owner, const VcfTable& t, const gk::VcfColumn& c) {
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(t.num_rows())};
  if (c.format) shape.push_back(static_cast<py::ssize_t>(t.num_samples()));
  py::array out(py::dtype("O"), shape);
  auto** cells = static_cast<PyObject**>(out.mutable_data());
  for (uint64_t i = 0; i < c.entries; ++i) {
    Py_XDECREF(cells[i]);
    cells[i] = ragged_value(owner, t, c, i).release().ptr();
  }
  out.attr("setflags")(py::arg("write") = false);
  return out;
}

/// Zero-copy read-only view of a numeric column, base = the table handle;
/// ragged columns (strings, Number=.) as object arrays.
py::array column_view(py::handle owner, const VcfTable& t, const gk::VcfColumn& c) {
  if (c.ragged) return ragged_view(owner, t, c);
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(t.num_rows())};
  if (c.format) shape.push_back(static_cast<py::ssize_t>(t.num_samples()));
  if (c.depth > 1) shape.push_back(static_cast<py::ssize_t>(c.depth));
  py::dtype dt = numpy_dtype(c.dtype);
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t step = dt.itemsize();
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = step;
    step *= shape[i];
  }
  py::array a(dt, shape, strides, c.data, owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

py::object number_at(const uint8_t* p, gk::VcfDtype dtype) {
  switch (dtype) {
    case gk::VcfDtype::Bool:
      return py::bool_(*p != 0);
    case gk::VcfDtype::Int8:
      return py::int_(static_cast<int8_t>(*p));
    case gk::VcfDtype::Int16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return py::int_(v);
    }
    case gk::VcfDtype::Int32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return py::int_(v);
    }
    case gk::VcfDtype::Float16: {
      py::array a(py::dtype("float16"), std::vector<py::ssize_t>{1});
      std::memcpy(a.mutable_data(), p, 2);
      return py::float_(a.attr("item")(0));
    }
    case gk::VcfDtype::Float32: {
      float v;
      std::memcpy(&v, p, 4);
      return py::float_(static_cast<double>(v));
    }
    default:
      break;
  }
  return py::none();
}

/// The attribute value of a row: a number, a str, or a tuple of the values of
/// a Number=. field (FORMAT: the first sample's).
py::object scalar_value(const VcfTable& t, const gk::VcfColumn& c, uint32_t row) {
  uint64_t entry = uint64_t(row) * (c.format ? t.num_samples() : 1);
  if (c.dtype == gk::VcfDtype::String) return py::str(std::string(t.string_at(c, entry)));
  size_t es = gk::vcf_dtype_size(c.dtype);
  if (c.ragged) {
    auto [p, n] = t.ragged_at(c, entry);
    py::tuple out(n);
    for (uint64_t i = 0; i < n; ++i) out[i] = number_at(p + i * es, c.dtype);
    return std::move(out);
  }
  if (c.depth > 1)
    gk::value_error((c.format ? "FORMAT " : "INFO "), c.id, " has ", c.depth,
                    " values per variant; attributes only give scalar values: use VCFTable.",
                    c.format ? "format" : "info", "(\"", c.id, "\")");
  return number_at(c.data + entry * es, c.dtype);  // FORMAT: the first sample
}

gk::VcfDtype dtype_from_name(const std::string& n) {
  for (auto t : {gk::VcfDtype::Bool, gk::VcfDtype::Int8, gk::VcfDtype::Int16, gk::VcfDtype::Int32,
                 gk::VcfDtype::Float16, gk::VcfDtype::Float32})
    if (n == gk::vcf_dtype_name(t)) return t;
  gk::value_error("unsupported default dtype '", n, "' (expected int8, int16, int32, float16 or float32)");
}

std::vector<Interval> interval_list(py::handle seq, gk::RefgId refg, const char* what) {
  std::vector<Interval> out;
  if (seq.is_none()) return out;
  for (py::handle h : seq) {
    Interval iv = as_interval(h);
    if (iv.refg != refg)
      gk::value_error(what, " interval ", iv.describe(), " is on ", gk::assembly(iv.refg).name(),
                      ", the VCF is read on ", gk::assembly(refg).name());
    out.push_back(iv);
  }
  return out;
}

/// Column of an open table named by a Python str (INFO first, then FORMAT), or nullptr.
const gk::VcfColumn* column_named(const VcfTable& t, PyObject* name) {
  Py_ssize_t len = 0;
  const char* p = PyUnicode_AsUTF8AndSize(name, &len);
  if (!p) {
    PyErr_Clear();
    return nullptr;
  }
  std::string_view id(p, static_cast<size_t>(len));
  const gk::VcfColumn* found = nullptr;
  for (const gk::VcfColumn& c : t.columns())
    if (c.id == id && (!found || (found->format && !c.format))) found = &c;
  return found;
}

/// The attribute `name` through the table's cache of looked-up names
/// (`scratch` holds it once the cache is full).
const FieldAttr& cached_field(VcfShared& s, PyObject* name, FieldAttr& scratch) {
  for (const FieldAttr& f : s.names)
    if (f.name.ptr() == name) return f;
  FieldAttr f;
  f.name = py::reinterpret_borrow<py::object>(name);
  f.column = column_named(*s.table, name);
  if (const gk::VcfColumn* c = f.column) {
    if (c->dtype != gk::VcfDtype::String && !c->ragged && c->depth == 1) {
      f.data = c->data;
      f.dtype = c->dtype;
      f.row_bytes = gk::vcf_dtype_size(c->dtype) * (c->format ? s.table->num_samples() : 1);
    }
  }
  if (s.names.size() >= 64) return scratch = std::move(f);
  s.names.push_back(std::move(f));
  return s.names.back();
}

PyObject* variant_getattro(PyObject* self, PyObject* name) {
  try {
    const RowRef* v = variant_ref(self);
    if (!v) return PyObject_GenericGetAttr(self, name);
    auto& s = const_cast<VcfShared&>(shared_of(*v));
    bool field_name = PyUnicode_Check(name) && PyUnicode_GET_LENGTH(name) > 0 && PyUnicode_READ_CHAR(name, 0) != '_';
    if (field_name) {
      FieldAttr scratch;
      const FieldAttr& f = cached_field(s, name, scratch);
      if (f.data) {
        s.open();  // OSError once closed
        return number_at(f.data + v->row * f.row_bytes, f.dtype).release().ptr();
      }
      if (f.column) return scalar_value(s.open(), *f.column, v->row).release().ptr();
    }
    PyObject* r = PyObject_GenericGetAttr(self, name);
    if (r || !PyErr_ExceptionMatches(PyExc_AttributeError)) return r;
    if (s.closed) {
      PyErr_Clear();
      gk::os_error("I/O operation on a closed VCFTable (", s.table->path(), ")");
    }
    return nullptr;
  } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

constexpr char kIntervalArg[] = "interval";
constexpr char kIndexArg[] = "index";

template <gk::IndexQuery K>
py::object find_fast(PyObject* self, const VcfHandle& h, py::handle q) {
  const VcfTable& t = h.t();
  std::vector<uint32_t> rows;
  t.find(K, as_interval(q), rows);
  return variant_list(self, rows);
}

py::object item_fast(PyObject* self, const VcfHandle& h, py::handle index) {
  // Fast path of VariantTable.__getitem__: an int in range, else None (the
  // Python layer then raises the right error).
  if (!PyLong_Check(index.ptr())) return py::none();
  Py_ssize_t i = PyLong_AsSsize_t(index.ptr());
  if (i == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    return py::none();
  }
  Py_ssize_t n = static_cast<Py_ssize_t>(h.t().num_rows());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return py::none();
  return make_variant(self, static_cast<uint32_t>(i));
}

constexpr char kHandleArg[] = "handle";
constexpr char kVariantArg[] = "variant";

/// VariantTable.index_of of an unmasked table: a VCFVariant of this handle
/// answers at once; anything else goes to the Python checks.
py::object index_of_fast(PyObject* self, const VcfHandle& h, py::handle x) {
  const RowRef* v = variant_ref(x.ptr());
  if (v && self_value<VcfHandle>(v->owner).s == h.s) return py::int_(v->row);  // views: the Python checks
  return py::module_::import("genome_kit.vcf_table").attr("_index_of_other")(py::handle(self), x);
}

PyObject* variant_repr_slot(PyObject* self) {
  try {
    const RowRef& r = rows::checked_ref(self);
    if (shared_of(r).closed) {
      std::string s = gk::cat("<VCFVariant row ", r.row, " of a closed VCFTable>");
      return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
    }
    gk::Variant v;
    vcf_variant(rows::checked_ref(self), v);
    std::string s = gk::cat("<VCFVariant ", v.refg_name(), ":", v.as_variant_string(), ">");
    return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

/// == / != between VCFVariants (same rule as Variant: same type, interval
/// and alleles) without materialising two Variants when both are one row of
/// one table; ordering raises as for Variant.
PyObject* variant_richcompare(PyObject* a, PyObject* b, int op) {
  try {
    if (op != Py_EQ && op != Py_NE) gk::type_error("Variants are not orderable");
    const RowRef* ra = variant_ref(a);
    if (!ra) Py_RETURN_NOTIMPLEMENTED;
    bool eq = false;
    if (Py_TYPE(a) == Py_TYPE(b)) {
      const RowRef* rb = variant_ref(b);
      if (rb && ra->row == rb->row && same_table(shared_of(*ra), shared_of(*rb))) {
        eq = true;
      } else {
        gk::Variant va, vb;
        vcf_variant(*ra, va);
        if (rb)
          vcf_variant(*rb, vb);
        else
          vb = py::handle(b).cast<gk::Variant>();
        eq = va.same_variant(vb);
      }
    }
    return py::bool_(op == Py_EQ ? eq : !eq).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

py::object repr_method(PyObject* self, const RowRef&) {
  return py::reinterpret_steal<py::object>(variant_repr_slot(self));
}

py::object same_table_method(PyObject*, const RowRef& r, py::handle h) {
  return py::bool_(same_table(shared_of(r), *h.cast<const VcfHandle&>().s));
}

}  // namespace

void register_vcf(py::module_& m) {
  py::class_<VcfVariant, gk::Variant> var(m, "VCFVariant", R"doc(
A Variant read from a VCFTable. Besides the Variant attributes it exposes the
table's INFO and FORMAT fields by id: ``v.AF``, ``v.DP`` (INFO first), ``v.GT``
(FORMAT: the first sample's value). Fields with several values per variant
raise ValueError (use ``VCFTable.info``/``format``). Equal to another
VCFVariant with the same interval and alleles; never equal to a plain Variant.
)doc");
  var.attr("__module__") = "genome_kit";
  rows::install(var, RowKind{&vcf_interval, &vcf_variant});
  g_variant_type = reinterpret_cast<PyTypeObject*>(var.ptr());
  def_row_method<&repr_method>(var, "__repr__");
  def_row_getter(var, "_row", [](const RowRef& r) -> py::object { return py::int_(r.row); });
  def_row_getter(var, "_table_path", [](const RowRef& r) -> py::object { return py::str(shared_of(r).table->path()); });
  def_row_method<&same_table_method, kHandleArg>(var, "_same_table");
  def_row_interval_getters(var);
  def_row_getter(var, "ref", [](const RowRef& r) -> py::object {
    std::string_view a = shared_of(r).open().ref(r.row);
    return py::str(a.data(), a.size());
  });
  def_row_getter(var, "alt", [](const RowRef& r) -> py::object {
    std::string_view a = shared_of(r).open().alt(r.row);
    return py::str(a.data(), a.size());
  });
  reinterpret_cast<PyTypeObject*>(var.ptr())->tp_repr = &variant_repr_slot;
  reinterpret_cast<PyTypeObject*>(var.ptr())->tp_richcompare = &variant_richcompare;
  // INFO/FORMAT fields as attributes: looked up before the generic attribute
  // machinery (ids cannot clash with VCFVariant attributes: the builder refuses
  // those), so v.AF costs no failed lookup.
  reinterpret_cast<PyTypeObject*>(var.ptr())->tp_getattro = &variant_getattro;

  py::class_<VcfHandle> handle(m, "_VCFTable", "Memory-mapped .vcfbin (use genome_kit.VCFTable).");
  handle
      .def(py::init([](const std::string& path) {
             auto s = std::make_shared<VcfShared>();
             auto resolve = [&path](const std::string& name) {
               py::gil_scoped_acquire gil;
               return resolve_stored_refg(path, name);
             };
             {
               py::gil_scoped_release nogil;
               s->table = std::make_unique<VcfTable>(path, resolve);
             }
             return VcfHandle{std::move(s)};
           }),
           py::arg("path"))
      .def_property_readonly("path", [](const VcfHandle& h) { return h.s->table->path(); })
      .def_property_readonly("closed", [](const VcfHandle& h) { return h.s->closed.load(); })
      .def_property_readonly("refg", [](const VcfHandle& h) { return gk::assembly(h.t().refg()).name(); })
      .def_property_readonly("num_rows", [](const VcfHandle& h) { return h.t().num_rows(); })
      .def_property_readonly("num_samples", [](const VcfHandle& h) { return h.t().num_samples(); })
      .def_property_readonly("sample_names", [](const VcfHandle& h) { return h.t().sample_names(); })
      .def_property_readonly("provenance", [](const VcfHandle& h) { return h.t().provenance(); })
      .def(
          "column_ids",
          [](const VcfHandle& h, bool format) {
            std::vector<std::string> ids;
            for (auto& c : h.t().columns())
              if (c.format == format) ids.push_back(c.id);
            return ids;
          },
          py::arg("format"))
      .def(
          "column_info",
          [](const VcfHandle& h, bool format, const std::string& id) -> py::object {
            const gk::VcfColumn* c = h.t().column(format, id);
            if (!c) return py::none();
            return py::make_tuple(gk::vcf_dtype_name(c->dtype), c->depth, c->ragged);
          },
          py::arg("format"), py::arg("id"))
      .def(
          "column",
          [](py::object self, bool format, const std::string& id, bool info_strings) {
            const VcfHandle& h = self.cast<const VcfHandle&>();
            const gk::VcfColumn* c = h.t().column(format, id);
            if (!c) throw py::key_error(gk::cat("Unrecognized ", format ? "FORMAT" : "INFO", " ID \"", id, "\""));
            // As GenomeKit: VCFTable.info() of a string column raises (to_pandas() asks for them).
            if (!format && c->dtype == gk::VcfDtype::String && !info_strings)
              gk::type_error("INFO ", c->id, " is a string column: read it through VCFVariant attributes (v.", c->id,
                             ") or to_pandas()");
            return column_view(self, h.t(), *c);
          },
          py::arg("format"), py::arg("id"), py::arg("info_strings") = false,
          "Zero-copy read-only view (base = this object); ragged columns as object arrays.")
      .def(
          "variant",
          [](py::object self, uint32_t row) {
            const VcfHandle& h = self.cast<const VcfHandle&>();
            if (row >= h.t().num_rows()) throw py::index_error("VCFTable index out of range");
            return make_variant(self.ptr(), row);
          },
          py::arg("row"))
      .def(
          "variants",
          [](py::object self, py::handle row_arg) {
            const auto rows = int_array<int64_t>(row_arg, "rows");
            const VcfTable& t = self.cast<const VcfHandle&>().t();
            const int64_t* p = rows.data();
            size_t n = static_cast<size_t>(rows.size());
            for (size_t i = 0; i < n; ++i)
              if (p[i] < 0 || p[i] >= t.num_rows()) throw py::index_error("VCFTable index out of range");
            return variant_list(self.ptr(), n, [&](size_t i) { return static_cast<uint32_t>(p[i]); });
          },
          py::arg("rows"))
      .def(
          "variant_range",
          [](py::object self, uint32_t begin, uint32_t end) {
            end = std::min(end, self.cast<const VcfHandle&>().t().num_rows());
            begin = std::min(begin, end);
            return variant_list(self.ptr(), end - begin, [&](size_t i) { return begin + static_cast<uint32_t>(i); });
          },
          py::arg("begin"), py::arg("end"))
      .def(
          "find",
          [](py::object self, const std::string& kind, py::handle q) {
            const VcfTable& t = self.cast<const VcfHandle&>().t();
            std::vector<uint32_t> rows;
            t.find(query_kind(kind), as_interval(q), rows);
            return variant_list(self.ptr(), rows);
          },
          py::arg("kind"), py::arg("interval"))
      .def(
          "find_rows",
          [](const VcfHandle& h, const std::string& kind, py::handle q) {
            std::vector<uint32_t> rows;
            h.t().find(query_kind(kind), as_interval(q), rows);
            py::array_t<int64_t> out(static_cast<py::ssize_t>(rows.size()));
            std::copy(rows.begin(), rows.end(), out.mutable_data());
            return out;
          },
          py::arg("kind"), py::arg("interval"))
      .def(
          "sequence_variations",
          [](py::object self, py::handle q) {
            std::vector<uint32_t> rows;
            self.cast<const VcfHandle&>().t().sequence_variations(as_interval(q), rows);
            return variant_list(self.ptr(), rows);
          },
          py::arg("interval"))
      .def(
          "rows_of",
          [](const VcfHandle& h, py::iterable variants) {
            std::vector<int64_t> rows;
            for (py::handle x : variants) {
              const RowRef* v = variant_ref(x.ptr());
              if (!v) gk::type_error("expected VCFVariant objects, got ", py::str(py::type::of(x)).cast<std::string>());
              if (!same_table(shared_of(*v), *h.s)) {
                gk::Variant var;
                vcf_variant(*v, var);
                gk::value_error(var.as_variant_string(), " is not a variant of this VCFTable");
              }
              rows.push_back(v->row);
            }
            py::array_t<int64_t> out(static_cast<py::ssize_t>(rows.size()));
            std::copy(rows.begin(), rows.end(), out.mutable_data());
            return out;
          },
          py::arg("variants"), "File rows of VCFVariants of this table, as an int64 array.")
      .def("close", [](VcfHandle& h) { h.s->closed = true; })
      .def(
          "view",
          [](const VcfHandle& h) {
            // A new handle on the same mapping with its own "closed" flag (masked tables).
            auto s = std::make_shared<VcfShared>();
            h.t();  // OSError if closed
            s->table = h.s->table;
            return VcfHandle{std::move(s), h.label};
          },
          "A handle on the same table that closes independently.")
      .def("is_variant_of", [](const VcfHandle& h, py::handle x) {
        const RowRef* v = variant_ref(x.ptr());
        if (!v) gk::type_error("expected a VCFVariant, got ", Py_TYPE(x.ptr())->tp_name);
        return same_table(shared_of(*v), *h.s);
      });
  // One method per query kind, so an unmasked VariantTable can hand out these
  // bound methods directly (no Python frame or kind string per call).
  // (C method descriptors: no pybind11 dispatch per call, see fast_rows.h)
  def_fast_method<VcfHandle, &item_fast, kIndexArg>(handle, "item");
  def_fast_method<VcfHandle, &index_of_fast, kVariantArg>(handle, "index_of");
  handle.def_readwrite("_label", &VcfHandle::label);
  def_fast_method<VcfHandle, &find_fast<gk::IndexQuery::Overlapping>, kIntervalArg>(handle, "find_overlapping");
  def_fast_method<VcfHandle, &find_fast<gk::IndexQuery::Within>, kIntervalArg>(handle, "find_within");
  def_fast_method<VcfHandle, &find_fast<gk::IndexQuery::Exact>, kIntervalArg>(handle, "find_exact");
  def_fast_method<VcfHandle, &find_fast<gk::IndexQuery::Within5p>, kIntervalArg>(handle, "find_5p_within");
  def_fast_method<VcfHandle, &find_fast<gk::IndexQuery::Within3p>, kIntervalArg>(handle, "find_3p_within");
  def_fast_method<VcfHandle, &find_fast<gk::IndexQuery::Aligned5p>, kIntervalArg>(handle, "find_5p_aligned");
  def_fast_method<VcfHandle, &find_fast<gk::IndexQuery::Aligned3p>, kIntervalArg>(handle, "find_3p_aligned");

  m.attr("VCFBIN_VERSION") = gk::kVcfBinVersion;

  m.def(
      "build_vcfbin",
      [](py::object stream, const std::string& source_name, const std::string& out_path, py::handle refg,
         py::list fields, py::object genome_dna, bool validate, bool normalize, const std::string& unsupported,
         py::object exclude, py::object allow, const std::string& ancestral, bool split_multiallelic,
         const std::string& provenance) {
        gk::VcfBuildOptions opt;
        opt.refg = resolve_refg(refg);
        for (py::handle f : fields) {
          auto t = f.cast<py::tuple>();
          gk::VcfFieldRequest r;
          r.id = t[0].cast<std::string>();
          r.format = t[1].cast<bool>();
          if (!t[2].is_none()) {
            r.has_dtype = true;
            r.dtype = dtype_from_name(t[2].cast<std::string>());
          }
          if (!t[3].is_none()) {
            r.has_default = true;
            r.default_value = t[3].cast<double>();
          }
          opt.fields.push_back(std::move(r));
        }
        if (!genome_dna.is_none()) opt.genome = &genome_dna.cast<const gk::TwoBitFile&>();
        if ((validate || normalize) && !opt.genome) gk::value_error("validate and normalize need the genome sequence");
        opt.validate = validate;
        opt.left_align = normalize;
        if (unsupported == "error")
          opt.policy = gk::RecordPolicy::Error;
        else if (unsupported == "skip")
          opt.policy = gk::RecordPolicy::Skip;
        else if (unsupported == "keep")
          opt.policy = gk::RecordPolicy::Keep;
        else
          gk::value_error("unsupported must be 'error', 'skip' or 'keep', got '", unsupported, "'");
        opt.exclude = interval_list(exclude, opt.refg, "exclude");
        opt.allow = interval_list(allow, opt.refg, "allow");
        if (ancestral == "error")
          opt.ancestral = gk::Ancestral::Error;
        else if (ancestral == "warn")
          opt.ancestral = gk::Ancestral::Warn;
        else if (ancestral == "exclude")
          opt.ancestral = gk::Ancestral::Exclude;
        else
          gk::value_error("ancestral must be 'error', 'warn' or 'exclude', got '", ancestral, "'");
        opt.split_multiallelic = split_multiallelic;
        opt.provenance = provenance;
        // Read with the GIL held (os.environ writes hold it too).
        if (const char* v = std::getenv("GENOMEKIT_SPILL_MEMORY"); v && *v) {
          int64_t bytes = 0;
          if (!gk::parse_int(v, bytes) || bytes < 0)
            gk::value_error("GENOMEKIT_SPILL_MEMORY must be a number of bytes, got '", v, "'");
          opt.spill_memory = static_cast<uint64_t>(bytes);
        }
        PyStreamSource src(std::move(stream), source_name);
        gk::VcfBuildResult r;
        {
          py::gil_scoped_release nogil;
          r = gk::build_vcfbin(src, out_path, opt);
        }
        py::dict out;
        out["rows"] = r.rows;
        out["ancestral_lines"] = r.ancestral_lines;
        out["unknown_svtypes"] = r.unknown_svtypes;
        out["realigned"] = r.realigned;
        out["skipped"] = r.skipped;
        out["kept"] = r.kept;
        out["skipped_examples"] = message_list(r.skipped_examples);
        out["kept_examples"] = message_list(r.kept_examples);
        return out;
      },
      py::arg("stream"), py::arg("source_name"), py::arg("out_path"), py::arg("reference_genome"), py::arg("fields"),
      py::arg("genome_dna"), py::arg("validate"), py::arg("normalize"), py::arg("unsupported"), py::arg("exclude"),
      py::arg("allow"), py::arg("ancestral"), py::arg("split_multiallelic"), py::arg("provenance"),
      "Converts VCF text from a binary stream to a .vcfbin file (see genome_kit.VCFTable.build_vcfbin).");
}

}  // namespace gkpy
