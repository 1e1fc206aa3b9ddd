// GenomeKit .dganno reader: conversion to the .gkanno image, which is then opened and read.
#include "anno.h"
#include "anno_dganno.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gk::RefgId refg = gkfuzz::assembly();
  return gkfuzz::run([&] {
    const std::string out = gkfuzz::scratch_out(".gkanno");
    gk::convert_dganno_file(gkfuzz::scratch_file(data, size, ".dganno"), out, gk::assembly(refg));
    gk::AnnoFile f(out, refg, "fuzz");
    for (int t = 0; t < gk::kNumAnnoTables; ++t)
      for (uint32_t i = 0; i < f.size(t); ++i) f.interval(t, i);
  });
}
