// .gkanno reader: open, every row of every table (interval, strings, links to
// parents and children), id lookups and interval-index queries.
#include <vector>

#include "anno.h"
#include "fuzz_common.h"

namespace {

void exercise(const gk::AnnoFile& f) {
  for (int t = 0; t < gk::kNumAnnoTables; ++t) {
    for (uint32_t i = 0; i < f.size(t); ++i) f.interval(t, i);
  }
  for (uint32_t i = 0; i < f.size(gk::kGenes); ++i) {
    const gk::GeneRow& g = f.gene(i);
    f.str(g.id), f.str(g.name), f.str(g.type);
    f.check_rows(gk::kTrans, g.first_tran, g.num_trans);
    f.find_id(gk::kGenes, f.id_of(gk::kGenes, i));
  }
  for (uint32_t i = 0; i < f.size(gk::kTrans); ++i) {
    const gk::TranRow& t = f.tran(i);
    f.str(t.id), f.str(t.type), f.str(t.ccds), f.str(t.protein), f.str(t.product), f.str(t.tags);
    f.checked(gk::kGenes, t.gene);
    f.check_rows(gk::kExons, t.first_exon, t.num_exons);
    if (t.num_exons) f.check_rows(gk::kIntrons, t.first_intron, t.num_exons - 1);
    f.check_rows(gk::kCdss, t.first_cds, t.num_cdss);
    f.check_rows(gk::kUtr5s, t.first_utr5, t.num_utr5s);
    f.check_rows(gk::kUtr3s, t.first_utr3, t.num_utr3s);
    f.find_all_ids(gk::kTrans, f.id_of(gk::kTrans, i));
  }
  for (uint32_t i = 0; i < f.size(gk::kExons); ++i) {
    const gk::ExonRow& e = f.exon(i);
    char buf[gk::kIdBufSize];
    f.exon_id(i, buf);
    f.checked(gk::kTrans, e.tran);
    if (e.cds != gk::kNoRow) f.checked(gk::kCdss, e.cds);
    if (e.utr5 != gk::kNoRow) f.checked(gk::kUtr5s, e.utr5);
    if (e.utr3 != gk::kNoRow) f.checked(gk::kUtr3s, e.utr3);
  }
  for (uint32_t i = 0; i < f.size(gk::kIntrons); ++i) f.checked(gk::kTrans, f.intron(i).tran);
  std::vector<uint32_t> hits;
  const gk::Assembly& a = gk::assembly(f.refg());
  for (size_t c = 0; c < a.num_chroms(); ++c)
    for (char s : {'+', '-'})
      for (int t = 0; t < gk::kNumAnnoTables; ++t)
        for (auto kind : {gk::IndexQuery::Overlapping, gk::IndexQuery::Within, gk::IndexQuery::Exact})
          f.index(t).find(kind, gk::Interval::make(static_cast<gk::ChromId>(c), s, 0, 1 << 20, f.refg()), hits);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gk::RefgId refg = gkfuzz::assembly();
  return gkfuzz::run([&] { exercise(gk::AnnoFile(gkfuzz::scratch_file(data, size, ".gkanno"), refg, "fuzz")); });
}
