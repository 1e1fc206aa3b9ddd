// AnnoModel::write: links the parsed model (exons 5'→3', CDS/UTR → exon,
// introns, computed UTRs) and writes the .gkanno layout of anno.h.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include "anno_builder.h"
#include "anno_image.h"
#include "atomic_writer.h"
#include "binary_format.h"
#include "chrom_table.h"
#include "errors.h"

namespace gk {

namespace {
inline uint64_t fold_mul(uint64_t a, uint64_t b) {
#ifdef __SIZEOF_INT128__
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
#else
  uint64_t r = a * b;
  return r ^ (r >> 29);
#endif
}
}  // namespace

// Eight bytes at a time: the ids of a GENCODE build (~1.6M distinct, ~20
// bytes each) are hashed several times per input row.
uint64_t build_hash(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = fold_mul(h ^ w, 0xBF58476D1CE4E5B9ull);
  }
  if (n) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = fold_mul(h ^ w, 0x94D049BB133111EBull);
  }
  return fold_mul(h, 0x9E3779B97F4A7C15ull);
}

// Open addressing over the pool itself: a slot holds the offset of a distinct
// string (0 = empty) and the low half of its hash (which also picks the slot),
// so the lookup costs 8 bytes per string instead of a node with a second copy
// of it (GENCODE has ~2M distinct ids), most mismatches never touch the
// strings, and growing never rereads them.
uint32_t StringPool::add(std::string_view s, uint64_t h) {
  if (s.empty()) return 0;
  if (released_) runtime_error("annotation string pool: add after release_index");
  if ((count_ + 1) * 2 > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  uint32_t tag = static_cast<uint32_t>(h);
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.off == 0) {
      if (data_.size() + s.size() + 1 > 0xFFFFFFF0ull) value_error("annotation strings exceed 4 GiB");
      uint32_t off = static_cast<uint32_t>(data_.size());
      data_.insert(data_.end(), s.data(), s.data() + s.size());
      data_.push_back('\0');
      slot = {off, tag};
      ++count_;
      return off;
    }
    if (slot.tag == tag && equals(slot.off, s)) return slot.off;
  }
}

void StringPool::grow() {
  Table<Slot> old(std::max<size_t>(1024, slots_.size() * 2));
  std::swap(old, slots_);
  size_t mask = slots_.size() - 1;
  for (size_t k = 0; k < old.size(); ++k) {
    const Slot& s = old[k];
    if (s.off == 0) continue;
    size_t i = s.tag & mask;
    while (slots_[i].off != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void StringPool::release_index() {
  slots_ = Table<Slot>();
  count_ = 0;
  released_ = true;
}

uint32_t IdMap::find(std::string_view id, uint64_t h) const {
  if (slots_.empty()) return kNoRow;
  size_t mask = slots_.size() - 1;
  uint32_t tag = static_cast<uint32_t>(h);
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.off == 0) return kNoRow;
    if (slot.tag == tag && pool_.equals(slot.off, id)) return slot.row;
  }
}

void IdMap::set(uint32_t off, uint64_t h, uint32_t row) {
  if ((count_ + 1) * 2 > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  uint32_t tag = static_cast<uint32_t>(h);
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.off == 0) {
      slot = {off, tag, row};
      ++count_;
      return;
    }
    if (slot.off == off) {  // the pool gives one offset per distinct string
      slot.row = row;
      return;
    }
  }
}

void IdMap::grow() {
  Table<Slot> old(std::max<size_t>(1024, slots_.size() * 2));
  std::swap(old, slots_);
  size_t mask = slots_.size() - 1;
  for (size_t k = 0; k < old.size(); ++k) {
    const Slot& s = old[k];
    if (s.off == 0) continue;
    size_t i = s.tag & mask;
    while (slots_[i].off != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

namespace {

// `what` names the row for the message ("transcript ENST..."); built only on failure.
template <class F>
int32_t pos32(int64_t v, const F& what) {
  if (v < 0 || v > 0x7FFFFFFF) value_error(what(), ": coordinate ", v, " out of range");
  return static_cast<int32_t>(v);
}

// 5'→3' order of pieces on a strand (stable: equal keys keep arrival order).
// Transcripts have a handful of pieces: insertion sort, no temporary buffer.
template <class Less>
void stable_small_sort(std::vector<BPart>& v, Less less) {
  if (v.size() > 32) {
    std::stable_sort(v.begin(), v.end(), less);
    return;
  }
  for (size_t i = 1; i < v.size(); ++i) {
    if (!less(v[i], v[i - 1])) continue;
    BPart x = v[i];
    size_t j = i;
    for (; j > 0 && less(x, v[j - 1]); --j) v[j] = v[j - 1];
    v[j] = x;
  }
}

void sort_5to3(std::vector<BPart>& v, char strand) {
  if (strand == '+')
    stable_small_sort(v, [](const BPart& a, const BPart& b) { return a.start < b.start; });
  else
    stable_small_sort(v, [](const BPart& a, const BPart& b) { return a.end > b.end; });
}

bool inside(const BPart& p, const BPart& e) {
  return p.start >= e.start && p.end <= e.end;
}

// One transcript's pieces while it is linked (reused from one transcript to the next).
struct Linked {
  std::vector<BPart> exons, cdss, utr5s, utr3s, utrs, stops;
  std::vector<uint32_t> cds_exon, utr5_exon, utr3_exon;  // exon index of each piece
  void clear() {
    exons.clear();
    cdss.clear();
    utr5s.clear();
    utr3s.clear();
    utrs.clear();
    stops.clear();
    cds_exon.clear();
    utr5_exon.clear();
    utr3_exon.clear();
  }
};

// A transcript given as CDS (and UTR) rows only (SGD, GeneMark, prokaryotic GFF3, CDS-only GTF):
// its exons are those pieces, joined where they touch or overlap (a UTR next to its CDS), and
// both exons and CDS pieces are put 5'->3' (whatever the builder's rules: the pieces are all there is).
void exons_from_pieces(Linked& L, char strand) {
  for (const auto* v : {&L.cdss, &L.utr5s, &L.utr3s, &L.utrs}) L.exons.insert(L.exons.end(), v->begin(), v->end());
  if (L.exons.empty()) return;
  std::sort(L.exons.begin(), L.exons.end(), [](const BPart& a, const BPart& b) { return a.start < b.start; });
  size_t n = 0;
  for (size_t i = 1; i < L.exons.size(); ++i) {
    if (L.exons[i].start <= L.exons[n].end)
      L.exons[n].end = std::max(L.exons[n].end, L.exons[i].end);
    else
      L.exons[++n] = L.exons[i];
  }
  L.exons.resize(n + 1);
  for (BPart& e : L.exons) {
    e.kind = PartKind::Exon;
    e.id = 0;
    e.phase = -1;
  }
  sort_5to3(L.exons, strand);
  sort_5to3(L.cdss, strand);
}

// A GTF gives the stop codon as stop_codon rows next to its CDS rows (GTF 2.2 leaves it out of the CDS);
// GFF3, RefSeq and UCSC include it in the CDS, and so does the model (HGVS c.* numbering, translation):
// a stop codon piece touching the 3'-most CDS piece extends it, one further 3' (a stop codon split by an
// intron) becomes a CDS piece of its own, one already inside the CDS changes nothing. UTR rows that
// covered the stop codon (GENCODE's GTF UTR rows do) lose those bases.
void fold_stop_codons(Linked& L, char strand) {
  if (L.stops.empty() || L.cdss.empty()) return;
  bool plus = strand == '+';
  sort_5to3(L.stops, strand);
  for (const BPart& s : L.stops) {
    bool covered = false;
    for (const BPart& c : L.cdss) covered |= inside(s, c);
    if (covered) continue;
    BPart* last = &L.cdss[0];  // the 3'-most CDS piece
    int64_t coding = 0;
    for (BPart& c : L.cdss) {
      coding += c.end - c.start;
      if (plus ? c.end > last->end : c.start < last->start) last = &c;
    }
    if (plus ? s.start == last->end : s.end == last->start) {
      (plus ? last->end : last->start) = plus ? s.end : s.start;
    } else if (plus ? s.start > last->end : s.end < last->start) {
      BPart c = s;
      c.kind = PartKind::Cds;
      c.phase = static_cast<int8_t>((3 - coding % 3) % 3);
      L.cdss.push_back(c);
    }
  }
  for (auto* v : {&L.utr5s, &L.utr3s, &L.utrs}) {
    size_t n = 0;
    for (BPart u : *v) {
      for (const BPart& c : L.cdss) {
        if (u.start >= c.end || u.end <= c.start) continue;
        if (u.start < c.start)
          u.end = c.start;
        else
          u.start = std::max(u.start, c.end);
      }
      if (u.end > u.start) (*v)[n++] = u;
    }
    v->resize(n);
  }
}

// Assigns each piece to the first exon at or after the previous piece's exon
// that contains it; every exon takes at most one piece. Returns false (and
// sets `bad` to the piece) when that fails.
bool assign(const std::vector<BPart>& exons, const std::vector<BPart>& pieces, std::vector<uint32_t>& out,
            const BPart** bad) {
  out.clear();
  size_t j = 0;
  for (const BPart& p : pieces) {
    while (j < exons.size() && !inside(p, exons[j])) ++j;
    if (j == exons.size()) {
      *bad = &p;
      return false;
    }
    out.push_back(static_cast<uint32_t>(j++));
  }
  return true;
}

}  // namespace

void AnnoModel::write(const std::string& path, const Rules& rules, const std::string& source_name) {
  const Assembly& asm_ = assembly();
  strings.release_index();  // the model is complete: only get() from here on

  // The pieces of each transcript, in arrival order: a counting sort of the
  // part store by transcript (order[first[t] .. first[t+1]) are t's pieces).
  size_t num_kind[6] = {0, 0, 0, 0, 0, 0};
  BigVector<uint32_t> first(trans.size() + 1, 0), order(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    ++first[parts[i].tran + 1];
    ++num_kind[static_cast<int>(parts[i].kind)];
  }
  for (size_t t = 0; t < trans.size(); ++t) first[t + 1] += first[t];
  {
    std::vector<uint32_t> fill(first.begin(), first.end() - 1);
    for (size_t i = 0; i < parts.size(); ++i) order[fill[parts[i].tran]++] = static_cast<uint32_t>(i);
  }
  std::vector<bool> linked(trans.size(), false);

  AnnoRows rows;
  BigVector<GeneRow>& grows = rows.genes;
  BigVector<TranRow>& trows = rows.trans;
  BigVector<ExonRow>& erows = rows.exons;
  BigVector<IntronRow>& irows = rows.introns;
  BigVector<PartRow>(&prows)[3] = rows.parts;
  grows.reserve(genes.size());
  trows.reserve(trans.size());
  erows.reserve(num_kind[0]);
  irows.reserve(num_kind[0]);
  prows[0].reserve(num_kind[1]);
  if (!rules.compute_utrs) {
    prows[1].reserve(num_kind[2] + num_kind[4]);
    prows[2].reserve(num_kind[3] + num_kind[4]);
  }

  auto where = [&](uint64_t line) { return cat(source_name, ":", line); };
  Linked L;

  for (size_t gi = 0; gi < genes.size(); ++gi) {
    const BGene& g = genes[gi];
    GeneRow gr{};
    auto gname = [&] { return cat("gene ", strings.get(g.id)); };
    gr.chrom = g.chrom;
    gr.start = pos32(g.start, gname);
    gr.end = pos32(g.end, gname);
    gr.strand = g.strand;
    gr.level = g.level;
    gr.id = g.id;
    gr.name = g.name;
    gr.type = g.type;
    gr.first_tran = static_cast<uint32_t>(trows.size());
    gr.num_trans = static_cast<uint32_t>(g.trans.size());
    grows.push_back(gr);

    for (uint32_t ti : g.trans) {
      const BTran& t = trans[ti];
      auto tname = [&] { return cat("transcript ", strings.get(t.id)); };
      L.clear();
      if (!linked[ti]) {  // a transcript listed twice gets its pieces once
        linked[ti] = true;
        for (uint32_t k = first[ti]; k < first[ti + 1]; ++k) {
          BPart p = parts[order[k]];
          parts.release(order[k]);
          switch (p.kind) {
            case PartKind::Exon:
              L.exons.push_back(p);
              break;
            case PartKind::Cds:
              L.cdss.push_back(p);
              break;
            case PartKind::Utr5:
              L.utr5s.push_back(p);
              break;
            case PartKind::Utr3:
              L.utr3s.push_back(p);
              break;
            case PartKind::Stop:
              L.stops.push_back(p);
              break;
            default:
              L.utrs.push_back(p);
              break;
          }
        }
      }
      fold_stop_codons(L, t.strand);
      if (L.exons.empty()) exons_from_pieces(L, t.strand);
      if (rules.sort_parts) {
        sort_5to3(L.exons, t.strand);
        sort_5to3(L.cdss, t.strand);
      }
      const BPart* bad = nullptr;
      if (!assign(L.exons, L.cdss, L.cds_exon, &bad)) {
        if (rules.drop_bad_cds) {
          L.cdss.clear();
          L.cds_exon.clear();
        } else {
          value_error(where(bad->line), ": CDS ", bad->start + 1, "-", bad->end, " of ", tname(),
                      " does not lie in an exon of its own (exons and CDS pieces must pair up 5'->3')");
        }
      }
      // UTRs are computed where the rules say so, and for coding transcripts whose input has no
      // UTR rows at all (GTFs and GFF3s that only give exons and CDS).
      bool no_utr_rows = L.utr5s.empty() && L.utr3s.empty() && L.utrs.empty();
      if (rules.compute_utrs || no_utr_rows) {
        L.utr5s.clear();
        L.utr3s.clear();
        if (!L.cdss.empty()) {
          size_t f = L.cds_exon.front(), l = L.cds_exon.back();
          const BPart &c0 = L.cdss.front(), &c1 = L.cdss.back();
          bool plus = t.strand == '+';
          for (size_t k = 0; k <= f; ++k) {
            BPart u = L.exons[k];
            if (k == f) {
              if (plus)
                u.end = c0.start;
              else
                u.start = c0.end;
            }
            if (u.end > u.start) {
              L.utr5s.push_back(u);
              L.utr5_exon.push_back(static_cast<uint32_t>(k));
            }
          }
          for (size_t k = l; k < L.exons.size(); ++k) {
            BPart u = L.exons[k];
            if (k == l) {
              if (plus)
                u.start = c1.end;
              else
                u.end = c1.start;
            }
            if (u.end > u.start) {
              L.utr3s.push_back(u);
              L.utr3_exon.push_back(static_cast<uint32_t>(k));
            }
          }
        }
      } else {
        for (BPart& u : L.utrs) {  // generic UTR rows: side of the CDS decides
          if (L.cdss.empty()) value_error(where(u.line), ": UTR row of ", tname(), " has no CDS to tell 5' from 3'");
          bool plus = t.strand == '+';
          const BPart &c0 = L.cdss.front(), &c1 = L.cdss.back();
          bool up = plus ? u.end <= c0.start : u.start >= c0.end;
          bool down = plus ? u.start >= c1.end : u.end <= c1.start;
          if (up)
            L.utr5s.push_back(u);
          else if (down)
            L.utr3s.push_back(u);
          else
            value_error(where(u.line), ": UTR ", u.start + 1, "-", u.end, " of ", tname(),
                        " lies between CDS pieces (neither 5' nor 3')");
        }
        if (rules.sort_parts) {
          sort_5to3(L.utr5s, t.strand);
          sort_5to3(L.utr3s, t.strand);
        }
        if (!assign(L.exons, L.utr5s, L.utr5_exon, &bad) || !assign(L.exons, L.utr3s, L.utr3_exon, &bad))
          value_error(where(bad->line), ": UTR ", bad->start + 1, "-", bad->end, " of ", tname(),
                      " does not lie in an exon of its own");
      }

      TranRow tr{};
      tr.chrom = t.chrom;
      int64_t span_start = t.start, span_end = t.end;
      if (t.implicit)  // no transcript row: the span is its exons' (a folded stop codon may widen them)
        for (const BPart& e : L.exons) {
          span_start = std::min(span_start, e.start);
          span_end = std::max(span_end, e.end);
        }
      tr.start = pos32(span_start, tname);
      tr.end = pos32(span_end, tname);
      tr.strand = t.strand;
      tr.level = t.level;
      tr.tsl = t.tsl;
      tr.gene = static_cast<uint32_t>(gi);
      tr.id = t.id;
      tr.type = t.type;
      tr.ccds = t.ccds;
      tr.protein = t.protein;
      tr.tags = t.tags;
      tr.product = t.product;
      uint32_t tri = static_cast<uint32_t>(trows.size());
      tr.first_exon = static_cast<uint32_t>(erows.size());
      tr.num_exons = static_cast<uint32_t>(L.exons.size());
      tr.first_intron = static_cast<uint32_t>(irows.size());
      tr.first_cds = static_cast<uint32_t>(prows[0].size());
      tr.num_cdss = static_cast<uint32_t>(L.cdss.size());
      tr.first_utr5 = static_cast<uint32_t>(prows[1].size());
      tr.num_utr5s = static_cast<uint32_t>(L.utr5s.size());
      tr.first_utr3 = static_cast<uint32_t>(prows[2].size());
      tr.num_utr3s = static_cast<uint32_t>(L.utr3s.size());
      trows.push_back(tr);

      for (size_t k = 0; k < L.exons.size(); ++k) {
        const BPart& e = L.exons[k];
        ExonRow er{};
        er.chrom = t.chrom;
        er.start = pos32(e.start, tname);
        er.end = pos32(e.end, tname);
        er.strand = t.strand;
        er.tran = tri;
        if (!er.set_index(static_cast<uint32_t>(k)))
          value_error(tname(), " has more than ", kMaxExonIndex + 1, " exons");
        er.id = e.id;  // a build pool offset until the pool is written
        er.cds = er.utr5 = er.utr3 = kNoRow;
        erows.push_back(er);
        if (k + 1 < L.exons.size()) {
          const BPart& n = L.exons[k + 1];
          IntronRow ir{};
          int64_t s = t.strand == '+' ? e.end : n.end, en = t.strand == '+' ? n.start : e.start;
          if (en < s)
            value_error(where(n.line), ": exons ", k + 1, " and ", k + 2, " of ", tname(),
                        " overlap or are not in 5'->3' order");
          ir.exon = static_cast<uint32_t>(erows.size() - 1);
          irows.push_back(ir);
        }
      }
      auto emit = [&](int which, const std::vector<BPart>& pieces, const std::vector<uint32_t>& exon_of) {
        for (size_t k = 0; k < pieces.size(); ++k) {
          const BPart& p = pieces[k];
          PartRow pr{};
          pr.chrom = t.chrom;
          pr.start = pos32(p.start, tname);
          pr.end = pos32(p.end, tname);
          pr.strand = t.strand;
          pr.phase = which == 0 ? static_cast<int8_t>(p.phase < 0 ? 0 : p.phase) : int8_t(-1);
          pr.tran = tri;
          pr.exon = tr.first_exon + exon_of[k];
          pr.index = static_cast<uint32_t>(k);
          ExonRow& er = erows[pr.exon];
          uint32_t row = static_cast<uint32_t>(prows[which].size());
          (which == 0 ? er.cds : which == 1 ? er.utr5 : er.utr3) = row;
          prows[which].push_back(pr);
        }
      };
      emit(0, L.cdss, L.cds_exon);
      emit(1, L.utr5s, L.utr5_exon);
      emit(2, L.utr3s, L.utr3_exon);
    }
  }
  if (trows.size() >= kNoRow || erows.size() >= kNoRow) value_error("too many annotation rows");
  BigVector<uint32_t>().swap(first);
  BigVector<uint32_t>().swap(order);

  // The written pool holds what the rows use, once: gene ids and names and
  // transcript ids first, in row order (`gene.name` / `transcript.id` of
  // random rows then read a small, cache-friendly region), then the other
  // strings. Exon ids become id codes (id_code.h); those without a numeric
  // form are pooled too.
  {
    StringPool pool;
    auto move = [&](auto& off) { off = pool.add(strings.get(static_cast<uint32_t>(off))); };
    for (GeneRow& g : grows) {
      move(g.id);
      move(g.name);
    }
    for (TranRow& t : trows) move(t.id);
    for (GeneRow& g : grows) move(g.type);
    for (TranRow& t : trows) {
      move(t.type);
      move(t.ccds);
      move(t.tags);
      move(t.protein);
      move(t.product);
    }
    IdEncoder ids;
    for (ExonRow& e : erows) {
      std::string_view id = strings.get(static_cast<uint32_t>(e.id));
      if (id.empty()) continue;
      e.id = ids.encode(id);
      if (!e.id) e.id = pooled_id(pool.add(id));
    }
    rows.exon_id_formats = ids.formats();
    strings = std::move(pool);
  }

  AtomicFileWriter out(path);
  std::vector<std::string> chrom_names;
  for (size_t i = 0; i < asm_.num_chroms(); ++i) chrom_names.push_back(asm_.chrom_name(static_cast<ChromId>(i)));
  write_anno_image(out, chrom_names, rows, {strings.data()});
  out.commit();
}

}  // namespace gk
