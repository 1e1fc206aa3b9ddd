// .vcfbin reader: open, every row (interval, alleles), every value of every
// column (ragged ones entry by entry, strings included), and index queries.
#include <vector>

#include "fuzz_common.h"
#include "vcf_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gk::RefgId refg = gkfuzz::assembly();
  return gkfuzz::run([&] {
    gk::VcfTable t(gkfuzz::scratch_file(data, size, ".vcfbin"), [&](const std::string& name) -> gk::RefgId {
      if (name != "fuzzasm") gk::value_error("unknown reference genome ", name);
      return refg;
    });
    for (uint32_t r = 0; r < t.num_rows(); ++r) t.interval(r), t.ref(r), t.alt(r);
    for (const gk::VcfColumn& c : t.columns()) {
      if (!c.ragged) continue;
      for (uint64_t e = 0; e < c.entries && e < (1u << 16); ++e) {
        if (c.dtype == gk::VcfDtype::String)
          t.string_at(c, e);
        else
          t.ragged_at(c, e);
      }
    }
    std::vector<uint32_t> hits;
    const gk::Assembly& a = gk::assembly(refg);
    for (size_t c = 0; c < a.num_chroms(); ++c) {
      gk::Interval q = gk::Interval::make(static_cast<gk::ChromId>(c), '+', 0, 1 << 20, refg);
      t.find(gk::IndexQuery::Overlapping, q, hits);
      t.sequence_variations(q, hits);
    }
  });
}
