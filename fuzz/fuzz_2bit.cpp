// .2bit reader: open, then every chromosome's sequence on both strands (and a window past each end).
#include "fuzz_common.h"
#include "twobit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gk::RefgId refg = gkfuzz::assembly();
  return gkfuzz::run([&] {
    gk::TwoBitFile f(gkfuzz::scratch_file(data, size, ".2bit"), refg);
    const gk::Assembly& a = gk::assembly(refg);
    std::string buf;
    for (size_t c = 0; c < a.num_chroms(); ++c) {
      const gk::ChromId chrom = static_cast<gk::ChromId>(c);
      if (!f.has_chrom(chrom)) continue;
      int64_t n = std::min<int64_t>(f.chrom_length(chrom), 1 << 20);
      for (char strand : {'+', '-'}) {
        for (auto [s, e] : {std::pair<int64_t, int64_t>{0, n}, {-3, 5}, {n - 4, n + 4}}) {
          if (e < s) continue;
          buf.resize(size_t(e - s));
          f.fetch(gk::Interval::make(chrom, strand, s, e, refg), buf.data(), true, (s & 1) != 0);
        }
      }
    }
  });
}
