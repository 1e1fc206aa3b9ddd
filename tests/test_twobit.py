"""2bit writer and reader: cross-checked with an independent reader on real sequence, both
format versions, byte-swapped files, malformed FASTA, corrupt files, atomic output."""

from __future__ import annotations

import os
import random
import struct

import pytest
import twobitreader
from databuild_util import read_fasta  # independent of genome_kit

import genome_kit as gk
from genome_kit import Interval

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE_FASTA = os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.sample.fa.gz")
CE_CHRM = os.path.join(HERE, "data", "ce2chrM.fa.gz")
COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


@pytest.fixture
def request_close():
    """Closes twobitreader's file handle (it never closes it itself)."""
    opened = []
    yield opened.append
    for tb in opened:
        tb._file_handle.close()


@pytest.mark.parametrize("fasta", [SAMPLE_FASTA, CE_CHRM])
def test_roundtrip_matches_fasta_and_twobitreader(fasta, data_dir, request_close):
    name = "rt_" + os.path.basename(fasta).split(".")[0]
    paths = gk.build_assembly(fasta, os.path.join(data_dir, name))
    assert [os.path.basename(p) for p in paths] == [f"{name}.2bit", f"{name}.chrom.sizes"]
    seqs = read_fasta(fasta)
    g = gk.Genome(name)
    assert g.chromosomes == list(seqs)
    assert [g.chromosome_size(c) for c in seqs] == [len(s) for s in seqs.values()]
    other = twobitreader.TwoBitFile(paths[0])
    request_close(other)
    rng = random.Random(7)
    for chrom, seq in seqs.items():
        assert g.dna(g.interval(chrom, "+", 0, len(seq)), soft_mask=True) == seq
        for _ in range(200):
            s = rng.randrange(len(seq))
            e = min(len(seq), s + rng.choice([0, 1, 3, 17, 100, 1000, 5000]))
            expect = other[chrom][s:e].upper()
            assert g.dna(g.interval(chrom, "+", s, e)) == expect
            assert g.dna(g.interval(chrom, "-", s, e)) == expect.translate(COMP)[::-1]


def test_every_alignment_and_length(yeast):
    """Decoding works bases, bytes and vector blocks at any offset: check every start mod 8 and length."""
    seq = read_fasta(SAMPLE_FASTA)["chrI"].upper()
    for start in range(1000, 1008):
        for length in list(range(0, 150)) + [255, 256, 257, 1023, 1024, 1025]:
            expect = seq[start : start + length]
            iv = yeast.interval("chrI", "+", start, start + length)
            assert yeast.dna(iv) == expect
            assert yeast.dna(iv.as_negative_strand()) == expect.translate(COMP)[::-1]


def test_n_blocks_iupac_and_mask(data_dir, tmp_path, request_close):
    fasta = tmp_path / "amb.fa"
    fasta.write_text(">a desc ignored\nACGTNNNNacgtnnRYKM\nswbdhvACGT\n\n>b\nnnnnACGT\n")
    gk.build_assembly(str(fasta), os.path.join(data_dir, "amb"))
    g = gk.Genome("amb")
    assert g.chromosomes == ["a", "b"]
    assert g.dna(g.interval("a", "+", 0, 28), soft_mask=True) == "ACGTNNNNacgtnnNNNNnnnnnnACGT"
    assert g.dna(g.interval("a", "+", 0, 28)) == "ACGTNNNNACGTNNNNNNNNNNNNACGT"
    assert g.dna(g.interval("b", "-", 0, 8), soft_mask=True) == "ACGTnnnn"
    tb = twobitreader.TwoBitFile(os.path.join(data_dir, "amb.2bit"))
    request_close(tb)
    assert tb["a"][0:28].upper() == "ACGTNNNNACGTNNNNNNNNNNNNACGT"


def test_version1_file_reads_the_same(data_dir):
    gk.build_assembly(SAMPLE_FASTA, os.path.join(data_dir, "v1yeast"), version=1)
    with open(os.path.join(data_dir, "v1yeast.2bit"), "rb") as f:
        assert struct.unpack("<II", f.read(8)) == (0x1A412743, 1)
    g = gk.Genome("v1yeast")
    ref = read_fasta(SAMPLE_FASTA)["chrII"].upper()
    assert g.dna(g.interval("chrII", "+", 1000, 9000)) == ref[1000:9000]


def byteswap_2bit(src, dst):
    """Rewrites a little-endian v0 2bit file with every integer big-endian."""
    with open(src, "rb") as f:
        data = bytearray(f.read())
    sig, version, count, _ = struct.unpack_from("<IIII", data, 0)
    assert version == 0
    struct.pack_into(">IIII", data, 0, sig, version, count, 0)
    pos, offsets = 16, []
    for _ in range(count):
        n = data[pos]
        pos += 1 + n
        (off,) = struct.unpack_from("<I", data, pos)
        struct.pack_into(">I", data, pos, off)
        offsets.append(off)
        pos += 4

    def swap(p, k):
        vals = struct.unpack_from(f"<{k}I", data, p)
        struct.pack_into(f">{k}I", data, p, *vals)
        return vals

    for off in offsets:
        _, nblocks = swap(off, 2)
        swap(off + 8, 2 * nblocks)
        p = off + 8 + 8 * nblocks
        (nmask,) = swap(p, 1)
        swap(p + 4, 2 * nmask + 1)
    with open(dst, "wb") as f:
        f.write(bytes(data))


def test_byte_swapped_file(tiny, data_dir):
    byteswap_2bit(os.path.join(data_dir, "tiny.2bit"), os.path.join(data_dir, "tinyswap.2bit"))
    d = gk.GenomeDNA(os.path.join(data_dir, "tinyswap.2bit"), "tiny")
    for strand in "+-":
        for chrom, n in (("chr1", 44), ("chr2", 40)):
            i = Interval(chrom, strand, 0, n, "tiny")
            assert d(i, soft_mask=True) == tiny.dna(i, soft_mask=True)


@pytest.mark.parametrize(
    "text, message",
    [
        ("ACGT\n>a\nACGT\n", ":1: sequence data before"),
        (">a\nACGT\nAC1T\n", ":3: invalid character '1'"),
        (">a\nACGT\n>a\nAC\n", ":3: sequence 'a' appears twice"),
        (">\nACGT\n", ":1: FASTA header has no sequence name"),
        ("", "no FASTA records"),
        ("\n\n", "no FASTA records"),
    ],
)
def test_malformed_fasta(tmp_path, text, message):
    fasta = tmp_path / "bad.fa"
    fasta.write_text(text)
    with pytest.raises(ValueError, match=message):
        gk.build_assembly(str(fasta), str(tmp_path / "bad"))
    assert sorted(os.listdir(tmp_path)) == ["bad.fa"]  # nothing half-written


def test_truncated_gzip_fasta(tmp_path):
    with open(SAMPLE_FASTA, "rb") as f:
        raw = f.read()
    (tmp_path / "cut.fa.gz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(OSError, match="cut.fa.gz"):
        gk.build_assembly(str(tmp_path / "cut.fa.gz"), str(tmp_path / "cut"))
    assert sorted(os.listdir(tmp_path)) == ["cut.fa.gz"]


def test_missing_fasta(tmp_path):
    with pytest.raises(FileNotFoundError):
        gk.build_assembly(str(tmp_path / "none.fa"), str(tmp_path / "x"))


def test_corrupt_and_truncated_files_raise(tiny, data_dir, tmp_path):
    with open(os.path.join(data_dir, "tiny.2bit"), "rb") as f:
        good = f.read()
    iv = Interval("chr1", "+", 0, 44, "tiny")
    for cut in range(0, len(good), 3):
        p = tmp_path / f"cut{cut}.2bit"
        p.write_bytes(good[:cut])
        with pytest.raises((OSError, ValueError)):
            gk.GenomeDNA(str(p), "tiny")(iv)
    bad_sig = tmp_path / "sig.2bit"
    bad_sig.write_bytes(b"\0" * 4 + good[4:])
    with pytest.raises(OSError, match="not a 2bit file"):
        gk.GenomeDNA(str(bad_sig), "tiny")
    bad_version = tmp_path / "ver.2bit"
    bad_version.write_bytes(good[:4] + struct.pack("<I", 7) + good[8:])
    with pytest.raises(OSError, match="version 7"):
        gk.GenomeDNA(str(bad_version), "tiny")
    # random damage never crashes: it reads (maybe wrong bases) or raises a clear error
    rng = random.Random(3)
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        p = tmp_path / "fuzz.2bit"
        p.write_bytes(bytes(data))
        try:
            d = gk.GenomeDNA(str(p), "tiny")
            for strand in "+-":
                d(Interval("chr2", strand, -3, 45, "tiny"))
                d(Interval("chr1", strand, 0, 44, "tiny"), soft_mask=True)
        except (OSError, ValueError, IndexError):
            pass


def test_directory_is_not_a_2bit_file(tiny, tmp_path):
    with pytest.raises(OSError):
        gk.GenomeDNA(str(tmp_path), "tiny")


def test_cli_build_assembly(tmp_path, capsys):
    from genome_kit.__main__ import main

    fasta = tmp_path / "c.fa"
    fasta.write_text(">x\nACGT\n")
    assert main(["build-assembly", str(fasta), str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out.split()
    assert out == [str(tmp_path / "c.2bit"), str(tmp_path / "c.chrom.sizes")]
    assert (tmp_path / "c.chrom.sizes").read_text() == "x\t4\n"
    assert main(["build-assembly", str(tmp_path / "missing.fa"), str(tmp_path / "m")]) == 1
    assert "missing.fa" in capsys.readouterr().err


def test_damaged_record_fails_when_its_chromosome_is_read(tiny, data_dir, tmp_path):
    # Records are parsed on first use (the last one at open, which catches truncation): a damaged
    # N-block count in the first record is an OSError naming the file when that chromosome is read.
    with open(os.path.join(data_dir, "tiny.2bit"), "rb") as f:
        data = bytearray(f.read())
    name_len = data[16]
    first = struct.unpack_from("<I", data, 17 + name_len)[0]
    first_name = data[17 : 17 + name_len].decode()
    struct.pack_into("<I", data, first + 4, 0x7FFFFFF0)  # N-block count
    p = tmp_path / "damaged.2bit"
    p.write_bytes(bytes(data))
    d = gk.GenomeDNA(str(p), "tiny")
    other = next(c for c in ("chr1", "chr2") if c != first_name)
    assert d(Interval(other, "+", 0, 4, "tiny")) == gk.Genome("tiny").dna(Interval(other, "+", 0, 4, "tiny"))
    for _ in range(2):  # the error repeats: nothing half-parsed is kept
        with pytest.raises(OSError, match="damaged.2bit"):
            d(Interval(first_name, "+", 0, 4, "tiny"))
