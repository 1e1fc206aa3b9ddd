// Memory-mapped .vcfbin reader (layout in vcf_table.h). Every offset, count
// and row is validated when the file is opened, so later reads need no checks
// (except string offsets, checked per read: validating them all would read
// every string column on open).
#include <algorithm>
#include <cstring>

#include "binary_format.h"
#include "chrom_table.h"
#include "errors.h"
#include "utf8.h"
#include "vcf_table.h"

namespace gk {

namespace {
/// A {uint32 length, bytes} string, which must be UTF-8.
std::string read_string(const MappedFile& f, uint64_t offset, const char* what) {
  uint32_t len = f.read<uint32_t>(offset, what);
  const char* p = f.array_at<char>(offset + 4, len, what);
  std::string s(p, len);
  if (!is_utf8(s)) f.corrupt(cat(what, " at byte ", offset, " is not UTF-8"));
  return s;
}
}  // namespace

VcfTable::VcfTable(const std::string& path, const std::function<RefgId(const std::string&)>& resolve_refg)
    : file_(path) {
  check_binary_header(file_, "GKVCF", kVcfBinVersion, "VCF table (.vcfbin)");
  VcfDirectory dir = file_.read<VcfDirectory>(kHeaderBytes, "directory");
  num_rows_ = dir.num_rows;
  std::string refg_name = read_string(file_, dir.refg_offset, "reference genome name");
  if (!is_stored_name(refg_name) || refg_name[0] == '.') file_.corrupt("the reference genome name is not valid");
  refg_ = resolve_refg(refg_name);
  uint64_t off = dir.chroms_offset;
  remap_ = read_chrom_table(file_, off, assembly(refg_));
  off = dir.index_offset;
  index_ = IntervalIndex(file_, off, remap_);
  if (index_.num_rows() != num_rows_ || index_.stranded()) file_.corrupt("the interval index does not match the rows");
  rows_ = file_.array_at<VcfRow>(dir.rows_offset, num_rows_, "variant rows");
  alleles_ = file_.array_at<char>(dir.alleles_offset, dir.alleles_bytes, "alleles");
  alleles_bytes_ = dir.alleles_bytes;
  // Rows are checked when read (interval(), ref(), alt()): opening must not
  // read every page of a large table.
  uint32_t n_samples = dir.num_samples;
  // Samples first: FORMAT sizes depend on their number.
  off = dir.samples_offset;
  uint32_t count = file_.read<uint32_t>(off, "sample names");
  if (count != n_samples) file_.corrupt("sample count mismatch");
  off += 4;
  file_.check_range(off, count, 4, "sample names");  // 4 bytes per name at least
  for (uint32_t i = 0; i < count; ++i) {
    samples_.push_back(read_string(file_, off, "sample name"));
    off += 4 + samples_.back().size();
  }
  off = dir.columns_offset;
  for (uint32_t i = 0; i < dir.num_columns; ++i) {
    VcfColumnDesc d = file_.read<VcfColumnDesc>(off, "column descriptor");
    const char* id = file_.array_at<char>(off + sizeof d, d.id_len, "column id");
    off = (off + sizeof d + d.id_len + 7) / 8 * 8;
    VcfColumn c;
    c.id.assign(id, d.id_len);
    if (!is_stored_name(c.id)) file_.corrupt(cat("column #", i, " has an empty or invalid id"));
    c.format = d.section == 1;
    c.dtype = static_cast<VcfDtype>(d.dtype);
    c.depth = d.depth;
    c.bytes = d.data_bytes;
    c.ragged = c.dtype == VcfDtype::String || (d.flags & kVcfColumnRagged);
    c.entries = uint64_t(num_rows_) * (c.format ? n_samples : 1);
    if (d.section > 1 || d.dtype < 1 || d.dtype > 7 || d.depth == 0 || (d.flags & ~kVcfColumnRagged))
      file_.corrupt(cat("column ", c.id, " has an invalid descriptor"));
    c.data = file_.array_at<uint8_t>(d.data_offset, d.data_bytes, "column data");
    if (c.ragged) {
      uint64_t need = (c.entries + 1) * 8, es = c.dtype == VcfDtype::String ? 1 : vcf_dtype_size(c.dtype);
      if (d.data_bytes < need) file_.corrupt(cat("column ", c.id, " is truncated"));
      uint64_t last;
      std::memcpy(&last, c.data + c.entries * 8, 8);
      if (last > (d.data_bytes - need) / es || last * es != d.data_bytes - need)
        file_.corrupt(cat("column ", c.id, " is inconsistent"));
    } else {
      // depth x item size x entries, which a corrupt depth could make wrap around 64 bits.
      uint64_t per_entry = 0, total = 0;
      if (__builtin_mul_overflow(uint64_t(d.depth), uint64_t(vcf_dtype_size(c.dtype)), &per_entry) ||
          __builtin_mul_overflow(per_entry, c.entries, &total) || d.data_bytes != total)
        file_.corrupt(cat("column ", c.id, " has the wrong size"));
    }
    columns_.push_back(std::move(c));
  }
  provenance_ = read_string(file_, dir.provenance_offset, "provenance");
}

const VcfColumn* VcfTable::column(bool format, const std::string& id) const {
  for (const VcfColumn& c : columns_)
    if (c.format == format && c.id == id) return &c;
  return nullptr;
}

Interval VcfTable::interval(uint32_t row) const {
  const VcfRow& r = rows_[row];
  if (r.chrom < 0 || static_cast<size_t>(r.chrom) >= remap_.size() || r.start < 0 || r.end < r.start)
    file_.corrupt(cat("variant row ", row, " is inconsistent"));
  ChromId c = remap_[static_cast<size_t>(r.chrom)];
  if (c < 0)
    os_error("variant row ", row, " of ", file_.path(), " is on a chromosome that ", assembly(refg_).name(),
             " no longer has");
  Interval iv;
  iv.chrom = c;
  iv.refg = refg_;
  iv.strand = '+';
  iv.start = r.start;
  iv.end = r.end;
  return iv;
}

const char* VcfTable::alleles_of(uint32_t row) const {
  const VcfRow& r = rows_[row];
  uint64_t n = uint64_t(r.ref_len) + r.alt_len;
  const char* p = reinterpret_cast<const char*>(&r) + kInlineAllelesAt;
  if (n > kInlineAlleles) {
    if (r.allele_offset > alleles_bytes_ || n > alleles_bytes_ - r.allele_offset)
      file_.corrupt(cat("variant row ", row, " is inconsistent"));
    p = alleles_ + r.allele_offset;
  }
  // Alleles are ASCII (VCF 4.x): a byte past 0x7F is corruption.
  for (uint64_t i = 0; i < n; ++i)
    if (static_cast<unsigned char>(p[i]) >= 0x80) file_.corrupt(cat("alleles of variant row ", row, " are not ASCII"));
  return p;
}

std::string_view VcfTable::ref(uint32_t row) const {
  return std::string_view(alleles_of(row), rows_[row].ref_len);
}

std::string_view VcfTable::alt(uint32_t row) const {
  return std::string_view(alleles_of(row) + rows_[row].ref_len, rows_[row].alt_len);
}

std::pair<const uint8_t*, uint64_t> VcfTable::ragged_at(const VcfColumn& c, uint64_t entry) const {
  uint64_t a, b;
  std::memcpy(&a, c.data + entry * 8, 8);
  std::memcpy(&b, c.data + (entry + 1) * 8, 8);
  uint64_t values = (c.entries + 1) * 8, es = c.dtype == VcfDtype::String ? 1 : vcf_dtype_size(c.dtype);
  if (a > b || b > (c.bytes - values) / es) file_.corrupt(cat("column ", c.id, " has bad offsets at entry ", entry));
  return {c.data + values + a * es, b - a};
}

std::string_view VcfTable::string_at(const VcfColumn& c, uint64_t entry) const {
  auto [p, n] = ragged_at(c, entry);
  std::string_view s(reinterpret_cast<const char*>(p), n);
  if (!is_utf8(s)) file_.corrupt(cat("string column ", c.id, " holds a value at entry ", entry, " that is not UTF-8"));
  return s;
}

void VcfTable::check_query_refg(const Interval& q) const {
  if (q.refg != refg_ && num_rows_ > 0)
    value_error("query ", q.describe(), " is on ", assembly(q.refg).name(), " but the VCF table is on ",
                assembly(refg_).name());
}

void VcfTable::find(IndexQuery kind, const Interval& q, std::vector<uint32_t>& out) const {
  check_query_refg(q);
  index_.find(kind, q, out);
}

void VcfTable::sequence_variations(const Interval& q, std::vector<uint32_t>& out) const {
  check_query_refg(q);
  Interval w = q.with_strand('+');
  w.has_anchor = false;
  std::vector<uint32_t> rows;
  if (q.has_anchor) {
    // Deletions near an anchor pull in sequence from beyond the interval:
    // widen by the total deletion length until it no longer grows.
    int64_t grow = 0;
    for (int iter = 0; iter < 64; ++iter) {
      Interval x = w;
      x.start = q.start - grow;
      x.end = q.end + grow;
      rows.clear();
      index_.find(IndexQuery::Overlapping, x, rows);
      int64_t del = 0;
      for (uint32_t r : rows) del += std::max<int64_t>(0, (rows_[r].end - rows_[r].start) - int64_t(rows_[r].alt_len));
      if (del <= grow) break;
      grow = del;
    }
    w.start = q.start - grow;
    w.end = q.end + grow;
  }
  rows.clear();
  index_.find(IndexQuery::Overlapping, w, rows);
  // Insertions at the 5' boundary change the sequence too.
  Interval b = w;
  b.start = b.end = q.pos_strand() ? w.start : w.end;
  std::vector<uint32_t> at;
  index_.find(IndexQuery::Aligned5p, b, at);
  for (uint32_t r : at)
    if (rows_[r].start == rows_[r].end) rows.push_back(r);
  std::sort(rows.begin(), rows.end(), [&](uint32_t x, uint32_t y) {
    const VcfRow &a = rows_[x], &c = rows_[y];
    if (a.start != c.start) return a.start < c.start;
    if (a.end != c.end) return a.end < c.end;
    return x < y;
  });
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  out.insert(out.end(), rows.begin(), rows.end());
}

}  // namespace gk
