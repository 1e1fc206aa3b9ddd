// Streaming VCF → .vcfbin conversion (layout in vcf_table.h).
//
// Memory stays bounded by the output's row index, not by the input: every
// column, the rows and the alleles are appended to spill files (spill_file.h)
// while parsing, then copied into the final file.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "atomic_writer.h"
#include "binary_format.h"
#include "chrom_table.h"
#include "errors.h"
#include "spill_file.h"
#include "text_fields.h"
#include "track_format.h"  // float_to_half
#include "twobit.h"
#include "utf8.h"
#include "vcf_table.h"

namespace gk {

const char* const kSvTypeNames[7] = {"NA", "DEL", "INS", "DUP", "INV", "CNV", "BND"};

size_t vcf_dtype_size(VcfDtype t) {
  switch (t) {
    case VcfDtype::Bool:
    case VcfDtype::Int8:
      return 1;
    case VcfDtype::Int16:
    case VcfDtype::Float16:
      return 2;
    case VcfDtype::Int32:
    case VcfDtype::Float32:
      return 4;
    case VcfDtype::String:
      return 0;
  }
  return 0;
}

const char* vcf_dtype_name(VcfDtype t) {
  switch (t) {
    case VcfDtype::Bool:
      return "bool";
    case VcfDtype::Int8:
      return "int8";
    case VcfDtype::Int16:
      return "int16";
    case VcfDtype::Int32:
      return "int32";
    case VcfDtype::Float16:
      return "float16";
    case VcfDtype::Float32:
      return "float32";
    case VcfDtype::String:
      return "str";
  }
  return "?";
}

namespace {

// ---------------------------------------------------------------- helpers

/// Copies `v` as a T into dst (column buffers are unaligned bytes).
template <class T, class V>
void put(uint8_t* dst, V v) {
  T x = static_cast<T>(v);
  std::memcpy(dst, &x, sizeof x);
}

bool is_base(char c) {
  switch (c) {
    case 'A':
    case 'C':
    case 'G':
    case 'T':
    case 'N':
    case 'a':
    case 'c':
    case 'g':
    case 't':
    case 'n':
      return true;
    default:
      return false;
  }
}

bool all_bases(std::string_view s) {
  for (char c : s)
    if (!is_base(c)) return false;
  return !s.empty();
}

// ---------------------------------------------------------------- header

struct HeaderField {
  std::string number, type;
};

/// Parses `<ID=x,Number=1,Type=Integer,Description="...">` into key/values.
std::unordered_map<std::string, std::string> parse_meta(std::string_view body) {
  std::unordered_map<std::string, std::string> kv;
  while (!body.empty() && (body.back() == ' ' || body.back() == '\t' || body.back() == '\r')) body.remove_suffix(1);
  if (body.size() < 2 || body.front() != '<' || body.back() != '>') return kv;
  body = body.substr(1, body.size() - 2);
  size_t i = 0;
  while (i < body.size()) {
    size_t eq = body.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(body.substr(i, eq - i));
    size_t j = eq + 1;
    std::string value;
    if (j < body.size() && body[j] == '"') {
      ++j;
      while (j < body.size() && body[j] != '"') {
        if (body[j] == '\\' && j + 1 < body.size()) ++j;
        value.push_back(body[j++]);
      }
      j = std::min(body.size(), j + 1);
      size_t comma = body.find(',', j);
      i = comma == std::string_view::npos ? body.size() : comma + 1;
    } else {
      size_t comma = body.find(',', j);
      size_t stop = comma == std::string_view::npos ? body.size() : comma;
      value = std::string(body.substr(j, stop - j));
      i = stop + 1;
    }
    kv[key] = value;
  }
  return kv;
}

// ---------------------------------------------------------------- columns

// Number=: a fixed count, per ALT (A), per allele (R), per genotype (G), or any (".").
enum class NumKind { Fixed, A, R, G, Any };
enum class Special { None, Id, SvType, Gt };

struct Column {
  std::string id;
  bool format = false;
  VcfDtype dtype = VcfDtype::Int32;
  Special special = Special::None;
  bool is_float = false;  // header type Float (value parser)
  bool is_flag = false;
  bool single_int = false;  // one Integer value per entry whatever the ALTs (parse_values' fast path)
  NumKind num = NumKind::Fixed;
  uint32_t depth = 1;
  uint32_t row_values = 1;  // depth (INFO) or samples*depth (FORMAT)
  size_t value_bytes = 0;   // bytes of one entry's values (depth elements; fixed-size columns)
  double default_value = 0;
  std::vector<uint8_t> defaults;  // one row of default values (fixed-size columns)
  std::vector<uint8_t> row;       // the row being parsed
  // The current record's output, appended to the spill files only once the
  // whole record is accepted (a record skipped half way leaves no trace).
  std::vector<uint8_t> staged;
  std::vector<uint64_t> staged_lens;      // ragged columns: elements per entry
  std::vector<std::string_view> samples;  // ragged FORMAT columns: each sample's text
  uint64_t elements = 0;                  // ragged columns: elements committed so far
  std::unique_ptr<SpillFile> data;        // numeric rows, or the values of a ragged column
  std::unique_ptr<SpillFile> offsets;     // ragged columns: end offset (in elements) per entry

  const char* section() const { return format ? "FORMAT" : "INFO"; }
  /// Strings and Number=. numbers: offsets + values instead of a fixed depth.
  bool ragged() const { return dtype == VcfDtype::String || num == NumKind::Any; }
  size_t element_size() const { return dtype == VcfDtype::String ? 1 : vcf_dtype_size(dtype); }
};

uint32_t expected_count(NumKind k, uint32_t fixed, uint32_t n_alts) {
  switch (k) {
    case NumKind::Fixed:
    case NumKind::Any:
      return fixed;
    case NumKind::A:
      return n_alts;
    case NumKind::R:
      return n_alts + 1;
    case NumKind::G:
      return (n_alts + 1) * (n_alts + 2) / 2;
  }
  return fixed;
}

constexpr uint32_t kNoValue = UINT32_MAX;

/// Index of the k-th stored value among the `n` values of a record for alt `a`
/// (1-based) of `n_alts`, or kNoValue (the default is kept). Number=G fields
/// have n_alts + 1 values for a haploid call instead of the diploid count.
uint32_t select_index(NumKind kind, uint32_t k, uint32_t a, uint32_t n_alts, uint32_t n) {
  if (n_alts <= 1) return k < n ? k : kNoValue;
  switch (kind) {
    case NumKind::Fixed:
    case NumKind::Any:
      return k;
    case NumKind::A:
      return a - 1;
    case NumKind::R:
      return k == 0 ? 0 : a;
    case NumKind::G: {
      if (n == n_alts + 1) return k == 0 ? 0 : (k == 1 ? a : kNoValue);  // haploid: alleles 0, a
      uint32_t base = a * (a + 1) / 2;                                   // genotypes (0,0), (0,a), (a,a) in VCF order
      return k == 0 ? 0 : (k == 1 ? base : base + a);
    }
  }
  return k;
}

/// A record that cannot be stored as it is; the record policy decides whether
/// it ends the conversion. what() is "file:line: reason".
class RecordError : public Error {
 public:
  explicit RecordError(const std::string& msg) : Error(ErrorKind::Value, msg) {}
};

/// ALTs that name no particular sequence: `*` (an allele removed by an
/// overlapping deletion) and the gVCF "any other allele" `<*>` / `<NON_REF>`.
bool unspecified_allele(std::string_view alt) {
  return alt == "*" || alt == "<*>" || alt == "<NON_REF>";
}

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr size_t kExamples = 5;  // first problem lines reported per kind

class Builder {
 public:
  Builder(ByteSource& src, const std::string& out_path, const VcfBuildOptions& opt)
      : reader_(src), out_path_(out_path), opt_(opt), asm_(assembly(opt.refg)) {}

  VcfBuildResult run();

 private:
  [[noreturn]] void fail_line(const std::string& msg) const { throw RecordError(cat(reader_.where(), ": ", msg)); }
  /// A problem the record can be stored despite (the problem part left out):
  /// returns under the "keep" policy (the record is reported), else fails.
  void tolerate(const std::string& msg);
  void read_header();
  void setup_columns();
  void process(std::string_view line);
  /// Stages one row (REF/ALT already trimmed) and its field values.
  void stage(ChromId chrom, int64_t start, int64_t end, std::string_view ref, std::string_view alt, uint32_t alt_index,
             uint32_t n_alts);
  void stage_format(uint32_t a, uint32_t n_alts);
  /// Stores FORMAT key value `tok` of sample `s` into column `c`'s row.
  void stage_sample_value(Column& c, size_t s, std::string_view tok, uint32_t a, uint32_t n_alts);
  void commit();
  void discard();
  /// Values of one INFO item or FORMAT sample field, for alt `a` of `n_alts`.
  void parse_values(Column& c, std::string_view text, uint32_t a, uint32_t n_alts, uint8_t* dst);
  /// Appends one entry of a ragged column (a string, or any number of values).
  void stage_ragged(Column& c, std::string_view text);
  /// Stores a number; false (and `err`) if `tok` is not a valid value of `c`.
  bool store_number(const Column& c, std::string_view tok, uint8_t* dst, std::string& err) const;
  int8_t parse_gt(std::string_view s, bool lenient, uint32_t a, uint32_t n_alts);
  ChromId resolve_chrom(std::string_view name);
  /// The value of INFO item `key` of the current record (empty for a flag); false if absent.
  bool info_value(std::string_view key, std::string_view& value) const;
  /// INFO END of the current record (1-based, inclusive), or `fallback` if absent.
  int64_t info_end(int64_t pos, int64_t fallback);
  bool keep(ChromId chrom, int64_t start, int64_t end) const;
  /// Bases [b, e) of `chrom` (upper case; N outside it) from the cached window of the genome.
  const char* genome_bases(ChromId chrom, int64_t b, int64_t e);
  /// Moves an insertion or deletion of `allele` at `start` left while the
  /// base before it equals its last base (bcftools norm: never onto base 0).
  bool left_align(ChromId chrom, int64_t& start, std::string& allele);
  [[noreturn]] void past_end(ChromId chrom, int64_t end_pos) const;
  void write_file();

  LineReader reader_;
  std::string out_path_;
  const VcfBuildOptions& opt_;
  const Assembly& asm_;
  VcfBuildResult result_;

  std::unordered_map<std::string, HeaderField> info_hdr_, fmt_hdr_;
  std::vector<std::string> samples_;
  bool saw_chrom_line_ = false;

  std::vector<Column> cols_;  // INFO columns then FORMAT columns, each sorted by id
  std::unordered_map<std::string_view, size_t> info_lookup_;
  bool any_info_ = false, any_format_ = false;

  std::unique_ptr<SpillFile> rows_, alleles_;
  std::vector<IndexedElement> elements_;
  uint64_t allele_bytes_ = 0;

  // The current record's rows (allele_offset relative to staged_alleles_) until commit().
  std::vector<VcfRow> staged_rows_;
  std::vector<IndexedElement> staged_elements_;
  std::string staged_alleles_;
  std::string record_problem_;  // first tolerated problem of the current record
  uint64_t records_ = 0;

  // Per-line scratch.
  std::vector<std::string_view> fields_, alts_, info_items_, tokens_;
  std::vector<std::pair<std::string_view, std::string_view>> info_kv_;
  std::string last_chrom_;
  ChromId last_chrom_id_ = -1;
  std::string last_format_;
  std::vector<int> format_map_;  // FORMAT key position → column index or -1
  std::string norm_ref_, norm_alt_;
  std::unordered_set<std::string> unknown_sv_seen_;
  // Genome bases around the last record (genome_bases).
  ChromId window_chrom_ = -1;
  int64_t window_start_ = 0;
  std::string window_;
};

void Builder::tolerate(const std::string& msg) {
  if (opt_.policy != RecordPolicy::Keep) fail_line(msg);
  if (record_problem_.empty()) record_problem_ = cat(reader_.where(), ": ", msg);
}

void Builder::read_header() {
  std::string_view line;
  while (reader_.next(line)) {
    if (line.rfind("##", 0) == 0) {
      bool info = line.rfind("##INFO=", 0) == 0, fmt = line.rfind("##FORMAT=", 0) == 0;
      if (info || fmt) {
        auto kv = parse_meta(line.substr(info ? 7 : 9));
        auto id = kv.find("ID");
        if (id == kv.end() || id->second.empty()) fail_line(cat("meta-information line without an ID: ", line));
        (info ? info_hdr_ : fmt_hdr_)[id->second] = HeaderField{kv["Number"], kv["Type"]};
      }
      continue;
    }
    if (line.rfind("#CHROM", 0) == 0) {
      split(line, '\t', fields_);
      if (fields_.size() < 8)
        fail_line(cat("the #CHROM header line has ", fields_.size(), " columns, expected at least 8"));
      for (size_t i = 9; i < fields_.size(); ++i)
        samples_.emplace_back(reader_.require_utf8(fields_[i], "sample name"));
      saw_chrom_line_ = true;
      return;
    }
    if (line.empty()) continue;
    fail_line("expected the #CHROM header line before the first record");
  }
}

void Builder::setup_columns() {
  std::vector<VcfFieldRequest> reqs = opt_.fields;
  std::stable_sort(reqs.begin(), reqs.end(), [](const VcfFieldRequest& a, const VcfFieldRequest& b) {
    return a.format != b.format ? !a.format : a.id < b.id;
  });
  uint32_t n_samples = static_cast<uint32_t>(samples_.size());
  for (size_t k = 0; k < reqs.size(); ++k) {
    const VcfFieldRequest& r = reqs[k];
    if (k > 0 && reqs[k - 1].format == r.format && reqs[k - 1].id == r.id)
      value_error((r.format ? "FORMAT" : "INFO"), " ID ", r.id, " requested twice");
    const char* section = r.format ? "FORMAT" : "INFO";
    Column c;
    c.id = r.id;
    c.format = r.format;
    auto no_default = [&](const char* what) {
      if (r.has_default) value_error(section, " ID ", r.id, " is ", what, ": it takes no default value (pass None)");
    };
    if (!r.format && r.id == "ID") {
      no_default("the VCF ID column (a string)");
      c.special = Special::Id;
      c.dtype = VcfDtype::String;
    } else if (!r.format && r.id == "SVTYPE") {
      c.special = Special::SvType;
      c.dtype = VcfDtype::Int8;
      if (r.has_dtype && r.dtype != VcfDtype::Int8 && r.dtype != VcfDtype::Int16 && r.dtype != VcfDtype::Int32)
        value_error("INFO ID SVTYPE is an int8 code: its default must be an int, got a ", vcf_dtype_name(r.dtype));
    } else if (r.format && r.id == "GT") {
      c.special = Special::Gt;
      c.dtype = VcfDtype::Int8;
      if (r.has_default && r.default_value != GT_UNKNOWN && r.default_value != GT_HET)
        value_error("FORMAT ID GT: the default must be GT_UNKNOWN (3) or GT_HETEROZYGOUS_UNPHASED (1), got ",
                    r.default_value);
      c.default_value = r.has_default ? r.default_value : double(GT_UNKNOWN);
    } else {
      auto& hdr = r.format ? fmt_hdr_ : info_hdr_;
      auto it = hdr.find(r.id);
      if (it == hdr.end())
        value_error(reader_.name(), ": Missing a meta-information header for ", section, " ID ", r.id, " (no ##",
                    section, "=<ID=", r.id, ",...> line)");
      const std::string& type = it->second.type;
      const std::string& number = it->second.number;
      if (type == "Integer" || type == "Float") {
        bool is_float = type == "Float";
        c.is_float = is_float;
        c.dtype = is_float ? VcfDtype::Float32 : VcfDtype::Int32;
        if (r.has_dtype) {
          bool ok_float = r.dtype == VcfDtype::Float32 || r.dtype == VcfDtype::Float16;
          bool ok_int = r.dtype == VcfDtype::Int8 || r.dtype == VcfDtype::Int16 || r.dtype == VcfDtype::Int32;
          if (is_float ? !ok_float : !ok_int)
            value_error(section, " ID ", r.id, " has Type=", type, " in the header but its default is a ",
                        vcf_dtype_name(r.dtype), " (expected ", is_float ? "a float" : "an int", ")");
          c.dtype = r.dtype;
        }
        if (r.id == "AD" || r.id == "ADF" || r.id == "ADR") {
          c.num = NumKind::R;
        } else if (number == "A") {
          c.num = NumKind::A;
        } else if (number == "R") {
          c.num = NumKind::R;
        } else if (number == "G") {
          c.num = NumKind::G;
        } else if (number == ".") {
          c.num = NumKind::Any;  // ragged: any number of values per entry
        } else {
          int64_t n = 0;
          if (!parse_int(number, n) || n <= 0)
            value_error(section, " ID ", r.id, " (Type=", type, ") must have Number>0, A, R, G or . to be stored,",
                        " but its header says Number=", number.empty() ? "<missing>" : number);
          if (n > 4096) value_error(section, " ID ", r.id, ": Number=", n, " is too large");
          c.num = NumKind::Fixed;
          c.depth = static_cast<uint32_t>(n);
        }
        if (c.num != NumKind::Fixed && c.num != NumKind::Any) c.depth = expected_count(c.num, 0, 1);
        c.default_value = r.has_default ? r.default_value : 0.0;
      } else if (type == "Flag") {
        if (r.format) value_error("FORMAT ID ", r.id, " has Type=Flag, which FORMAT fields cannot have");
        if (number != "0") value_error("INFO ID ", r.id, " has Type=Flag but Number=", number, " (expected 0)");
        no_default("a Flag");
        c.is_flag = true;
        c.dtype = VcfDtype::Bool;
      } else if (type == "String" || type == "Character") {
        no_default("a string");
        c.dtype = VcfDtype::String;
      } else {
        value_error(section, " ID ", r.id, " has an unknown Type=", type.empty() ? "<missing>" : type);
      }
    }
    if (r.has_default && c.special != Special::Gt) c.default_value = r.default_value;
    c.single_int = c.special == Special::None && !c.is_float && !c.is_flag && c.dtype != VcfDtype::String &&
                   c.num == NumKind::Fixed && c.depth == 1;
    if (c.format) {
      if (n_samples == 0)
        value_error(reader_.name(), ": No FORMAT fields can be read: the VCF has no sample columns (FORMAT ID ", r.id,
                    " requested)");
      c.row_values = n_samples * c.depth;
      any_format_ = true;
    } else {
      c.row_values = c.depth;
      any_info_ = true;
    }
    // Default row.
    if (c.dtype != VcfDtype::String) {
      size_t es = vcf_dtype_size(c.dtype);
      c.value_bytes = c.depth * es;
      c.defaults.resize(c.row_values * es);
      c.row.resize(c.row_values * es);
      std::vector<uint8_t> one(es);
      double d = c.default_value;
      auto check_fits = [&](double lo, double hi, const char* type) {
        if (d < lo || d > hi) value_error(section, " ID ", r.id, ": default ", d, " does not fit ", type);
      };
      switch (c.dtype) {
        case VcfDtype::Bool:
          one[0] = d != 0;
          break;
        case VcfDtype::Int8:
          check_fits(INT8_MIN, INT8_MAX, "int8");
          put<int8_t>(one.data(), d);
          break;
        case VcfDtype::Int16:
          check_fits(INT16_MIN, INT16_MAX, "int16");
          put<int16_t>(one.data(), d);
          break;
        case VcfDtype::Int32:
          check_fits(INT32_MIN, INT32_MAX, "int32");
          put<int32_t>(one.data(), d);
          break;
        case VcfDtype::Float16:
          put<uint16_t>(one.data(), float_to_half(static_cast<float>(d)));
          break;
        case VcfDtype::Float32:
          put<float>(one.data(), d);
          break;
        case VcfDtype::String:
          break;
      }
      for (uint32_t i = 0; i < c.row_values; ++i) std::memcpy(c.defaults.data() + i * es, one.data(), es);
    }
    if (c.ragged()) c.offsets = std::make_unique<SpillFile>(out_path_, opt_.spill_memory);
    c.data = std::make_unique<SpillFile>(out_path_, opt_.spill_memory);
    cols_.push_back(std::move(c));
  }
  for (size_t i = 0; i < cols_.size(); ++i)
    if (!cols_[i].format && cols_[i].special != Special::Id) info_lookup_[cols_[i].id] = i;
}

ChromId Builder::resolve_chrom(std::string_view name) {
  if (last_chrom_id_ >= 0 && name == last_chrom_) return last_chrom_id_;
  std::string n(name);
  ChromId id = asm_.find(n);
  if (id < 0) fail_line(cat("Contig not found: '", n, "' is not a chromosome (or alias) of ", asm_.name()));
  last_chrom_ = n;
  last_chrom_id_ = id;
  return id;
}

bool Builder::info_value(std::string_view key, std::string_view& value) const {
  for (auto& kv : info_kv_)
    if (kv.first == key) {
      value = kv.second;
      return true;
    }
  return false;
}

bool Builder::keep(ChromId chrom, int64_t start, int64_t end) const {
  if (opt_.exclude.empty() && opt_.allow.empty()) return true;
  Interval v;
  v.chrom = chrom;
  v.refg = opt_.refg;
  v.strand = '+';
  v.start = start;
  v.end = end;
  for (const Interval& x : opt_.exclude)
    if (v.overlaps(x)) return false;
  if (opt_.allow.empty()) return true;
  for (const Interval& x : opt_.allow)
    if (v.overlaps(x)) return true;
  return false;
}

int64_t Builder::info_end(int64_t pos, int64_t fallback) {
  std::string_view v;
  if (!info_value("END", v) || v == "." || v.empty()) return fallback;
  int64_t endpos;
  if (!parse_int(v, endpos)) fail_line(cat("invalid INFO END '", v, "'"));
  if (endpos < pos) fail_line(cat("INFO END ", endpos, " is before POS ", pos));
  return endpos;
}

void Builder::past_end(ChromId chrom, int64_t end_pos) const {
  fail_line(cat("the record ends at ", asm_.chrom_name(chrom), ":", end_pos, ", past the end of ",
                asm_.chrom_name(chrom), " (", asm_.chrom_size(chrom), " bp in ", asm_.name(),
                "): is the VCF from another assembly?"));
}

const char* Builder::genome_bases(ChromId chrom, int64_t b, int64_t e) {
  if (chrom != window_chrom_ || b < window_start_ || e > window_start_ + static_cast<int64_t>(window_.size())) {
    // Sorted records move forwards (read ahead); left-alignment walks backwards (keep bases before `b`).
    constexpr int64_t kBehind = 255, kAhead = 8192;
    int64_t from = std::max<int64_t>(0, b - kBehind), to = std::max(e, b + kAhead);
    window_.resize(static_cast<size_t>(to - from));
    opt_.genome->fetch(Interval::make(chrom, '+', from, to, opt_.refg), window_.data(), true, false);
    window_chrom_ = chrom;
    window_start_ = from;
  }
  return window_.data() + (b - window_start_);
}

bool Builder::left_align(ChromId chrom, int64_t& start, std::string& allele) {
  bool moved = false;
  while (start > 1 && upper(*genome_bases(chrom, start - 1, start)) == upper(allele.back())) {
    std::rotate(allele.rbegin(), allele.rbegin() + 1, allele.rend());
    --start;
    moved = true;
  }
  return moved;
}

bool Builder::store_number(const Column& c, std::string_view tok, uint8_t* dst, std::string& err) const {
  if (tok == ".") return true;  // missing element: keep the default
  if (c.is_float) {
    double v;
    if (!parse_double(tok, v)) {
      err = cat(c.section(), " ", c.id, ": invalid Float value '", tok, "'");
      return false;
    }
    if (c.dtype == VcfDtype::Float16)
      put<uint16_t>(dst, float_to_half(static_cast<float>(v)));
    else
      put<float>(dst, v);
    return true;
  }
  int64_t v;
  if (!parse_int(tok, v)) {
    err = cat(c.section(), " ", c.id, ": invalid Integer value '", tok, "'");
    return false;
  }
  auto fits = [&](int64_t lo, int64_t hi, const char* type) {
    if (v >= lo && v <= hi) return true;
    err = cat(c.section(), " ", c.id, ": value ", v, " does not fit ", type);
    return false;
  };
  switch (c.dtype) {
    case VcfDtype::Int8:
      if (!fits(INT8_MIN, INT8_MAX, "int8")) return false;
      put<int8_t>(dst, v);
      break;
    case VcfDtype::Int16:
      if (!fits(INT16_MIN, INT16_MAX, "int16")) return false;
      put<int16_t>(dst, v);
      break;
    default:
      if (!fits(INT32_MIN, INT32_MAX, "int32")) return false;
      put<int32_t>(dst, v);
      break;
  }
  return true;
}

void Builder::parse_values(Column& c, std::string_view text, uint32_t a, uint32_t n_alts, uint8_t* dst) {
  int32_t small;
  if (c.single_int && parse_small_uint(text, small)) {  // the common case: one plain count (DP, GQ...)
    switch (c.dtype) {
      case VcfDtype::Int8:
        if (small > INT8_MAX) break;
        put<int8_t>(dst, small);
        return;
      case VcfDtype::Int16:
        if (small > INT16_MAX) break;
        put<int16_t>(dst, small);
        return;
      default:
        put<int32_t>(dst, small);
        return;
    }
  }
  if (text == "." || (c.format && text.empty())) return;  // missing: keep the defaults
  size_t es = vcf_dtype_size(c.dtype);
  std::string err;
  auto bad = [&](const std::string& msg) {
    tolerate(msg);  // "keep": the field keeps its defaults
    std::memcpy(dst, c.defaults.data(), c.depth * es);
  };
  uint32_t want = expected_count(c.num, c.depth, n_alts);
  if (want <= 1 && c.depth == 1) {  // one value (Number=A of ALT "." too, as htslib accepts)
    if (text.find(',') != std::string_view::npos)
      return bad(cat("Expected 1 value, found ", std::count(text.begin(), text.end(), ',') + 1, ", for ", c.section(),
                     " ID ", c.id));
    if (!store_number(c, text, dst, err)) bad(err);
    return;
  }
  split(text, ',', tokens_);
  uint32_t n = static_cast<uint32_t>(tokens_.size());
  bool haploid_g = c.num == NumKind::G && n == n_alts + 1;  // a haploid call's genotypes
  // ALT ".": per-allele fields may also be written as for one ALT (AC=0), as htslib accepts.
  bool alt_dot = n_alts == 0 && n == expected_count(c.num, c.depth, 1);
  if (n != want && !haploid_g && !alt_dot)
    return bad(cat(
        "Expected ", want, " values, found ", n, ", for ", c.section(), " ID ", c.id,
        " (check the header's Number=", c.num == NumKind::G ? "; Number=G fits haploid and diploid calls" : "", ")"));
  for (uint32_t k = 0; k < c.depth; ++k) {
    uint32_t i = select_index(c.num, k, a, n_alts, n);
    if (i != kNoValue && !store_number(c, tokens_[i], dst + k * es, err)) return bad(err);
  }
}

void Builder::stage_ragged(Column& c, std::string_view text) {
  if (text == "." || text.empty()) {
    c.staged_lens.push_back(0);
    return;
  }
  if (c.dtype == VcfDtype::String) {
    if (!is_utf8(text)) {
      tolerate(not_utf8(cat(c.section(), " ", c.id, " value"), text));
      c.staged_lens.push_back(0);  // kept (policy "keep") as missing
      return;
    }
    c.staged.insert(c.staged.end(), text.begin(), text.end());
    c.staged_lens.push_back(text.size());
    return;
  }
  size_t es = vcf_dtype_size(c.dtype), before = c.staged.size();
  split(text, ',', tokens_);
  c.staged.resize(before + tokens_.size() * es);
  std::string err;
  for (size_t k = 0; k < tokens_.size(); ++k) {
    uint8_t* dst = c.staged.data() + before + k * es;
    std::memcpy(dst, c.defaults.data(), es);  // "." elements
    if (!store_number(c, tokens_[k], dst, err)) {
      tolerate(err);
      c.staged.resize(before);
      c.staged_lens.push_back(0);
      return;
    }
  }
  c.staged_lens.push_back(tokens_.size());
}

/// The genotype code of the common GT forms, one or two single-digit alleles
/// ("1", "0/1", "1|0", "./."), into `out`; false for anything else (then
/// parse_gt decides and reports problems). Same rules as parse_gt.
bool simple_gt(std::string_view s, uint32_t a, uint32_t n_alts, int8_t& out) {
  auto is_alt = [&](char c, bool& alt) {
    unsigned d = static_cast<unsigned char>(c) - unsigned('0');
    if (d > 9 || d > n_alts) return false;
    alt = d != 0 && d == a;
    return true;
  };
  bool x0 = false, x1 = false;
  if (s.size() == 1) {
    if (s[0] == '.') {
      out = GT_UNKNOWN;
      return true;
    }
    if (!is_alt(s[0], x0)) return false;
    out = x0 ? GT_HOM_ALT : GT_HOM_REF;
    return true;
  }
  if (s.size() != 3 || (s[1] != '/' && s[1] != '|')) return false;
  if (s[0] == '.' && s[2] == '.') {
    out = GT_UNKNOWN;
    return true;
  }
  if (!is_alt(s[0], x0) || !is_alt(s[2], x1)) return false;
  if (x0 == x1)
    out = x0 ? GT_HOM_ALT : GT_HOM_REF;
  else if (s[1] == '|')
    out = x0 ? GT_PHASED_1_0 : GT_PHASED_0_1;
  else
    out = GT_HET;
  return true;
}

int8_t Builder::parse_gt(std::string_view s, bool lenient, uint32_t a, uint32_t n_alts) {
  int8_t code;
  if (simple_gt(s, a, n_alts, code)) return code;
  // Alleles: missing, reference, the stored ALT (other ALTs of a split record count as reference).
  int n = 0, n_missing = 0, n_alt = 0;
  bool phased = true, first_alt = false;
  size_t b = 0;
  for (;;) {
    size_t e = s.find_first_of("/|", b);
    if (e == std::string_view::npos) e = s.size();
    std::string_view t = s.substr(b, e - b);
    int64_t v = 0;
    if (t == ".") {
      ++n_missing;
    } else if (t.empty() || t[0] == '+' || t[0] == '-' || !parse_int(t, v)) {
      tolerate(cat("invalid GT component '", t, "' in GT '", s, "'"));
      return GT_UNKNOWN;
    } else if (v > static_cast<int64_t>(n_alts)) {
      tolerate(cat("GT '", s, "' refers to allele ", v, " but the record has ", n_alts, " ALT allele(s)"));
      return GT_UNKNOWN;
    } else if (v != 0 && static_cast<uint32_t>(v) == a) {
      ++n_alt;
      if (n == 0) first_alt = true;
    }
    ++n;
    if (e == s.size()) break;
    phased = phased && s[e] == '|';
    b = e + 1;
  }
  if (n_missing == n) return GT_UNKNOWN;
  if (n_missing > 0) return !phased && lenient ? GT_HET : GT_UNKNOWN;
  if (n_alt == 0) return GT_HOM_REF;
  if (n_alt == n) return GT_HOM_ALT;
  if (n == 2 && phased) return first_alt ? GT_PHASED_1_0 : GT_PHASED_0_1;
  return GT_HET;  // unphased, or a polyploid mix
}

void Builder::process(std::string_view line) {
  // The sample columns stay one field (fields_[9]): stage_format scans them in one pass.
  split_first(line, '\t', 10, fields_);
  if (fields_.size() < 8) fail_line(cat("Expected at least 8 tab-separated columns but found ", fields_.size()));
  ChromId chrom = resolve_chrom(fields_[0]);
  int64_t pos;
  if (!parse_int(fields_[1], pos) || pos < 1)
    fail_line(cat("invalid POS '", fields_[1], "' (expected a 1-based position)"));
  std::string_view ref = fields_[3], alt_field = fields_[4];
  if (!is_utf8(alt_field)) fail_line(not_utf8("ALT", alt_field));  // symbolic and breakend ALTs are stored as written
  if (!all_bases(ref)) fail_line(cat("Invalid REF \"", ref, "\" (expected A, C, G, T or N)"));
  int64_t ref_end = pos - 1 + static_cast<int64_t>(ref.size());  // 0-based, exclusive
  int64_t chrom_size = asm_.chrom_size(chrom);
  if (ref_end > chrom_size) past_end(chrom, ref_end);
  split(alt_field, ',', alts_);
  uint32_t n_alts = static_cast<uint32_t>(alts_.size());
  if (n_alts > 1 && !opt_.split_multiallelic)
    fail_line(cat("multiallelic record (ALT \"", alt_field,
                  "\"): expected one ALT per row; split it with split_multiallelic=True or `bcftools norm -m -`"));

  bool ref_ok = true;
  if (opt_.validate) {
    const char* bases = genome_bases(chrom, pos - 1, ref_end);
    bool same = true;
    for (size_t i = 0; i < ref.size(); ++i) same = same && upper(ref[i]) == bases[i];
    if (!same) {
      ref_ok = false;
      tolerate(cat("Expected ref \"", ref, "\" to match reference genome \"", std::string_view(bases, ref.size()),
                   "\" at position ", asm_.chrom_name(chrom), ":", pos, " (", asm_.name(), ")"));
    }
  }

  // INFO items, split once per record when anything needs them.
  info_kv_.clear();
  bool need_info = any_info_;
  for (auto a : alts_)
    if (!a.empty() && a.front() == '<') need_info = true;
  if (need_info && fields_[7] != ".") {
    split(fields_[7], ';', info_items_);
    for (auto item : info_items_) {
      if (item.empty()) continue;
      size_t eq = item.find('=');
      if (eq == std::string_view::npos)
        info_kv_.emplace_back(item, std::string_view());
      else
        info_kv_.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
  }
  // ALT "." has no ALT allele: Number=A fields have no values, R and G one.
  uint32_t n_counted = n_alts == 1 && alts_[0] == "." ? 0 : n_alts;
  for (uint32_t a = 1; a <= n_alts; ++a) {
    std::string_view alt = alts_[a - 1];
    int64_t start, end;
    std::string_view sref, salt;
    if (alt == ".") {
      if (n_alts > 1) fail_line("Invalid ALT \".\" in a multiallelic record");
      if (opt_.ancestral == Ancestral::Error)
        fail_line("Ancestral allele found (ALT \".\"): remove it or build with ancestral=\"warn\" or \"exclude\"");
      if (opt_.ancestral == Ancestral::Exclude) continue;
      result_.ancestral_lines.push_back(reader_.line_number());
      // No change: the common prefix is the whole REF.
      start = end = ref_end;
    } else if (unspecified_allele(alt)) {
      // No padding base: the record (a gVCF reference block with END) covers REF's bases.
      start = pos - 1;
      end = alt == "*" ? ref_end : info_end(pos, ref_end);
      sref = ref;
      salt = alt;
    } else if (alt.size() >= 2 && alt.front() == '<' && alt.back() == '>') {
      std::string_view v;
      start = pos;
      if (info_value("END", v) && v != "." && !v.empty()) {
        end = info_end(pos, ref_end);
      } else if (info_value("SVLEN", v) && v != "." && !v.empty()) {
        int64_t svlen = 0;
        std::string_view first = v.substr(0, v.find(','));
        if (!parse_int(first, svlen)) fail_line(cat("invalid INFO SVLEN '", v, "'"));
        end = pos + std::abs(svlen);
      } else {
        tolerate(cat("Unsupported symbolic ALT ", alt, ": INFO END or SVLEN is required"));
        end = std::max(start, ref_end);  // the VCF default END: the REF bases after the padding base
      }
      sref = ref.substr(1);
      salt = alt;
    } else if (alt.find_first_of("[]") != std::string_view::npos ||
               (alt.size() >= 2 && (alt.front() == '.' || alt.back() == '.'))) {
      // Breakend: t[p[, t]p], ]p]t, [p[t, t. or .t — the padding base is dropped.
      bool pad_first = alt.front() != '[' && alt.front() != ']' && alt.front() != '.';
      if (pad_first) {
        start = end = pos;
        salt = alt.substr(1);
      } else {
        start = end = pos - 1;
        salt = alt.substr(0, alt.size() - 1);
      }
      sref = std::string_view();
    } else {
      if (!all_bases(alt))
        fail_line(cat("Invalid ALT \"", alt, "\" (expected A, C, G, T, N, '.', '*', <ID> or a breakend)"));
      if (alt == ref) {
        tolerate(cat("REF and ALT are identical (\"", ref, "\"): not a variant (left out)"));
        continue;
      }
      // Trim the shared suffix, then the shared prefix (bcftools norm's order).
      size_t s = 0, p = 0;
      while (s < ref.size() && s < alt.size() && ref[ref.size() - 1 - s] == alt[alt.size() - 1 - s]) ++s;
      while (p + s < ref.size() && p + s < alt.size() && ref[p] == alt[p]) ++p;
      start = pos - 1 + static_cast<int64_t>(p);
      sref = ref.substr(p, ref.size() - s - p);
      salt = alt.substr(p, alt.size() - s - p);
      if (opt_.left_align && ref_ok && sref.empty() != salt.empty()) {
        norm_ref_.assign(sref);
        norm_alt_.assign(salt);
        if (left_align(chrom, start, sref.empty() ? norm_alt_ : norm_ref_)) ++result_.realigned;
        sref = norm_ref_;
        salt = norm_alt_;
      }
      end = start + static_cast<int64_t>(sref.size());
    }
    if (end > chrom_size) past_end(chrom, end);
    if (!keep(chrom, start, end)) continue;
    stage(chrom, start, end, sref, salt, a, n_counted);
  }
}

void Builder::stage(ChromId chrom, int64_t start, int64_t end, std::string_view ref, std::string_view alt, uint32_t a,
                    uint32_t n_alts) {
  if (start < 0 || end > std::numeric_limits<int32_t>::max())
    fail_line(cat("position ", end, " does not fit a 32-bit coordinate"));
  VcfRow row{};
  row.chrom = chrom;
  row.start = static_cast<int32_t>(start);
  row.end = static_cast<int32_t>(end);
  row.ref_len = static_cast<uint32_t>(ref.size());
  row.alt_len = static_cast<uint32_t>(alt.size());
  if (ref.size() + alt.size() <= kInlineAlleles) {
    // Short alleles live in the row itself (one memory access per variant).
    auto* inline_bytes = reinterpret_cast<char*>(&row) + kInlineAllelesAt;
    // std::copy, not memcpy: an empty allele (a symbolic ALT) may have a null data() pointer.
    std::copy(ref.begin(), ref.end(), inline_bytes);
    std::copy(alt.begin(), alt.end(), inline_bytes + ref.size());
  } else {
    row.allele_offset = staged_alleles_.size();  // made absolute by commit()
    staged_alleles_.append(ref);
    staged_alleles_.append(alt);
  }
  staged_rows_.push_back(row);
  staged_elements_.push_back(IndexedElement{chrom, '+', start, end});

  // INFO columns.
  for (Column& c : cols_) {
    if (c.format) continue;
    if (c.special == Special::Id) {
      stage_ragged(c, fields_[2]);
      continue;
    }
    if (c.ragged()) {
      std::string_view v;
      if (!info_value(c.id, v)) v = std::string_view();
      stage_ragged(c, v);
      continue;
    }
    std::memcpy(c.row.data(), c.defaults.data(), c.row.size());
    for (auto& kv : info_kv_) {
      if (kv.first != c.id) continue;
      if (c.is_flag) {
        c.row[0] = 1;
      } else if (c.special == Special::SvType) {
        std::string_view v = kv.second;
        int8_t code = 0;
        if (!is_utf8(v)) {
          tolerate(not_utf8("INFO SVTYPE value", v));  // kept (policy "keep") as NA
        } else if (!v.empty() && v != ".") {
          for (int8_t k = 1; k < 7; ++k)
            if (v == kSvTypeNames[k]) code = k;
          if (code == 0 && unknown_sv_seen_.emplace(v).second) result_.unknown_svtypes.emplace_back(v);
          std::memcpy(c.row.data(), &code, 1);
        }
      } else {
        parse_values(c, kv.second, a, n_alts, c.row.data());
      }
      break;
    }
    c.staged.insert(c.staged.end(), c.row.begin(), c.row.end());
  }
  if (any_format_) stage_format(a, n_alts);
}

void Builder::stage_format(uint32_t a, uint32_t n_alts) {
  size_t n_samples = samples_.size();
  // fields_[9] holds every sample column (process() splits the line only up to it).
  std::string_view samples = fields_.size() > 9 ? fields_[9] : std::string_view();
  size_t found = fields_.size() > 9 ? 1 + count_char(samples, '\t') : 0;
  if (found != n_samples) {
    size_t columns = fields_.size() > 9 ? 9 + found : fields_.size();
    if (columns <= 8)
      fail_line(cat("Expected ", 9 + n_samples, " columns (FORMAT and ", n_samples, " samples), found ", columns));
    fail_line(cat("Expected ", n_samples, " sample columns as in the #CHROM line, found ", found));
  }
  std::string_view fmt = fields_[8];
  if (fmt != last_format_) {
    last_format_ = std::string(fmt);
    format_map_.clear();
    split(fmt, ':', tokens_);
    for (size_t k = 0; k < tokens_.size(); ++k) {
      int idx = -1;
      for (size_t i = 0; i < cols_.size(); ++i)
        if (cols_[i].format && cols_[i].id == tokens_[k]) idx = static_cast<int>(i);
      for (size_t j = 0; j < k; ++j)
        if (tokens_[j] == tokens_[k]) idx = -1;  // a repeated key: the first one counts (as htslib)
      format_map_.push_back(idx);
    }
  }
  int last_needed = -1;
  for (size_t k = 0; k < format_map_.size(); ++k)
    if (format_map_[k] >= 0) last_needed = static_cast<int>(k);
  for (Column& c : cols_) {
    if (!c.format) continue;
    if (c.ragged())
      c.samples.assign(n_samples, std::string_view());
    else
      std::memcpy(c.row.data(), c.defaults.data(), c.row.size());
  }
  // One pass over the sample columns: each sample's keys up to the last one
  // needed (missing trailing keys keep their defaults), then its unused rest.
  const char* text = samples.data();
  size_t i = 0, size = samples.size();
  for (size_t s = 0; s < n_samples && last_needed >= 0; ++s) {
    for (int k = 0; k <= last_needed; ++k) {
      size_t b = i;
      while (i < size && text[i] != ':' && text[i] != '\t') ++i;
      int ci = format_map_[static_cast<size_t>(k)];
      if (ci >= 0) stage_sample_value(cols_[static_cast<size_t>(ci)], s, std::string_view(text + b, i - b), a, n_alts);
      if (i == size || text[i] == '\t') break;
      ++i;  // the ':'
    }
    while (i < size && text[i] != '\t') ++i;
    ++i;
  }
  for (Column& c : cols_) {
    if (!c.format) continue;
    if (c.ragged()) {
      for (std::string_view tok : c.samples) stage_ragged(c, tok);
    } else {
      c.staged.insert(c.staged.end(), c.row.begin(), c.row.end());
    }
  }
}

void Builder::stage_sample_value(Column& c, size_t s, std::string_view tok, uint32_t a, uint32_t n_alts) {
  if (c.special == Special::Gt) {
    if (tok.empty()) return;
    int8_t g = parse_gt(tok, c.default_value == GT_HET, a, n_alts);
    std::memcpy(c.row.data() + s, &g, 1);
  } else if (c.ragged()) {
    c.samples[s] = tok;
  } else {
    parse_values(c, tok, a, n_alts, c.row.data() + s * c.value_bytes);
  }
}

void Builder::commit() {
  for (VcfRow& row : staged_rows_)
    if (row.ref_len + row.alt_len > kInlineAlleles) row.allele_offset += allele_bytes_;
  if (!staged_rows_.empty()) rows_->write(staged_rows_.data(), staged_rows_.size() * sizeof(VcfRow));
  alleles_->write(staged_alleles_.data(), staged_alleles_.size());
  allele_bytes_ += staged_alleles_.size();
  elements_.insert(elements_.end(), staged_elements_.begin(), staged_elements_.end());
  for (Column& c : cols_) {
    for (uint64_t n : c.staged_lens) {
      c.elements += n;
      c.offsets->write(&c.elements, 8);
    }
    if (!c.staged.empty()) c.data->write(c.staged.data(), c.staged.size());
  }
  if (!record_problem_.empty()) {
    ++result_.kept;
    if (result_.kept_examples.size() < kExamples) result_.kept_examples.push_back(record_problem_);
  }
  discard();
}

void Builder::discard() {
  staged_rows_.clear();
  staged_elements_.clear();
  staged_alleles_.clear();
  record_problem_.clear();
  for (Column& c : cols_) {
    c.staged.clear();
    c.staged_lens.clear();
  }
}

void Builder::write_file() {
  AtomicFileWriter out(out_path_);
  begin_binary_file(out, "GKVCF", kVcfBinVersion);
  VcfDirectory dir{};
  uint64_t dir_at = out.tell();
  out.write_pod(dir);
  dir.num_rows = static_cast<uint32_t>(elements_.size());
  dir.num_samples = any_format_ ? static_cast<uint32_t>(samples_.size()) : 0;
  dir.num_columns = static_cast<uint32_t>(cols_.size());

  out.pad_to(8);
  dir.refg_offset = out.tell();
  out.write_pod(static_cast<uint32_t>(asm_.name().size()));
  out.write(asm_.name().data(), asm_.name().size());
  out.pad_to(8);
  dir.chroms_offset = out.tell();
  write_chrom_table(out, asm_);
  dir.index_offset = out.tell();
  write_interval_index(out, elements_, false);
  out.pad_to(64);
  dir.rows_offset = out.tell();
  rows_->copy_to(out);
  dir.alleles_offset = out.tell();
  dir.alleles_bytes = allele_bytes_;
  alleles_->copy_to(out);
  out.pad_to(8);

  // Column descriptors (data offsets patched below).
  dir.columns_offset = out.tell();
  std::vector<uint64_t> desc_at;
  std::vector<VcfColumnDesc> descs;
  for (Column& c : cols_) {
    VcfColumnDesc d{};
    d.section = c.format ? 1 : 0;
    d.dtype = static_cast<uint8_t>(c.dtype);
    d.flags = c.num == NumKind::Any ? kVcfColumnRagged : 0;
    d.depth = c.depth;
    d.id_len = static_cast<uint32_t>(c.id.size());
    desc_at.push_back(out.tell());
    out.write_pod(d);
    out.write(c.id.data(), c.id.size());
    out.pad_to(8);
    descs.push_back(d);
  }
  for (size_t i = 0; i < cols_.size(); ++i) {
    Column& c = cols_[i];
    out.pad_to(64);
    descs[i].data_offset = out.tell();
    if (c.ragged()) {
      uint64_t zero = 0;
      out.write_pod(zero);
      c.offsets->copy_to(out);
    }
    c.data->copy_to(out);
    descs[i].data_bytes = out.tell() - descs[i].data_offset;
    out.write_at(desc_at[i], &descs[i], sizeof descs[i]);
  }
  out.pad_to(8);
  dir.samples_offset = out.tell();
  std::vector<std::string> names = any_format_ ? samples_ : std::vector<std::string>();
  out.write_pod(static_cast<uint32_t>(names.size()));
  for (auto& n : names) {
    out.write_pod(static_cast<uint32_t>(n.size()));
    out.write(n.data(), n.size());
  }
  out.pad_to(8);
  dir.provenance_offset = out.tell();
  out.write_pod(static_cast<uint32_t>(opt_.provenance.size()));
  out.write(opt_.provenance.data(), opt_.provenance.size());
  out.pad_to(8);
  out.write_at(dir_at, &dir, sizeof dir);
  finish_binary_file(out);
}

VcfBuildResult Builder::run() {
  read_header();
  if (!saw_chrom_line_) value_error(reader_.name(), ": no #CHROM header line (is this a VCF file?)");
  setup_columns();
  rows_ = std::make_unique<SpillFile>(out_path_, opt_.spill_memory);
  alleles_ = std::make_unique<SpillFile>(out_path_, opt_.spill_memory);
  std::string_view line;
  while (reader_.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    ++records_;
    try {
      process(line);
    } catch (const RecordError& e) {
      if (opt_.policy == RecordPolicy::Error) throw;
      discard();
      ++result_.skipped;
      if (result_.skipped_examples.size() < kExamples) result_.skipped_examples.emplace_back(e.what());
      continue;
    }
    commit();
    if (elements_.size() >= std::numeric_limits<uint32_t>::max() - 1)
      fail_line("too many variants for one table (limit 2^32 - 2)");
  }
  if (result_.skipped > 0 && result_.skipped == records_)
    value_error(reader_.name(), ": every record (", records_,
                ") was rejected; the first: ", result_.skipped_examples.front());
  result_.rows = elements_.size();
  write_file();
  return result_;
}

}  // namespace

VcfBuildResult build_vcfbin(ByteSource& src, const std::string& out_path, const VcfBuildOptions& opt) {
  Builder b(src, out_path, opt);
  return b.run();
}

}  // namespace gk
