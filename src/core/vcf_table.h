// VCF tables: a streaming VCF → .vcfbin converter and the memory-mapped reader.
//
// A .vcfbin holds biallelic variants in file order (one row per VCF record,
// or per ALT allele when multiallelic records are split) with the requested
// INFO and FORMAT fields as contiguous typed arrays, so Python can view them
// as numpy arrays without copying. Rows are indexed by the shared interval
// index (unstranded).
//
// Layout (little-endian; every section starts 8-byte aligned, arrays 64):
//    0  BinaryHeader              magic "GKVCF", version kVcfBinVersion
//   32  Directory                 counts and section offsets (below)
//       refg name                 uint32 length + bytes, padded to 8
//       chromosome table          chrom_table.h
//       interval index            interval_index.h (unstranded)
//       rows                      VcfRow[num_rows]
//       alleles                   bytes: per row ref then alt (no separators)
//       columns                   VcfColumnDesc + id bytes (padded 8) per
//                                 column: INFO columns sorted by id, then
//                                 FORMAT columns sorted by id
//       column data               per column, 64-byte aligned: numeric arrays
//                                 (rows, depth) for INFO, (rows, samples,
//                                 depth) for FORMAT; ragged columns (strings,
//                                 Number=. numbers) as uint64 offsets[entries
//                                 + 1] (in elements; a string's element is a
//                                 byte) then the values, entries = rows for
//                                 INFO, rows * samples for FORMAT
//       samples                   uint32 count, per name {uint32 len, bytes}
//       provenance                uint32 length + bytes (the cache key)
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "assembly.h"
#include "interval.h"
#include "interval_index.h"
#include "line_reader.h"
#include "mapped_file.h"
#include "spill_file.h"

namespace gk {

class TwoBitFile;

constexpr uint32_t kVcfBinVersion = 4;  // 4: compact interval index (by3 as positions)

/// Element types of INFO/FORMAT columns (stored as one byte).
enum class VcfDtype : uint8_t { Bool = 1, Int8 = 2, Int16 = 3, Int32 = 4, Float16 = 5, Float32 = 6, String = 7 };
size_t vcf_dtype_size(VcfDtype t);
const char* vcf_dtype_name(VcfDtype t);

/// Genotype codes of FORMAT GT.
enum VcfGt : int8_t {
  GT_HOM_REF = 0,
  GT_HET = 1,
  GT_HOM_ALT = 2,
  GT_UNKNOWN = 3,
  GT_PHASED_0_1 = 4,
  GT_PHASED_1_0 = 5
};

/// INFO SVTYPE codes; index = code.
extern const char* const kSvTypeNames[7];  // NA, DEL, INS, DUP, INV, CNV, BND

struct VcfRow {
  int32_t chrom;  // build-time chromosome id (see chrom table)
  int32_t start;
  int32_t end;
  uint32_t ref_len;
  uint32_t alt_len;
  // REF then ALT: inline in these 12 bytes when ref_len + alt_len <= 12
  // (kInlineAlleles; no allele_offset then), else at allele_offset in the
  // alleles section (`reserved` is 0).
  uint32_t reserved;
  uint64_t allele_offset;
};
static_assert(sizeof(VcfRow) == 32, "packed row layout");
constexpr size_t kInlineAlleles = 12;
constexpr size_t kInlineAllelesAt = 20;
static_assert(offsetof(VcfRow, reserved) == kInlineAllelesAt && offsetof(VcfRow, allele_offset) == 24,
              "inline alleles span reserved + allele_offset");

struct VcfDirectory {
  uint32_t num_rows;
  uint32_t num_samples;
  uint32_t num_columns;
  uint32_t reserved;
  uint64_t refg_offset, chroms_offset, index_offset, rows_offset, alleles_offset, alleles_bytes, columns_offset,
      samples_offset, provenance_offset;
};
static_assert(sizeof(VcfDirectory) == 88, "packed directory layout");

constexpr uint8_t kVcfColumnRagged = 1;  // VcfColumnDesc::flags: a numeric column of offsets + values

struct VcfColumnDesc {
  uint8_t section;  // 0 INFO, 1 FORMAT
  uint8_t dtype;    // VcfDtype
  uint8_t flags;    // kVcfColumnRagged
  uint8_t reserved;
  uint32_t depth;
  uint32_t id_len;
  uint32_t reserved2;
  uint64_t data_offset;
  uint64_t data_bytes;
};
static_assert(sizeof(VcfColumnDesc) == 32, "packed column layout");

/// One requested INFO or FORMAT id, as given by the caller.
struct VcfFieldRequest {
  std::string id;
  bool format = false;
  VcfDtype dtype = VcfDtype::Int32;  // used when has_dtype
  bool has_dtype = false;            // an explicit default fixes the dtype
  bool has_default = false;
  double default_value = 0;
};

enum class Ancestral { Error, Warn, Exclude };

/// What to do with a record that cannot be stored as it is: fail, skip it, or
/// keep what is representable (the bad field's defaults, a symbolic allele
/// without a length as spanning REF, REF as written). Skipped and kept
/// records are counted and the first ones reported.
enum class RecordPolicy { Error, Skip, Keep };

struct VcfBuildOptions {
  RefgId refg = 0;
  std::vector<VcfFieldRequest> fields;
  const TwoBitFile* genome = nullptr;  // the sequence, for validate and left_align
  bool validate = false;               // REF must match the genome
  bool left_align = false;             // indels moved left as `bcftools norm -f` does
  RecordPolicy policy = RecordPolicy::Error;
  std::vector<Interval> exclude, allow;
  Ancestral ancestral = Ancestral::Error;
  bool split_multiallelic = false;
  std::string provenance;
  uint64_t spill_memory = kSpillMemoryBudget;  // parsed columns kept in memory (all conversions) before spilling
};

struct VcfBuildResult {
  uint64_t rows = 0;
  std::vector<uint64_t> ancestral_lines;  // lines kept under Ancestral::Warn
  std::vector<std::string> unknown_svtypes;
  uint64_t realigned = 0;                                    // indels moved by left_align
  uint64_t skipped = 0, kept = 0;                            // records skipped / kept with a problem
  std::vector<std::string> skipped_examples, kept_examples;  // "file:line: reason" of the first ones
};

/// Parses VCF text from `src` and writes `out_path` atomically. Errors are
/// ValueErrors naming `file:line`.
VcfBuildResult build_vcfbin(ByteSource& src, const std::string& out_path, const VcfBuildOptions& opt);

/// A column of an open table.
struct VcfColumn {
  std::string id;
  bool format;
  VcfDtype dtype;
  uint32_t depth;
  bool ragged;          // offsets + values: strings and Number=. numbers
  const uint8_t* data;  // numeric array, or offsets (uint64[entries+1]) followed by the values
  uint64_t bytes;
  uint64_t entries;  // rows (INFO) or rows * samples (FORMAT)
};

/// A memory-mapped .vcfbin. Immutable after open; reads are thread safe.
class VcfTable {
 public:
  /// Maps `path`; `resolve_refg` turns the stored assembly name into an id
  /// (the bindings load assemblies on demand). OSError on a bad file.
  VcfTable(const std::string& path, const std::function<RefgId(const std::string&)>& resolve_refg);

  const std::string& path() const { return file_.path(); }
  RefgId refg() const { return refg_; }
  uint32_t num_rows() const { return num_rows_; }
  uint32_t num_samples() const { return static_cast<uint32_t>(samples_.size()); }
  const std::vector<std::string>& sample_names() const { return samples_; }
  const std::vector<VcfColumn>& columns() const { return columns_; }
  const std::string& provenance() const { return provenance_; }
  /// Column by section and id, or nullptr.
  const VcfColumn* column(bool format, const std::string& id) const;

  /// Interval of a row (on '+'); ValueError if its chromosome is unknown to
  /// the current assembly. Rows are validated when read (opening does not
  /// read them): OSError for an inconsistent row.
  Interval interval(uint32_t row) const;
  std::string_view ref(uint32_t row) const;
  std::string_view alt(uint32_t row) const;
  /// Values of a ragged column at an entry (row, or row * samples + sample):
  /// the first value and their number (bytes of a string).
  std::pair<const uint8_t*, uint64_t> ragged_at(const VcfColumn& c, uint64_t entry) const;
  std::string_view string_at(const VcfColumn& c, uint64_t entry) const;

  void find(IndexQuery kind, const Interval& q, std::vector<uint32_t>& out) const;
  /// Rows whose variants can change the DNA of `q` (see docs/vcf.md), by pos5.
  void sequence_variations(const Interval& q, std::vector<uint32_t>& out) const;

 private:
  /// REF then ALT of a row, checked against the alleles section.
  const char* alleles_of(uint32_t row) const;
  /// ValueError unless `q` is on this table's assembly (any query fits an empty table).
  void check_query_refg(const Interval& q) const;

  MappedFile file_;
  RefgId refg_ = 0;
  uint32_t num_rows_ = 0;
  std::vector<ChromId> remap_;
  IntervalIndex index_;
  const VcfRow* rows_ = nullptr;
  const char* alleles_ = nullptr;
  uint64_t alleles_bytes_ = 0;
  std::vector<VcfColumn> columns_;
  std::vector<std::string> samples_;
  std::string provenance_;
};

}  // namespace gk
