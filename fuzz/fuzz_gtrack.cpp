// .gtrack reader: open, attach, block intervals, metadata, and reads of windows
// (inside, across and past the data, before 0) in every decode type, binned and viewed.
#include <vector>

#include "fuzz_common.h"
#include "track_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gk::RefgId refg = gkfuzz::assembly();
  return gkfuzz::run([&] {
    gk::TrackFile t(gkfuzz::scratch_file(data, size, ".gtrack"));
    t.attach(refg);
    t.metadata();
    std::vector<gk::Interval> windows;
    for (const gk::Interval& b : t.intervals()) windows.push_back(b);
    const gk::Assembly& a = gk::assembly(refg);
    for (size_t c = 0; c < a.num_chroms(); ++c)
      windows.push_back(gk::Interval::make(static_cast<gk::ChromId>(c), '+', -5, 300, refg));
    const int64_t dim = t.dim();
    if (dim > 1024) return;  // a huge dim is a valid header: reads would only be slow
    std::vector<float> out;
    for (gk::Interval iv : windows) {
      if (iv.length() > 4096) iv.end = iv.start + 4096;
      out.assign(size_t(iv.length() * dim) + 1, 0.f);
      for (char s : {'+', '-'}) {
        iv.strand = s;
        for (gk::DType d : {gk::DType::Bool, gk::DType::U8, gk::DType::I8, gk::DType::F16, gk::DType::F32}) {
          if (!gk::can_decode(t.etype(), d)) continue;
          t.read(iv, d, out.data(), dim);
        }
        t.view(iv, t.info().default_dtype);
        const int64_t r = t.resolution();
        if (r > 0 && r <= 4096 && iv.length() % r == 0 && gk::can_decode(t.etype(), gk::DType::F32))
          t.read_binned(iv, r, gk::Aggregation::Mean, out.data(), dim);
      }
    }
  });
}
