// .dganno → .gkanno image (see anno_dganno.h; layout in docs/formats.md).
#include "anno_dganno.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "anno_builder.h"
#include "anno_image.h"
#include "atomic_writer.h"
#include "errors.h"
#include "utf8.h"

namespace gk {

namespace {

constexpr uint32_t kInvalidIndex = 0x80000000u;  // "no row" in a .dganno link
constexpr uint8_t kNoElevel = 3, kNoTsl = 6, kNoBiotype = 78;

// Packed rows as stored. Every row starts with the interval: pos5, pos3
// (0-based, inclusive, 5'/3' ends), the assembly's FNV-1a 64 hash, the
// chromosome name's FNV-1a 32 hash, strand (1 = '+', 0 = '-').
#pragma pack(push, 1)
struct DgIv {
  int32_t pos5, pos3;
  uint64_t refg;
  uint32_t chrom;
  uint8_t strand;
};
struct DgGene {
  DgIv iv;
  uint8_t level, type, pad;
  uint32_t num_trans, tran0, aux;
};
struct DgTran {
  DgIv iv;
  uint8_t level, tsl, type;
  uint16_t num_cdss, num_utr5s, num_utr3s, num_exons;
  uint32_t gene, exon0, intr0, cds0, utr50, utr30, aux;
};
struct DgExon {
  DgIv iv;
  uint8_t is_last;
  uint16_t index;
  uint32_t tran, cds, utr5, utr3, id;
};
struct DgIntron {
  DgIv iv;
  uint8_t is_last;
  uint16_t index;
  uint32_t tran;
};
struct DgPart {  // CDS and UTR
  DgIv iv;
  uint8_t flags;  // bit 0 is_first, bit 1 is_last, bits 2..7 phase (CDS)
  uint16_t exon_index;
  uint32_t tran;
};
#pragma pack(pop)
static_assert(sizeof(DgGene) == 36 && sizeof(DgTran) == 60 && sizeof(DgExon) == 44 && sizeof(DgIntron) == 28 &&
                  sizeof(DgPart) == 28,
              "packed .dganno rows");

template <class Row>
struct DgTable {
  const Row* rows = nullptr;  // alignment 1: read in place
  uint64_t n = 0;
  const char* aux = nullptr;
  uint64_t aux_size = 0;
};

uint32_t fnv1a32(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

class Reader {
 public:
  explicit Reader(const MappedFile& f) : f_(f) {}

  template <class T>
  T read(const char* what) {
    T v = f_.read<T>(pos_, what);
    pos_ += sizeof(T);
    return v;
  }
  void align4() { pos_ = (pos_ + 3) / 4 * 4; }
  void checkpoint(uint32_t magic, const char* table) {
    uint32_t v = read<uint32_t>("checkpoint");
    if (v != magic)
      f_.corrupt(cat("table ", table, ": checkpoint 0x", std::hex, magic, " expected at byte ", std::dec, pos_ - 4,
                     ", found 0x", std::hex, v));
  }
  // uint64 count, int32 item size, items. The items lie at any byte offset: only byte-aligned types (packed
  // rows, strings) are read in place; other arrays are skipped.
  template <class T>
  const T* array(uint64_t& n, const char* what) {
    static_assert(alignof(T) == 1, "read in place at any byte offset");
    const uint64_t at = items<T>(n, what);
    return f_.array_at<T>(at, n, what);
  }
  template <class T>
  void skip_array(const char* what) {
    uint64_t n = 0;
    items<T>(n, what);
  }

  // One table: rows, string pool, stranded flag, interval index (skipped:
  // the image gets its own, in the same order).
  template <class Row>
  DgTable<Row> table(const char* name) {
    DgTable<Row> t;
    align4();
    checkpoint(0x85420001u, name);
    t.rows = array<Row>(t.n, name);
    if (t.n >= kNoRow) f_.corrupt(cat("table ", name, " has ", t.n, " rows"));
    checkpoint(0x85420002u, name);
    t.aux = array<char>(t.aux_size, "string pool");
    if (t.aux_size && t.aux[t.aux_size - 1] != '\0') f_.corrupt(cat("string pool of ", name, " is not NUL terminated"));
    size_t bad = utf8_prefix(std::string_view(t.aux, t.aux_size));
    if (bad != t.aux_size) f_.corrupt(cat("string pool of ", name, ": invalid UTF-8 at byte ", bad));
    read<uint8_t>("stranded flag");
    align4();
    checkpoint(0x85420003u, name);
    uint64_t keys = read<uint64_t>("index");
    for (uint64_t k = 0; k < keys; ++k) {
      read<uint32_t>("index");
      read<uint8_t>("index");
      read<int32_t>("index");
      skip_array<uint32_t>("index");
      skip_array<uint32_t>("index");
    }
    checkpoint(0x85420990u, name);
    return t;
  }

 private:
  // Reads an array's count and item size, checks its items lie in the file, moves past them: their offset.
  template <class T>
  uint64_t items(uint64_t& n, const char* what) {
    n = read<uint64_t>(what);
    int32_t size = read<int32_t>(what);
    if (size != static_cast<int32_t>(sizeof(T)))
      f_.corrupt(cat(what, ": items of ", size, " bytes, expected ", sizeof(T)));
    f_.check_range(pos_, n, sizeof(T), what);
    const uint64_t at = pos_;
    pos_ += n * sizeof(T);
    return at;
  }

  const MappedFile& f_;
  uint64_t pos_ = 4;
};

class Converter {
 public:
  Converter(const MappedFile& f, const Assembly& a) : f_(f) {
    for (size_t i = 0; i < a.num_chroms(); ++i) {
      chrom_names_.push_back(a.chrom_name(static_cast<ChromId>(i)));
      chrom_by_hash_.emplace(fnv1a32(chrom_names_.back()), static_cast<int32_t>(i));
    }
  }

  MappedFile run() {
    uint16_t version = f_.read<uint16_t>(2, "header");
    if (version != kDgannoVersion)
      os_error(f_.path(), " is a version ", version, " GenomeKit annotation file; genome_kit reads version ",
               kDgannoVersion);
    Reader r(f_);
    genes_ = r.table<DgGene>("genes");
    trans_ = r.table<DgTran>("transcripts");
    exons_ = r.table<DgExon>("exons");
    introns_ = r.table<DgIntron>("introns");
    parts_[0] = r.table<DgPart>("cdss");
    parts_[1] = r.table<DgPart>("utr5s");
    parts_[2] = r.table<DgPart>("utr3s");

    // Pool: "\0", the three string pools, the biotype names.
    gene_base_ = 1;
    tran_base_ = gene_base_ + genes_.aux_size;
    exon_base_ = tran_base_ + trans_.aux_size;
    uint64_t biotype_base = exon_base_ + exons_.aux_size;
    for (size_t i = 0;; ++i) {
      std::string_view b = known_biotype(i);
      if (b.empty()) break;
      biotype_off_.push_back(static_cast<uint32_t>(biotype_base + biotypes_.size()));
      biotypes_.append(b.data(), b.size());
      biotypes_.push_back('\0');
    }
    if (biotype_base + biotypes_.size() > 0xFFFFFFF0ull) f_.corrupt("string pools exceed 4 GiB");

    convert_genes();
    convert_trans();
    convert_exons();
    convert_introns();
    for (int k = 0; k < 3; ++k) convert_parts(k);

    MemoryWriter out;
    // Rows + pool + two index entries (12 bytes) per row + keys and id index: one allocation.
    uint64_t rows = genes_.n + trans_.n + exons_.n + introns_.n + parts_[0].n + parts_[1].n + parts_[2].n;
    out.reserve(rows * (40 + 24) + (genes_.n + trans_.n) * 64 + biotype_base + biotypes_.size() + (1 << 16));
    write_anno_image(
        out, chrom_names_, rows_,
        {std::string_view("\0", 1), std::string_view(genes_.aux, genes_.aux_size),
         std::string_view(trans_.aux, trans_.aux_size), std::string_view(exons_.aux, exons_.aux_size), biotypes_});
    return MappedFile(f_.path(), out.take());
  }

 private:
  [[noreturn]] void bad(const char* table, uint64_t row, const std::string& what) const {
    f_.corrupt(cat("row ", row, " of ", table, ": ", what));
  }

  template <class Row>
  void set_interval(Row& out, const DgIv& iv, const char* table, uint64_t row) {
    if (iv.strand > 1) bad(table, row, cat("strand byte ", int(iv.strand)));
    bool plus = iv.strand == 1;
    int64_t start = plus ? iv.pos5 : iv.pos3;
    int64_t end = (plus ? int64_t(iv.pos3) : int64_t(iv.pos5)) + 1;
    if (start < 0 || end < start || end > 0x7FFFFFFF)
      bad(table, row, cat("interval pos5=", iv.pos5, " pos3=", iv.pos3));
    auto it = chrom_by_hash_.find(iv.chrom);
    if (it == chrom_by_hash_.end()) {
      // Not a chromosome of the assembly: rows on it raise when read (AnnoFile::interval).
      char name[48];
      std::snprintf(name, sizeof name, "<chromosome hash %08x>", iv.chrom);
      chrom_names_.push_back(name);
      it = chrom_by_hash_.emplace(iv.chrom, static_cast<int32_t>(chrom_names_.size() - 1)).first;
    }
    out.chrom = it->second;
    out.start = static_cast<int32_t>(start);
    out.end = static_cast<int32_t>(end);
    out.strand = plus ? '+' : '-';
  }

  // Pool offset of the string at `off` of a table's pool ("" → 0); `next`
  // gets the offset just past it.
  template <class Row>
  uint32_t str(const DgTable<Row>& t, uint64_t base, uint64_t off, const char* table, uint64_t row,
               uint64_t* next = nullptr) {
    if (off >= t.aux_size) bad(table, row, cat("string offset ", off, " past the pool (", t.aux_size, " bytes)"));
    size_t len = std::strlen(t.aux + off);  // the pool ends with NUL
    if (next) *next = off + len + 1;
    return len == 0 ? 0 : static_cast<uint32_t>(base + off);
  }

  int8_t level(uint8_t v, const char* table, uint64_t row) {
    if (v > kNoElevel) bad(table, row, cat("level ", int(v)));
    return v == kNoElevel ? kNoLevel : static_cast<int8_t>(v + 1);
  }
  uint32_t biotype(uint8_t v, const char* table, uint64_t row) {
    if (v > kNoBiotype || v >= biotype_off_.size() + 1) bad(table, row, cat("biotype ", int(v)));
    return v == kNoBiotype ? 0 : biotype_off_[v];
  }
  // First row of `count` children in a table of `size` rows (0 when none).
  uint32_t children(uint32_t first, uint64_t count, uint64_t size, const char* table, uint64_t row, const char* what) {
    if (count == 0) return 0;
    if (first >= size || count > size - first)
      bad(table, row, cat(count, " ", what, " from row ", first, ", table has ", size));
    return first;
  }
  uint32_t link(uint32_t v, uint64_t size, const char* table, uint64_t row, const char* what) {
    if (v == kInvalidIndex) return kNoRow;
    if (v >= size) bad(table, row, cat(what, " row ", v, ", table has ", size));
    return v;
  }
  uint32_t parent(uint32_t v, uint64_t size, const char* table, uint64_t row, const char* what) {
    if (v >= size) bad(table, row, cat(what, " row ", v, ", table has ", size));
    return v;
  }

  void convert_genes() {
    rows_.genes.resize(genes_.n);
    for (uint64_t i = 0; i < genes_.n; ++i) {
      const DgGene& d = genes_.rows[i];
      GeneRow& g = rows_.genes[i];
      set_interval(g, d.iv, "genes", i);
      g.level = level(d.level, "genes", i);
      g.type = biotype(d.type, "genes", i);
      uint64_t next = 0;
      g.id = str(genes_, gene_base_, d.aux, "genes", i, &next);
      g.name = str(genes_, gene_base_, next, "genes", i);
      g.first_tran = children(d.tran0, d.num_trans, trans_.n, "genes", i, "transcripts");
      g.num_trans = d.num_trans;
    }
  }

  void convert_trans() {
    rows_.trans.resize(trans_.n);
    for (uint64_t i = 0; i < trans_.n; ++i) {
      const DgTran& d = trans_.rows[i];
      TranRow& t = rows_.trans[i];
      const char* tb = "transcripts";
      set_interval(t, d.iv, tb, i);
      t.level = level(d.level, tb, i);
      if (d.tsl > kNoTsl) bad(tb, i, cat("transcript support level ", int(d.tsl)));
      t.tsl = d.tsl == kNoTsl ? int8_t(-1) : static_cast<int8_t>(d.tsl + 1);
      t.type = biotype(d.type, tb, i);
      t.gene = parent(d.gene, genes_.n, tb, i, "gene");
      uint64_t next = 0;
      t.id = str(trans_, tran_base_, d.aux, tb, i, &next);
      t.ccds = str(trans_, tran_base_, next, tb, i, &next);
      t.protein = str(trans_, tran_base_, next, tb, i, &next);
      t.product = str(trans_, tran_base_, next, tb, i);
      t.first_exon = children(d.exon0, d.num_exons, exons_.n, tb, i, "exons");
      t.num_exons = d.num_exons;
      t.first_intron = children(d.intr0, d.num_exons ? d.num_exons - 1u : 0u, introns_.n, tb, i, "introns");
      t.first_cds = children(d.cds0, d.num_cdss, parts_[0].n, tb, i, "CDSs");
      t.num_cdss = d.num_cdss;
      t.first_utr5 = children(d.utr50, d.num_utr5s, parts_[1].n, tb, i, "5' UTRs");
      t.num_utr5s = d.num_utr5s;
      t.first_utr3 = children(d.utr30, d.num_utr3s, parts_[2].n, tb, i, "3' UTRs");
      t.num_utr3s = d.num_utr3s;
    }
  }

  void convert_exons() {
    IdEncoder ids;
    rows_.exons.resize(exons_.n);
    for (uint64_t i = 0; i < exons_.n; ++i) {
      const DgExon& d = exons_.rows[i];
      ExonRow& e = rows_.exons[i];
      set_interval(e, d.iv, "exons", i);
      e.tran = parent(d.tran, trans_.n, "exons", i, "transcript");
      e.set_index(d.index);
      uint32_t id = str(exons_, exon_base_, d.id, "exons", i);
      e.id = id ? ids.encode(std::string_view(exons_.aux + d.id)) : 0;
      if (id && !e.id) e.id = pooled_id(id);
      e.cds = link(d.cds, parts_[0].n, "exons", i, "CDS");
      e.utr5 = link(d.utr5, parts_[1].n, "exons", i, "5' UTR");
      e.utr3 = link(d.utr3, parts_[2].n, "exons", i, "3' UTR");
    }
    rows_.exon_id_formats = ids.formats();
  }

  // An intron is stored as the link to its 5' exon: the file's intron must
  // be the gap between that exon and the next one of its transcript.
  void convert_introns() {
    rows_.introns.resize(introns_.n);
    for (uint64_t i = 0; i < introns_.n; ++i) {
      const DgIntron& d = introns_.rows[i];
      RowIv iv{};
      set_interval(iv, d.iv, "introns", i);
      uint32_t tran = parent(d.tran, trans_.n, "introns", i, "transcript");
      const TranRow& t = rows_.trans[tran];
      if (i < t.first_intron || i - t.first_intron != d.index || uint64_t(d.index) + 1 >= t.num_exons)
        bad("introns", i, cat("intron ", d.index, " is not at its place among its transcript's introns"));
      uint32_t e = t.first_exon + d.index;
      const ExonRow &a = rows_.exons[e], &b = rows_.exons[e + 1];
      bool minus = a.strand == '-';
      if (a.tran != tran || b.tran != tran || iv.chrom != a.chrom || iv.strand != a.strand || b.chrom != a.chrom ||
          b.strand != a.strand || iv.start != (minus ? b.end : a.end) || iv.end != (minus ? a.start : b.start))
        bad("introns", i, "not the gap between its exons");
      rows_.introns[i].exon = e;
    }
  }

  void convert_parts(int k) {
    static const char* names[] = {"cdss", "utr5s", "utr3s"};
    const DgTable<DgPart>& tab = parts_[k];
    BigVector<PartRow>& out = rows_.parts[k];
    out.resize(tab.n);
    for (uint64_t i = 0; i < tab.n; ++i) {
      const DgPart& d = tab.rows[i];
      PartRow& p = out[i];
      set_interval(p, d.iv, names[k], i);
      p.tran = parent(d.tran, trans_.n, names[k], i, "transcript");
      const TranRow& t = rows_.trans[p.tran];
      if (d.exon_index >= t.num_exons)
        bad(names[k], i, cat("exon ", d.exon_index, " of a transcript with ", t.num_exons));
      p.exon = t.first_exon + d.exon_index;
      uint32_t first = k == 0 ? t.first_cds : k == 1 ? t.first_utr5 : t.first_utr3;
      uint32_t count = k == 0 ? t.num_cdss : k == 1 ? t.num_utr5s : t.num_utr3s;
      if (i < first || i - first >= count) bad(names[k], i, "not among its transcript's rows");
      p.index = static_cast<uint32_t>(i - first);
      int phase = d.flags >> 2;
      if (k == 0 && phase > 2) bad(names[k], i, cat("phase ", phase));
      p.phase = k == 0 ? static_cast<int8_t>(phase) : int8_t(-1);
    }
  }

  const MappedFile& f_;
  std::vector<std::string> chrom_names_;
  std::unordered_map<uint32_t, int32_t> chrom_by_hash_;
  DgTable<DgGene> genes_;
  DgTable<DgTran> trans_;
  DgTable<DgExon> exons_;
  DgTable<DgIntron> introns_;
  DgTable<DgPart> parts_[3];
  uint64_t gene_base_ = 0, tran_base_ = 0, exon_base_ = 0;
  std::string biotypes_;
  std::vector<uint32_t> biotype_off_;
  AnnoRows rows_;
};

}  // namespace

bool is_dganno(const MappedFile& file) {
  return file.size() >= 4 && file.read<uint16_t>(0, "header") == kDgannoSignature;
}

MappedFile dganno_to_gkanno(const MappedFile& file, const Assembly& a) {
  return Converter(file, a).run();
}

void convert_dganno_file(const std::string& path, const std::string& out_path, const Assembly& a) {
  MappedFile in(path);
  if (!is_dganno(in)) os_error(path, " is not a GenomeKit annotation file (.dganno)");
  MappedFile image = dganno_to_gkanno(in, a);
  AtomicFileWriter out(out_path);
  out.write(image.data(), image.size());
  out.commit();
}

}  // namespace gk
