#!/usr/bin/env bash
# Coverage-guided fuzzing of gk_core with libFuzzer + AddressSanitizer and
# UndefinedBehaviorSanitizer (clang): a memory error or any undefined behaviour is a finding.
#
#   tools/fuzz.sh [RUNS] [TARGET...]      RUNS mutants per target (default 100000);
#                                         targets: 2bit gkanno gtrack vcfbin dganno chain fasta gff vcf bedgraph
#                                         wig bed
#   FUZZ_SECONDS=N tools/fuzz.sh ...      also stop each target after N seconds (its log says how many ran)
#   tools/fuzz.sh 1000000                 the long run (issue 11's goal: 1,000,000 mutants per format)
#
# Builds build/fuzz (-DGK_FUZZ=ON, never part of the wheel), makes the seed
# corpora (binary formats built by genome_kit itself through
# tools/fuzz_formats.py, text from tests/data; GenomeKit .dganno files from
# ../shared when present), then runs each target. Needs clang with libFuzzer
# (Debian: clang, libclang-rt-dev) and a built genome_kit (tools/dev_build.sh)
# for the seeds. A finding leaves its input in $FUZZ_OUT (default
# build/fuzz/findings; reproduce with GK_FUZZ_DATA=<seeds> build/fuzz/fuzz/fuzz_<target>
# FILE) and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-100000}
shift || true
TARGETS=${*:-2bit gkanno gtrack vcfbin dganno chain fasta gff vcf bedgraph wig bed}
BUILD=${FUZZ_BUILD:-build/fuzz}
CXX_FUZZ=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14 || command -v clang++-16 || true)}
[ -n "$CXX_FUZZ" ] || { echo "tools/fuzz.sh needs clang++ (apt-get install clang)" >&2; exit 2; }

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DGK_FUZZ=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-DNDEBUG -DCMAKE_CXX_COMPILER="$CXX_FUZZ"
fi
cmake --build "$BUILD" -j "${JOBS:-2}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gk-fuzz.XXXXXX")
# The harnesses write each input to a scratch file (the readers map files): in memory (/dev/shm) when there is
# one, several times faster than a disk-backed /tmp.
SCRATCH=$WORK/tmp
if [ -d /dev/shm ] && [ -w /dev/shm ]; then SCRATCH=$(mktemp -d /dev/shm/gk-fuzz.XXXXXX); fi
trap 'rm -rf "$WORK" "$SCRATCH"' EXIT
OUT=${FUZZ_OUT:-$BUILD/findings}
mkdir -p "$OUT" "$WORK/data" "$SCRATCH"
PYTHONPATH=${PYTHONPATH:-.} python - "$WORK/data" <<'PY'
import sys
sys.path.insert(0, "tools")
import fuzz_formats  # noqa: E402

fuzz_formats.prepare(sys.argv[1])
PY

corpus() {  # corpus TARGET FILE...: a corpus directory seeded with the FILEs that exist (gzip ones unpacked)
  local t=$1 f
  shift
  mkdir -p "$WORK/corpus/$t"
  for f in "$@"; do
    [ -f "$f" ] || continue
    case "$f" in
      *.gz) (gzip -dc "$f" 2>/dev/null || true) | head -c 200000 >"$WORK/corpus/$t/$(basename "$f" .gz)" ;;
      *) cp "$f" "$WORK/corpus/$t/" ;;
    esac
  done
}
D=$WORK/data
corpus 2bit "$D"/fuzzasm.2bit "$D"/seed_v1.2bit.seed
corpus gkanno "$D"/seed.gkanno
corpus gtrack "$D"/seed*.gtrack
corpus vcfbin "$D"/seed.vcfbin
corpus dganno ../shared/conformance/data/*.v22.dganno
corpus fasta "$D"/seed.fa tests/data/ce2chrM.fa.gz
corpus gff "$D"/seed.gff3 tests/data/*.gff3* tests/data/*.gtf* tests/data/*.gff
corpus vcf "$D"/seed.vcf tests/data/*.vcf tests/data/htslib/*.vcf
corpus bedgraph tests/data/chipseq_excerpt.bed
corpus wig
corpus bed tests/data/chipseq_excerpt.bed
printf 'chr1\t0\t10\t1.5\nchr2\t5\t40\t-2\n' > "$WORK/corpus/bedgraph/seed.bedGraph"
printf 'fixedStep chrom=chr1 start=1 step=1\n1\n2\nvariableStep chrom=chr2\n3 4.5\n' > "$WORK/corpus/wig/seed.wig"
# Chains from the fuzzer's assembly (chr1 201, chr2 208, chrM 60 bases) onto itself (gaps, '-' strand, a
# duplication) and onto names it lacks; UCSC's real chain excerpt (mostly size mismatches) after them.
corpus chain tests/data/hg19ToHg38.over.chain.gz
printf 'chain 1000 chr1 201 + 10 60 chr2 208 + 20 70 1\n20\t5\t0\n10\t0\t5\n15\n\nchain 500 chr1 201 + 70 90 chr2 208 - 10 30 2\n20\n\nchain 200 chr1 201 + 80 90 chrM 60 + 0 10 3\n10\n\nchain 90 chr2 208 + 0 200 chrX 300 - 50 250 4\n100\t0\t0\n100\n' >"$WORK/corpus/chain/seed.chain"

# Text parsers work line by line: 8 KiB inputs reach every state, and the big seeds (a 200 KB UCSC chain
# excerpt) would otherwise be parsed whole at every run (16 runs/s instead of hundreds).
max_len() {
  case "$1" in
    2bit | gkanno | gtrack | vcfbin | dganno) echo 65536 ;;
    *) echo "${FUZZ_TEXT_MAX_LEN:-8192}" ;;
  esac
}

failed=0
for t in $TARGETS; do
  echo "== $t: $RUNS runs"
  if ! GK_FUZZ_DATA="$D" TMPDIR="$SCRATCH" UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$BUILD/fuzz/fuzz_$t" "$WORK/corpus/$t" -runs="$RUNS" -max_total_time="${FUZZ_SECONDS:-0}" \
      -rss_limit_mb=2560 -malloc_limit_mb=2048 -timeout=30 -max_len="$(max_len "$t")" -print_final_stats=1 \
      -artifact_prefix="$OUT/$t-" 2>"$WORK/$t.log"; then
    failed=1
    echo "   FINDING: see $OUT (last lines of the log below)"
    tail -40 "$WORK/$t.log"
  fi
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb" "$WORK/$t.log" |
    sed 's/^/   /' || true
done
exit $failed
