#!/usr/bin/env python
"""Mutation fuzzer of genome_kit's binary formats through the Python API.

Every mutant of a seed file (.2bit, .gkanno, .gtrack, .vcfbin) is opened and
read the way a user would (every row, every attribute, queries over every
chromosome). The only acceptable outcomes are a clean result or an OSError
that names the file. Anything else is a finding: another exception type
(MemoryError, UnicodeDecodeError, ValueError...), a signal (segfault, abort),
a hang, or a row that contradicts itself (end < start).

Mutants run in a worker process under a 2 GiB address-space limit, so a huge
allocation surfaces as MemoryError instead of exhausting the machine; a worker
that dies is restarted after the mutant that killed it. Mutant ``i`` of format
``f`` and seed ``s`` is a pure function of ``(f, s, i)``: every finding can be
reproduced.

    python tools/fuzz_formats.py --mutants 1000000            # the long run, every format
    python tools/fuzz_formats.py --format gkanno --mutants 5000 --seed 7
    python tools/fuzz_formats.py --reproduce gkanno 0 1234 out.gkanno

tests/test_fuzz_formats.py runs a short deterministic sweep of each format.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

FORMATS = ("2bit", "gkanno", "gtrack", "vcfbin")
GENOME = "fuzzasm"
HANG_SECONDS = 30.0
MEMORY_LIMIT = 2 << 30

# --------------------------------------------------------------------------- seeds

FASTA = (
    ">chr1\n" + "NNNNACGTacgtACGTacgtNNNNACGTTTGACCAGTAGGACCCATTTAGAGACTTGACnnnnACGT" * 3 + "\n"
    ">chr2\n" + "AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAAcgatcgatTTGA" * 4 + "\n"
    ">chrM\nGATCACAGGTCTATCACCCTATTAACCACTCACGGGAGCTCTCCATGCATTTGGTATTTT\n"
)
GFF3 = """##gff-version 3
chr1\tHAVANA\tgene\t2\t180\t.\t+\t.\tID=G1.1;gene_id=G1.1;gene_type=protein_coding;gene_name=ALPHA;level=2
chr1\tHAVANA\ttranscript\t2\t180\t.\t+\t.\tID=T1.1;Parent=G1.1;transcript_type=protein_coding;level=2;\
transcript_support_level=1;ccdsid=CCDS1.1;protein_id=P1.1
chr1\tHAVANA\texon\t2\t40\t.\t+\t.\tID=e1;Parent=T1.1;exon_id=E1.1;exon_number=1
chr1\tHAVANA\texon\t61\t100\t.\t+\t.\tID=e2;Parent=T1.1;exon_id=E2.1;exon_number=2
chr1\tHAVANA\texon\t141\t180\t.\t+\t.\tID=e3;Parent=T1.1;exon_id=E3.1;exon_number=3
chr1\tHAVANA\tCDS\t21\t40\t.\t+\t0\tID=c;Parent=T1.1
chr1\tHAVANA\tCDS\t61\t100\t.\t+\t2\tID=c;Parent=T1.1
chr1\tHAVANA\tCDS\t141\t150\t.\t+\t1\tID=c;Parent=T1.1
chr1\tHAVANA\tUTR\t2\t20\t.\t+\t.\tID=u;Parent=T1.1
chr1\tHAVANA\tUTR\t151\t180\t.\t+\t.\tID=u;Parent=T1.1
chr1\tHAVANA\ttranscript\t61\t180\t.\t+\t.\tID=T1.2;Parent=G1.1;transcript_type=retained_intron;level=3
chr1\tHAVANA\texon\t61\t180\t.\t+\t.\tParent=T1.2;exon_id=exon-E6.1-b;exon_number=1
chr2\tENSEMBL\tgene\t12\t200\t.\t-\t.\tID=gene:G2;biotype=lncRNA;Name=BETA
chr2\tENSEMBL\tlnc_RNA\t12\t200\t.\t-\t.\tID=transcript:T2;Parent=gene:G2;biotype=lncRNA
chr2\tENSEMBL\texon\t150\t200\t.\t-\t.\tParent=transcript:T2;exon_id=E4;rank=1
chr2\tENSEMBL\texon\t12\t50\t.\t-\t.\tParent=transcript:T2;exon_id=E5;rank=2
"""
VCF = """##fileformat=VCFv4.2
##contig=<ID=chr1>
##contig=<ID=chr2>
##INFO=<ID=DP,Number=1,Type=Integer,Description="depth">
##INFO=<ID=AF,Number=A,Type=Float,Description="frequency">
##INFO=<ID=NOTE,Number=1,Type=String,Description="free text">
##INFO=<ID=DB,Number=0,Type=Flag,Description="flag">
##INFO=<ID=LST,Number=.,Type=Integer,Description="ragged list">
##FORMAT=<ID=GT,Number=1,Type=String,Description="genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="allele depths">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2
chr1\t5\trs1\tA\tG\t50\tPASS\tDP=10;AF=0.5;NOTE=first;DB\tGT:AD\t0/1:3,4\t1|1:0,7
chr1\t9\t.\tACGTTTGACCAGTAG\tA\t.\t.\tDP=3;AF=0.25\tGT:AD\t0/0:5,0\t./.:.,.
chr1\t30\trs3\tC\tCTTTTGGGAAACCCTTTAAACCCGGG\t20\tq10\tNOTE=ins\tGT:AD\t1/1:0,9\t0|1:2,2
chr2\t3\t.\tC\tT\t.\tPASS\tDP=1\tGT:AD\t0/1:1,1\t0/0:4,0
"""
TRACKS = (  # (etype, strandedness, dim, resolution)
    ("f16", "strand_unaware", 1, 1),
    ("u3", "strand_aware", 2, 4),
    ("f4", "single_stranded", 1, 1),
    ("m0", "strand_aware", 1, 2),
)


def _gk():
    import genome_kit as gk  # noqa: PLC0415 (the worker imports it once, after its limits are set)

    return gk


def use_data_dir(workdir: str):
    """Points genome_kit at the fuzzer's private data directory."""
    gk = _gk()
    from genome_kit import gk_data  # noqa: PLC0415
    from genome_kit.data_manager import DefaultDataManager  # noqa: PLC0415

    gk_data.data_manager = DefaultDataManager(workdir, "local")  # never the network
    return gk.Genome(GENOME)


def make_seeds(workdir: str) -> dict[str, list[str]]:
    """Builds the seed files of every format in `workdir` with genome_kit itself."""
    import numpy as np  # noqa: PLC0415

    gk = _gk()
    os.makedirs(workdir, exist_ok=True)
    fasta = os.path.join(workdir, "seed.fa")
    with open(fasta, "w") as f:
        f.write(FASTA)
    gk.build_assembly(fasta, os.path.join(workdir, GENOME))
    genome = use_data_dir(workdir)
    seeds: dict[str, list[str]] = {fmt: [] for fmt in FORMATS}
    seeds["2bit"].append(os.path.join(workdir, GENOME + ".2bit"))
    v1 = os.path.join(workdir, "seed_v1")
    gk.build_assembly(fasta, v1, version=1)
    os.replace(v1 + ".2bit", os.path.join(workdir, "seed_v1.2bit.seed"))
    seeds["2bit"].append(os.path.join(workdir, "seed_v1.2bit.seed"))

    gff = os.path.join(workdir, "seed.gff3")
    with open(gff, "w") as f:
        f.write(GFF3)
    gk.GenomeAnnotation.build_gencode(gff, os.path.join(workdir, "seed"), genome)
    seeds["gkanno"].append(os.path.join(workdir, "seed.gkanno"))

    rng = np.random.default_rng(0)
    for k, (etype, strandedness, dim, res) in enumerate(TRACKS):
        path = os.path.join(workdir, f"seed{k}.gtrack")
        b = gk.GenomeTrackBuilder(path, etype, strandedness, genome, dim=dim, resolution=res)
        b.set_default_value(0.0)
        if dim == 2:
            b.set_metadata(name=["a", "b"], strand=["+", "-"])
        for chrom, strand, start, end in (
            ("chr1", "+", 4, 60),
            ("chr1", "+", 100, 140),
            ("chr2", "-", 8, 48),
        ):
            if strandedness == "single_stranded" and strand == "-":
                strand = "+"
            n = (end - start) // res
            if etype == "m0":
                data = None
            elif etype == "u3":
                data = rng.integers(0, 8, size=(n, dim)).astype(np.uint8)
            else:
                data = rng.random((n, dim)).astype(np.float16)
            b.set_data(gk.Interval(chrom, strand, start, end, genome), data)
        b.finalize()
        seeds["gtrack"].append(path)

    vcf = os.path.join(workdir, "seed.vcf")
    with open(vcf, "w") as f:
        f.write(VCF)
    out = os.path.join(workdir, "seed.vcfbin")
    gk.VCFTable.build_vcfbin(
        out,
        vcf,
        genome,
        info_ids=["ID", "DP", "AF", "NOTE", "DB", "LST"],
        fmt_ids=["GT", "AD"],
        validate=False,
    )
    seeds["vcfbin"].append(out)
    return seeds


# --------------------------------------------------------------------------- mutations

U32 = (
    0,
    1,
    2,
    7,
    8,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFE,
    0xFFFFFFFF,
)
U64 = (0, 1, 8, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFF8, 0x100000000)
GK_MAGICS = (b"GKANNO", b"GKTRACK", b"GKVCF")


def mutate(seed: bytes, rng: random.Random) -> bytes:
    """One mutant: 1-4 edits (bit flips, interesting integers at aligned
    offsets, small deltas, truncation, chunk copies, inserts, deletes)."""
    data = bytearray(seed)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        n = len(data)
        if n < 8:
            break
        op = rng.randrange(9)
        if op == 0:
            data[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[rng.randrange(n)] = rng.randrange(256)
        elif op in (2, 3):
            pos = rng.randrange(n - 3) & (~3 if rng.random() < 0.8 else ~0)
            value = rng.choice(U32 + (n, n - 1, n + 1, rng.getrandbits(32)))
            data[pos : pos + 4] = struct.pack("<I", value & 0xFFFFFFFF)
        elif op == 4:
            pos = rng.randrange(n - 7) & ~7
            value = rng.choice(U64 + (n, n - 8, n + 8, rng.getrandbits(64)))
            data[pos : pos + 8] = struct.pack("<Q", value)
        elif op == 5:
            pos = rng.randrange(n - 3) & ~3
            (v,) = struct.unpack_from("<I", data, pos)
            struct.pack_into("<I", data, pos, (v + rng.choice((-8, -4, -2, -1, 1, 2, 4, 8, 64))) & 0xFFFFFFFF)
        elif op == 6:
            del data[rng.randrange(n) :]
        elif op == 7:
            a, b = rng.randrange(n), rng.randrange(n)
            k = rng.randrange(1, 64)
            data[b : b + k] = data[a : a + k]
        else:
            pos = rng.randrange(n)
            if rng.random() < 0.5:
                del data[pos : pos + rng.randrange(1, 16)]
            else:
                data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    # genome_kit headers record the file size: mostly keep it consistent, so
    # mutants get past the size check into the structures behind it.
    if len(data) >= 24 and bytes(data[:8]).rstrip(b"\0") in GK_MAGICS and rng.random() < 0.9:
        struct.pack_into("<Q", data, 16, len(data))
    return bytes(data)


def mutant(fmt: str, seed: int, index: int, seeds: list[str]) -> bytes:
    rng = random.Random(f"{fmt}:{seed}:{index}")
    with open(seeds[rng.randrange(len(seeds))], "rb") as f:
        return mutate(f.read(), rng)


# --------------------------------------------------------------------------- exercising


class Finding(Exception):
    """A result that is neither clean nor an OSError naming the file."""


# Row attributes that raise by design on most rows (a VCF variant has no anchor).
NOT_ATTRIBUTES = {"anchor", "anchor_offset"}


def _check_row(row) -> None:
    if row.end < row.start:
        raise Finding(f"{row!r} has end {row.end} < start {row.start}")
    len(row)
    repr(row)
    for name in dir(row):
        if not name.startswith("_") and name not in NOT_ATTRIBUTES:
            value = getattr(row, name)
            if isinstance(value, list):
                for x in value:
                    repr(x)


def _windows(genome):
    gk = _gk()
    for chrom in genome.chromosomes:
        size = genome.chromosome_size(chrom)
        for strand in "+-":
            yield gk.Interval(chrom, strand, 0, size, genome)
            yield gk.Interval(chrom, strand, size // 3, size // 3 + 7, genome)
            yield gk.Interval(chrom, strand, size // 2, size // 2, genome)


def exercise_2bit(path: str, genome) -> None:
    gk = _gk()
    dna = gk.GenomeDNA(path, GENOME)
    for iv in _windows(genome):
        dna(iv)
        dna(iv, soft_mask=True)
        dna(iv.expand(5, 5))
    dna.one_hot([iv for iv in _windows(genome) if len(iv) == 7])
    for chrom in genome.chromosomes:
        dna.chromosome_length(chrom)


def exercise_gkanno(path: str, genome) -> None:
    gk = _gk()
    anno = gk.GenomeAnnotation(path, genome, "seed")
    tables = [anno.genes, anno.transcripts, anno.exons, anno.introns, anno.cdss, anno.utr5s, anno.utr3s]
    for table in tables:
        repr(table)
        for row in table:
            _check_row(row)
        table._columns()
        for iv in _windows(genome):
            for query in (
                "find_overlapping",
                "find_within",
                "find_exact",
                "find_5p_within",
                "find_3p_within",
            ):
                for row in getattr(table, query)(iv):
                    _check_row(row)
    for table in (anno.genes, anno.transcripts):
        for key in ("G1", "G1.1", "T1.1", "T1", "gene:G2", "transcript:T2", "G2", "T2", "x"):
            table.find_by_id(key)
            try:
                table[key]
            except KeyError:
                pass
    anno.genes.first_by_name("ALPHA")


def exercise_gtrack(path: str, genome) -> None:
    gk = _gk()
    track = gk.GenomeTrack(path)
    for name in (
        "dim",
        "resolution",
        "etype",
        "stranded",
        "dtype",
        "default_value",
        "dictionary",
        "num_blocks",
    ):
        getattr(track, name)
    track.metadata_dict()
    for iv in track.intervals:
        repr(iv)
    for iv in _windows(genome):
        track(iv)
        if track.etype != "m0":
            track(iv, "float32")
    windows = [iv for iv in _windows(genome) if len(iv) == 7]
    track.batch(windows)


def exercise_vcfbin(path: str, genome) -> None:
    gk = _gk()
    table = gk.VCFTable(path)
    repr(table)
    _ = table.sample_names
    strings = []
    for fid in table.info_ids:
        try:
            table.info(fid)
        except TypeError as exc:  # string columns are read through the rows
            if "string column" not in str(exc):
                raise
            strings.append(fid)
    for fid in table.format_ids:
        table.format(fid)
    for row in table:
        _check_row(row)
        for fid in strings:
            getattr(row, fid)
    for iv in _windows(genome):
        for query in ("find_overlapping", "find_within", "find_exact", "sequence_variations"):
            for row in getattr(table, query)(iv.as_positive_strand()):
                _check_row(row)


EXERCISE = {
    "2bit": exercise_2bit,
    "gkanno": exercise_gkanno,
    "gtrack": exercise_gtrack,
    "vcfbin": exercise_vcfbin,
}
SUFFIX = {"2bit": ".2bit", "gkanno": ".gkanno", "gtrack": ".gtrack", "vcfbin": ".vcfbin"}


def judge(exc: BaseException, path: str) -> str | None:
    """None when `exc` is an acceptable answer to a corrupt `path`, else why not."""
    if isinstance(exc, Finding):
        return str(exc)
    if isinstance(exc, OSError) and path in str(exc):
        return None
    if isinstance(exc, OSError):
        return f"OSError without the file name: {exc}"
    return f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------- worker / driver


def worker(fmt: str, workdir: str, seed: int, start: int, stop: int) -> None:
    """Runs mutants [start, stop), printing the index before each one and a
    'BAD index reason' line for each finding."""
    import resource  # noqa: PLC0415

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    genome = use_data_dir(workdir)
    seeds = [line.strip() for line in open(os.path.join(workdir, f"{fmt}.seeds"))]
    scratch = tempfile.mkdtemp(prefix="mutants-", dir=workdir)
    out = sys.stdout
    for i in range(start, stop):
        out.write(f"{i}\n")
        out.flush()
        path = os.path.join(scratch, f"m{i}{SUFFIX[fmt]}")
        with open(path, "wb") as f:
            f.write(mutant(fmt, seed, i, seeds))
        try:
            EXERCISE[fmt](path, genome)
        except BaseException as exc:  # noqa: BLE001 - every exception is judged
            reason = judge(exc, path)
            if reason:
                out.write(f"BAD {i} {reason!r}\n")
        os.unlink(path)
    shutil.rmtree(scratch, ignore_errors=True)
    out.write("DONE\n")
    out.flush()


@dataclass
class Report:
    fmt: str
    mutants: int = 0
    seconds: float = 0.0
    findings: list[tuple[int, str]] = field(default_factory=list)


def run(fmt: str, workdir: str, seed: int, mutants: int, start: int = 0, log=None) -> Report:
    """Runs `mutants` mutants of `fmt` (seeds already in `workdir`)."""
    report = Report(fmt)
    t0 = time.monotonic()
    env = dict(os.environ, PYTHONFAULTHANDLER="0")
    i, stop = start, start + mutants
    while i < stop:
        cmd = [
            sys.executable,
            os.path.abspath(__file__),
            "--worker",
            fmt,
            workdir,
            str(seed),
            str(i),
            str(stop),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        current, done = i, False
        assert proc.stdout is not None
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], HANG_SECONDS)
            if not ready:
                proc.kill()
                report.findings.append((current, f"hang (no progress for {HANG_SECONDS:.0f} s)"))
                break
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("BAD "):
                _, idx, reason = line.rstrip("\n").split(" ", 2)
                report.findings.append((int(idx), reason))
                if log:
                    log(f"{fmt} mutant {idx}: {reason}")
            elif line.startswith("DONE"):
                done = True
            else:
                current = int(line)
                report.mutants = current - start + 1
        rc = proc.wait()
        if done:
            break
        if rc != 0 and (not report.findings or report.findings[-1][0] != current):
            report.findings.append((current, f"worker died with exit status {rc}"))
        if log:
            log(f"{fmt} mutant {current}: worker died ({rc})")
        i = current + 1
    report.mutants = stop - start
    report.seconds = time.monotonic() - t0
    return report


def prepare(workdir: str) -> dict[str, list[str]]:
    seeds = make_seeds(workdir)
    for fmt, paths in seeds.items():
        with open(os.path.join(workdir, f"{fmt}.seeds"), "w") as f:
            f.write("".join(p + "\n" for p in paths))
    return seeds


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--format", choices=FORMATS, action="append", help="format to fuzz (default: all)")
    p.add_argument("--mutants", type=int, default=2000, help="mutants per format")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--start", type=int, default=0, help="first mutant index")
    p.add_argument("--workdir", help="keep seeds and findings here (default: a temporary directory)")
    p.add_argument(
        "--reproduce", nargs=4, metavar=("FORMAT", "SEED", "INDEX", "OUT"), help="write one mutant"
    )
    p.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        fmt, workdir, seed, start, stop = args.worker
        worker(fmt, workdir, int(seed), int(start), int(stop))
        return 0
    workdir = args.workdir or tempfile.mkdtemp(prefix="gk-fuzz-")
    seeds = prepare(workdir)
    if args.reproduce:
        fmt, seed, index, out = args.reproduce
        with open(out, "wb") as f:
            f.write(mutant(fmt, int(seed), int(index), seeds[fmt]))
        return 0
    failed = False
    for fmt in args.format or FORMATS:
        report = run(fmt, workdir, args.seed, args.mutants, args.start, log=lambda m: print(m, flush=True))
        rate = report.mutants / max(report.seconds, 1e-9)
        print(
            f"{fmt}: {report.mutants} mutants in {report.seconds:.0f} s ({rate:.0f}/s), "
            f"{len(report.findings)} findings",
            flush=True,
        )
        for index, reason in report.findings:
            keep = os.path.join(workdir, f"finding-{fmt}-{args.seed}-{index}{SUFFIX[fmt]}")
            with open(keep, "wb") as f:
                f.write(mutant(fmt, args.seed, index, seeds[fmt]))
            print(f"  {keep}: {reason}")
        failed |= bool(report.findings)
    if not args.workdir and not failed:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
