// GFF3 / GTF parsing for the annotation builders: GENCODE and Ensembl (GFF3
// or GTF, told apart by the attribute syntax), FlyBase-style GFF3 (gene →
// mRNA/tRNA/... → exon), and NCBI RefSeq GFF3 (interleaved records resolved
// per chromosome block). Field rules follow docs/annotations.md.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "anno_builder.h"
#include "errors.h"

namespace gk {

namespace {

const char* const kBiotypes[] = {"3prime_overlapping_ncRNA",
                                 "C_region",
                                 "C_region_pseudogene",
                                 "D_segment",
                                 "D_segment_pseudogene",
                                 "IG_C_gene",
                                 "IG_C_pseudogene",
                                 "IG_D_gene",
                                 "IG_D_pseudogene",
                                 "IG_J_gene",
                                 "IG_J_pseudogene",
                                 "IG_LV_gene",
                                 "IG_V_gene",
                                 "IG_V_pseudogene",
                                 "IG_pseudogene",
                                 "J_segment",
                                 "J_segment_pseudogene",
                                 "Mt_rRNA",
                                 "Mt_tRNA",
                                 "RNase_MRP_RNA",
                                 "RNase_P_RNA",
                                 "SRP_RNA",
                                 "TEC",
                                 "TR_C_gene",
                                 "TR_D_gene",
                                 "TR_J_gene",
                                 "TR_J_pseudogene",
                                 "TR_V_gene",
                                 "TR_V_pseudogene",
                                 "V_segment",
                                 "V_segment_pseudogene",
                                 "Y_RNA",
                                 "antisense",
                                 "antisense_RNA",
                                 "artifact",
                                 "bidirectional_promoter_lncRNA",
                                 "guide_RNA",
                                 "lincRNA",
                                 "lnc_RNA",
                                 "macro_lncRNA",
                                 "miRNA",
                                 "misc_RNA",
                                 "ncRNA",
                                 "ncRNA_pseudogene",
                                 "non_coding",
                                 "non_stop_decay",
                                 "nonsense_mediated_decay",
                                 "piRNA",
                                 "polymorphic_pseudogene",
                                 "pre_miRNA",
                                 "processed_pseudogene",
                                 "processed_transcript",
                                 "protein_coding",
                                 "protein_coding_CDS_not_defined",
                                 "protein_coding_LoF",
                                 "pseudogene",
                                 "rRNA",
                                 "rRNA_pseudogene",
                                 "retained_intron",
                                 "ribozyme",
                                 "sRNA",
                                 "scRNA",
                                 "scaRNA",
                                 "sense_intronic",
                                 "sense_overlapping",
                                 "snRNA",
                                 "snoRNA",
                                 "tRNA",
                                 "tRNA_pseudogene",
                                 "telomerase_RNA",
                                 "transcribed_processed_pseudogene",
                                 "transcribed_unitary_pseudogene",
                                 "transcribed_unprocessed_pseudogene",
                                 "translated_processed_pseudogene",
                                 "translated_unprocessed_pseudogene",
                                 "unitary_pseudogene",
                                 "unprocessed_pseudogene",
                                 "vaultRNA"};

// Other sources' spellings of biotypes, accepted as they are (a file's biotype
// is stored as the file spells it): Ensembl's and NCBI's names (lncRNA,
// vault_RNA, ...) and the transcript biotypes of NCBI GTFs (mRNA, ...).
const char* const kOtherBiotypeSpellings[] = {"3prime_overlapping_ncrna",
                                              "C_gene_segment",
                                              "D_gene_segment",
                                              "J_gene_segment",
                                              "V_gene_segment",
                                              "lincrna",
                                              "lncRNA",
                                              "mRNA",
                                              "other",
                                              "primary_transcript",
                                              "transcript",
                                              "transcribed_pseudogene",
                                              "unknown_likely_coding",
                                              "vault_RNA"};

// ---- line and attribute parsing --------------------------------------------

struct Fields {
  std::string_view col[9];
};

bool split9(std::string_view line, Fields& f) {
  // The first eight columns are short: a byte loop beats a memchr call per column.
  const char* p = line.data();
  const char* end = p + line.size();
  const char* col = p;
  for (int i = 0; i < 8; ++i) {
    while (p < end && *p != '\t') ++p;
    if (p == end) return false;
    f.col[i] = std::string_view(col, static_cast<size_t>(p - col));
    col = ++p;
  }
  f.col[8] = std::string_view(col, static_cast<size_t>(end - col));  // extra tabs stay in the attribute column
  return true;
}

/// a == b for the short strings of a row (keys, ids): no library call on the way.
inline bool same(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char *p = a.data(), *q = b.data();
  for (; n >= 8; p += 8, q += 8, n -= 8) {
    uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
  }
  for (; n; --n)
    if (*p++ != *q++) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The attributes of one row; values point into the line or into `decoded`.
class Attrs {
 public:
  void parse_gff3(std::string_view s) {
    kv_.clear();
    if (!decoded_.empty()) decoded_.clear();
    // Items end at ';', the key at the item's first '='; a '%' in a value means escapes. Only
    // those three bytes matter: visit them (16 bytes at a time where SSE2 is there).
    const char* base = s.data();
    const char* item = base;
    const char* eq = nullptr;
    bool pct = false;
    auto visit = [&](const char* p) {
      char c = *p;
      if (c == ';') {
        finish_gff3_item(item, p, eq, pct);
        item = p + 1;
        eq = nullptr;
        pct = false;
      } else if (c == '=') {
        if (!eq) eq = p;
      } else if (eq) {  // '%'
        pct = true;
      }
    };
    size_t n = s.size(), i = 0;
#ifdef __SSE2__
    const __m128i semi = _mm_set1_epi8(';'), equal = _mm_set1_epi8('='), percent = _mm_set1_epi8('%');
    for (; i + 16 <= n; i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + i));
      __m128i hit =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, semi), _mm_cmpeq_epi8(v, equal)), _mm_cmpeq_epi8(v, percent));
      for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hit)); m; m &= m - 1)
        visit(base + i + static_cast<unsigned>(__builtin_ctz(m)));
    }
#endif
    for (; i < n; ++i)
      if (base[i] == ';' || base[i] == '=' || base[i] == '%') visit(base + i);
    finish_gff3_item(item, base + n, eq, pct);
  }
  void parse_gtf(std::string_view s) {
    kv_.clear();
    decoded_.clear();
    size_t i = 0, n = s.size();
    while (i < n) {
      while (i < n && (s[i] == ' ' || s[i] == ';' || s[i] == '\t')) ++i;
      if (i >= n) break;
      size_t k0 = i;
      while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != ';') ++i;
      std::string_view key = s.substr(k0, i - k0);
      while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
      std::string_view val;
      if (i < n && s[i] == '"') {
        size_t q = s.find('"', i + 1);
        if (q == std::string_view::npos) q = n;
        val = s.substr(i + 1, q - i - 1);
        i = q + 1;
      } else {
        size_t v0 = i;
        while (i < n && s[i] != ';') ++i;
        val = trim(s.substr(v0, i - v0));
      }
      kv_.push_back({key, val});
    }
  }
  std::string_view get(std::string_view key) const {
    for (auto& [k, v] : kv_)
      if (same(k, key)) return v;
    return {};
  }
  /// Every value of `key` joined by ',' (GTF repeats `tag "x";`, GFF3 lists them in one value).
  std::string joined(std::string_view key) const {
    std::string out;
    for (auto& [k, v] : kv_)
      if (same(k, key) && !v.empty()) {
        if (!out.empty()) out.push_back(',');
        out.append(v.data(), v.size());
      }
    return out;
  }
  bool has(std::string_view key) const {
    for (auto& kv : kv_)
      if (same(kv.first, key)) return true;
    return false;
  }

 private:
  void finish_gff3_item(const char* item, const char* stop, const char* eq, bool pct) {
    if (!eq) return;  // no '=' (or an empty item): nothing to keep
    std::string_view key = trim(std::string_view(item, static_cast<size_t>(eq - item)));
    const char* v_end = stop;  // the value keeps leading blanks, loses trailing ones (as the item's trim)
    while (v_end > eq + 1 && (v_end[-1] == ' ' || v_end[-1] == '\t' || v_end[-1] == '\r')) --v_end;
    std::string_view v(eq + 1, static_cast<size_t>(v_end - eq - 1));
    if (pct) v = decode(v);
    kv_.push_back({key, v});
  }

  std::string_view decode(std::string_view v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '%' && i + 2 < v.size() + 0 && hexval(v[i + 1]) >= 0 && hexval(v[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hexval(v[i + 1]) * 16 + hexval(v[i + 2])));
        i += 2;
      } else {
        out.push_back(v[i]);
      }
    }
    decoded_.push_back(std::move(out));
    return decoded_.back();
  }
  std::vector<std::pair<std::string_view, std::string_view>> kv_;
  std::deque<std::string> decoded_;
};

std::string_view strip_prefix(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p ? s.substr(p.size()) : s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view first_of(std::string_view list) {
  return list.substr(0, list.find(','));
}

/// Calls f(item) for each comma-separated item (an empty list has none); stops early when f returns true.
template <class F>
void for_each_comma(std::string_view list, F f) {
  while (!list.empty()) {
    size_t c = list.find(',');
    if (f(list.substr(0, c))) return;
    if (c == std::string_view::npos) break;
    list = list.substr(c + 1);
  }
}

/// Position of `key` (at least 2 bytes) in `s`, or npos: candidates are the
/// places where its first and last bytes both match, 16 at a time with SSE2.
size_t find_key(std::string_view s, std::string_view key) {
  size_t n = s.size(), k = key.size(), i = 0;
  if (k > n) return std::string_view::npos;
#ifdef __SSE2__
  const __m128i first = _mm_set1_epi8(key[0]), last = _mm_set1_epi8(key[k - 1]);
  for (; i + k - 1 + 16 <= n; i += 16) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i + k - 1));
    unsigned m =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last))));
    for (; m; m &= m - 1) {
      size_t at = i + static_cast<unsigned>(__builtin_ctz(m));
      if (std::memcmp(s.data() + at + 1, key.data() + 1, k - 2) == 0) return at;
    }
  }
#endif
  for (; i + k <= n; ++i)
    if (s[i] == key[0] && std::memcmp(s.data() + i + 1, key.data() + 1, k - 1) == 0) return i;
  return std::string_view::npos;
}

/// Lower-cased copy, in `buf` when it fits (no allocation for the short strings of columns 2 and 3).
class Lower {
 public:
  explicit Lower(std::string_view s) {
    char* out = s.size() <= sizeof buf_ ? buf_ : (long_.resize(s.size()), &long_[0]);
    for (size_t i = 0; i < s.size(); ++i) out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    view_ = std::string_view(out, s.size());
  }
  Lower(const Lower&) = delete;
  Lower& operator=(const Lower&) = delete;
  std::string_view view() const { return view_; }

 private:
  char buf_[64];
  std::string long_;
  std::string_view view_;
};

/// Common per-row state: location and the context for messages.
struct Row {
  Fields f;
  ChromId chrom;
  char strand;
  int64_t start, end;  // DNA0
  bool wraps;          // crosses the origin of a circular chromosome (end = position + chromosome size)
};

class Parser {
 public:
  Parser(ByteSource& src, AnnoModel& model) : reader_(src), model_(model) {}

  [[noreturn]] void fail(const std::string& msg) { value_error(reader_.where(), ": ", msg); }

  int64_t number(std::string_view s, const char* what) {
    int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) fail(cat("non-numeric ", what, " '", s, "'"));
    return v;
  }

  ChromId chrom(std::string_view name) {
    if (last_chrom_ >= 0 && same(name, last_chrom_name_)) return last_chrom_;  // rows come chromosome by chromosome
    auto it = chrom_cache_.find(std::string(name));
    ChromId c;
    if (it != chrom_cache_.end()) {
      c = it->second;
    } else {
      c = model_.assembly().find(std::string(name));
      if (c < 0) fail(unknown_chromosome(model_.assembly(), name));
      chrom_cache_.emplace(std::string(name), c);
    }
    last_chrom_name_.assign(name.data(), name.size());
    last_chrom_ = c;
    last_chrom_size_ = model_.assembly().chrom_size(c);
    return c;
  }

  /// Reads the next data row; false at end of input. `block_end` is set when
  /// a `###` line (GFF3 "all forward references resolved") was skipped. A
  /// `##FASTA` line, or a FASTA header, ends the features (GFF3 section 2.2).
  bool next(Row& r, bool* block_end = nullptr) {
    std::string_view line;
    while (!at_fasta_ && reader_.next(line)) {
      if (line.empty() || line[0] == '#' || line[0] == '>') {
        if (line.substr(0, 1) == ">" || line.substr(0, 7) == "##FASTA") at_fasta_ = true;
        if (block_end && line.substr(0, 3) == "###") *block_end = true;
        continue;
      }
      if (trim(line).empty()) continue;
      if (!split9(line, r.f)) {
        if (line.find('\t') == std::string_view::npos)
          fail("expected 9 tab-separated columns (GFF3/GTF), but the line has no tab (columns separated by spaces?)");
        fail("expected 9 tab-separated columns (GFF3/GTF)");
      }
      r.chrom = chrom(r.f.col[0]);
      r.strand = r.f.col[6].size() == 1 ? r.f.col[6][0] : '?';  // checked by the builders on rows they keep
      int64_t s = number(r.f.col[3], "start"), e = number(r.f.col[4], "end");
      if (s < 1 || s > e) fail(cat("start ", s, " is after end ", e, " (1-based, inclusive coordinates)"));
      if (r.f.col[2] == "region" && r.f.col[8].find("Is_circular=true") != std::string_view::npos) {
        if (circular_.size() <= static_cast<size_t>(r.chrom)) circular_.resize(r.chrom + 1, false);
        circular_[r.chrom] = true;
      }
      r.wraps = false;
      if (last_chrom_size_ >= 0 && e > last_chrom_size_) {
        bool circular = static_cast<size_t>(r.chrom) < circular_.size() && circular_[r.chrom];
        if (!circular || s > last_chrom_size_ || e > 2 * last_chrom_size_)
          fail(past_chromosome_end(model_.assembly(), r.chrom, e));
        r.wraps = true;  // GFF3's notation for a feature across the origin: the builders skip it
      }
      r.start = s - 1;
      r.end = e;
      return true;
    }
    return false;
  }

  void check_strand(const Row& r) {
    if (r.strand != '+' && r.strand != '-') fail(cat("strand must be '+' or '-', got '", r.f.col[6], "'"));
  }

  bool peek(std::string_view& line) const { return reader_.peek(line); }
  std::string where() const { return reader_.where(); }
  uint64_t line() const { return reader_.line_number(); }
  const std::string& name() const { return reader_.name(); }

 private:
  LineReader reader_;
  AnnoModel& model_;
  std::unordered_map<std::string, ChromId> chrom_cache_;
  std::string last_chrom_name_;
  ChromId last_chrom_ = -1;
  int64_t last_chrom_size_ = -1;  // -1: a name only the alias table knows (no size to check)
  bool at_fasta_ = false;
  std::vector<bool> circular_;  // by chromosome: a region row said Is_circular=true
};

/// Rows that cross the origin of a circular chromosome cannot be intervals: they are skipped with
/// their descendants, and counted in the report as "<type> crossing the origin".
class OriginSkipper {
 public:
  /// True if the row (attributes parsed) is skipped: it wraps, or its parent was skipped.
  bool skip(const Row& r, const Attrs& a, AnnoBuildReport& report) {
    if (!r.wraps && ids_.empty()) return false;
    bool skip = r.wraps;
    for_each_comma(a.get("Parent"), [&](std::string_view p) { return skip = skip || skipped(p); });
    if (!skip) return false;
    std::string_view id = a.get("ID");
    if (!id.empty()) ids_.insert(std::string(id));
    ++report.ignored_types[cat(r.f.col[2], " crossing the origin of a circular chromosome")];
    return true;
  }
  bool skipped(std::string_view id) const { return !ids_.empty() && ids_.count(std::string(id)); }

 private:
  std::unordered_set<std::string> ids_;
};

int8_t level_from_source(std::string_view source, bool ncbi) {
  Lower low(source);
  std::string_view s = low.view();
  if (ncbi) {
    if (s == "gnomon") return 3;
    if (s.find("bestrefseq") != std::string_view::npos || s.find("curated genomic") != std::string_view::npos ||
        s.find("refseq") != std::string_view::npos)
      return 2;
    return kNoLevel;
  }
  if (s == "ensembl") return 3;
  if (s.substr(0, 6) == "havana" || s == "ensembl_havana") return 2;
  return kNoLevel;
}

int8_t parse_tsl(std::string_view v) {
  v = v.substr(0, v.find(' '));
  if (v.size() == 1 && v[0] >= '1' && v[0] <= '5') return static_cast<int8_t>(v[0] - '0');
  return 6;  // "NA", missing or unknown
}

enum class Kind { Gene, Tran, Exon, Cds, Utr5, Utr3, Utr, Stop, Other };

Kind part_kind(std::string_view type) {
  if (type == "exon") return Kind::Exon;
  if (type == "CDS") return Kind::Cds;
  if (type == "gene" || type == "transcript") return Kind::Other;
  Lower low(type);
  std::string_view t = low.view();
  if (t == "five_prime_utr" || t == "5utr" || t == "five_prime_utr_region") return Kind::Utr5;
  if (t == "three_prime_utr" || t == "3utr" || t == "three_prime_utr_region") return Kind::Utr3;
  if (t == "utr") return Kind::Utr;
  if (t == "noncoding_exon") return Kind::Exon;  // SO:0000198, an exon (SGD)
  return Kind::Other;
}

// Pieces of transcripts the model derives itself (codons, introns): ignored
// without a warning, never the parent of anything.
bool transcript_piece(std::string_view type) {
  static const std::string_view kinds[] = {"start_codon", "stop_codon", "Selenocysteine",
                                           "stop_codon_redefined_as_selenocysteine", "intron"};
  for (std::string_view k : kinds)
    if (type == k) return true;
  return false;
}

// Feature types every GENCODE/Ensembl/FlyBase file has and that carry nothing
// the model keeps: ignored without a warning.
bool silently_ignored(std::string_view type) {
  static const std::string_view kinds[] = {"chromosome", "region",      "biological_region",
                                           "scaffold",   "supercontig", "contig"};
  for (std::string_view k : kinds)
    if (type == k) return true;
  return transcript_piece(type);
}

}  // namespace

std::string unknown_biotype(std::string_view bt) {
  return cat("unrecognised biotype '", bt,
             "' (pass allow_unknown_biotypes=True to keep biotypes GENCODE, Ensembl and NCBI do not use)");
}

std::string unknown_chromosome(const Assembly& a, std::string_view name) {
  return cat("unknown chromosome '", name, "' for assembly ", a.name(), " (a file of another assembly? other names of ",
             "its chromosomes go in ", a.name(), ".chromAlias.txt)");
}

std::string past_chromosome_end(const Assembly& a, ChromId chrom, int64_t end) {
  return cat("feature ends at ", end, ", past the end of ", a.chrom_name(chrom), " (", a.chrom_size(chrom), " bp in ",
             a.name(), "): is the file annotating another assembly?");
}

bool is_known_biotype(std::string_view s) {
  for (const char* b : kBiotypes)
    if (s == b) return true;
  for (const char* b : kOtherBiotypeSpellings)
    if (s == b) return true;
  return false;
}

std::string_view known_biotype(size_t i) {
  return i < sizeof kBiotypes / sizeof kBiotypes[0] ? kBiotypes[i] : "";
}

namespace {

// ---- GENCODE / Ensembl / generic GFF3 and GTF ------------------------------

class GencodeBuilder {
 public:
  GencodeBuilder(ByteSource& src, AnnoModel& model, bool allow_unknown)
      : p_(src, model),
        m_(model),
        allow_unknown_(allow_unknown),
        gene_by_id_(model.strings),
        tran_by_id_(model.strings) {}

  AnnoBuildReport run() {
    Row r;
    while (p_.next(r)) {
      if (!format_known_) {
        std::string_view a = trim(r.f.col[8]);
        size_t eq = a.find('='), sp = a.find_first_of(" \t\"");
        gtf_ = sp != std::string_view::npos && (eq == std::string_view::npos || sp < eq);
        format_known_ = true;
      }
      hint_next_row();
      if (gtf_)
        attrs_.parse_gtf(r.f.col[8]);
      else
        attrs_.parse_gff3(r.f.col[8]);
      if (!skipper_.skip(r, attrs_, report_)) row(r);
    }
    resolve_at_end();
    return report_;
  }

 private:
  // Most rows are exons whose new exon_id goes into the string pool: a probe of a table of tens of
  // MB, a cache miss each. Loading the next row's slot while this row is processed hides most of it.
  void hint_next_row() {
    std::string_view line;
    if (!p_.peek(line)) return;
    std::string_view key = gtf_ ? std::string_view("exon_id \"") : std::string_view("exon_id=");
    size_t at = find_key(line, key);
    if (at == std::string_view::npos) return;
    size_t v0 = at + key.size();
    size_t v1 = line.find(gtf_ ? '"' : ';', v0);
    if (v1 == std::string_view::npos) v1 = line.size();
    m_.strings.prefetch(build_hash(line.substr(v0, v1 - v0)));
  }

  uint32_t biotype(std::string_view raw) {
    if (raw.empty()) return 0;
    // A file has a few dozen biotypes: remember what each raw string became.
    if (raw == last_biotype_raw_) return last_biotype_;
    for (auto& [k, v] : biotype_cache_)
      if (k == raw) {
        last_biotype_raw_ = k;
        return last_biotype_ = v;
      }
    uint32_t off = biotype_uncached(raw);
    biotype_cache_.emplace_back(std::string(raw), off);
    return off;
  }

  uint32_t biotype_uncached(std::string_view raw) {
    if (!allow_unknown_ && !is_known_biotype(raw)) p_.fail(unknown_biotype(raw));
    return m_.strings.add(raw);
  }

  int8_t level(std::string_view source) {
    std::string_view lv = attrs_.get("level");
    if (!lv.empty()) {
      if (lv.size() == 1 && lv[0] >= '1' && lv[0] <= '3') return static_cast<int8_t>(lv[0] - '0');
      p_.fail(cat("level must be 1, 2 or 3, got '", lv, "'"));
    }
    return level_from_source(source, false);
  }

  static void grow(int64_t& s, int64_t& e, const Row& r) {
    s = std::min(s, r.start);
    e = std::max(e, r.end);
  }

  uint32_t new_gene(const Row& r, std::string_view id, uint64_t h) {
    BGene g;
    g.chrom = r.chrom;
    g.strand = r.strand;
    g.start = r.start;
    g.end = r.end;
    g.id = m_.strings.add(id, h);
    m_.genes.push_back(std::move(g));
    uint32_t gi = static_cast<uint32_t>(m_.genes.size() - 1);
    gene_by_id_.set(m_.genes[gi].id, h, gi);
    gene_memo_.valid = false;
    return gi;
  }

  void fill_gene(BGene& g, const Row& r, std::string_view id) {
    std::string_view name = attrs_.get("gene_name");
    if (name.empty()) name = attrs_.get("Name");
    if (name.empty()) name = attrs_.get("gene_id");
    if (name.empty()) name = id;
    g.name = m_.strings.add(name);
    std::string_view type = attrs_.get("gene_type");
    if (type.empty()) type = attrs_.get("biotype");
    if (type.empty()) type = attrs_.get("gene_biotype");
    g.type = biotype(type);
    g.level = level(r.f.col[1]);
  }

  uint32_t new_tran(const Row& r, std::string_view id, uint64_t h, uint32_t gi) {
    uint32_t ti = add_tran(r, id, h, gi, p_.line());
    tran_by_id_.set(m_.trans[ti].id, h, ti);
    tran_memo_.valid = false;
    return ti;
  }

  /// A transcript row not registered by id (the implicit transcript of a gene shares the gene's id).
  uint32_t add_tran(const Row& r, std::string_view id, uint64_t h, uint32_t gi, uint64_t line) {
    BTran t;
    t.chrom = r.chrom;
    t.strand = r.strand;
    t.start = r.start;
    t.end = r.end;
    t.id = m_.strings.add(id, h);
    t.gene = gi;
    t.line = line;
    m_.trans.push_back(t);
    uint32_t ti = static_cast<uint32_t>(m_.trans.size() - 1);
    if (gi != kNoRow) m_.genes[gi].trans.push_back(ti);
    return ti;
  }

  void fill_tran(BTran& t, const Row& r) {
    std::string_view type = attrs_.get("transcript_type");
    if (type.empty()) type = attrs_.get("biotype");
    if (type.empty()) type = attrs_.get("transcript_biotype");
    if (!type.empty())
      t.type = biotype(type);
    else if (r.f.col[2] != "transcript")
      t.type = m_.strings.add(r.f.col[2]);  // FlyBase & co: the feature type (mRNA, tRNA, ...)
    t.tsl = parse_tsl(attrs_.get("transcript_support_level"));
    t.ccds = m_.strings.add(attrs_.get("ccdsid"));
    t.protein = m_.strings.add(attrs_.get("protein_id"));
    t.tags = m_.strings.add(attrs_.joined("tag"));
    t.level = level(r.f.col[1]);
  }

  void check_same_place(const Row& r, ChromId chrom, char strand, const char* what, std::string_view id) {
    if (r.chrom != chrom || r.strand != strand)
      p_.fail(cat("row is on ", r.f.col[0], ":", r.strand, " but its ", what, " '", id, "' is on ",
                  m_.assembly().chrom_name(chrom), ":", strand));
  }

  void row(const Row& r) {
    std::string_view type = r.f.col[2];
    if (gtf_)
      gtf_row(r, type);
    else
      gff3_row(r, type);
  }

  void gff3_row(const Row& r, std::string_view type) {
    std::string_view id = attrs_.get("ID");
    Kind k = part_kind(type);
    if (k == Kind::Other) {
      if (type == "gene" || id.substr(0, 5) == "gene:") {
        k = Kind::Gene;
      } else if (type == "transcript" || id.substr(0, 11) == "transcript:") {
        k = Kind::Tran;
      } else {
        // Any other feature with an ID whose parent is (or may later turn out to be) a gene is a
        // transcript (FlyBase mRNA, tRNA, ncRNA, ...); one under a transcript (miRNA under
        // pre_miRNA) or under another feature (mature_peptide under protein) is not. One that gets
        // no exon, CDS or UTR (FlyBase polyA_site under a gene) is dropped at the end.
        std::string_view parent = strip_prefix(first_of(attrs_.get("Parent")), "gene:");
        if (!parent.empty() && !id.empty() && find_tran(parent) == kNoRow &&
            (others_.empty() || others_.find(std::string(parent)) == others_.end()))
          k = Kind::Tran;
      }
    }
    if (k != Kind::Other) p_.check_strand(r);
    switch (k) {
      case Kind::Gene: {
        std::string_view gid = strip_prefix(id, "gene:");
        if (gid.empty()) gid = attrs_.get("gene_id");
        if (gid.empty()) p_.fail("gene row without ID or gene_id");
        uint32_t gi = new_gene(r, gid, build_hash(gid));
        fill_gene(m_.genes[gi], r, gid);
        if (pending_trans_.empty()) return;
        auto pend = pending_trans_.find(std::string(gid));
        if (pend != pending_trans_.end()) {
          for (auto [ti, line] : pend->second) {
            BTran& t = m_.trans[ti];
            if (t.chrom != r.chrom || t.strand != r.strand)
              value_error(p_.name(), ":", line, ": transcript is not on the chromosome and strand of its gene '", gid,
                          "'");
            t.gene = gi;
            m_.genes[gi].trans.push_back(ti);
          }
          pending_trans_.erase(pend);
        }
        return;
      }
      case Kind::Tran: {
        std::string_view tid = strip_prefix(id, "transcript:");
        if (tid.empty()) tid = attrs_.get("transcript_id");
        if (tid.empty()) p_.fail(cat(type, " row without ID or transcript_id"));
        std::string_view parent = strip_prefix(first_of(attrs_.get("Parent")), "gene:");
        if (parent.empty()) p_.fail(cat("transcript '", tid, "' has no Parent"));
        uint32_t gi = find_gene(parent);
        uint64_t th = build_hash(tid);
        uint32_t ti;
        if (gi == kNoRow) {
          // GFF3 allows forward references: attach when the gene arrives.
          ti = new_tran(r, tid, th, kNoRow);
          pending_trans_[std::string(parent)].push_back({ti, p_.line()});
        } else {
          check_same_place(r, m_.genes[gi].chrom, m_.genes[gi].strand, "gene", parent);
          ti = new_tran(r, tid, th, gi);
        }
        fill_tran(m_.trans[ti], r);
        m_.trans[ti].guessed = type != "transcript" && id.substr(0, 11) != "transcript:";
        if (pending_parts_.empty()) return;
        auto pend = pending_parts_.find(std::string(tid));
        if (pend != pending_parts_.end()) {
          for (const PendingPart& pp : pend->second) attach(pp, ti, tid);
          pending_parts_.erase(pend);
        }
        return;
      }
      case Kind::Other:
        ignore(type);
        if (!id.empty() && !transcript_piece(type)) remember_other(r, type, id);
        return;
      default: {
        std::string_view parents = attrs_.get("Parent");
        if (parents.empty()) p_.fail(cat(type, " row has no Parent"));
        for_each_comma(parents, [&](std::string_view parent) {
          parent = strip_prefix(parent, "transcript:");
          PendingPart pp = make_part(r, k);
          uint32_t ti = find_tran(parent);
          if (ti == kNoRow) ti = implicit_tran(parent, pp);
          if (ti == kNoRow)
            pending_parts_[std::string(parent)].push_back(pp);  // forward reference
          else
            attach(pp, ti, parent);
          return false;
        });
      }
    }
  }

  void gtf_row(const Row& r, std::string_view type) {
    Kind k = part_kind(type);
    if (k == Kind::Other) {
      if (type == "gene")
        k = Kind::Gene;
      else if (type == "transcript" || type == "mRNA")
        k = Kind::Tran;
      else if (type == "stop_codon")
        k = Kind::Stop;  // GTF CDS rows leave the stop codon out (GTF 2.2); the model's CDS includes it
    }
    if (k == Kind::Other) {
      ignore(type);
      return;
    }
    p_.check_strand(r);
    std::string_view gid = attrs_.get("gene_id");
    if (gid.empty()) p_.fail(cat(type, " row has no gene_id"));
    uint32_t found = find_gene(gid);
    uint32_t gi;
    if (k == Kind::Gene) {
      if (found != kNoRow && m_.genes[found].implicit) {
        gi = found;  // a gene row after rows that created it: take its fields
        m_.genes[gi].implicit = false;
        m_.genes[gi].start = r.start;
        m_.genes[gi].end = r.end;
      } else {
        gi = new_gene(r, gid, build_hash(gid));
      }
      fill_gene(m_.genes[gi], r, gid);
      return;
    }
    if (found == kNoRow) {
      gi = new_gene(r, gid, build_hash(gid));
      m_.genes[gi].implicit = true;
      fill_gene(m_.genes[gi], r, gid);
    } else {
      gi = found;
      check_same_place(r, m_.genes[gi].chrom, m_.genes[gi].strand, "gene", gid);
      if (m_.genes[gi].implicit) grow(m_.genes[gi].start, m_.genes[gi].end, r);
    }
    std::string_view tid = attrs_.get("transcript_id");
    if (tid.empty()) p_.fail(cat(type, " row has no transcript_id"));
    found = find_tran(tid);
    if (k == Kind::Tran) {
      uint32_t ti;
      if (found != kNoRow && m_.trans[found].implicit) {
        ti = found;
        m_.trans[ti].implicit = false;
        m_.trans[ti].start = r.start;
        m_.trans[ti].end = r.end;
      } else {
        ti = new_tran(r, tid, build_hash(tid), gi);
      }
      fill_tran(m_.trans[ti], r);
      return;
    }
    uint32_t ti;
    if (found == kNoRow || m_.trans[found].gene != gi) {
      ti = new_tran(r, tid, build_hash(tid), gi);
      m_.trans[ti].implicit = true;
      fill_tran(m_.trans[ti], r);
    } else {
      ti = found;  // (attach grows an implicit transcript)
    }
    attach(make_part(r, k), ti, tid);
  }

  // The last id looked up and its row: consecutive rows share their gene and transcript, so most
  // lookups are a string compare. Reset whenever the map changes.
  struct Memo {
    std::string key;
    uint32_t row = kNoRow;
    bool valid = false;
  };
  static uint32_t find_memo(Memo& memo, const IdMap& map, std::string_view key) {
    if (memo.valid && same(key, memo.key)) return memo.row;
    memo.row = map.find(key);
    memo.key.assign(key.data(), key.size());
    memo.valid = true;
    return memo.row;
  }
  uint32_t find_gene(std::string_view id) { return find_memo(gene_memo_, gene_by_id_, id); }
  uint32_t find_tran(std::string_view id) { return find_memo(tran_memo_, tran_by_id_, id); }

  struct PendingPart {
    Kind kind;
    BPart p;
    ChromId chrom;
    char strand;
  };

  PendingPart make_part(const Row& r, Kind k) {
    PendingPart pp{k, BPart{}, r.chrom, r.strand};
    BPart& p = pp.p;
    p.start = r.start;
    p.end = r.end;
    p.line = p_.line();
    if (k == Kind::Exon) p.id = m_.strings.add(attrs_.get("exon_id"));
    if (k == Kind::Cds) {
      std::string_view ph = r.f.col[7];
      if (ph == "0" || ph == "1" || ph == "2")
        p.phase = static_cast<int8_t>(ph[0] - '0');
      else if (ph == ".")
        p.phase = 0;
      else
        p_.fail(cat("CDS phase must be 0, 1 or 2, got '", ph, "'"));
    }
    return pp;
  }

  void attach(const PendingPart& pp, uint32_t ti, std::string_view tid) {
    BTran& t = m_.trans[ti];
    const BPart& p = pp.p;
    if (pp.chrom != t.chrom || pp.strand != t.strand)
      value_error(p_.name(), ":", p.line, ": row is on ", m_.assembly().chrom_name(pp.chrom), ":", pp.strand,
                  " but its transcript '", tid, "' (line ", t.line, ") is on ", m_.assembly().chrom_name(t.chrom), ":",
                  t.strand, ": one of the two rows is wrong");
    t.has_parts = true;
    t.has_cds |= pp.kind == Kind::Cds;
    if (t.implicit && pp.kind != Kind::Stop) {  // a stop codon widens it only once folded into the CDS (writer)
      t.start = std::min(t.start, p.start);
      t.end = std::max(t.end, p.end);
    }
    switch (pp.kind) {
      case Kind::Exon:
        m_.add_part(ti, PartKind::Exon, p);
        ++report_.exons;
        break;
      case Kind::Cds:
        m_.add_part(ti, PartKind::Cds, p);
        break;
      case Kind::Utr5:
        m_.add_part(ti, PartKind::Utr5, p);
        break;
      case Kind::Utr3:
        m_.add_part(ti, PartKind::Utr3, p);
        break;
      case Kind::Stop:
        m_.add_part(ti, PartKind::Stop, p);
        break;
      default:
        m_.add_part(ti, PartKind::Utr, p);
        break;
    }
  }

  void ignore(std::string_view type) {
    if (!silently_ignored(type)) ++report_.ignored_types[std::string(type)];
  }

  // ---- parts whose parent is not a transcript (SGD, prokaryotic and GeneMark GFF3) ----

  /// A GFF3 row with an ID that the model did not take (tRNA without a gene, protein, repeat, ...):
  /// kept so that parts naming it as their parent can be modelled, or get a truthful error.
  struct OtherFeature {
    std::string type, name;
    uint64_t line;
    ChromId chrom;
    char strand;
    int64_t start, end;
    int8_t level;
    bool has_parent;
  };

  void remember_other(const Row& r, std::string_view type, std::string_view id) {
    std::string_view name = attrs_.get("Name");
    others_.insert_or_assign(std::string(id),
                             OtherFeature{std::string(type), std::string(name.empty() ? id : name), p_.line(), r.chrom,
                                          r.strand, r.start, r.end, level(r.f.col[1]), !attrs_.get("Parent").empty()});
  }

  /// The transcript that parts naming `parent` belong to when `parent` is a gene, or a feature
  /// without a Parent (modelled as a gene): one implicit transcript per gene, with the gene's id.
  /// kNoRow when `parent` is neither (yet).
  uint32_t implicit_tran(std::string_view parent, const PendingPart& first) {
    uint32_t gi = find_gene(strip_prefix(parent, "gene:"));
    uint32_t type = 0;
    if (gi == kNoRow) {
      if (others_.empty()) return kNoRow;
      auto it = others_.find(std::string(parent));
      if (it == others_.end() || it->second.has_parent) return kNoRow;
      gi = promote(it->first, it->second);
      type = m_.strings.add(it->second.type);  // tRNA, snoRNA, mRNA, pseudogene, ...
      others_.erase(it);
    } else {
      auto it = implicit_of_gene_.find(gi);
      if (it != implicit_of_gene_.end()) return it->second;
      type = m_.genes[gi].type;  // a biotype attribute of the gene, else decided at the end
    }
    const BGene& g = m_.genes[gi];
    Row at;
    at.chrom = g.chrom;
    at.strand = g.strand;
    at.start = first.p.start;
    at.end = first.p.end;
    std::string_view gid = m_.strings.get(g.id);
    uint32_t ti = add_tran(at, gid, build_hash(gid), gi, first.p.line);
    BTran& t = m_.trans[ti];
    t.implicit = true;
    t.type = type;
    t.level = g.level;
    implicit_of_gene_.emplace(gi, ti);
    return ti;
  }

  /// A feature without a Parent that parts name as their parent becomes a gene.
  uint32_t promote(const std::string& id, const OtherFeature& o) {
    if (o.strand != '+' && o.strand != '-')
      value_error(p_.name(), ":", o.line, ": ", o.type, " '", id, "' has exon, CDS or UTR rows, so it is modelled as ",
                  "a gene, but its strand is '", std::string(1, o.strand), "' (must be '+' or '-')");
    Row at;
    at.chrom = o.chrom;
    at.strand = o.strand;
    at.start = o.start;
    at.end = o.end;
    uint32_t gi = new_gene(at, id, build_hash(id));
    m_.genes[gi].name = m_.strings.add(o.name);
    m_.genes[gi].level = o.level;
    auto n = report_.ignored_types.find(o.type);
    if (n != report_.ignored_types.end() && --n->second == 0) report_.ignored_types.erase(n);
    return gi;
  }

  /// End of input: parts whose parent came after them, implicit transcripts' types, guessed
  /// transcripts that got nothing; then the earliest reference that never resolved is an error.
  void resolve_at_end() {
    for (auto it = pending_parts_.begin(); it != pending_parts_.end();)  // children before a skipped parent
      it = skipper_.skipped(it->first) ? pending_parts_.erase(it) : std::next(it);
    for (auto it = pending_trans_.begin(); it != pending_trans_.end();)
      it = skipper_.skipped(it->first) ? pending_trans_.erase(it) : std::next(it);
    std::vector<std::pair<uint64_t, std::string>> order;  // first line of each pending parent
    for (auto& [parent, v] : pending_parts_) order.push_back({v.front().p.line, parent});
    std::sort(order.begin(), order.end());
    for (auto& [line, parent] : order) {
      auto it = pending_parts_.find(parent);
      uint32_t ti = implicit_tran(parent, it->second.front());
      if (ti == kNoRow) continue;
      for (const PendingPart& pp : it->second) attach(pp, ti, parent);
      pending_parts_.erase(it);
    }
    uint32_t mrna = 0;
    for (auto [gi, ti] : implicit_of_gene_) {
      BTran& t = m_.trans[ti];
      if (!t.type && t.has_cds) t.type = mrna ? mrna : (mrna = m_.strings.add("mRNA"));
    }
    // A feature taken for a transcript that got no exon, CDS or UTR rows: an RNA (FlyBase pre_miRNA)
    // is one exon; anything else (polyA_site under a gene) is not a transcript.
    for (BGene& g : m_.genes) {
      auto keep = [&](uint32_t ti) {
        BTran& t = m_.trans[ti];
        if (!t.guessed || t.has_parts) return true;
        std::string_view type = m_.strings.get(t.type);
        if (ends_with(type, "RNA") || ends_with(type, "transcript")) {
          BPart e;
          e.start = t.start;
          e.end = t.end;
          e.line = t.line;
          m_.add_part(ti, PartKind::Exon, e);
          ++report_.exons;
          return true;
        }
        ++report_.ignored_types[std::string(type)];
        return false;
      };
      g.trans.erase(std::remove_if(g.trans.begin(), g.trans.end(), [&](uint32_t ti) { return !keep(ti); }),
                    g.trans.end());
    }

    uint64_t line = 0;
    std::string what;
    for (auto& [parent, v] : pending_parts_) {
      if (line && v.front().p.line >= line) continue;
      line = v.front().p.line;
      auto o = others_.find(parent);
      if (o != others_.end())
        what = cat("parent '", parent, "' is a ", o->second.type, " row (line ", o->second.line,
                   ") under another feature, not a transcript or gene");
      else
        what = cat("parent '", parent, "' is not defined anywhere in the file (no transcript, gene or other row has ",
                   "this ID)");
    }
    for (auto& [parent, v] : pending_trans_) {
      bool under_transcript = tran_by_id_.find(parent) != kNoRow;
      if (under_transcript || others_.count(parent)) {
        // children of a transcript defined later, or of a non-gene feature: not transcripts
        for (auto& [ti, l] : v) ++report_.ignored_types[std::string(m_.strings.get(m_.trans[ti].type))];
        continue;  // (their pieces are never written: no gene lists them)
      }
      for (auto& [ti, l] : v)
        if (!line || l < line) line = l, what = cat("parent gene '", parent, "' is not defined anywhere in the file");
    }
    if (line) value_error(p_.name(), ":", line, ": ", what);
  }

  Parser p_;
  AnnoModel& m_;
  bool allow_unknown_;
  bool format_known_ = false, gtf_ = false;
  Attrs attrs_;
  IdMap gene_by_id_, tran_by_id_;
  Memo gene_memo_, tran_memo_;
  std::string_view last_biotype_raw_;  // into biotype_cache_
  uint32_t last_biotype_ = 0;
  std::deque<std::pair<std::string, uint32_t>> biotype_cache_;  // deque: keys stay put
  std::unordered_map<std::string, std::vector<PendingPart>> pending_parts_;
  std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint64_t>>> pending_trans_;
  std::unordered_map<std::string, OtherFeature> others_;
  std::unordered_map<uint32_t, uint32_t> implicit_of_gene_;  // gene row → its implicit transcript
  OriginSkipper skipper_;
  AnnoBuildReport report_;
};

// ---- NCBI RefSeq GFF3 --------------------------------------------------------

class NcbiBuilder {
 public:
  NcbiBuilder(ByteSource& src, AnnoModel& model, bool allow_unknown)
      : p_(src, model), m_(model), allow_unknown_(allow_unknown) {}

  AnnoBuildReport run() {
    Row r;
    bool block_end = false;
    ChromId block_chrom = -1;
    while (p_.next(r, &block_end)) {
      if (block_end || r.chrom != block_chrom) {
        flush();
        block_end = false;
        block_chrom = r.chrom;
      }
      attrs_.parse_gff3(r.f.col[8]);
      if (!skipper_.skip(r, attrs_, report_)) record(r);
    }
    flush();
    return report_;
  }

 private:
  struct Rec {
    Kind kind;
    ChromId chrom;
    char strand;
    int64_t start, end;
    std::string id, parent;
    uint32_t a = 0, b = 0, c = 0;  // gene: id/name/type; transcript: id/tags; CDS: protein/product
    int8_t level = kNoLevel, phase = 0;
    uint64_t line = 0;
  };

  void record(const Row& r) {
    std::string_view type = r.f.col[2];
    std::string_view id = attrs_.get("ID");
    Rec x;
    x.chrom = r.chrom;
    x.strand = r.strand;
    x.start = r.start;
    x.end = r.end;
    x.line = p_.line();
    x.id = std::string(id);
    x.parent = std::string(attrs_.get("Parent"));
    x.level = level_from_source(r.f.col[1], true);
    if (type == "gene" || id.substr(0, 4) == "gene") {
      x.kind = Kind::Gene;
      std::string_view gene_id;
      for_each_comma(attrs_.get("Dbxref"), [&](std::string_view x2) {
        if (x2.substr(0, 7) != "GeneID:") return false;
        gene_id = x2.substr(7);
        return true;
      });
      if (gene_id.empty()) p_.fail(cat("gene '", id, "' has no GeneID in its Dbxref attribute"));
      x.a = m_.strings.add(gene_id);
      std::string_view name = attrs_.get("gene");
      if (name.empty()) name = attrs_.get("Name");
      x.b = m_.strings.add(name);
      std::string_view bt = attrs_.get("gene_biotype");
      if (!bt.empty()) {
        if (!allow_unknown_ && !is_known_biotype(bt)) p_.fail(unknown_biotype(bt));
        x.c = m_.strings.add(bt);
      }
    } else if (id.substr(0, 3) == "rna") {
      std::string_view tid = attrs_.get("transcript_id");
      if (tid.empty()) return;  // not a transcript the model keeps (and neither are its children)
      if (x.parent.empty() || x.parent.find(',') != std::string::npos)
        p_.fail(cat("transcript '", id, "' must have exactly one Parent"));
      x.kind = Kind::Tran;
      x.a = m_.strings.add(tid);
      x.b = m_.strings.add(attrs_.joined("tag"));
    } else if (type == "exon") {
      x.kind = Kind::Exon;
    } else if (type == "CDS") {
      x.kind = Kind::Cds;
      std::string_view ph = r.f.col[7];
      x.phase = (ph == "1" || ph == "2") ? static_cast<int8_t>(ph[0] - '0') : 0;
      x.b = m_.strings.add(attrs_.get("protein_id"));
      x.c = m_.strings.add(attrs_.get("product"));
    } else {
      return;  // regions, matches, misc features: nothing the model keeps
    }
    p_.check_strand(r);
    block_.push_back(std::move(x));
  }

  void flush() {
    std::unordered_map<std::string, uint32_t> genes, trans;
    for (Rec& x : block_)
      if (x.kind == Kind::Gene) {
        BGene g;
        g.chrom = x.chrom;
        g.strand = x.strand;
        g.start = x.start;
        g.end = x.end;
        g.id = x.a;
        g.name = x.b;
        g.type = x.c;
        g.level = x.level;
        m_.genes.push_back(g);
        genes[x.id] = static_cast<uint32_t>(m_.genes.size() - 1);
      }
    for (Rec& x : block_)
      if (x.kind == Kind::Tran) {
        auto it = genes.find(x.parent);
        if (it == genes.end())
          value_error(p_.name(), ":", x.line, ": parent gene '", x.parent, "' of transcript '", x.id,
                      "' is not in the same chromosome block");
        BTran t;
        t.chrom = x.chrom;
        t.strand = x.strand;
        t.start = x.start;
        t.end = x.end;
        t.id = x.a;
        t.gene = it->second;
        t.type = m_.genes[it->second].type;  // NCBI: the transcript takes its gene's biotype
        t.tags = x.b;
        t.level = x.level;
        t.line = x.line;
        m_.trans.push_back(std::move(t));
        uint32_t ti = static_cast<uint32_t>(m_.trans.size() - 1);
        m_.genes[it->second].trans.push_back(ti);
        trans[x.id] = ti;
      }
    for (Rec& x : block_) {
      if (x.kind != Kind::Exon && x.kind != Kind::Cds) continue;
      for_each_comma(x.parent, [&](std::string_view parent) {
        auto it = trans.find(std::string(parent));
        if (it == trans.end()) {
          // A CDS or exon of a gene (prokaryotic annotations: gene -> CDS): the gene's one implicit
          // transcript, with the gene's id and biotype. Children of an rna without transcript_id
          // or of other features (gene segments) are not modelled.
          auto g = genes.find(std::string(parent));
          if (g == genes.end()) return false;
          it = trans.emplace(std::string(parent), implicit_tran(g->second, x)).first;
        }
        BTran& t = m_.trans[it->second];
        if (t.implicit) {
          t.start = std::min(t.start, x.start);
          t.end = std::max(t.end, x.end);
        }
        BPart p;
        p.start = x.start;
        p.end = x.end;
        p.line = x.line;
        if (x.kind == Kind::Exon) {
          m_.add_part(it->second, PartKind::Exon, p);
          ++report_.exons;
        } else {
          p.phase = x.phase;
          m_.add_part(it->second, PartKind::Cds, p);
          if (!t.protein) t.protein = x.b;
          if (!t.product) t.product = x.c;
        }
        return false;
      });
    }
    block_.clear();
  }

  uint32_t implicit_tran(uint32_t gi, const Rec& first) {
    BGene& g = m_.genes[gi];
    BTran t;
    t.chrom = g.chrom;
    t.strand = g.strand;
    t.start = first.start;
    t.end = first.end;
    t.id = g.id;
    t.gene = gi;
    t.type = g.type;
    t.level = g.level;
    t.line = first.line;
    t.implicit = true;
    m_.trans.push_back(std::move(t));
    uint32_t ti = static_cast<uint32_t>(m_.trans.size() - 1);
    g.trans.push_back(ti);
    return ti;
  }

  Parser p_;
  AnnoModel& m_;
  bool allow_unknown_;
  Attrs attrs_;
  std::vector<Rec> block_;
  OriginSkipper skipper_;
  AnnoBuildReport report_;
};

}  // namespace

AnnoBuildReport build_gencode(ByteSource& src, RefgId refg, const std::string& out_path, bool allow_unknown_biotypes) {
  AnnoModel model(refg);
  AnnoBuildReport rep = GencodeBuilder(src, model, allow_unknown_biotypes).run();
  rep.genes = model.genes.size();
  rep.transcripts = model.trans.size();
  AnnoModel::Rules rules;
  model.write(out_path, rules, src.name());
  return rep;
}

AnnoBuildReport build_ncbi_refseq(ByteSource& src, RefgId refg, const std::string& out_path,
                                  bool allow_unknown_biotypes) {
  AnnoModel model(refg);
  AnnoBuildReport rep = NcbiBuilder(src, model, allow_unknown_biotypes).run();
  rep.genes = model.genes.size();
  rep.transcripts = model.trans.size();
  AnnoModel::Rules rules;
  rules.sort_parts = false;
  rules.drop_bad_cds = true;
  rules.compute_utrs = true;
  model.write(out_path, rules, src.name());
  return rep;
}

}  // namespace gk
