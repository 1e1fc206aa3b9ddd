// Gene annotations: row classes (Gene, Transcript, Exon, Intron, Cds, Utr —
// Interval subclasses that point into the mapped file), their tables with
// id lookups and positional queries (one at a time or batched), and the
// builders.
#include <algorithm>
#include <cstring>
#include <memory>

#include "anno.h"
#include "anno_builder.h"
#include "anno_dganno.h"
#include "common.h"
#include "errors.h"
#include "fast_rows.h"

namespace gkpy {

using gk::AnnoFile;
using gk::Interval;
using FilePtr = std::shared_ptr<const AnnoFile>;

namespace {

// Row objects are lazy rows (fast_rows.h): their value is a RowRef whose
// owner is the AnnotationFile Python object, whose row and table say which
// row; the interval and every attribute are read from the mapping on access.
// These C++ types only give pybind11 the class hierarchy (Gene -> _AnnoRow ->
// Interval); no instance of them is ever made.
struct AnnoRow : Interval {};
struct Gene : AnnoRow {};
struct Transcript : AnnoRow {};
struct Exon : AnnoRow {};
struct Intron : AnnoRow {};
struct Cds : AnnoRow {};
struct Utr : AnnoRow {};

using gkpy::RowRef;

/// Python row class of each table (utr5s and utr3s share Utr).
PyTypeObject* g_row_type[gk::kNumAnnoTables] = {};

const AnnoFile& file_of(PyObject* owner) {
  return self_value<AnnoFile>(owner);
}
const AnnoFile& file_of(const RowRef& r) {
  return file_of(r.owner);
}

void anno_interval(const RowRef& r, Interval& out) {
  out = file_of(r).interval(r.table, r.row);
}

PyObject* row_richcompare(PyObject* a, PyObject* b, int op);

/// The RowRef of an annotation row object, or nullptr (the row classes are
/// the lazy rows whose tp_richcompare is row_richcompare).
inline const RowRef* anno_ref(PyObject* obj) {
  return Py_TYPE(obj)->tp_richcompare == &row_richcompare ? rows::ref(obj) : nullptr;
}

/// New reference to the row object of a (checked) row; `owner` is the
/// AnnotationFile Python object.
inline PyObject* new_row(PyObject* owner, int table, uint32_t row) {
  return rows::make(g_row_type[table], owner, row, static_cast<uint8_t>(table));
}

py::object wrap(PyObject* owner, int table, uint32_t row) {
  file_of(owner).checked(table, row);
  return py::reinterpret_steal<py::object>(new_row(owner, table, row));
}

/// Row objects of `n` rows of a table given by `row_at(k)` (checked).
template <class RowAt>
py::list row_objects(PyObject* owner, int table, size_t n, RowAt&& row_at) {
  const AnnoFile& f = file_of(owner);
  return fast_list(n, [&](size_t k) { return new_row(owner, table, f.checked(table, row_at(k))); });
}

py::object wrap_opt(PyObject* owner, int table, uint32_t row) {
  return row == gk::kNoRow ? py::object(py::none()) : wrap(owner, table, row);
}

py::object opt_str(std::string_view s) {
  return s.empty() ? py::object(py::none()) : py::object(py::str(s.data(), s.size()));
}

py::object opt_int(int v) {
  return v < 0 ? py::object(py::none()) : py::object(py::int_(v));
}

py::list rows_list(PyObject* owner, int table, uint32_t first, uint32_t n) {
  file_of(owner).check_rows(table, first, n);
  return fast_list(n, [&](size_t k) { return new_row(owner, table, first + static_cast<uint32_t>(k)); });
}

const gk::TranRow& tran_of(const RowRef& r) {
  const AnnoFile& f = file_of(r);
  switch (r.table) {
    case gk::kTrans:
      return f.tran(r.row);
    case gk::kExons:
      return f.tran(f.checked(gk::kTrans, f.exon(r.row).tran));
    case gk::kIntrons:
      return f.tran(f.checked(gk::kTrans, f.intron(r.row).tran));
    default:
      return f.tran(f.checked(gk::kTrans, f.part(r.table, r.row).tran));
  }
}

uint32_t tran_row(const RowRef& r) {
  const AnnoFile& f = file_of(r);
  switch (r.table) {
    case gk::kTrans:
      return r.row;
    case gk::kExons:
      return f.exon(r.row).tran;
    case gk::kIntrons:
      return f.intron(r.row).tran;
    default:
      return f.part(r.table, r.row).tran;
  }
}

std::string tran_id(const RowRef& r) {
  return std::string(file_of(r).str(tran_of(r).id));
}

std::string repr_row(const RowRef& r) {
  const AnnoFile& f = file_of(r);
  switch (r.table) {
    case gk::kGenes: {
      const gk::GeneRow& g = f.gene(r.row);
      return gk::cat("<Gene ", f.str(g.id), " (", f.str(g.name), ")>");
    }
    case gk::kTrans: {
      const gk::TranRow& t = f.tran(r.row);
      return gk::cat("<Transcript ", f.str(t.id), " of ", f.str(f.gene(f.checked(gk::kGenes, t.gene)).name), ">");
    }
    case gk::kExons: {
      const gk::ExonRow& e = f.exon(r.row);
      return gk::cat("<Exon ", e.index() + 1, "/", tran_of(r).num_exons, " of ", tran_id(r), ">");
    }
    case gk::kIntrons: {
      gk::IntronLinks x = f.intron(r.row);
      return gk::cat("<Intron ", x.index + 1, "/", tran_of(r).num_exons - 1, " of ", tran_id(r), ">");
    }
    default: {
      const gk::PartRow& p = f.part(r.table, r.row);
      const gk::ExonRow& e = f.exon(f.checked(gk::kExons, p.exon));
      return gk::cat("<", r.table == gk::kCdss ? "Cds" : "Utr", " in Exon ", e.index() + 1, "/", tran_of(r).num_exons,
                     " of ", tran_id(r), ">");
    }
  }
}

py::object genome_of(const AnnoFile& f) {
  return py::module_::import("genome_kit").attr("Genome")(f.config());
}

// Two opens of one annotation (e.g. after a Genome was garbage collected and
// reopened) hold equal rows: identity is (file, table, row), not the mapping.
bool same_file(const AnnoFile& a, const AnnoFile& b) {
  return &a == &b || (a.config() == b.config() && a.path() == b.path());
}

Py_hash_t row_hash(const RowRef& r) {
  size_t h = std::hash<std::string>()(file_of(r).config());
  h ^= (static_cast<size_t>(r.row) * 0x9E3779B97F4A7C15ull) ^ (static_cast<size_t>(r.table) << 56);
  auto out = static_cast<Py_hash_t>(h);
  return out == -1 ? -2 : out;
}

bool same_row(const RowRef& a, PyObject* other) {
  const RowRef* b = anno_ref(other);
  return b && a.row == b->row && a.table == b->table && (a.owner == b->owner || same_file(file_of(a), file_of(*b)));
}

// Neighbour of a child row within its transcript (delta -1 / +1), or None.
py::object sibling(const RowRef& r, int table, uint32_t first, uint32_t count, uint32_t index, int delta) {
  int64_t k = static_cast<int64_t>(index) + delta;
  if (k < 0 || k >= static_cast<int64_t>(count)) return py::none();
  file_of(r).check_rows(table, first, count);
  return wrap(r.owner, table, first + static_cast<uint32_t>(k));
}

// ---- row class slots and methods (C level: see fast_rows.h) ---------------------

PyObject* row_richcompare(PyObject* a, PyObject* b, int op) {
  try {
    if (op != Py_EQ && op != Py_NE) Py_RETURN_NOTIMPLEMENTED;
    const RowRef* ra = anno_ref(a);
    if (!ra) Py_RETURN_NOTIMPLEMENTED;
    bool eq = same_row(*ra, b);
    return py::bool_(op == Py_EQ ? eq : !eq).release().ptr();
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

Py_hash_t row_hash_slot(PyObject* self) {
  try {
    return row_hash(rows::checked_ref(self));
  } catch (...) {
    py::detail::try_translate_exceptions();
    return -1;
  }
}

PyObject* row_repr_slot(PyObject* self) {
  try {
    std::string s = repr_row(rows::checked_ref(self));
    return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
  } catch (...) {
    py::detail::try_translate_exceptions();
    return nullptr;
  }
}

constexpr char kOtherArg[] = "other";

py::object eq_method(PyObject*, const RowRef& r, py::handle other) {
  return py::bool_(same_row(r, other.ptr()));
}
py::object ne_method(PyObject*, const RowRef& r, py::handle other) {
  return py::bool_(!same_row(r, other.ptr()));
}
py::object unordered_method(PyObject*, const RowRef&, py::handle) {
  return py::reinterpret_borrow<py::object>(Py_NotImplemented);
}
py::object hash_method(PyObject*, const RowRef& r) {
  return py::int_(row_hash(r));
}
py::object repr_method(PyObject*, const RowRef& r) {
  return py::str(repr_row(r));
}
py::object reduce_method(PyObject*, const RowRef& r) {
  py::object unpickle = py::module_::import("genome_kit.genome_annotation").attr("_unpickle_row");
  return py::make_tuple(unpickle, py::make_tuple(genome_of(file_of(r)), gk::anno_table_name(r.table), r.row));
}

template <class T>
py::class_<T, AnnoRow> row_class(py::module_& m, const char* name, const char* doc) {
  py::class_<T, AnnoRow> cls(m, name, doc);
  std::string cname = name;
  cls.def(py::init([cname](py::args, py::kwargs) -> T {
    gk::runtime_error(cname, " is an internal type: get rows from a Genome's tables");
  }));
  cls.attr("__module__") = "genome_kit";
  rows::install(cls, RowKind{&anno_interval, nullptr});
  def_row_method<&repr_method>(cls, "__repr__");
  def_row_method<&repr_method>(cls, "__str__");
  def_row_method<&eq_method, kOtherArg>(cls, "__eq__");
  def_row_method<&ne_method, kOtherArg>(cls, "__ne__");
  for (const char* op : {"__lt__", "__le__", "__gt__", "__ge__"})
    detail::set_method(cls, new PyMethodDef{op,
                                            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(
                                                &detail::row_method_thunk<&unordered_method, kOtherArg>)),
                                            METH_FASTCALL | METH_KEYWORDS, nullptr});
  def_row_method<&hash_method>(cls, "__hash__");
  def_row_method<&reduce_method>(cls, "__reduce__");
  def_row_getter(
      cls, "annotation_genome", [](const RowRef& r) { return genome_of(file_of(r)); },
      "The Genome this row belongs to.");
  return cls;
}

// ---- tables -------------------------------------------------------------------

struct AnnoTable {
  FilePtr f;
  int table = 0;
  py::object owner;  // the AnnotationFile Python object: owner of the row objects
  PyObject* own() const { return owner.ptr(); }
  uint32_t size() const { return f->size(table); }
};
template <int K>
struct TableT : AnnoTable {};

gk::IndexQuery query_kind(const std::string& m) {
  if (m == "overlapping") return gk::IndexQuery::Overlapping;
  if (m == "within") return gk::IndexQuery::Within;
  if (m == "exact") return gk::IndexQuery::Exact;
  if (m == "5p_within") return gk::IndexQuery::Within5p;
  if (m == "3p_within") return gk::IndexQuery::Within3p;
  if (m == "5p_aligned") return gk::IndexQuery::Aligned5p;
  if (m == "3p_aligned") return gk::IndexQuery::Aligned3p;
  gk::value_error("unknown query '", m,
                  "': expected overlapping, within, exact, 5p_within, 3p_within, 5p_aligned or 3p_aligned");
}

py::list find(const AnnoTable& t, gk::IndexQuery kind, py::handle q) {
  if (!py::isinstance<Interval>(q))
    gk::type_error("expected an Interval, got ", py::str(py::type::of(q)).cast<std::string>());
  Interval iv = interval_of(q);
  std::vector<uint32_t> rows;
  if (t.size() > 0) {
    if (iv.refg != t.f->refg())
      gk::value_error("reference genome '", gk::assembly(t.f->refg()).name(), "' does not match query coordinate '",
                      iv.refg_name(), "'");
    t.f->index(t.table).find(kind, iv, rows);
  }
  return row_objects(t.own(), t.table, rows.size(), [&](size_t k) { return rows[k]; });
}

uint32_t resolve_index(const AnnoTable& t, py::handle key) {
  py::ssize_t n = static_cast<py::ssize_t>(t.size());
  py::ssize_t i = PyNumber_AsSsize_t(key.ptr(), PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (i < 0) i += n;
  if (i < 0 || i >= n) gk::index_error(gk::anno_table_name(t.table), " index out of range (", n, " rows)");
  return static_cast<uint32_t>(i);
}

py::object getitem(const AnnoTable& t, py::handle key) {
  bool by_id = t.table == gk::kGenes || t.table == gk::kTrans;
  if (PyIndex_Check(key.ptr()) && !PyBool_Check(key.ptr())) return wrap(t.own(), t.table, resolve_index(t, key));
  if (by_id) {
    if (py::isinstance<py::str>(key)) {
      std::string k = key.cast<std::string>();
      uint32_t row = t.f->find_id(t.table, k);
      if (row == gk::kNoRow) throw py::key_error(k);
      return wrap(t.own(), t.table, row);
    }
    throw py::key_error(py::str(key).cast<std::string>());
  }
  gk::type_error(gk::anno_table_name(t.table), " are indexed by integer row number, got ",
                 py::str(py::type::of(key)).cast<std::string>());
}

uint32_t index_of(const AnnoTable& t, py::handle elem) {
  const RowRef* r = anno_ref(elem.ptr());
  if (!r || r->table != t.table)
    gk::type_error("index_of expects an element of the ", gk::anno_table_name(t.table), " table, got ",
                   py::str(py::type::of(elem)).cast<std::string>());
  if (!same_file(file_of(*r), *t.f)) gk::value_error(repr_row(*r), " does not belong to this annotation");
  return r->row;
}

py::list where(const AnnoTable& t, py::handle mask_obj) {
  if (!py::isinstance<py::array>(mask_obj)) gk::type_error("where expects a numpy bool array");
  py::array mask = py::reinterpret_borrow<py::array>(mask_obj);
  if (mask.dtype().kind() != 'b')
    gk::type_error("where expects a bool array, got dtype ", std::string(py::str(mask.dtype())));
  bool shape_ok = mask.ndim() == 1 || (mask.ndim() == 2 && mask.shape(1) == 1);
  if (!shape_ok || mask.shape(0) != static_cast<py::ssize_t>(t.size()))
    gk::value_error("where expects a mask of shape (", t.size(), ",) or (", t.size(), ", 1)");
  auto flat = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask);
  const bool* m = flat.data();
  std::vector<uint32_t> rows;
  for (uint32_t i = 0; i < t.size(); ++i)
    if (m[i]) rows.push_back(i);
  return row_objects(t.own(), t.table, rows.size(), [&](size_t k) { return rows[k]; });
}

/// Many queries at once: returns (offsets int64[n+1], rows uint32[k]); the
/// rows of query i are rows[offsets[i]:offsets[i+1]].
py::tuple find_batch(const AnnoTable& t, const std::string& method, py::array_t<int32_t> chroms,
                     py::array_t<uint8_t> strands, py::handle start_arg, py::handle end_arg) {
  gk::IndexQuery kind = query_kind(method);
  const auto starts = int_array<int64_t>(start_arg, "start");
  const auto ends = int_array<int64_t>(end_arg, "end");
  py::ssize_t n = chroms.size();
  if (strands.size() != n || starts.size() != n || ends.size() != n)
    gk::value_error("find_batch: chromosome, strand, start and end arrays must have the same length");
  py::array_t<int64_t> offsets(n + 1);
  std::vector<uint32_t> rows;
  {
    auto c = chroms.unchecked<1>();
    auto s = strands.unchecked<1>();
    auto a = starts.unchecked<1>();
    auto b = ends.unchecked<1>();
    int64_t* off = offsets.mutable_data();
    py::gil_scoped_release nogil;
    const gk::IntervalIndex& idx = t.f->index(t.table);
    rows.reserve(static_cast<size_t>(n) * 2);
    Interval iv;
    iv.refg = t.f->refg();
    for (py::ssize_t i = 0; i < n; ++i) {
      off[i] = static_cast<int64_t>(rows.size());
      iv.chrom = c(i);
      iv.strand = s(i) == '-' ? '-' : '+';
      iv.start = a(i);
      iv.end = b(i);
      Interval::check_row(static_cast<size_t>(i), iv.start, iv.end);
      if (iv.chrom >= 0) idx.find(kind, iv, rows);
    }
    off[n] = static_cast<int64_t>(rows.size());
  }
  py::array_t<uint32_t> out(static_cast<py::ssize_t>(rows.size()));
  if (!rows.empty()) std::memcpy(out.mutable_data(), rows.data(), rows.size() * sizeof(uint32_t));
  return py::make_tuple(offsets, out);
}

/// find_batch over a sequence of Intervals, converted in one pass (no Python
/// attribute access per interval); same result layout as find_batch.
py::tuple find_batch_intervals(const AnnoTable& t, const std::string& method, py::handle seq) {
  gk::IndexQuery kind = query_kind(method);
  py::object fast = py::reinterpret_steal<py::object>(PySequence_Fast(seq.ptr(), "intervals must be a sequence"));
  if (!fast) throw py::error_already_set();
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.ptr());
  PyObject** items = PySequence_Fast_ITEMS(fast.ptr());
  auto* itype = reinterpret_cast<PyTypeObject*>(py::detail::get_type_handle(typeid(Interval), true).ptr());
  std::vector<Interval> qs(static_cast<size_t>(n));
  gk::RefgId refg = t.f->refg();
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (!PyObject_TypeCheck(items[i], itype))
      gk::type_error("find_batch: intervals[", i, "] is a ", Py_TYPE(items[i])->tp_name, ", expected an Interval");
    Interval iv = interval_of(items[i]);
    if (iv.refg != refg && t.size() > 0)
      gk::value_error("find_batch: intervals[", i, "] ", iv.describe(), " is on ", iv.refg_name(), ", the table on ",
                      gk::assembly(refg).name());
    qs[static_cast<size_t>(i)] = iv;
  }
  py::array_t<int64_t> offsets(n + 1);
  std::vector<uint32_t> rows;
  {
    int64_t* off = offsets.mutable_data();
    py::gil_scoped_release nogil;
    const gk::IntervalIndex& idx = t.f->index(t.table);
    rows.reserve(static_cast<size_t>(n) * 2);
    for (Py_ssize_t i = 0; i < n; ++i) {
      off[i] = static_cast<int64_t>(rows.size());
      if (t.size() > 0) idx.find(kind, qs[static_cast<size_t>(i)], rows);
    }
    off[n] = static_cast<int64_t>(rows.size());
  }
  py::array_t<uint32_t> out(static_cast<py::ssize_t>(rows.size()));
  if (!rows.empty()) std::memcpy(out.mutable_data(), rows.data(), rows.size() * sizeof(uint32_t));
  return py::make_tuple(offsets, out);
}

py::list exon_ids(const AnnoFile& f) {
  uint32_t n = f.size(gk::kExons);
  py::list l(n);
  char buf[gk::kIdBufSize];
  for (uint32_t i = 0; i < n; ++i) l[i] = opt_str(f.exon_id(i, buf));
  return l;
}

/// Column arrays of a table (copies), for DataFrame / Arrow export.
py::dict columns(const AnnoTable& t) {
  const AnnoFile& f = *t.f;
  uint32_t n = t.size();
  py::array_t<int32_t> chrom(n);
  py::array_t<int64_t> start(n), end(n);
  py::list strand(n);
  py::str plus("+"), minus("-");
  for (uint32_t i = 0; i < n; ++i) {
    Interval iv = f.interval(t.table, i);
    chrom.mutable_data()[i] = iv.chrom;
    start.mutable_data()[i] = iv.start;
    end.mutable_data()[i] = iv.end;
    strand[i] = iv.strand == '+' ? plus : minus;
  }
  const gk::Assembly& a = gk::assembly(f.refg());
  py::list chrom_names;
  for (size_t c = 0; c < a.num_chroms(); ++c) chrom_names.append(a.chrom_name(static_cast<gk::ChromId>(c)));
  py::dict d;
  d["_chrom_codes"] = chrom;
  d["_chrom_names"] = chrom_names;
  d["strand"] = strand;
  d["start"] = start;
  d["end"] = end;
  auto strs = [&](auto get) {
    py::list l(n);
    for (uint32_t i = 0; i < n; ++i) l[i] = opt_str(f.str(get(i)));
    return l;
  };
  auto ints = [&](auto get) {
    py::list l(n);
    for (uint32_t i = 0; i < n; ++i) l[i] = opt_int(get(i));
    return l;
  };
  auto u32 = [&](auto get) {
    py::array_t<int64_t> arr(n);
    for (uint32_t i = 0; i < n; ++i) arr.mutable_data()[i] = get(i);
    return arr;
  };
  switch (t.table) {
    case gk::kGenes:
      d["id"] = strs([&](uint32_t i) { return f.gene(i).id; });
      d["name"] = strs([&](uint32_t i) { return f.gene(i).name; });
      d["type"] = strs([&](uint32_t i) { return f.gene(i).type; });
      d["level"] = ints([&](uint32_t i) { return f.gene(i).level; });
      d["num_transcripts"] = u32([&](uint32_t i) { return f.gene(i).num_trans; });
      break;
    case gk::kTrans:
      d["id"] = strs([&](uint32_t i) { return f.tran(i).id; });
      d["gene_id"] = strs([&](uint32_t i) { return f.gene(f.checked(gk::kGenes, f.tran(i).gene)).id; });
      d["gene_name"] = strs([&](uint32_t i) { return f.gene(f.checked(gk::kGenes, f.tran(i).gene)).name; });
      d["type"] = strs([&](uint32_t i) { return f.tran(i).type; });
      d["level"] = ints([&](uint32_t i) { return f.tran(i).level; });
      d["tsl"] = ints([&](uint32_t i) { return f.tran(i).tsl; });
      d["ccds_id"] = strs([&](uint32_t i) { return f.tran(i).ccds; });
      d["protein_id"] = strs([&](uint32_t i) { return f.tran(i).protein; });
      d["product"] = strs([&](uint32_t i) { return f.tran(i).product; });
      d["gene_index"] = u32([&](uint32_t i) { return f.tran(i).gene; });
      d["num_exons"] = u32([&](uint32_t i) { return f.tran(i).num_exons; });
      d["num_cdss"] = u32([&](uint32_t i) { return f.tran(i).num_cdss; });
      break;
    case gk::kExons:
      d["id"] = exon_ids(f);
      d["transcript_id"] = strs([&](uint32_t i) { return f.tran(f.checked(gk::kTrans, f.exon(i).tran)).id; });
      d["transcript_index"] = u32([&](uint32_t i) { return f.exon(i).tran; });
      d["index"] = u32([&](uint32_t i) { return f.exon(i).index(); });
      break;
    case gk::kIntrons:
      d["transcript_id"] = strs([&](uint32_t i) { return f.tran(f.checked(gk::kTrans, f.intron(i).tran)).id; });
      d["transcript_index"] = u32([&](uint32_t i) { return f.intron(i).tran; });
      d["index"] = u32([&](uint32_t i) { return f.intron(i).index; });
      break;
    default:
      d["transcript_id"] = strs([&](uint32_t i) { return f.tran(f.checked(gk::kTrans, f.part(t.table, i).tran)).id; });
      d["transcript_index"] = u32([&](uint32_t i) { return f.part(t.table, i).tran; });
      d["exon_index"] = u32([&](uint32_t i) { return f.exon(f.checked(gk::kExons, f.part(t.table, i).exon)).index(); });
      if (t.table == gk::kCdss) d["phase"] = u32([&](uint32_t i) { return f.part(t.table, i).phase; });
      break;
  }
  return d;
}

constexpr char kKeyArg[] = "key";
constexpr char kIntervalArg[] = "interval";

py::object getitem_fast(PyObject*, const AnnoTable& t, py::handle k) {
  return getitem(t, k);
}
template <gk::IndexQuery K>
py::object find_fast(PyObject*, const AnnoTable& t, py::handle q) {
  return find(t, K, q);
}

Py_ssize_t table_len_slot(PyObject* self) {
  try {
    return static_cast<Py_ssize_t>(self_value<AnnoTable>(self).size());
  } catch (...) {
    py::detail::try_translate_exceptions();
    return -1;
  }
}

template <int K>
void bind_table(py::module_& m, const char* name, const char* repr_len) {
  using T = TableT<K>;
  py::class_<T, AnnoTable> cls(m, name);
  std::string rl = repr_len;
  std::string nm = name;
  cls.def("__len__", [](const T& t) { return t.size(); })
      .def("__repr__", [nm, rl](const T& t) { return gk::cat("<", nm, ", ", rl, " = ", t.size(), ">"); })
      .def("__getitem__", [](const T& t, py::handle k) { return getitem(t, k); })
      .def_property_readonly("stranded", [](const T&) { return true; })
      .def(
          "index_of", [](const T& t, py::handle e) { return index_of(t, e); }, py::arg("element"),
          "Row number of an element of this table.")
      .def(
          "where", [](const T& t, py::handle mask) { return where(t, mask); }, py::arg("mask"),
          "Rows where a bool mask (one entry per row) is True.")
      .def(
          "rows",
          [](const T& t, py::handle indices) {
            const auto idx = int_array<int64_t>(indices, "indices");
            auto a = idx.unchecked<1>();
            for (py::ssize_t k = 0; k < a.shape(0); ++k)
              if (a(k) < 0 || a(k) >= static_cast<int64_t>(t.size())) gk::index_error("row ", a(k), " out of range");
            return row_objects(t.own(), t.table, static_cast<size_t>(a.shape(0)),
                               [&](size_t k) { return static_cast<uint32_t>(a(static_cast<py::ssize_t>(k))); });
          },
          py::arg("indices"), "Row objects for an array of row numbers (e.g. from find_batch).")
      .def(
          "_row_range",
          [](const T& t, uint32_t begin, uint32_t end) {
            end = std::min(end, t.size());
            begin = std::min(begin, end);
            return rows_list(t.own(), t.table, begin, end - begin);
          },
          py::arg("begin"), py::arg("end"), "Row objects of rows [begin, end) (chunks of table iteration).")
      .def("_columns", [](const T& t) { return columns(t); })
      .def("__reduce__",
           [](const T& t) {  // as its Genome's table (the Genome pickles with the data-manager set-up)
             py::object unpickle = py::module_::import("genome_kit.genome_annotation").attr("_unpickle_table");
             return py::make_tuple(unpickle, py::make_tuple(genome_of(*t.f), gk::anno_table_name(t.table)));
           })
      .def_property_readonly("_refg", [](const T& t) { return gk::assembly(t.f->refg()).name(); })
      .def("_find_batch_intervals", &find_batch_intervals, py::arg("method"), py::arg("intervals"))
      .def("_find_batch", &find_batch, py::arg("method"), py::arg("chromosomes"), py::arg("strands"), py::arg("starts"),
           py::arg("ends"));
  const std::pair<const char*, gk::IndexQuery> methods[] = {{"find_overlapping", gk::IndexQuery::Overlapping},
                                                            {"find_within", gk::IndexQuery::Within},
                                                            {"find_exact", gk::IndexQuery::Exact},
                                                            {"find_5p_within", gk::IndexQuery::Within5p},
                                                            {"find_3p_within", gk::IndexQuery::Within3p},
                                                            {"find_5p_aligned", gk::IndexQuery::Aligned5p},
                                                            {"find_3p_aligned", gk::IndexQuery::Aligned3p}};
  for (auto& [mname, kind] : methods) {
    gk::IndexQuery k = kind;
    cls.def(mname, [k](const T& t, py::handle q) { return find(t, k, q); }, py::arg("interval"));
  }
  // The hot ones again as C method descriptors (same functions, no pybind11 dispatch).
  def_fast_method<AnnoTable, &getitem_fast, kKeyArg>(cls, "__getitem__");
  def_fast_method<AnnoTable, &find_fast<gk::IndexQuery::Overlapping>, kIntervalArg>(cls, "find_overlapping");
  def_fast_method<AnnoTable, &find_fast<gk::IndexQuery::Within>, kIntervalArg>(cls, "find_within");
  def_fast_method<AnnoTable, &find_fast<gk::IndexQuery::Exact>, kIntervalArg>(cls, "find_exact");
  def_fast_method<AnnoTable, &find_fast<gk::IndexQuery::Within5p>, kIntervalArg>(cls, "find_5p_within");
  def_fast_method<AnnoTable, &find_fast<gk::IndexQuery::Within3p>, kIntervalArg>(cls, "find_3p_within");
  def_fast_method<AnnoTable, &find_fast<gk::IndexQuery::Aligned5p>, kIntervalArg>(cls, "find_5p_aligned");
  def_fast_method<AnnoTable, &find_fast<gk::IndexQuery::Aligned3p>, kIntervalArg>(cls, "find_3p_aligned");
  if (K == gk::kGenes || K == gk::kTrans) {
    cls.def(
        "find_by_id",
        [](const T& t, const std::string& id) {
          std::vector<uint32_t> rows = t.f->find_all_ids(t.table, id);
          return row_objects(t.own(), t.table, rows.size(), [&](size_t k) { return rows[k]; });
        },
        py::arg("id"), "Every row whose id is `id` or `id` plus a version suffix ('.N'), in file order.");
  }
  if (K == gk::kGenes) {
    cls.def(
        "first_by_name",
        [](const T& t, const std::string& name) -> py::object {
          for (uint32_t i = 0; i < t.size(); ++i)
            if (t.f->str(t.f->gene(i).name) == name) return wrap(t.own(), t.table, i);
          return py::none();
        },
        py::arg("name"), "First gene (file order) with this name, or None.");
  }
  cls.attr("__module__") = "genome_kit";
  TypeSlots slots;  // len(table) in loops: no pybind11 dispatch
  slots.length = &table_len_slot;
  set_type_slots(cls, slots);
}

py::object table_obj(const FilePtr& f, int table, py::object owner) {
  switch (table) {
    case gk::kGenes:
      return py::cast(TableT<gk::kGenes>{{f, table, owner}});
    case gk::kTrans:
      return py::cast(TableT<gk::kTrans>{{f, table, owner}});
    case gk::kExons:
      return py::cast(TableT<gk::kExons>{{f, table, owner}});
    case gk::kIntrons:
      return py::cast(TableT<gk::kIntrons>{{f, table, owner}});
    case gk::kCdss:
      return py::cast(TableT<gk::kCdss>{{f, table, owner}});
    case gk::kUtr5s:
      return py::cast(TableT<gk::kUtr5s>{{f, table, owner}});
    default:
      return py::cast(TableT<gk::kUtr3s>{{f, table, owner}});
  }
}

py::dict report_dict(const gk::AnnoBuildReport& r) {
  py::dict d;
  py::dict ignored;  // feature types as the file spells them (free text)
  for (const auto& [type, n] : r.ignored_types) ignored[message_str(type)] = n;
  d["ignored_types"] = ignored;
  d["genes"] = r.genes;
  d["transcripts"] = r.transcripts;
  d["exons"] = r.exons;
  return d;
}

// ---- row attributes (C getset descriptors: see fast_rows.h) ------------------

using Obj = py::object;

Obj str_of(const RowRef& r, uint32_t off) {
  std::string_view v = file_of(r).str(off);
  return py::str(v.data(), v.size());
}
Obj opt_str_of(const RowRef& r, uint32_t off) {
  return opt_str(file_of(r).str(off));
}
/// A biotype: few distinct values, shared str objects (None when empty).
Obj type_of(const RowRef& r, uint32_t off) {
  std::string_view v = file_of(r).str(off);
  if (v.empty()) return py::none();
  return py::reinterpret_steal<Obj>(rows::category_str(v));
}
const gk::GeneRow& G(const RowRef& r);
const gk::TranRow& T(const RowRef& r);
Obj tran_tags(const RowRef& r) {
  std::string_view s = file_of(r).str(T(r).tags);
  py::list out;
  while (!s.empty()) {
    size_t c = s.find(',');
    std::string_view tag = s.substr(0, c);
    if (!tag.empty()) out.append(py::str(tag.data(), tag.size()));
    if (c == std::string_view::npos) break;
    s.remove_prefix(c + 1);
  }
  return std::move(out);
}
const gk::GeneRow& G(const RowRef& r) {
  return file_of(r).gene(r.row);
}
const gk::TranRow& T(const RowRef& r) {
  return file_of(r).tran(r.row);
}
const gk::ExonRow& E(const RowRef& r) {
  return file_of(r).exon(r.row);
}
gk::IntronLinks I(const RowRef& r) {
  return file_of(r).intron(r.row);
}
const gk::PartRow& P(const RowRef& r) {
  return file_of(r).part(r.table, r.row);
}
Obj exon_id(const RowRef& r) {
  char buf[gk::kIdBufSize];
  return opt_str(file_of(r).exon_id(r.row, buf));
}
Obj tran_prop(const RowRef& r) {
  return wrap(r.owner, gk::kTrans, tran_row(r));
}
Obj part_exon(const RowRef& r) {
  return wrap(r.owner, gk::kExons, P(r).exon);
}
// Siblings (same transcript, index +-1) are adjacent rows of the same table:
// found without reading the transcript row.
Obj adjacent(const RowRef& r, int table, int64_t k, uint32_t tran) {
  const AnnoFile& f = file_of(r);
  if (k < 0 || k >= static_cast<int64_t>(f.size(table))) return py::none();
  auto row = static_cast<uint32_t>(k);
  uint32_t t = table == gk::kExons     ? f.exon(row).tran
               : table == gk::kIntrons ? f.intron(row).tran
                                       : f.part(table, row).tran;
  if (t != tran) return py::none();
  return py::reinterpret_steal<Obj>(new_row(r.owner, table, row));
}
Obj part_sib(const RowRef& r, int delta) {
  return adjacent(r, r.table, static_cast<int64_t>(r.row) + delta, P(r).tran);
}
Obj exon_sib(const RowRef& r, int delta) {
  return adjacent(r, gk::kExons, static_cast<int64_t>(r.row) + delta, E(r).tran);
}
Obj intron_sib(const RowRef& r, int delta) {
  return adjacent(r, gk::kIntrons, static_cast<int64_t>(r.row) + delta, I(r).tran);
}
// Introns of an exon / exons of an intron: intron i lies between exon i and i+1.
Obj exon_intron(const RowRef& r, int delta) {
  const gk::ExonRow& e = E(r);
  const gk::TranRow& t = file_of(r).tran(file_of(r).checked(gk::kTrans, e.tran));
  return sibling(r, gk::kIntrons, t.first_intron, t.num_exons - 1, e.index(), delta);
}
Obj intron_exon(const RowRef& r, int delta) {
  gk::IntronLinks x = I(r);
  const gk::TranRow& t = file_of(r).tran(file_of(r).checked(gk::kTrans, x.tran));
  return sibling(r, gk::kExons, t.first_exon, t.num_exons, x.index, delta);
}
Obj gene_trans(const RowRef& r) {
  return rows_list(r.owner, gk::kTrans, G(r).first_tran, G(r).num_trans);
}
Obj tran_introns(const RowRef& r) {
  uint32_t n = T(r).num_exons ? T(r).num_exons - 1 : 0;
  return rows_list(r.owner, gk::kIntrons, T(r).first_intron, n);
}

}  // namespace

void register_anno(py::module_& m) {
  py::class_<AnnoRow, Interval>(m, "_AnnoRow", "Base of the annotation row classes (internal).");
  using R = const RowRef&;

  auto gene = row_class<Gene>(m, "Gene", "A gene: an Interval with id, name, type, level and its transcripts.");
  def_row_getter(gene, "id", [](R r) { return str_of(r, G(r).id); });
  def_row_getter(gene, "name", [](R r) { return str_of(r, G(r).name); });
  def_row_getter(gene, "type", [](R r) { return type_of(r, G(r).type); });
  def_row_getter(gene, "level", [](R r) { return opt_int(G(r).level); });
  def_row_getter(
      gene, "transcripts", [](R r) { return gene_trans(r); }, "Transcripts of the gene (a new list, file order).");
  def_row_getter(gene, "trans", [](R r) { return gene_trans(r); });

  auto tran = row_class<Transcript>(m, "Transcript", "A transcript: an Interval with exons, introns, CDSs, UTRs.");
  def_row_getter(tran, "id", [](R r) { return str_of(r, T(r).id); });
  def_row_getter(tran, "type", [](R r) { return type_of(r, T(r).type); });
  def_row_getter(tran, "level", [](R r) { return opt_int(T(r).level); });
  def_row_getter(tran, "tsl", [](R r) { return opt_int(T(r).tsl); });
  def_row_getter(tran, "ccds_id", [](R r) { return opt_str_of(r, T(r).ccds); });
  def_row_getter(tran, "protein_id", [](R r) { return opt_str_of(r, T(r).protein); });
  def_row_getter(tran, "product", [](R r) { return opt_str_of(r, T(r).product); });
  def_row_getter(
      tran, "tags", [](R r) { return tran_tags(r); },
      "The source's tag attributes (GENCODE 'basic', 'MANE_Select', 'appris_principal_1', NCBI 'MANE Select'...), "
      "a new list; [] when it has none (and for GenomeKit's .dganno files, which keep no tags).");
  def_row_getter(tran, "gene", [](R r) { return wrap(r.owner, gk::kGenes, T(r).gene); });
  def_row_getter(tran, "exons",
                 [](R r) { return Obj(rows_list(r.owner, gk::kExons, T(r).first_exon, T(r).num_exons)); });
  def_row_getter(tran, "introns", [](R r) { return tran_introns(r); });
  def_row_getter(tran, "intrs", [](R r) { return tran_introns(r); });
  def_row_getter(tran, "cdss", [](R r) { return Obj(rows_list(r.owner, gk::kCdss, T(r).first_cds, T(r).num_cdss)); });
  def_row_getter(tran, "utr5s",
                 [](R r) { return Obj(rows_list(r.owner, gk::kUtr5s, T(r).first_utr5, T(r).num_utr5s)); });
  def_row_getter(tran, "utr3s",
                 [](R r) { return Obj(rows_list(r.owner, gk::kUtr3s, T(r).first_utr3, T(r).num_utr3s)); });

  auto exon = row_class<Exon>(m, "Exon", "An exon of a transcript (index 0 is the 5'-most).");
  def_row_getter(exon, "id", [](R r) { return exon_id(r); });
  def_row_getter(exon, "index", [](R r) -> Obj { return py::int_(E(r).index()); });
  def_row_getter(exon, "transcript", [](R r) { return tran_prop(r); });
  def_row_getter(exon, "tran", [](R r) { return tran_prop(r); });
  def_row_getter(exon, "cds", [](R r) { return wrap_opt(r.owner, gk::kCdss, E(r).cds); });
  def_row_getter(exon, "utr5", [](R r) { return wrap_opt(r.owner, gk::kUtr5s, E(r).utr5); });
  def_row_getter(exon, "utr3", [](R r) { return wrap_opt(r.owner, gk::kUtr3s, E(r).utr3); });
  def_row_getter(exon, "prev_exon", [](R r) { return exon_sib(r, -1); });
  def_row_getter(exon, "next_exon", [](R r) { return exon_sib(r, +1); });
  def_row_getter(exon, "prev_intron", [](R r) { return exon_intron(r, -1); });
  def_row_getter(exon, "next_intron", [](R r) { return exon_intron(r, 0); });

  auto intron = row_class<Intron>(m, "Intron", "An intron: intron i lies between exon i and exon i+1.");
  def_row_getter(intron, "index", [](R r) -> Obj { return py::int_(I(r).index); });
  def_row_getter(intron, "transcript", [](R r) { return tran_prop(r); });
  def_row_getter(intron, "tran", [](R r) { return tran_prop(r); });
  def_row_getter(intron, "prev_intron", [](R r) { return intron_sib(r, -1); });
  def_row_getter(intron, "next_intron", [](R r) { return intron_sib(r, +1); });
  def_row_getter(intron, "prev_exon", [](R r) { return intron_exon(r, 0); });
  def_row_getter(intron, "next_exon", [](R r) { return intron_exon(r, +1); });

  auto cds = row_class<Cds>(m, "Cds", "The coding part of an exon.");
  def_row_getter(cds, "phase", [](R r) -> Obj { return py::int_(static_cast<int>(P(r).phase)); });
  def_row_getter(cds, "exon", [](R r) { return part_exon(r); });
  def_row_getter(cds, "transcript", [](R r) { return tran_prop(r); });
  def_row_getter(cds, "tran", [](R r) { return tran_prop(r); });
  def_row_getter(cds, "prev_cds", [](R r) { return part_sib(r, -1); });
  def_row_getter(cds, "next_cds", [](R r) { return part_sib(r, +1); });
  auto utr = row_class<Utr>(m, "Utr", "An untranslated (5' or 3') part of an exon.");
  def_row_getter(utr, "exon", [](R r) { return part_exon(r); });
  def_row_getter(utr, "transcript", [](R r) { return tran_prop(r); });
  def_row_getter(utr, "tran", [](R r) { return tran_prop(r); });
  def_row_getter(utr, "prev_utr", [](R r) { return part_sib(r, -1); });
  def_row_getter(utr, "next_utr", [](R r) { return part_sib(r, +1); });

  py::handle classes[] = {gene, tran, exon, intron, cds, utr, utr};
  for (int t = 0; t < gk::kNumAnnoTables; ++t) g_row_type[t] = reinterpret_cast<PyTypeObject*>(classes[t].ptr());
  for (int k = 0; k < 6; ++k) {
    py::handle cls = classes[k];
    def_row_interval_getters(cls);
    set_type_slots(cls, {&row_hash_slot, &row_richcompare, nullptr, nullptr, &row_repr_slot, &row_repr_slot});
  }

  py::class_<AnnoTable>(m, "_AnnoTable");
  bind_table<gk::kGenes>(m, "GeneTable", "len()");
  bind_table<gk::kTrans>(m, "TranscriptTable", "len");
  bind_table<gk::kExons>(m, "ExonTable", "len");
  bind_table<gk::kIntrons>(m, "IntronTable", "len");
  bind_table<gk::kCdss>(m, "CdsTable", "len");
  bind_table<gk::kUtr5s>(m, "UtrTable", "len");
  // utr3s share the Python type UtrTable: register the 3' instantiation under a private name.
  bind_table<gk::kUtr3s>(m, "_Utr3Table", "len");
  m.attr("_Utr3Table").attr("__name__") = "UtrTable";
  m.attr("_Utr3Table").attr("__qualname__") = "UtrTable";

  py::class_<AnnoFile, std::shared_ptr<AnnoFile>>(m, "AnnotationFile", "A mapped .gkanno file (internal).")
      .def(py::init([](const std::string& path, py::handle refg, const std::string& config) {
             gk::RefgId id = resolve_refg(refg);
             py::gil_scoped_release nogil;
             return std::make_shared<AnnoFile>(path, id, config);
           }),
           py::arg("path"), py::arg("reference_genome"), py::arg("config"))
      .def_property_readonly("filename", &AnnoFile::path)
      .def_property_readonly("config", &AnnoFile::config)
      .def("table", [](py::object self, int t) {
        if (t < 0 || t >= gk::kNumAnnoTables) gk::index_error("table ", t);
        return table_obj(self.cast<std::shared_ptr<AnnoFile>>(), t, self);
      });
  m.attr("ANNOTATION_FORMAT_VERSION") = gk::kAnnoVersion;
  m.def(
      "_convert_dganno",
      [](const std::string& path, const std::string& out_path, py::handle refg) {
        gk::RefgId id = resolve_refg(refg);
        py::gil_scoped_release nogil;
        gk::convert_dganno_file(path, out_path, gk::assembly(id));
      },
      py::arg("path"), py::arg("out_path"), py::arg("reference_genome"),
      "Writes the .gkanno image of a GenomeKit .dganno file (atomically).");
  m.def(
      "_chrom_index",
      [](py::handle refg, const std::string& chrom) { return gk::assembly(resolve_refg(refg)).resolve(chrom); },
      "Current chromosome index of a name or alias (ValueError if unknown).");

  m.def(
      "_build_gencode",
      [](py::object stream, const std::string& name, const std::string& out, py::handle refg, bool allow) {
        gk::RefgId id = resolve_refg(refg);
        PyStreamSource src(std::move(stream), name);
        gk::AnnoBuildReport r;
        {
          py::gil_scoped_release nogil;
          r = gk::build_gencode(src, id, out, allow);
        }
        return report_dict(r);
      },
      py::arg("stream"), py::arg("name"), py::arg("out_path"), py::arg("reference_genome"),
      py::arg("allow_unknown_biotypes") = false);
  m.def(
      "_build_ncbi_refseq",
      [](py::object stream, const std::string& name, const std::string& out, py::handle refg, bool allow) {
        gk::RefgId id = resolve_refg(refg);
        PyStreamSource src(std::move(stream), name);
        gk::AnnoBuildReport r;
        {
          py::gil_scoped_release nogil;
          r = gk::build_ncbi_refseq(src, id, out, allow);
        }
        return report_dict(r);
      },
      py::arg("stream"), py::arg("name"), py::arg("out_path"), py::arg("reference_genome"),
      py::arg("allow_unknown_biotypes") = false);
  m.def(
      "_build_ucsc_refseq",
      [](py::object ref_gene, const std::string& gene_name, py::object ref_link, const std::string& link_name,
         const std::string& out, py::handle refg) {
        gk::RefgId id = resolve_refg(refg);
        PyStreamSource g(std::move(ref_gene), gene_name), l(std::move(ref_link), link_name);
        gk::AnnoBuildReport r;
        {
          py::gil_scoped_release nogil;
          r = gk::build_ucsc_refseq(g, l, id, out);
        }
        return report_dict(r);
      },
      py::arg("ref_gene"), py::arg("ref_gene_name"), py::arg("ref_link"), py::arg("ref_link_name"), py::arg("out_path"),
      py::arg("reference_genome"));
}

}  // namespace gkpy
