"""Genome: config resolution, chromosomes, aliases, DNA extraction (both strands, edges), batches."""

from __future__ import annotations

import os
import pickle
import threading

import numpy as np
import pytest
from dna_text import text_dna, text_one_hot

import genome_kit as gk
from genome_kit import Interval

CHR1 = "NNNNACGTacgtACGTacgtACGTacgtACGTacgtACGTacgt"
CHR2 = "AACCTTTTACGTAAACCCGGGTTTACCGGAAATGGATTAA"
COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def rc(s):
    return s.translate(COMP)[::-1]


def test_genome_identity(tiny):
    assert gk.Genome("tiny") is tiny
    assert repr(tiny) == 'Genome("tiny")'
    assert (tiny.config, tiny.refg, tiny.reference_genome) == ("tiny", "tiny", "tiny")
    assert pickle.loads(pickle.dumps(tiny)) is tiny
    assert tiny == gk.Genome("tiny") and hash(tiny) == hash(gk.Genome("tiny"))
    assert os.path.isdir(tiny.data_dir)


def test_genome_errors(tiny):
    with pytest.raises(ValueError):
        gk.Genome("")
    with pytest.raises(RuntimeError, match="no_such_genome"):
        gk.Genome("no_such_genome")
    with pytest.raises(TypeError):
        gk.Genome(3)


class _MiniGenome(gk.Genome):
    """A subclass written as GenomeKit's own tests write one: it picks the config in ``__new__`` and
    calls ``Genome.__init__`` with the arguments it was given (an empty config)."""

    def __new__(cls, config=""):
        return gk.Genome.__new__(cls, config or "tiny")

    def __init__(self, config=""):
        gk.Genome.__init__(self, config)


def test_subclass_setting_its_config_in_new(tiny):
    g = _MiniGenome()
    assert type(g) is _MiniGenome and g.config == "tiny" and g.refg == "tiny"
    assert g.dna(Interval("chr2", "+", 0, 4, "tiny")) == "AACC"
    assert gk.Genome("tiny") is tiny  # the subclass does not replace the shared instance
    again = pickle.loads(pickle.dumps(g))
    assert type(again) is _MiniGenome and again.config == "tiny"


def test_annotation_config_resolves_to_its_assembly(tiny, data_dir):
    with open(os.path.join(data_dir, "tiny_genes.cfg"), "w") as f:
        f.write("# an annotation on tiny\nrefg=tiny\n")
    g = gk.Genome("tiny_genes")
    assert (g.config, g.refg) == ("tiny_genes", "tiny")
    assert g.dna(g.interval("chr2", "+", 0, 4)) == "AACC"
    with open(os.path.join(data_dir, "broken.cfg"), "w") as f:
        f.write("refg\n")
    with pytest.raises(ValueError, match="broken.cfg:1"):
        gk.Genome("broken")


def test_chromosomes_and_aliases(tiny):
    assert tiny.chromosomes == ["chr1", "chr2"]
    assert tiny.chromosome_size("chr1") == 44
    with pytest.raises(ValueError, match="chrZ"):
        tiny.chromosome_size("chrZ")
    assert tiny.chrom_aliases()["chr2"] == {"ucsc": "chr2", "assembly": "2", "refseq": "NC_000002.1"}
    assert tiny.chrom_aliases("RefSeq") == {
        "NC_000001.1": "chr1",
        "NC_000002.1": "chr2",
        "NC_000003.1": "chr3",
    }
    with pytest.raises(ValueError, match="nonsense"):
        tiny.chrom_aliases("nonsense")


def test_missing_alias_file_is_a_data_file_error(yeast):
    with pytest.raises(gk.GKDataFileNotFoundError):
        yeast.chrom_aliases()


@pytest.mark.parametrize("strand", "+-")
def test_dna_whole_chromosomes(tiny, strand):
    for chrom, seq in (("chr1", CHR1.upper()), ("chr2", CHR2)):
        got = tiny.dna(tiny.interval(chrom, strand, 0, len(seq)))
        assert got == (seq if strand == "+" else rc(seq))


def test_soft_mask(tiny):
    i = tiny.interval("chr1", "+", 0, 44)
    assert tiny.dna(i, soft_mask=True) == CHR1
    assert tiny.dna(i.as_negative_strand(), soft_mask=True) == rc(CHR1)
    assert tiny.dna(tiny.interval("chr1", "+", 6, 10), soft_mask=True) == "GTac"


def test_alias_and_anchor_do_not_change_dna(tiny):
    assert tiny.dna(Interval("2", "+", 0, 6, "tiny")) == "AACCTT"
    assert tiny.dna(Interval("chr2", "+", 0, 6, "tiny", 3, 2)) == "AACCTT"


@pytest.mark.parametrize("strand", "+-")
@pytest.mark.parametrize(
    "start, end",
    [
        (-5, 5),
        (35, 45),
        (38, 50),
        (-10, 0),
        (40, 50),
        (0, 0),
        (40, 40),
        (39, 40),
        (-3, 43),
        (45, 48),
        (-8, -2),
    ],
)
def test_dna_outside_chromosome_pads_with_n(tiny, strand, start, end):
    padded = "N" * 100 + CHR2 + "N" * 100
    expect = padded[start + 100 : end + 100]
    got = tiny.dna(Interval("chr2", strand, start, end, "tiny"))
    assert got == (expect if strand == "+" else rc(expect))
    inside = 0 <= start and end <= 40
    if inside:
        assert tiny.dna(Interval("chr2", strand, start, end, "tiny"), allow_outside_chromosome=False) == got
    else:
        with pytest.raises(IndexError, match="chr2"):
            tiny.dna(Interval("chr2", strand, start, end, "tiny"), allow_outside_chromosome=False)


def test_dna_errors(tiny, yeast):
    with pytest.raises(ValueError, match="chr3"):  # known chromosome without sequence
        tiny.dna(Interval("chr3", "+", 0, 5, "tiny"))
    with pytest.raises(ValueError, match="yeast"):
        tiny.dna(Interval("chrI", "+", 0, 5, "yeast"))
    with pytest.raises(TypeError):
        tiny.dna(("chr1", "+", 0, 5))


def test_dna_batch_and_one_hot(tiny):
    ivs = [
        tiny.interval("chr2", "+", 0, 6),
        tiny.interval("chr2", "-", 0, 6),
        tiny.interval("chr1", "+", 2, 8),
    ]
    assert tiny.dna_batch(ivs) == [tiny.dna(i) for i in ivs]
    x = tiny.one_hot(ivs)
    assert x.shape == (3, 6, 4) and x.dtype == np.uint8
    letters = np.array(list("ACGT"))
    for row, i in zip(x, ivs, strict=True):
        dna = tiny.dna(i)
        for base, channels in zip(dna, row, strict=True):
            if base == "N":
                assert channels.sum() == 0
            else:
                assert channels.sum() == 1 and letters[channels.argmax()] == base
    f = tiny.one_hot(ivs, dtype="float32")
    assert f.dtype == np.float32 and np.array_equal(f, x.astype(np.float32))
    assert tiny.one_hot(ivs[0]).shape == (6, 4)
    assert tiny.one_hot([]).shape == (0, 0, 4)
    with pytest.raises(ValueError, match="equal length"):
        tiny.one_hot([tiny.interval("chr2", "+", 0, 6), tiny.interval("chr2", "+", 0, 7)])
    with pytest.raises(ValueError):
        tiny.one_hot(ivs, dtype="int64")
    with pytest.raises(TypeError):
        tiny.dna_batch(ivs[0])


def test_genome_dna_from_path(tiny, data_dir, tmp_path):
    d = gk.GenomeDNA(os.path.join(data_dir, "tiny.2bit"))
    assert d.reference_genome == "tiny" and os.path.basename(d.filename) == "tiny.2bit"
    assert d(Interval("chr2", "-", 0, 4, "tiny")) == "GGTT"
    assert repr(d).startswith("<GenomeDNA ")
    assert pickle.loads(pickle.dumps(d))(Interval("chr2", "+", 0, 4, "tiny")) == "AACC"
    # sizes found beside the .2bit file, outside the data directory
    fasta = tmp_path / "side.fa"
    fasta.write_text(">s1\nACGTTT\n")
    gk.build_assembly(str(fasta), str(tmp_path / "side"))
    side = gk.GenomeDNA(tmp_path / "side.2bit")
    assert side(Interval("s1", "+", 1, 4, "side")) == "CGT"
    with pytest.raises(OSError):
        gk.GenomeDNA(tmp_path / "nope.2bit")


def test_concurrent_reads_from_threads(yeast):
    windows = [yeast.interval("chrII", "+-"[k % 2], k * 997, k * 997 + 20_000) for k in range(40)]
    expected = [yeast.dna(w) for w in windows]
    results = [None] * 8

    def work(t):
        results[t] = [yeast.dna(w) for w in windows]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def random_intervals(genome, seqs, rng, length, count):
    """`count` intervals of `length` bases on either strand, anywhere from just before a chromosome to
    just after it (any offset modulo 4)."""
    out = []
    for _ in range(count):
        c = str(rng.choice(list(seqs)))
        start = int(rng.integers(-length - 5, len(seqs[c]) + 5))
        out.append(gk.Interval(c, str(rng.choice(["+", "-"])), start, start + length, genome))
    return out


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_one_hot_and_dna_from_packed_bases_equal_the_fasta_text(patchy, dtype):
    """One-hot is written straight from the packed bases (no letters in between): windows at every
    offset modulo 4, across N runs, soft-masked runs and chromosome ends, on both strands; the last
    batch is large enough for streaming stores."""
    genome, seqs = patchy
    rng = np.random.default_rng(5)
    for length, count in [
        (1, 60),
        (3, 60),
        (31, 40),
        (32, 40),
        (33, 40),
        (101, 40),
        (4099, 20),
        (70_001, 40),
    ]:
        ivs = random_intervals(genome, seqs, rng, length, count)
        got = genome.one_hot(ivs, dtype=dtype)
        assert got.dtype == np.dtype(dtype) and got.shape == (count, length, 4)
        for row, iv in zip(got, ivs, strict=True):
            np.testing.assert_array_equal(row, text_one_hot(seqs, iv), err_msg=str(iv))
            if length < 5000:
                assert genome.dna(iv) == text_dna(seqs, iv), iv
                assert genome.dna(iv, soft_mask=True) == text_dna(seqs, iv, soft_mask=True), iv
    with pytest.raises(IndexError, match="beyond chromosome"):
        genome.one_hot(gk.Interval("p3", "+", 30, 40, genome), allow_outside_chromosome=False)


@pytest.mark.parametrize("dtype", ["uint8", np.uint8, np.float32, "float32", np.dtype("float16"), np.float16])
def test_one_hot_takes_numpy_dtypes_and_float16(yeast, dtype):
    ivs = [gk.Interval("chrI", s, 5000, 5100, yeast) for s in "+-"]
    expect = yeast.one_hot(ivs)
    got = yeast.one_hot(ivs, dtype=dtype)
    assert got.dtype == np.dtype(dtype) and got.shape == (2, 100, 4)
    np.testing.assert_array_equal(got, expect)
    snv = gk.Variant("chrI", 5050, yeast.dna(gk.Interval("chrI", "+", 5050, 5051, yeast)), "N", yeast)
    vg = gk.VariantGenome(yeast, snv)
    assert vg.one_hot(ivs, dtype=dtype).dtype == np.dtype(dtype)
    ref, alt = vg.one_hot_pair(ivs, dtype=dtype)
    assert ref.dtype == alt.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(ref, expect)
    assert alt[0, 50].sum() == 0  # N is all zeros


def test_one_hot_bad_dtype_is_a_value_error(yeast):
    with pytest.raises(ValueError, match="uint8, float32 or float16"):
        yeast.one_hot([gk.Interval("chrI", "+", 0, 10, yeast)], dtype=np.int64)


def test_fasta_line_longer_than_the_reader_buffer(tmp_path):
    # one 2.5 Mbp line: the text reader's 1 MiB buffer grows twice, keeping what it had read
    seq = ("ACGTTGCAAC" * 250_000).encode()
    (tmp_path / "long.fa").write_bytes(b">s1\n" + seq + b"\n>s2\nGG\n")
    gk.build_assembly(str(tmp_path / "long.fa"), str(tmp_path / "long"))
    d = gk.GenomeDNA(tmp_path / "long.2bit")
    for start in (0, 1_048_570, 2_097_150, 2_499_990):
        assert d(Interval("s1", "+", start, start + 10, "long")) == seq[start : start + 10].decode()
    assert d(Interval("s2", "+", 0, 2, "long")) == "GG"
