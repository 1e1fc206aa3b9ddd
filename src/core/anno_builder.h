// Building .gkanno files: an in-memory gene model filled by the parsers
// (GENCODE/Ensembl GFF3 and GTF, NCBI RefSeq GFF3, UCSC refGene/refLink) and
// written in one pass. Strings are interned as they arrive, so the model holds
// only what ends up in the file, never the input text.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "anno.h"
#include "assembly.h"
#include "big_alloc.h"
#include "line_reader.h"

namespace gk {

/// Hash of the build's in-memory lookups (never stored in a file).
uint64_t build_hash(std::string_view s);

/// A fixed-size zero-initialised array of trivially copyable slots in
/// big_alloc memory (huge pages: random probes into tens of MB of small pages
/// are mostly TLB misses).
template <class T>
class Table {
 public:
  Table() = default;
  explicit Table(size_t n) : p_(static_cast<T*>(big_alloc(n * sizeof(T)))), n_(n) {}
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  Table& operator=(Table&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~Table() { big_free(p_, n_ * sizeof(T)); }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
};

/// Deduplicating string pool; offset 0 is "". The offsets given out are
/// stable (the file stores them); the first add of a string appends it.
class StringPool {
 public:
  StringPool() { data_.push_back('\0'); }
  uint32_t add(std::string_view s) { return s.empty() ? 0 : add(s, build_hash(s)); }
  /// As add(s), with `h` = build_hash(s) already computed.
  uint32_t add(std::string_view s, uint64_t h);
  std::string_view data() const { return std::string_view(data_.data(), data_.size()); }
  std::string_view get(uint32_t off) const { return std::string_view(data_.data() + off); }
  /// True if the string added at `off` is `s`.
  bool equals(uint32_t off, std::string_view s) const {
    return off + s.size() < data_.size() && data_[off + s.size()] == '\0' &&
           std::char_traits<char>::compare(data_.data() + off, s.data(), s.size()) == 0;
  }
  /// Hint: add(s, h) will come soon (loads its slot into the cache).
  void prefetch(uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[static_cast<uint32_t>(h) & (slots_.size() - 1)]);
  }
  /// Frees the lookup table when the model is complete (add() is then an error).
  void release_index();

 private:
  struct Slot {
    uint32_t off, tag;  // tag: low half of the hash, so most mismatches never touch data_
  };
  void grow();
  BigVector<char> data_;  // NUL-terminated strings
  Table<Slot> slots_;     // open addressing (linear probing); off 0 = empty
  size_t count_ = 0;
  bool released_ = false;
};

/// Pooled id → row (genes or transcripts by id); setting an id again points
/// it at the new row. Keys are pool offsets, so no id is copied.
class IdMap {
 public:
  explicit IdMap(const StringPool& pool) : pool_(pool) {}
  /// Row of `id` (h = build_hash(id)), or kNoRow.
  uint32_t find(std::string_view id, uint64_t h) const;
  uint32_t find(std::string_view id) const { return find(id, build_hash(id)); }
  /// Maps the pooled string at `off` (h = its build_hash) to `row`.
  void set(uint32_t off, uint64_t h, uint32_t row);

 private:
  struct Slot {
    uint32_t off, tag, row;
  };
  void grow();
  const StringPool& pool_;
  Table<Slot> slots_;
  size_t count_ = 0;
};

// Utr: generic UTR row, classified at the end; Stop: a GTF stop_codon row, folded into the CDS at the end
enum class PartKind : uint8_t { Exon, Cds, Utr5, Utr3, Utr, Stop };

/// An exon, CDS or UTR piece as read (coordinates DNA0).
struct BPart {
  int64_t start = 0, end = 0;
  uint64_t line = 0;  // input line, for messages
  uint32_t id = 0;    // exon id (string pool)
  uint32_t tran = 0;  // owning transcript (AnnoModel::trans index)
  int8_t phase = -1;
  PartKind kind = PartKind::Exon;
};

/// Every piece of the model in arrival order, in fixed-size chunks (growing
/// never copies what is there; the writer frees each chunk once it has read
/// all of its pieces, so the model shrinks while the rows grow).
class PartStore {
 public:
  PartStore() = default;
  PartStore(const PartStore&) = delete;
  PartStore& operator=(const PartStore&) = delete;
  ~PartStore() {
    for (BPart* c : chunks_) big_free(c, kBigAllocMin);  // freed ones are null
  }
  void push_back(const BPart& p) {
    if (fill_ == kChunk || chunks_.empty()) {
      chunks_.push_back(static_cast<BPart*>(big_alloc(kBigAllocMin)));
      left_.push_back(0);
      fill_ = 0;
    }
    ++left_.back();
    new (&chunks_.back()[fill_++]) BPart(p);
    ++size_;
  }
  size_t size() const { return size_; }
  const BPart& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  /// Piece i will not be read again (each piece is released at most once).
  void release(size_t i) {
    size_t c = i / kChunk;
    if (--left_[c] == 0) {
      big_free(chunks_[c], kBigAllocMin);
      chunks_[c] = nullptr;
    }
  }

 private:
  static constexpr size_t kChunk = kBigAllocMin / sizeof(BPart);  // one huge page each
  std::vector<BPart*> chunks_;
  std::vector<uint32_t> left_;  // pieces of each chunk not released yet
  size_t size_ = 0, fill_ = 0;
};

struct BTran {
  ChromId chrom = 0;
  char strand = '+';
  int8_t level = kNoLevel, tsl = -1;
  bool implicit = false;  // created from a child row (GTF without transcript rows, GFF3 CDS of a gene): span grows
  bool guessed = false;   // a GFF3 feature taken for a transcript because its parent is a gene
  bool has_parts = false, has_cds = false;
  int64_t start = 0, end = 0;
  uint32_t id = 0, type = 0, ccds = 0, protein = 0, product = 0;
  uint32_t tags = 0;  // comma-separated tag attribute values
  uint32_t gene = 0;
  uint64_t line = 0;
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
  BigVector<BGene> genes;
  BigVector<BTran> trans;
  PartStore parts;
  /// Adds an exon, CDS or UTR piece of transcript `tran`.
  void add_part(uint32_t tran, PartKind kind, BPart p) {
    p.tran = tran;
    p.kind = kind;
    parts.push_back(p);
  }
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

/// The biotypes the builders accept without allow_unknown_biotypes: the
/// reference's list of 78 and other sources' spellings ("lncRNA", "mRNA").
/// Biotypes are stored as the file spells them.
bool is_known_biotype(std::string_view s);
/// The message of a build that meets an unknown biotype.
std::string unknown_biotype(std::string_view bt);
/// The message of a row that ends at `end` (1-based inclusive or 0-based exclusive: the same
/// number), past the end of its chromosome.
std::string past_chromosome_end(const Assembly& a, ChromId chrom, int64_t end);
/// The message of a row on a chromosome the assembly does not know.
std::string unknown_chromosome(const Assembly& a, std::string_view name);
/// The i-th of the reference's 78 biotypes in its (ASCII-sorted) order, "" past
/// the end; GenomeKit's .dganno rows store biotypes as this index.
std::string_view known_biotype(size_t i);

}  // namespace gk
