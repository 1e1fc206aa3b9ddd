// Building .gkanno files: an in-memory gene model filled by the parsers
// (GENCODE/Ensembl GFF3 and GTF, NCBI RefSeq GFF3, UCSC refGene/refLink) and
// written in one pass. Strings are interned as they arrive, so the model holds
// only what ends up in the file, never the input text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "anno.h"
#include "assembly.h"
#include "line_reader.h"

namespace gk {

/// Deduplicating string pool; offset 0 is "".
class StringPool {
 public:
  StringPool() : data_(1, '\0') {}
  uint32_t add(std::string_view s);
  const std::string& data() const { return data_; }
  std::string_view get(uint32_t off) const { return std::string_view(data_.c_str() + off); }

 private:
  void grow();
  std::string data_;
  std::vector<uint32_t> slots_;  // open-addressing set of offsets into data_ (0 = empty)
  size_t count_ = 0;
};

/// An exon, CDS or UTR piece as read (coordinates DNA0).
struct BPart {
  int64_t start, end;
  int32_t number = -1;  // exon: exon_number / rank (1-based) when given
  int8_t phase = -1;
  uint32_t id = 0;    // exon id (string pool)
  uint64_t line = 0;  // input line, for messages
};

struct BTran {
  ChromId chrom = 0;
  char strand = '+';
  int64_t start = 0, end = 0;
  uint32_t id = 0, type = 0, ccds = 0, protein = 0, product = 0;
  int8_t level = kNoLevel, tsl = -1;
  uint32_t gene = 0;
  bool implicit = false;  // created from a child row (GTF without transcript rows): span grows
  uint64_t line = 0;
  std::vector<BPart> exons, cdss, utr5s, utr3s, utrs;  // utrs: generic UTR rows, classified at the end
};

struct BGene {
  ChromId chrom = 0;
  char strand = '+';
  int64_t start = 0, end = 0;
  uint32_t id = 0, name = 0, type = 0;
  int8_t level = kNoLevel;
  bool implicit = false;
  std::vector<uint32_t> trans;
};

/// What a build did, for the Python layer (warnings, reports).
struct AnnoBuildReport {
  std::map<std::string, uint64_t> ignored_types;  // feature type → rows ignored
  uint64_t genes = 0, transcripts = 0, exons = 0;
};

class AnnoModel {
 public:
  explicit AnnoModel(RefgId refg) : refg_(refg) {}
  StringPool strings;
  std::vector<BGene> genes;
  std::vector<BTran> trans;
  const Assembly& assembly() const { return gk::assembly(refg_); }

  /// How exons, CDSs and UTRs are put in order and matched.
  struct Rules {
    bool sort_parts = true;     // sort exons/CDS/UTR 5'→3' (GENCODE); false keeps arrival order (NCBI)
    bool drop_bad_cds = false;  // NCBI: a CDS not in its own exon removes the transcript's CDS
    bool compute_utrs = false;  // UTRs from exons minus CDS (NCBI, UCSC) instead of from the file
  };

  /// Validates, links and writes the file atomically.
  void write(const std::string& path, const Rules& rules, const std::string& source_name);

 private:
  RefgId refg_;
};

/// Build entry points. `src` yields the text (plain or decompressed);
/// `name` is used in messages. Each throws ValueError naming file:line.
AnnoBuildReport build_gencode(ByteSource& src, RefgId refg, const std::string& out_path, bool allow_unknown_biotypes);
AnnoBuildReport build_ncbi_refseq(ByteSource& src, RefgId refg, const std::string& out_path,
                                  bool allow_unknown_biotypes);
AnnoBuildReport build_ucsc_refseq(ByteSource& ref_gene, ByteSource& ref_link, RefgId refg, const std::string& out_path);

/// The biotype rules shared by the builders: the reference's list of known
/// biotypes with its aliases ("lncRNA" → "lnc_RNA"). Returns the normalised
/// name, or "" if unknown.
std::string normalise_biotype(std::string_view s);

}  // namespace gk
