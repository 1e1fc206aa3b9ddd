// UCSC chain files (src/core/liftover.cpp): parse the input as a chain file
// onto the fuzzer's assembly, then lift points, intervals on both strands
// and a batch over every source chromosome, across and past its ends.
#include <vector>

#include "fuzz_common.h"
#include "liftover.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gk::RefgId refg = gkfuzz::assembly();
  return gkfuzz::run([&] {
    gkfuzz::MemorySource src(data, size);
    gk::LiftOver lo(src, refg);
    const size_t n = lo.source_names().size() < 64 ? lo.source_names().size() : 64;
    std::vector<int32_t> chrom;
    std::vector<int64_t> start, end;
    for (size_t c = 0; c < n; ++c) {
      const int32_t ci = static_cast<int32_t>(c);
      const int64_t len = lo.source_size(ci);
      for (int64_t p : {int64_t{0}, len / 3, len / 2, len - 1, len}) {
        lo.lift_point(ci, p, '+');
        lo.lift_point(ci, p, '-');
        for (char s : {'+', '-'}) lo.lift(ci, p, p + 7 < len ? p + 7 : len, s, 0.5);
        chrom.push_back(ci), start.push_back(p), end.push_back(len);
      }
    }
    // Intervals of the fuzzer's assembly (by name) lifted through the chains.
    const gk::Assembly& a = gk::assembly(refg);
    for (size_t c = 0; c < a.num_chroms(); ++c) {
      const int64_t len = a.chrom_size(static_cast<gk::ChromId>(c));
      if (len > 0) lo.lift(gk::Interval::make(static_cast<gk::ChromId>(c), '-', 0, len, refg), 0.1);
    }
    const size_t m = chrom.size();
    std::vector<int32_t> oc(m);
    std::vector<int64_t> os(m), oe(m);
    std::vector<char> ostr(m);
    std::vector<uint8_t> st(m);
    lo.lift_batch(m, chrom.data(), start.data(), end.data(), nullptr, 0.95, oc.data(), os.data(), oe.data(),
                  ostr.data(), st.data());
  });
}
