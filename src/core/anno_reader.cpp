// Opening and reading a .gkanno file (layout in anno.h and docs/formats.md).
#include <algorithm>
#include <cstring>

#include "anno.h"
#include "anno_dganno.h"
#include "binary_format.h"
#include "chrom_table.h"
#include "errors.h"
#include "utf8.h"

namespace gk {

const char* anno_table_name(int table) {
  static const char* names[] = {"genes", "transcripts", "exons", "introns", "cdss", "utr5s", "utr3s"};
  return names[table];
}

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

namespace {
// A .gkanno is mapped; GenomeKit's .dganno is converted into a .gkanno image.
MappedFile open_annotation(const std::string& path, RefgId refg) {
  MappedFile f(path);
  if (is_dganno(f)) return dganno_to_gkanno(f, assembly(refg));
  return f;
}

const uint32_t kRowSizes[kNumAnnoTables] = {sizeof(GeneRow), sizeof(TranRow), sizeof(ExonRow), sizeof(IntronRow),
                                            sizeof(PartRow), sizeof(PartRow), sizeof(PartRow)};
}  // namespace

AnnoFile::AnnoFile(const std::string& path, RefgId refg, std::string config)
    : file_(open_annotation(path, refg)), refg_(refg), config_(std::move(config)) {
  check_binary_header(file_, kAnnoMagic, kAnnoVersion, "annotation");
  toc_ = file_.read<AnnoToc>(kHeaderBytes, "annotation table of contents");
  uint64_t off = toc_.chroms_off;
  remap_ = read_chrom_table(file_, off, assembly(refg));
  strings_ = file_.array_at<char>(toc_.strings_off, toc_.strings_size, "string pool");
  if (toc_.strings_size == 0 || strings_[toc_.strings_size - 1] != '\0' || strings_[0] != '\0')
    file_.corrupt("string pool is not NUL terminated");
  for (int t = 0; t < kNumAnnoTables; ++t)
    if (toc_.row_size[t] != kRowSizes[t]) file_.corrupt(cat("row size of table ", anno_table_name(t)));
  genes_ = file_.array_at<GeneRow>(toc_.rows_off[kGenes], toc_.num_rows[kGenes], "gene rows");
  trans_ = file_.array_at<TranRow>(toc_.rows_off[kTrans], toc_.num_rows[kTrans], "transcript rows");
  exons_ = file_.array_at<ExonRow>(toc_.rows_off[kExons], toc_.num_rows[kExons], "exon rows");
  introns_ = file_.array_at<IntronRow>(toc_.rows_off[kIntrons], toc_.num_rows[kIntrons], "intron rows");
  for (int t = kCdss; t <= kUtr3s; ++t)
    parts_[t - kCdss] = file_.array_at<PartRow>(toc_.rows_off[t], toc_.num_rows[t], "CDS/UTR rows");
  for (int t = 0; t < kNumAnnoTables; ++t) {
    uint64_t o = toc_.index_off[t];
    index_[t] = IntervalIndex(file_, o, remap_);
    if (index_[t].num_rows() != toc_.num_rows[t] || !index_[t].stranded())
      file_.corrupt(cat("index of ", anno_table_name(t)));
  }
  for (int k = 0; k < 2; ++k) ids_[k] = file_.array_at<IdKey>(toc_.id_index_off[k], toc_.id_index_count[k], "id index");
  if (toc_.id_formats_count > kMaxIdFormats) file_.corrupt(cat(toc_.id_formats_count, " exon id formats"));
  id_formats_ = file_.array_at<IdFormatEntry>(toc_.id_formats_off, toc_.id_formats_count, "exon id formats");
  for (uint64_t k = 0; k < toc_.id_formats_count; ++k)
    if (!valid_id_format(id_formats_[k])) file_.corrupt(cat("exon id format ", k, " is malformed"));

  // Links between rows are validated when followed (AnnoFile::checked), not
  // here: opening must not touch every page of a large file.
}

uint32_t AnnoFile::checked(int table, uint32_t row) const {
  if (row >= size(table)) file_.corrupt(cat("a link points past the end of table ", anno_table_name(table)));
  return row;
}

void AnnoFile::check_rows(int table, uint32_t first, uint32_t count) const {
  // 64-bit sum: first + count cannot wrap around past the table's end.
  if (uint64_t(first) + count > size(table))
    file_.corrupt(cat("rows ", first, "..", uint64_t(first) + count, " of table ", anno_table_name(table),
                      " lie past its end (", size(table), " rows)"));
}

const RowIv& AnnoFile::row_iv(int table, uint32_t row) const {
  switch (table) {
    case kGenes:
      return *reinterpret_cast<const RowIv*>(&genes_[row]);
    case kTrans:
      return *reinterpret_cast<const RowIv*>(&trans_[row]);
    case kExons:
      return *reinterpret_cast<const RowIv*>(&exons_[row]);
    default:
      return *reinterpret_cast<const RowIv*>(&part(table, row));
  }
}

IntronLinks AnnoFile::intron(uint32_t i) const {
  uint32_t e = introns_[i].exon;
  if (uint64_t(e) + 1 >= size(kExons) || exons_[e].tran != exons_[e + 1].tran)
    file_.corrupt(cat("intron ", i, " links to exon ", e, ", which is not followed by an exon of its transcript"));
  return {e, exons_[e].tran, exons_[e].index()};
}

// The gap between the intron's exon and the next one (5'->3').
RowIv AnnoFile::intron_iv(uint32_t row) const {
  const ExonRow& a = exons_[intron(row).exon];
  const ExonRow& b = (&a)[1];
  if (a.chrom != b.chrom || a.strand != b.strand)
    file_.corrupt(cat("intron ", row, " lies between exons on different chromosomes or strands"));
  RowIv r{a.chrom, 0, 0, a.strand};
  r.start = a.strand == '-' ? b.end : a.end;
  r.end = a.strand == '-' ? a.start : b.start;
  return r;
}

Interval AnnoFile::interval(int table, uint32_t row) const {
  RowIv intron{};
  if (table == kIntrons) intron = intron_iv(row);
  const RowIv& r = table == kIntrons ? intron : row_iv(table, row);
  if (r.chrom < 0 || static_cast<size_t>(r.chrom) >= remap_.size() || remap_[static_cast<size_t>(r.chrom)] < 0)
    file_.corrupt(cat("row ", row, " of ", anno_table_name(table), " is on chromosome #", r.chrom,
                      ", unknown in assembly ", assembly(refg_).name()));
  if (r.end < r.start || (r.strand != '+' && r.strand != '-'))
    file_.corrupt(cat("row ", row, " of ", anno_table_name(table), " has interval [", r.start, ", ", r.end,
                      ") on strand byte ", int(r.strand)));
  Interval iv;
  iv.chrom = remap_[static_cast<size_t>(r.chrom)];
  iv.strand = r.strand;
  iv.start = r.start;
  iv.end = r.end;
  iv.refg = refg_;
  return iv;
}

std::string_view AnnoFile::str(uint32_t off) const {
  if (off >= toc_.strings_size) file_.corrupt("a string offset points past the string pool");
  std::string_view s(strings_ + off);  // the pool ends with NUL (checked on open)
  if (!is_utf8(s)) file_.corrupt(cat("the string at pool offset ", off, " is not UTF-8"));
  return s;
}

std::string_view AnnoFile::exon_id(uint32_t row, char* buf) const {
  uint64_t code = exons_[row].id;
  if (is_pooled_id(code)) {
    if (code >> 32) file_.corrupt(cat("exon ", row, " has id code ", code));
    return str(static_cast<uint32_t>(code));
  }
  int n = decode_id(code, id_formats_, static_cast<uint32_t>(toc_.id_formats_count), buf);
  if (n < 0) file_.corrupt(cat("exon ", row, " has id code ", code, ", outside its formats"));
  return std::string_view(buf, static_cast<size_t>(n));
}

std::string_view AnnoFile::id_of(int table, uint32_t row) const {
  checked(table, row);
  return str(table == kGenes ? genes_[row].id : trans_[row].id);
}

namespace {
bool id_matches(std::string_view id, std::string_view key) {
  return id.size() >= key.size() && id.compare(0, key.size(), key) == 0 &&
         (id.size() == key.size() || id[key.size()] == '.');
}
}  // namespace

std::vector<uint32_t> AnnoFile::find_all_ids(int table, std::string_view key) const {
  std::vector<uint32_t> out;
  if (key.empty() || (table != kGenes && table != kTrans)) return out;
  auto h = static_cast<uint32_t>(fnv1a64(key));
  const IdKey* b = ids_[table];
  const IdKey* e = b + toc_.id_index_count[table];
  auto lo = std::lower_bound(b, e, h, [](const IdKey& k, uint32_t v) { return k.hash < v; });
  for (; lo != e && lo->hash == h; ++lo)
    if (id_matches(id_of(table, lo->row), key)) out.push_back(lo->row);
  out.erase(std::unique(out.begin(), out.end()), out.end());  // sorted by (hash, row) already
  return out;
}

uint32_t AnnoFile::find_id(int table, std::string_view key) const {
  if (key.empty() || (table != kGenes && table != kTrans)) return kNoRow;
  auto h = static_cast<uint32_t>(fnv1a64(key));
  const IdKey* b = ids_[table];
  const IdKey* e = b + toc_.id_index_count[table];
  auto lo = std::lower_bound(b, e, h, [](const IdKey& k, uint32_t v) { return k.hash < v; });
  for (; lo != e && lo->hash == h; ++lo)
    if (id_matches(id_of(table, lo->row), key)) return lo->row;
  return kNoRow;
}

}  // namespace gk
