"""gk.LiftOver: chain parsing and validation, UCSC liftOver rules for points, intervals and arrays,
cross-checked against pyliftover and agct on synthetic chains (gaps, reverse strand, duplications)
and on UCSC's real hg19ToHg38 chain."""

from __future__ import annotations

import gzip
import os
import pickle
import random
import shutil
import subprocess
from collections import defaultdict

import numpy as np
import pytest
from chain_util import UcscRemap, random_chains, read_chains, sizes_text, write_chains

import genome_kit as gk
from genome_kit.liftover import REASONS, target_from_filename

HERE = os.path.dirname(os.path.abspath(__file__))
REAL_CHAIN = os.path.join(HERE, "data", "hg19ToHg38.over.chain.gz")

# Hand-checkable chains (the ones of docs/liftover.md):
#   chain 1: chrA [10,30) -> chrB [20,40); chrA [30,35) deleted; [35,45) -> [40,50); chrB [50,55) inserted;
#            [45,60) -> [55,70)
#   chain 2: chrA [70,90) -> chrB '-' [10,30), i.e. chrB [90,110) reversed
#   chain 3: chrA [80,90) -> chrC [0,10) (a duplication of chain 2's last 10 bases)
HAND_CHAIN = """chain 1000 chrA 100 + 10 60 chrB 120 + 20 70 1
20\t5\t0
10\t0\t5
15

chain 500 chrA 100 + 70 90 chrB 120 - 10 30 2
20

chain 200 chrA 100 + 80 90 chrC 50 + 0 10 3
10
"""


def write_sizes(data_dir, name, text):
    path = os.path.join(data_dir, f"{name}.chrom.sizes")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(text)
    return name


@pytest.fixture(scope="module")
def hand(data_dir, tmp_path_factory):
    write_sizes(data_dir, "lo_old", "chrA\t100\n")
    write_sizes(data_dir, "lo_new", "chrB\t120\nchrC\t50\n")
    path = tmp_path_factory.mktemp("chains") / "oldToNew.chain"
    path.write_text(HAND_CHAIN)
    return gk.LiftOver(path, target="lo_new")


def old(start, end, strand="+"):
    return gk.Interval("chrA", strand, start, end, "lo_old")


def new(chrom, start, end, strand="+"):
    return gk.Interval(chrom, strand, start, end, "lo_new")


# --- hand-checked UCSC rules ---


def test_interval_inside_one_block(hand):
    assert hand.lift(old(12, 18)) == new("chrB", 22, 28)
    assert hand.lift(old(12, 18, "-")) == new("chrB", 22, 28, "-")
    assert hand.lift_with_reason(old(12, 18)) == (new("chrB", 22, 28), "")


def test_interval_over_gaps_maps_the_span_of_its_aligned_bases(hand):
    # [25, 50): 5 + 10 + 5 = 20 of 25 bases aligned (80 %): the new span runs from base 25's image to 50's
    assert hand.lift(old(25, 50), min_match=0.8) == new("chrB", 35, 60)
    assert hand.lift_with_reason(old(25, 50)) == (None, "Partially deleted in new")
    # starting in the deleted gap: the span starts at the first aligned base
    assert hand.lift(old(31, 40), min_match=0.5) == new("chrB", 40, 45)


def test_reverse_chain_flips_strand_and_coordinates(hand):
    assert hand.lift(old(70, 75)) == new("chrB", 105, 110, "-")
    assert hand.lift(old(70, 75, "-")) == new("chrB", 105, 110, "+")
    assert hand.convert_coordinate("chrA", 70) == [("chrB", 109, "-", 500)]


def test_ucsc_reasons(hand):
    assert hand.lift_with_reason(old(0, 10)) == (None, "Deleted in new")
    assert hand.lift_with_reason(old(30, 35)) == (None, "Deleted in new")
    assert hand.lift_with_reason(old(55, 75)) == (None, "Split in new")  # 5 bases on chain 1, 5 on chain 2
    assert hand.lift_with_reason(old(80, 85)) == (None, "Duplicated in new")  # chains 2 and 3
    assert hand.lift_with_reason(old(5, 15)) == (None, "Partially deleted in new")
    assert hand.lift(old(5, 15), min_match=0.5) == new("chrB", 20, 25)
    assert hand.lift(old(80, 85)) is None


def test_insertion_points(hand):
    assert hand.lift(old(15, 15)) == new("chrB", 25, 25)
    assert hand.lift_with_reason(old(10, 10)) == (None, "Deleted in new")  # at a block edge: ambiguous
    assert hand.lift_with_reason(old(45, 45)) == (None, "Deleted in new")  # new bases inserted there
    assert hand.lift(old(72, 72)) == new("chrB", 108, 108, "-")


def test_points_list_every_chain(hand):
    assert hand.convert_coordinate("chrA", 84) == [("chrB", 95, "-", 500), ("chrC", 4, "+", 200)]
    assert hand.convert_coordinate("chrA", 32) == []
    assert hand.convert_coordinate("chrZ", 3) is None


def test_arrays(hand):
    chrom = hand.source_indices(["chrA"] * 5)
    r = hand.lift_arrays(chrom, [12, 70, 80, 0, 25], [18, 75, 85, 10, 50], ["+", "-", "+", "+", "+"])
    assert [hand.target_chromosomes[c] if c >= 0 else None for c in r.chrom] == [
        "chrB",
        "chrB",
        None,
        None,
        None,
    ]
    assert r.start[:2].tolist() == [22, 105] and r.end[:2].tolist() == [28, 110]
    assert r.strand[:2].tolist() == [b"+", b"+"]
    assert [REASONS[s] for s in r.status] == [
        "",
        "",
        "Duplicated in new",
        "Deleted in new",
        "Partially deleted in new",
    ]
    with pytest.raises(IndexError, match="row 0: chromosome index 7"):
        hand.lift_arrays(np.array([7]), [1], [2])
    with pytest.raises(ValueError, match="row 1: start 5 is after end 4"):
        hand.lift_arrays(np.zeros(2, np.int32), [1, 5], [2, 4])
    with pytest.raises(ValueError, match="strand must be"):
        hand.lift_arrays(np.zeros(1, np.int32), [1], [2], ["x"])
    with pytest.raises(ValueError, match="end must be a 1-d array"):
        hand.lift_arrays(np.zeros(2, np.int32), [1, 2], [2])
    with pytest.raises(KeyError, match="chrQ"):
        hand.source_indices(["chrQ"])


I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def test_arrays_at_int64_extremes(hand):
    """Rows at the int64 limits lift (or fail) like Intervals there: no overflow in start +/- 1 or
    end - start, no silent wrap of values that do not fit, errors naming the row and value."""
    chrom = np.zeros(4, np.int32)
    r = hand.lift_arrays(chrom, [I64_MIN, I64_MAX, I64_MIN, 0], [I64_MIN, I64_MAX, -1, I64_MAX])
    assert r.chrom.tolist() == [-1] * 4
    assert [REASONS[s] for s in r.status] == ["Deleted in new"] * 3 + ["Split in new"]
    # the same as the per-object API
    for s, e in ((I64_MIN, I64_MIN), (I64_MAX, I64_MAX), (0, I64_MAX)):
        assert hand.lift(old(s, e)) is None
    assert hand.convert_coordinate("chrA", I64_MAX) == [] and hand.convert_coordinate("chrA", I64_MIN) == []
    with pytest.raises(ValueError, match=r"row 1: the length of \[-9223372036854775808, 1\) does not fit"):
        hand.lift_arrays(np.zeros(2, np.int32), [0, I64_MIN], [1, 1])
    with pytest.raises(ValueError, match="row 1: end 9223372036854775808 is out of range"):
        hand.lift_arrays([0, 0], [0, 0], [5, 2**63])
    with pytest.raises(ValueError, match="row 0: end 18446744073709551615 is out of range"):
        hand.lift_arrays([0], [0], np.array([2**64 - 1], np.uint64))
    with pytest.raises(ValueError, match="row 2: chrom 4294967296 is out of range"):
        hand.lift_arrays(np.array([0, 0, 2**32]), [1, 1, 1], [2, 2, 2])  # was read as chromosome 0
    with pytest.raises(TypeError, match="start must hold integers, got an array of float64"):
        hand.lift_arrays([0], np.array([1.5]), [2])  # was truncated to 1
    with pytest.raises(TypeError, match="row 0: start must hold integers"):
        hand.lift_arrays([0], [1.5], [2])
    # lists of Python ints, numpy ints of every width and bools are exact
    a = hand.lift_arrays([0, 0], [np.int16(12), 70], np.array([18, 75], np.uint64))
    assert a.start.tolist() == [22, 105] and a.end.tolist() == [28, 110]
    assert hand.lift_arrays([], [], []).chrom.tolist() == []


def test_arrays_unmapped_rows_are_zero(hand):
    # An insertion point on two chains (chrA 85: chains 2 and 3) is Duplicated; its row once kept the first
    # chain's answer (chrB 95, '-') in start/end/strand.
    r = hand.lift_arrays(hand.source_indices(["chrA"] * 2), [85, 82], [85, 84], ["+", "+"])
    assert [REASONS[s] for s in r.status] == ["Duplicated in new"] * 2
    assert r.chrom.tolist() == [-1, -1] and r.start.tolist() == r.end.tolist() == [0, 0]
    assert r.strand.tolist() == [b"+", b"+"]


def test_target_chromosome_missing_from_assembly(data_dir, tmp_path):
    write_sizes(data_dir, "lo_new_b_only", "chrB\t120\n")
    path = tmp_path / "c.chain"
    path.write_text(HAND_CHAIN)
    lo = gk.LiftOver(path, target="lo_new_b_only")
    assert lo.lift_with_reason(old(84, 86)) == (None, "Duplicated in new")
    path.write_text(HAND_CHAIN.split("chain 500")[0] + "chain 200 chrA 100 + 80 90 chrC 50 + 0 10 3\n10\n")
    lo_one = gk.LiftOver(path, target="lo_new_b_only")
    reason = "Target chromosome not in the target assembly"
    assert lo_one.lift_with_reason(old(81, 83)) == (None, reason)
    assert lo.min_match == 0.95


def test_target_from_name_and_pickle(hand, data_dir, tmp_path):
    assert target_from_filename("/x/hg19ToHg38.over.chain.gz") == "hg38"
    assert target_from_filename("mm10ToGRCm39.over.chain") == "gRCm39"
    assert target_from_filename("some.chain") is None
    with pytest.raises(ValueError, match="pass target="):
        gk.LiftOver(tmp_path / "some.chain")
    back = pickle.loads(pickle.dumps(hand))
    assert back.lift(old(12, 18)) == new("chrB", 22, 28) and back.target == "lo_new"
    assert "3 chains" in repr(hand)


# --- validation ---


H = "chain 1 chrA 100 + 0 10 chrB 120 + 0 10"  # a valid header


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "chain 1 chrA 100 + 0 10 chrB 120 + 0\n10\n",
            r"bad\.chain:1: a chain header has 12 or 13 fields, found 11",
        ),
        (
            "chain x chrA 100 + 0 10 chrB 120 + 0 10\n10\n",
            r"bad\.chain:1: chain score is not a finite number: 'x",
        ),
        (
            "chain nan chrA 100 + 0 10 chrB 120 + 0 10\n10\n",
            r"chain score is not a finite number: 'nan",
        ),
        ("chain -inf chrA 100 + 0 10 chrB 120 + 0 10\n10\n", r"bad\.chain:1: chain score is not a finite"),
        ("chain 1 chrA 100 + 0 10 chrB 120 * 0 10\n10\n", r"qStrand must be '\+' or '-', got '\*'"),
        ("chain 1 chrA 100 - 0 10 chrB 120 + 0 10\n10\n", r"tStrand must be '\+'"),
        (
            H + "\n5 1\n5\n",
            r"bad\.chain:2: a chain block line has 3 fields",
        ),
        (
            H + "\n5 1 1\n3\n",
            r"bad\.chain:3: the chain's blocks end at t=9",
        ),
        (H + "\n5 -1 1\n4\n", r"bad\.chain:2: dt must be a non-negative"),
        (H + "\n5 9 1\n4\n", r"bad\.chain:2: the blocks run past"),
        (
            "chain 1 chrA 100 + 0 200 chrB 120 + 0 200\n200\n",
            r"tEnd 200 must satisfy tStart <= tEnd <= tSize 100",
        ),
        (
            H + "\n5 0 0\n",
            r"bad\.chain: the chain starting at .*bad\.chain:1 is truncated",
        ),
        ("track name=x\n", r"bad\.chain:1: expected a chain header line"),
        ("# only a comment\n\n", r"bad\.chain: no chains in the file"),
        (
            H + "\n10\nchain 1 chrA 99 + 0 10 chrB 120 + 0 10\n10\n",
            r"bad\.chain:3: source chromosome chrA has size 99 here but 100",
        ),
    ],
)
def test_malformed_chain_files(hand, tmp_path, text, message):
    path = tmp_path / "bad.chain"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        gk.LiftOver(path, target="lo_new")


@pytest.mark.parametrize(
    "text, message",
    [
        (
            H.replace("chrA", "chr\xe9") + "\n10\n",
            r"bad\.chain:1: the source chromosome name is not UTF-8: 'chr\\xe9'",
        ),
        (H.replace("chrB", "\xff\xfeB") + "\n10\n", r"bad\.chain:1: the target chromosome name is not UTF-8"),
        (H + "\n1\xb00\n", r"bad\.chain:2: block size must be a non-negative integer, got '1\\xb00'"),
        (
            H.replace("chain 1", "chain 1\xff") + "\n10\n",
            r"bad\.chain:1: chain score is not a finite number",
        ),
        ("\xef\xbb" + H + "\n10\n", r"bad\.chain:1: expected a chain header line"),
    ],
)
def test_chain_bytes_that_are_not_utf8(hand, tmp_path, text, message):
    """Names become str (source_chromosomes, repr, errors): a byte that is not UTF-8 is a ValueError
    naming the file and line, never a UnicodeDecodeError; comments are free text."""
    path = tmp_path / "bad.chain"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ValueError, match=message):
        gk.LiftOver(path, target="lo_new")
    path.write_bytes(("# r\xe9sum\xe9 \xff\n" + HAND_CHAIN).encode("latin-1"))
    assert gk.LiftOver(path, target="lo_new").lift(old(12, 18)) == new("chrB", 22, 28)


def test_gzip_and_truncated_gzip(hand, tmp_path):
    path = tmp_path / "oldToNew.chain.gz"
    data = gzip.compress(HAND_CHAIN.encode())
    path.write_bytes(data)
    assert gk.LiftOver(path, target="lo_new").lift(old(12, 18)) == new("chrB", 22, 28)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(OSError, match="oldToNew.chain.gz"):
        gk.LiftOver(path, target="lo_new")
    with pytest.raises(FileNotFoundError):
        gk.LiftOver(tmp_path / "absent.chain", target="lo_new")


def test_chain_sizes_must_match_the_assemblies(hand, data_dir, tmp_path):
    write_sizes(data_dir, "lo_new_small", "chrB\t119\nchrC\t50\n")
    path = tmp_path / "c.chain"
    path.write_text(HAND_CHAIN)
    with pytest.raises(
        ValueError, match="target chromosome chrB has 120 bases in the chains but 119 in assembly"
    ):
        gk.LiftOver(path, target="lo_new_small")
    write_sizes(data_dir, "lo_old_big", "chrA\t101\n")
    with pytest.raises(ValueError, match="source chromosome chrA has 100 bases in the chains but 101"):
        hand.lift(gk.Interval("chrA", "+", 1, 2, "lo_old_big"))


def test_source_chromosome_aliases(hand, data_dir):
    write_sizes(data_dir, "lo_old_alias", "A\t100\n")
    with open(os.path.join(data_dir, "lo_old_alias.chromAlias.txt"), "w") as f:
        f.write("# ucsc\tother\nA\tchrA\n")
    assert hand.lift(gk.Interval("A", "+", 12, 18, "lo_old_alias")) == new("chrB", 22, 28)


# --- cross-checks on synthetic chains ---


@pytest.fixture(scope="module", params=[1, 2, 3])
def synthetic(request, data_dir, tmp_path_factory):
    pyliftover = pytest.importorskip("pyliftover")
    seed = request.param
    chains = random_chains(seed)
    path = str(tmp_path_factory.mktemp(f"syn{seed}") / "syn.chain")
    write_chains(path, chains)
    src = write_sizes(data_dir, f"syn{seed}_old", sizes_text(chains, "t"))
    dst = write_sizes(data_dir, f"syn{seed}_new", sizes_text(chains, "q"))
    return chains, path, gk.LiftOver(path, target=dst), pyliftover.LiftOver(path), src


def test_points_agree_with_pyliftover(synthetic):
    chains, _, lo, pl, _ = synthetic
    assert any(c.q_strand == "-" for c in chains)
    for chrom in lo.source_chromosomes:
        for pos in range(-2, 3002):
            for strand in "+-":
                ours, theirs = (
                    lo.convert_coordinate(chrom, pos, strand),
                    pl.convert_coordinate(chrom, pos, strand),
                )
                assert ours == theirs, (chrom, pos, strand)
    assert lo.convert_coordinate("chrX", 5) is None and pl.convert_coordinate("chrX", 5) is None


def test_points_agree_with_agct(synthetic):
    agct = pytest.importorskip("agct")
    _, path, lo, _, _ = synthetic
    conv = agct.Converter(chainfile=path)
    for chrom in lo.source_chromosomes:
        for pos in range(0, 3000, 3):
            ours = sorted((c, p, p + 1, s) for c, p, s, _ in lo.convert_coordinate(chrom, pos))
            # agct writes a '-' result as (start=end, end=start): the larger coordinate first
            theirs = sorted(
                (r.chrom, min(r.start, r.end), max(r.start, r.end), r.strand.value)
                for r in conv.convert_coordinate(chrom, pos, pos + 1)
            )
            assert ours == theirs, (chrom, pos)


def ucsc_from_points(pl, chains, chrom, start, end, strand, min_match):
    """UCSC's remapRange, recomputed from pyliftover's per-base answers (a score names its chain)."""
    spans = {c.score: c for c in chains if c.t_name == chrom and c.t_start < end and start < c.t_end}
    hits = defaultdict(list)
    for pos in range(start, end):
        for q_chrom, q_pos, q_strand, score in pl.convert_coordinate(chrom, pos, strand) or []:
            hits[score].append((q_chrom, q_pos, q_strand))
    enough = [s for s in spans if hits[s] and len(hits[s]) >= min_match * (end - start)]
    partial = [s for s in spans if hits[s] and s not in enough]
    if not enough:
        return None, ["Deleted in new", "Partially deleted in new"][len(partial)] if len(
            partial
        ) < 2 else "Split in new"
    if len(enough) > 1:
        return None, "Duplicated in new"
    bases = hits[enough[0]]
    q_chrom, q_strand = bases[0][0], bases[0][2]
    return (q_chrom, min(b[1] for b in bases), max(b[1] for b in bases) + 1, q_strand), ""


def test_intervals_follow_ucsc_rules(synthetic):
    chains, _, lo, pl, src = synthetic
    rnd = random.Random(7)
    reasons = set()
    for _ in range(1500):
        chrom = rnd.choice(lo.source_chromosomes)
        start = rnd.randrange(-5, 2990)
        end = start + rnd.choice([1, 2, 5, 20, 60, 150])
        strand, mm = rnd.choice("+-"), rnd.choice([0.95, 0.5, 0.1, 1.0])
        want, why = ucsc_from_points(pl, chains, chrom, start, end, strand, mm)
        got, reason = lo.lift_with_reason(gk.Interval(chrom, strand, start, end, src), min_match=mm)
        reasons.add(reason)
        assert reason == why, (chrom, start, end, strand, mm)
        if want is not None:
            assert (got.chromosome, got.start, got.end, got.strand) == want
    assert reasons == {"", "Deleted in new", "Partially deleted in new", "Split in new", "Duplicated in new"}


def test_intervals_inside_one_block_agree_with_agct(synthetic):
    agct = pytest.importorskip("agct")
    chains, path, lo, _, src = synthetic
    conv = agct.Converter(chainfile=path)
    checked = 0
    for c in chains:
        t = c.t_start
        for size, dt, _ in c.blocks:
            start, end = t + 1, t + size
            t += size + dt
            if (
                end - start < 1
                or sum(o.t_start < end and start < o.t_end for o in chains if o.t_name == c.t_name) > 1
            ):
                continue
            got = lo.lift(gk.Interval(c.t_name, "+", start, end, src))
            [r] = conv.convert_coordinate(c.t_name, start, end)
            assert (got.chromosome, got.start, got.end, got.strand) == (
                r.chrom,
                min(r.start, r.end),
                max(r.start, r.end),
                r.strand.value,
            )
            checked += 1
    assert checked > 5


def test_arrays_match_single_calls(synthetic):
    _, _, lo, _, src = synthetic
    rnd = np.random.default_rng(3)
    n = 4000
    chrom = rnd.integers(0, len(lo.source_chromosomes), n).astype(np.int32)
    start = rnd.integers(-10, 3000, n)
    end = start + rnd.integers(0, 100, n)
    strand = rnd.choice(np.array([b"+", b"-"]), n)
    r = lo.lift_arrays(chrom, start, end, strand, min_match=0.5)
    for i in range(n):
        iv = gk.Interval(lo.source_chromosomes[chrom[i]], strand[i].decode(), int(start[i]), int(end[i]), src)
        got, reason = lo.lift_with_reason(iv, min_match=0.5)
        assert REASONS[r.status[i]] == reason
        if got is None:
            assert r.chrom[i] == -1
        else:
            assert lo.target_chromosomes[r.chrom[i]] == got.chromosome
            assert (r.start[i], r.end[i], r.strand[i].decode()) == (got.start, got.end, got.strand)


# --- UCSC's real hg19ToHg38 chain ---


@pytest.fixture(scope="module")
def real(data_dir):
    t_sizes, q_sizes = {}, {}
    with gzip.open(REAL_CHAIN, "rt") as f:
        for line in f:
            if line.startswith("chain"):
                x = line.split()
                t_sizes[x[2]], q_sizes[x[7]] = x[3], x[8]
    # Own assembly names: assemblies are registered once per process, and other tests register
    # excerpts named hg19/hg38 that lack most of these chromosomes.
    write_sizes(data_dir, "lo_hg19", "".join(f"{k}\t{v}\n" for k, v in t_sizes.items()))
    write_sizes(data_dir, "lo_hg38", "".join(f"{k}\t{v}\n" for k, v in q_sizes.items()))
    return gk.LiftOver(REAL_CHAIN, target="lo_hg38")


def test_real_chain_known_position(real):
    # BRAF V600E: hg19 chr7:140,453,136 is hg38 chr7:140,753,336 (DNA1)
    assert real.lift(gk.Interval("chr7", "+", 140453135, 140453136, "lo_hg19")) == gk.Interval(
        "chr7", "+", 140753335, 140753336, "lo_hg38"
    )
    assert real.target == "lo_hg38" and real.num_chains == 1278


def test_real_chain_points_agree_with_pyliftover_and_agct(real, tmp_path):
    pyliftover = pytest.importorskip("pyliftover")
    agct = pytest.importorskip("agct")
    pl = pyliftover.LiftOver(REAL_CHAIN)
    plain = tmp_path / "hg19ToHg38.over.chain"  # agct reads plain text only
    with gzip.open(REAL_CHAIN, "rb") as f:
        plain.write_bytes(f.read())
    conv = agct.Converter(chainfile=str(plain))
    rnd = random.Random(5)
    chroms = ["chr1", "chr7", "chr17", "chrX", "chr6_apd_hap1", "chrY"]
    mapped = 0
    for _ in range(3000):
        chrom = rnd.choice(chroms)
        pos = rnd.randrange(0, 4_000_000 if chrom == "chr6_apd_hap1" else 100_000_000)
        strand = rnd.choice("+-")
        ours = real.convert_coordinate(chrom, pos, strand)
        assert ours == pl.convert_coordinate(chrom, pos, strand), (chrom, pos)
        theirs = conv.convert_coordinate(chrom, pos, pos + 1)
        assert sorted((c, p) for c, p, _, _ in real.convert_coordinate(chrom, pos)) == sorted(
            (r.chrom, min(r.start, r.end)) for r in theirs
        )
        mapped += bool(ours)
    assert mapped > 2000


def real_chain_intervals(chains, n, rnd):
    """Random hg19 intervals that reach every case of the fast piece index and of the chain walk behind it:
    anywhere (1 bp - 10 kb), around block boundaries (short, often over a gap or two chains), long ones
    (over many blocks and chains), insertion points, and a few before 0 or past the chromosome's end."""
    sizes = {c.t_name: c.t_size for c in chains}
    names = sorted(sizes)
    rows = []
    for k in range(n):
        kind = k % 5
        if kind == 0:
            chrom = rnd.choice(names)
            start = rnd.randrange(0, sizes[chrom])
            rows.append((chrom, start, start + rnd.randint(1, 10_000)))
            continue
        c = rnd.choice(chains)
        t, edges = c.t_start, []
        for size, dt, _ in c.blocks[:50]:
            edges += [t, t + size]
            t += size + dt
        edge = rnd.choice(edges)
        if kind == 1:
            start = edge + rnd.randint(-40, 5)
            rows.append((c.t_name, start, start + rnd.randint(1, 120)))
        elif kind == 2:
            start = edge - rnd.randint(0, 20_000)
            rows.append((c.t_name, start, start + rnd.randint(1, 100_000)))
        elif kind == 3:
            start = edge + rnd.randint(-2, 2)
            rows.append((c.t_name, start, start))
        else:
            start = rnd.choice([-rnd.randint(1, 100), c.t_size - rnd.randint(0, 100), edge])
            rows.append((c.t_name, start, start + rnd.randint(0, 500)))
    return rows


def test_real_chain_arrays_follow_ucsc_rules(real):
    """lift_arrays and lift on the real chain agree row by row with UCSC's rules recomputed from blocks."""
    chains = read_chains(REAL_CHAIN)
    oracle = UcscRemap(chains)
    rnd = random.Random(17)
    rows = real_chain_intervals(chains, 6000, rnd)
    sizes = {c.t_name: c.t_size for c in chains}
    chrom = real.source_indices([r[0] for r in rows])
    start = np.array([r[1] for r in rows])
    end = np.array([r[2] for r in rows])
    strand = np.array([rnd.choice([b"+", b"-"]) for _ in rows])
    reasons = set()
    for mm in (0.95, 0.5, 1.0):
        got = real.lift_arrays(chrom, start, end, strand, min_match=mm)
        for i, (name, s, e) in enumerate(rows):
            want, why = oracle.lift(name, s, e, strand[i].decode(), mm)
            assert REASONS[got.status[i]] == why, (name, s, e, mm)
            reasons.add(why)
            if want is None:
                assert (got.chrom[i], got.start[i], got.end[i], got.strand[i]) == (-1, 0, 0, b"+")
            else:
                row = (
                    real.target_chromosomes[got.chrom[i]],
                    got.start[i],
                    got.end[i],
                    got.strand[i].decode(),
                )
                assert row == want, (name, s, e, mm)
            if i % 7 == 0 and 0 <= s <= e <= sizes[name]:
                lifted, reason = real.lift_with_reason(
                    gk.Interval(name, strand[i].decode(), s, e, "lo_hg19"), mm
                )
                assert reason == why
                if want is not None:
                    assert (lifted.chromosome, lifted.start, lifted.end, lifted.strand) == want
    assert reasons == {"", "Deleted in new", "Partially deleted in new", "Split in new", "Duplicated in new"}


# --- variants ---

X = "".join(random.Random(11).choice("ACGT") for _ in range(300))
Y = "".join(random.Random(12).choice("ACGT") for _ in range(100))
COMP = str.maketrans("ACGT", "TGCA")
SNP_BASE = "ACGT"[("ACGT".index(X[20]) + 1) % 4]  # the target carries another base at 20
NEW_N = X[:20] + SNP_BASE + X[21:100] + "GGA" + X[100:150] + X[155:]  # GGA inserted, X[150:155] deleted
NEW_R = Y.translate(COMP)[::-1]
VARIANT_CHAIN = (
    "chain 10 chr1 300 + 0 300 chrN 298 + 0 298 1\n100 0 3\n50 5 0\n145\n\n"
    "chain 9 chr2 100 + 0 100 chrR 100 - 0 100 2\n100\n"
)


@pytest.fixture(scope="module")
def vlift(data_dir, tmp_path_factory):
    d = tmp_path_factory.mktemp("vgen")
    for name, seqs in {"vs_old": {"chr1": X, "chr2": Y}, "vs_new": {"chrN": NEW_N, "chrR": NEW_R}}.items():
        fasta = d / f"{name}.fa"
        fasta.write_text("".join(f">{k}\n{v}\n" for k, v in seqs.items()))
        gk.build_assembly(fasta, os.path.join(data_dir, name))
    chain = d / "vsOldToVsNew.chain"
    chain.write_text(VARIANT_CHAIN)
    return gk.LiftOver(chain, target="vs_new"), gk.Genome("vs_new"), d


def apply(seq, v):
    return seq[: v.start] + v.alt + seq[v.end :]


def test_variant_plain_and_swapped_snv(vlift):
    lo, new, _ = vlift
    other = "ACGT"[("ACGT".index(X[10]) + 2) % 4]
    r = lo.lift_variant(gk.Variant("chr1", 10, X[10], other, "vs_old"), new)
    assert r == (gk.Variant("chrN", 10, X[10], other, "vs_new"), "", False)
    r = lo.lift_variant(gk.Variant("chr1", 20, X[20], SNP_BASE, "vs_old"), new)
    assert r == (gk.Variant("chrN", 20, SNP_BASE, X[20], "vs_new"), "", True)
    third = next(b for b in "ACGT" if b not in (X[20], SNP_BASE))
    assert lo.lift_variant(gk.Variant("chr1", 20, X[20], third, "vs_old"), new) == (
        None,
        "REF mismatch in new",
        False,
    )
    r = lo.lift_variant(gk.Variant("chr1", 120, X[120], third, "vs_old"), new)  # after the inserted GGA
    assert r.variant.start == 123 and not r.swapped


def test_variant_on_reversed_chain(vlift):
    lo, new, _ = vlift
    alt = "ACGT"[("ACGT".index(Y[10]) + 1) % 4]
    r = lo.lift_variant(gk.Variant("chr2", 10, Y[10], alt, "vs_old"), new)
    assert r == (gk.Variant("chrR", 89, Y[10].translate(COMP), alt.translate(COMP), "vs_new"), "", False)


def test_indels_where_the_target_carries_the_alt(vlift):
    lo, new, _ = vlift
    # the source's X[150:155] is deleted in the target: a deletion of them in the source is the target's REF
    r = lo.lift_variant(gk.Variant("chr1", 149, X[149:155], X[149], "vs_old"), new)
    assert r.swapped and r.reason == ""
    restored = NEW_N[:100] + "GGA" + X[100:]  # the target with the source's bases back
    assert apply(NEW_N, r.variant) == X[:20] + SNP_BASE + restored[21:]
    # an insertion of the target's extra GGA in the source is the target's REF: a deletion there
    r = lo.lift_variant(gk.Variant("chr1", 100, "", "GGA", "vs_old"), new)
    assert r.swapped and len(r.variant.ref) == 4 and len(r.variant.alt) == 1
    assert apply(NEW_N, r.variant) == X[:20] + SNP_BASE + X[21:150] + X[155:]


def test_indels_are_normalised_like_bcftools_norm(vlift, tmp_path):
    lo, new, d = vlift
    cases = [
        gk.Variant("chr1", 60, X[60:63], X[60], "vs_old"),
        gk.Variant("chr1", 200, "", X[199:201], "vs_old"),  # an insertion duplicating the bases before it
        gk.Variant("chr1", 149, X[149:155], X[149], "vs_old"),
    ]
    lifted = [lo.lift_variant(v, new).variant for v in cases]
    for v, got in zip(cases, lifted, strict=True):
        assert got is not None and got.ref[0] == got.alt[0] and got.ref[-1] != got.alt[-1], (v, got)
    bcftools = shutil.which("bcftools")
    if bcftools is None:
        pytest.skip("bcftools is not installed (the normalisation cross-check)")
    fasta = d / "vs_new.fa"
    vcf = tmp_path / "lifted.vcf"
    rows = [f"chrN\t{v.start + 1}\t.\t{v.ref}\t{v.alt}\t.\t.\t." for v in lifted]
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chrN,length=298>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "\n".join(rows) + "\n"
    )
    out = subprocess.run(
        [bcftools, "norm", "-f", str(fasta), str(vcf)], capture_output=True, text=True, check=True
    )
    assert [line.split("\t")[:5] for line in out.stdout.splitlines() if not line.startswith("#")] == [
        row.split("\t")[:5] for row in rows
    ]
    assert "total/split/realigned/skipped:\t3/0/0/0" in out.stderr


def test_variant_unmapped_and_wrong_genome(vlift, tiny):
    lo, new, _ = vlift
    r = lo.lift_variant(gk.Variant("chr1", 152, X[152], "A" if X[152] != "A" else "C", "vs_old"), new)
    assert r == (None, "Deleted in new", False)
    r = lo.lift_variant(gk.Variant("chr1", 98, X[98:102], X[98], "vs_old"), new)  # spans the inserted GGA
    assert r == (None, "REF spans a gap in new", False)
    with pytest.raises(ValueError, match="not on this chain file's target assembly vs_new"):
        lo.lift_variant(gk.Variant("chr1", 10, X[10], "A", "vs_old"), tiny)
