// Text parsers, one per build of this file (GK_FUZZ_PARSER): FASTA, GFF3/GTF,
// VCF, bedGraph, WIG, BED. Each parses the input as a user's file into a
// scratch output; errors must be gk::Errors naming the file and line.
#include "anno_builder.h"
#include "fuzz_common.h"
#include "track_builder.h"
#include "twobit.h"
#include "vcf_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gk::RefgId refg = gkfuzz::assembly();
  return gkfuzz::run([&] {
    gkfuzz::MemorySource src(data, size);
    const std::string out = gkfuzz::scratch_out(".out");
#if GK_FUZZ_PARSER == 1
    gk::write_twobit(src, out, -1, "");
#elif GK_FUZZ_PARSER == 2
    gk::build_gencode(src, refg, out, true);
#elif GK_FUZZ_PARSER == 3
    gk::VcfBuildOptions opt;
    opt.refg = refg;
    opt.policy = gk::RecordPolicy::Keep;
    opt.split_multiallelic = true;
    for (const char* id : {"DP", "AF", "NOTE", "DB", "LST", "ID", "SVTYPE"}) opt.fields.push_back({id});
    for (const char* id : {"GT", "AD"}) opt.fields.push_back({id, true});
    gk::build_vcfbin(src, out, opt);
#else
    gk::TrackBuilder b(out, gk::EType::f32, gk::Strandedness::single_stranded, refg, 1, 1);
#if GK_FUZZ_PARSER == 4
    b.add_bedgraph(src, '+');
#elif GK_FUZZ_PARSER == 5
    b.add_wig(src, '+');
#else
    b.add_bed(src, {});
#endif
    b.finalize();
#endif
  });
}
