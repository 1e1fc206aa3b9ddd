// UCSC refGene + refLink → annotation model. Transcripts are grouped by their
// Entrez gene id (refLink locusLinkId), and each id's transcripts are
// clustered into genes by locus (same chromosome and strand, starting less
// than 200 kb after the cluster's end), so a gene duplicated at two loci
// gives two genes with one id. CDS pieces and their phases come from
// cdsStart/cdsEnd; UTRs are computed.
#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

#include "anno_builder.h"
#include "errors.h"

namespace gk {

namespace {

constexpr int64_t kClusterGap = 200000;

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t tab = line.find('\t', pos);
    out.push_back(line.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos));
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
  return out;
}

struct RefLink {
  std::string name, product, protein, entrez;
};

struct UTx {
  ChromId chrom;
  char strand;
  int64_t start, end, cds_start, cds_end;
  std::string acc;
  std::vector<std::pair<int64_t, int64_t>> exons;
  uint64_t line;
};

}  // namespace

AnnoBuildReport build_ucsc_refseq(ByteSource& ref_gene, ByteSource& ref_link, RefgId refg,
                                  const std::string& out_path) {
  AnnoModel m(refg);
  const Assembly& a = m.assembly();
  std::unordered_map<std::string, RefLink> links;
  {
    LineReader rd(ref_link);
    std::string_view line;
    while (rd.next(line)) {
      if (line.empty() || line[0] == '#') continue;
      auto f = split_tabs(line);
      if (f.size() < 7) value_error(rd.where(), ": expected 8 tab-separated refLink columns, found ", f.size());
      links[std::string(f[2])] = {
          std::string(rd.require_utf8(f[0], "gene name")), std::string(rd.require_utf8(f[1], "product")),
          std::string(rd.require_utf8(f[3], "protein accession")), std::string(rd.require_utf8(f[6], "Entrez id"))};
    }
  }
  std::map<std::string, std::vector<UTx>> by_entrez;  // string order of ids, as the reference
  {
    LineReader rd(ref_gene);
    std::string_view line;
    auto num = [&](std::string_view s, const char* what) {
      int64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
        value_error(rd.where(), ": non-numeric ", what, " '", s, "'");
      return v;
    };
    auto list = [&](std::string_view s, const char* what) {
      std::vector<int64_t> out;
      while (!s.empty()) {
        size_t c = s.find(',');
        std::string_view item = s.substr(0, c);
        if (!item.empty()) out.push_back(num(item, what));
        if (c == std::string_view::npos) break;
        s = s.substr(c + 1);
      }
      return out;
    };
    while (rd.next(line)) {
      if (line.empty() || line[0] == '#') continue;
      auto f = split_tabs(line);
      size_t o = f.size() >= 16 ? 1 : 0;  // with or without the leading bin column
      if (f.size() < 15) value_error(rd.where(), ": expected 16 tab-separated refGene columns, found ", f.size());
      UTx t;
      t.acc = std::string(rd.require_utf8(f[o + 0], "accession"));
      ChromId c = a.find(std::string(f[o + 1]));
      if (c < 0) value_error(rd.where(), ": ", unknown_chromosome(a, f[o + 1]));
      t.chrom = c;
      if (f[o + 2] != "+" && f[o + 2] != "-") value_error(rd.where(), ": strand must be '+' or '-'");
      t.strand = f[o + 2][0];
      t.start = num(f[o + 3], "txStart");
      t.end = num(f[o + 4], "txEnd");
      t.cds_start = num(f[o + 5], "cdsStart");
      t.cds_end = num(f[o + 6], "cdsEnd");
      auto starts = list(f[o + 8], "exonStarts"), ends = list(f[o + 9], "exonEnds");
      if (starts.size() != ends.size() || starts.size() != static_cast<size_t>(num(f[o + 7], "exonCount")))
        value_error(rd.where(), ": exonCount, exonStarts and exonEnds disagree");
      if (t.start > t.end) value_error(rd.where(), ": txStart is after txEnd");
      if (a.chrom_size(c) >= 0 && t.end > a.chrom_size(c))
        value_error(rd.where(), ": ", past_chromosome_end(a, c, t.end));
      for (size_t k = 0; k < starts.size(); ++k) {
        if (starts[k] > ends[k]) value_error(rd.where(), ": exon ", k + 1, " starts after it ends");
        t.exons.push_back({starts[k], ends[k]});
      }
      if (t.strand == '-') std::reverse(t.exons.begin(), t.exons.end());
      t.line = rd.line_number();
      auto it = links.find(t.acc);
      if (it == links.end()) value_error(rd.where(), ": accession ", t.acc, " is not in refLink");
      by_entrez[it->second.entrez].push_back(std::move(t));
    }
  }
  auto coding = [](const std::string& acc) { return acc.size() > 1 && acc[1] == 'M'; };
  uint32_t pc = m.strings.add("protein_coding"), nc = m.strings.add("non_coding");
  for (auto& [entrez, txs] : by_entrez) {
    std::stable_sort(txs.begin(), txs.end(), [](const UTx& x, const UTx& y) {
      if (x.chrom != y.chrom) return x.chrom < y.chrom;
      if (x.strand != y.strand) return x.strand < y.strand;
      if (x.start != y.start) return x.start < y.start;
      return x.acc < y.acc;
    });
    size_t i = 0;
    while (i < txs.size()) {
      size_t j = i + 1;
      int64_t cend = txs[i].end;
      while (j < txs.size() && txs[j].chrom == txs[i].chrom && txs[j].strand == txs[i].strand &&
             txs[j].start < cend + kClusterGap) {
        cend = std::max(cend, txs[j].end);
        ++j;
      }
      BGene g;
      g.chrom = txs[i].chrom;
      g.strand = txs[i].strand;
      g.start = txs[i].start;
      g.end = cend;
      g.id = m.strings.add(entrez);
      g.name = m.strings.add(links[txs[i].acc].name);
      bool any_coding = false;
      for (size_t k = i; k < j; ++k) any_coding |= coding(txs[k].acc);
      g.type = any_coding ? pc : nc;
      uint32_t gi = static_cast<uint32_t>(m.genes.size());
      for (size_t k = i; k < j; ++k) {
        const UTx& u = txs[k];
        const RefLink& l = links[u.acc];
        BTran t;
        t.chrom = u.chrom;
        t.strand = u.strand;
        t.start = u.start;
        t.end = u.end;
        t.id = m.strings.add(u.acc);
        t.type = coding(u.acc) ? pc : nc;
        t.protein = m.strings.add(l.protein);
        t.product = m.strings.add(l.product);
        t.gene = gi;
        t.line = u.line;
        uint32_t ti = static_cast<uint32_t>(m.trans.size());
        int64_t cum = 0;
        for (auto& [s, e] : u.exons) {
          BPart p;
          p.start = s;
          p.end = e;
          p.line = u.line;
          m.add_part(ti, PartKind::Exon, p);
          if (u.cds_end > u.cds_start) {
            BPart c = p;
            c.start = std::max(s, u.cds_start);
            c.end = std::min(e, u.cds_end);
            if (c.end > c.start) {
              c.phase = static_cast<int8_t>((3 - cum % 3) % 3);
              cum += c.end - c.start;
              m.add_part(ti, PartKind::Cds, c);
            }
          }
        }
        g.trans.push_back(ti);
        m.trans.push_back(t);
      }
      m.genes.push_back(std::move(g));
      i = j;
    }
  }
  AnnoBuildReport rep;
  rep.genes = m.genes.size();
  rep.transcripts = m.trans.size();
  AnnoModel::Rules rules;
  rules.sort_parts = false;
  rules.compute_utrs = true;
  m.write(out_path, rules, ref_gene.name());
  return rep;
}

}  // namespace gk
