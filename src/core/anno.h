// Gene annotations: the binary annotation file (.gkanno) and its reader.
//
// Seven tables of fixed-size rows — genes, transcripts, exons, introns, CDSs,
// 5' UTRs, 3' UTRs — plus a string pool, one interval index per table and an
// id index for genes and transcripts. Children are contiguous: a gene's
// transcripts, a transcript's exons/introns/CDSs/UTRs occupy consecutive rows,
// so navigation is index arithmetic. Exons, CDSs and UTRs of a transcript are
// stored 5'→3'; intron i lies between exon i and exon i+1.
//
// Layout (little-endian; every section 8-byte aligned; see docs/formats.md):
//   BinaryHeader        magic "GKANNO", version kAnnoVersion
//   AnnoToc             offsets and counts of every section (patched last)
//   chromosome table    (chrom_table.h) — rows store build-time chromosome ids
//   string pool         NUL-terminated UTF-8; offset 0 is "" (= None)
//   7 row arrays        GeneRow, TranRow, ExonRow, IntronRow, PartRow x3
//   7 interval indexes  (interval_index.h), one per table
//   2 id indexes        IdKey[] for genes and transcripts
//   exon id formats     IdFormatEntry[] (id_code.h)
// An intron row is only the link to its 5' exon: its interval is the gap
// between that exon and the next one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "assembly.h"
#include "id_code.h"
#include "interval.h"
#include "interval_index.h"
#include "mapped_file.h"

namespace gk {

constexpr const char* kAnnoMagic = "GKANNO";
constexpr uint32_t kAnnoVersion = 4;  // 3: compact introns, exon ids, id index; 4: compact interval index

enum AnnoTableId : uint8_t { kGenes = 0, kTrans, kExons, kIntrons, kCdss, kUtr5s, kUtr3s, kNumAnnoTables };

/// Name of a table as in Python ("genes", "transcripts", ...).
const char* anno_table_name(int table);

constexpr uint32_t kNoRow = 0xFFFFFFFFu;
constexpr int8_t kNoLevel = -1;

struct RowIv {
  int32_t chrom;  // build-time chromosome id (remapped on open)
  int32_t start;
  int32_t end;
  char strand;
};

struct GeneRow {
  int32_t chrom, start, end;
  char strand;
  int8_t level;  // 1..3, -1 none
  uint8_t pad[2];
  uint32_t id, name, type;  // string pool offsets
  uint32_t first_tran, num_trans;
};
struct TranRow {
  int32_t chrom, start, end;
  char strand;
  int8_t level;  // 1..3, -1 none
  int8_t tsl;    // 1..6 (6 = "NA"), -1 none
  uint8_t pad;
  uint32_t gene;
  uint32_t id, type, ccds, protein, product;
  uint32_t first_exon, num_exons;  // introns: first_intron, num_exons - 1
  uint32_t first_intron;
  uint32_t first_cds, num_cdss;
  uint32_t first_utr5, num_utr5s;
  uint32_t first_utr3, num_utr3s;
  uint32_t tags;  // the source's tags, comma separated ("basic,MANE_Select,..."); 0 none
};
struct ExonRow {
  int32_t chrom, start, end;
  char strand;
  uint8_t index_bytes[3];  // index in the transcript, 24-bit little-endian
  uint32_t tran;
  uint32_t cds, utr5, utr3;  // rows or kNoRow
  uint64_t id;               // id code (id_code.h)
  uint32_t index() const { return index_bytes[0] | uint32_t(index_bytes[1]) << 8 | uint32_t(index_bytes[2]) << 16; }
  /// False if `i` does not fit 24 bits.
  bool set_index(uint32_t i) {
    index_bytes[0] = static_cast<uint8_t>(i);
    index_bytes[1] = static_cast<uint8_t>(i >> 8);
    index_bytes[2] = static_cast<uint8_t>(i >> 16);
    return i < (1u << 24);
  }
};
constexpr uint32_t kMaxExonIndex = (1u << 24) - 1;
/// An intron as stored: its 5' exon (row); its 3' exon is the next row.
struct IntronRow {
  uint32_t exon;
};
/// An intron's links, read through its exon.
struct IntronLinks {
  uint32_t exon, tran, index;
};
/// CDS and UTR rows.
struct PartRow {
  int32_t chrom, start, end;
  char strand;
  int8_t phase;  // CDS: 0..2; UTR: -1
  uint8_t pad[2];
  uint32_t tran, exon, index;  // index: position among the transcript's CDSs / UTRs
};
struct IdKey {
  uint32_t hash;  // low half of the FNV-1a 64 of the key (a full id or a prefix ending before '.')
  uint32_t row;
};

struct AnnoToc {
  uint32_t num_rows[kNumAnnoTables];
  uint32_t row_size[kNumAnnoTables];
  uint64_t rows_off[kNumAnnoTables];
  uint64_t index_off[kNumAnnoTables];
  uint64_t id_index_off[2];
  uint64_t id_index_count[2];
  uint64_t strings_off, strings_size;
  uint64_t chroms_off;
  uint64_t id_formats_off, id_formats_count;  // exon id formats (IdFormatEntry[])
};

static_assert(sizeof(GeneRow) == 36 && sizeof(TranRow) == 80 && sizeof(ExonRow) == 40 && sizeof(IntronRow) == 4 &&
                  sizeof(PartRow) == 28 && sizeof(IdKey) == 8 && sizeof(AnnoToc) == 240,
              "packed annotation rows");

uint64_t fnv1a64(std::string_view s);

/// A mapped annotation file. Immutable after construction: safe to share
/// across threads.
class AnnoFile {
 public:
  /// Opens `path` for assembly `refg`; `config` is the annotation's name.
  AnnoFile(const std::string& path, RefgId refg, std::string config);

  const std::string& path() const { return file_.path(); }
  const std::string& config() const { return config_; }
  RefgId refg() const { return refg_; }

  uint32_t size(int table) const { return toc_.num_rows[table]; }
  const GeneRow& gene(uint32_t i) const { return genes_[i]; }
  const TranRow& tran(uint32_t i) const { return trans_[i]; }
  const ExonRow& exon(uint32_t i) const { return exons_[i]; }
  /// Exon, transcript and index of intron `i` (OSError if its exon link is corrupt).
  IntronLinks intron(uint32_t i) const;
  /// CDS (kCdss) or UTR (kUtr5s / kUtr3s) row.
  const PartRow& part(int table, uint32_t i) const { return parts_[table - kCdss][i]; }

  /// `row` if it is a valid row of `table`, else OSError (corrupt file).
  uint32_t checked(int table, uint32_t row) const;
  /// OSError (corrupt file) unless rows [first, first + count) all exist.
  void check_rows(int table, uint32_t first, uint32_t count) const;

  /// Interval of any row (chromosome remapped to the current assembly);
  /// OSError for a row with end < start, an unknown chromosome or strand.
  Interval interval(int table, uint32_t row) const;

  /// String from the pool ("" = absent); OSError if it is not UTF-8.
  std::string_view str(uint32_t off) const;
  /// Id of an exon ("" = absent), decoded into `buf` (kIdBufSize bytes) or in the pool.
  std::string_view exon_id(uint32_t row, char* buf) const;

  const IntervalIndex& index(int table) const { return index_[table]; }

  /// First row (file order) whose id equals `key` or starts with `key` + '.';
  /// kNoRow if none. Genes and transcripts only.
  uint32_t find_id(int table, std::string_view key) const;
  /// All such rows, in file order.
  std::vector<uint32_t> find_all_ids(int table, std::string_view key) const;
  /// Id of a gene / transcript row.
  std::string_view id_of(int table, uint32_t row) const;

 private:
  const RowIv& row_iv(int table, uint32_t row) const;
  RowIv intron_iv(uint32_t row) const;

  MappedFile file_;
  RefgId refg_;
  std::string config_;
  AnnoToc toc_{};
  std::vector<ChromId> remap_;
  const char* strings_ = nullptr;
  const GeneRow* genes_ = nullptr;
  const TranRow* trans_ = nullptr;
  const ExonRow* exons_ = nullptr;
  const IntronRow* introns_ = nullptr;
  const PartRow* parts_[3] = {nullptr, nullptr, nullptr};
  const IdKey* ids_[2] = {nullptr, nullptr};
  const IdFormatEntry* id_formats_ = nullptr;
  IntervalIndex index_[kNumAnnoTables];
};

}  // namespace gk
