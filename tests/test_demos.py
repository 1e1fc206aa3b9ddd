"""The tutorial demos run end to end on a small annotation over the yeast sample assembly."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import genome_kit as gk

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def yeast_anno(yeast, data_dir, tmp_path_factory):
    chrom = yeast.chromosomes[0]
    rows = [
        ("gene", 1001, 5000, "+", "ID=YG1;gene_id=YG1;gene_type=protein_coding;gene_name=ONE;level=2"),
        ("transcript", 1001, 5000, "+", "ID=YT1;Parent=YG1;transcript_type=protein_coding;level=2"),
        ("exon", 1001, 1500, "+", "Parent=YT1;exon_id=YE1"),
        ("exon", 2001, 2600, "+", "Parent=YT1;exon_id=YE2"),
        ("exon", 4001, 5000, "+", "Parent=YT1;exon_id=YE3"),
        ("CDS", 1201, 1500, "+", "Parent=YT1"),
        ("CDS", 2001, 2600, "+", "Parent=YT1"),
        ("CDS", 4001, 4300, "+", "Parent=YT1"),
        ("gene", 8001, 9000, "-", "ID=YG2;gene_id=YG2;gene_type=lncRNA;gene_name=TWO;level=1"),
        ("transcript", 8001, 9000, "-", "ID=YT2;Parent=YG2;transcript_type=lncRNA;level=1"),
        ("exon", 8601, 9000, "-", "Parent=YT2"),
        ("exon", 8001, 8300, "-", "Parent=YT2"),
    ]
    path = tmp_path_factory.mktemp("demo") / "yeast.gff3"
    path.write_text("".join(f"{chrom}\tX\t{k}\t{s}\t{e}\t.\t{st}\t0\t{a}\n" for k, s, e, st, a in rows))
    gk.GenomeAnnotation.build_gencode(str(path), os.path.join(data_dir, "yeast_demo"), yeast)
    return gk.Genome("yeast_demo")


def run(child_env, data_dir, script, *args):
    env = dict(child_env, GENOMEKIT_DATA_DIR=data_dir)
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, "demos", script), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_walk_annotations(yeast_anno, data_dir, child_env):
    out = run(child_env, data_dir, "walk_annotations.py", "yeast_demo", "ONE")
    assert "<Gene YG1 (ONE)>" in out and "<Exon 3/3 of YT1>" in out and "<Cds>" in out


def test_extract_acceptor_dna(yeast_anno, data_dir, child_env):
    lines = run(child_env, data_dir, "extract_acceptor_dna.py", "yeast_demo", 20, 3).splitlines()
    assert [line.split("\t")[0] for line in lines] == ["<Exon 2/3 of YT1>", "<Exon 3/3 of YT1>"]
    exon = yeast_anno.transcripts["YT1"].exons[1]
    expected = yeast_anno.dna(exon.end5.expand(20, 3))
    assert lines[0].split("\t")[2] == expected[:20].lower() + expected[20:]


def test_find_downstream_acceptors(yeast_anno, data_dir, child_env):
    chrom = yeast_anno.chromosomes[0]
    out = run(child_env, data_dir, "find_downstream_acceptors.py", "yeast_demo", chrom, "+", 1600, 3000)
    assert "<Exon 2/3 of YT1>" in out and "<Exon 3/3 of YT1>" in out and "2 acceptors" in out
    out = run(child_env, data_dir, "find_downstream_acceptors.py", "yeast_demo", chrom, "-", 8700, 1000)
    assert "<Exon 2/2 of YT2>" in out and "1 acceptors" in out


def test_extract_exonic_dna(yeast_anno, data_dir, child_env):
    out = run(child_env, data_dir, "extract_exonic_dna.py", "yeast_demo", "YT1").splitlines()
    t = yeast_anno.transcripts["YT1"]
    assert out[1] == "".join(yeast_anno.dna(e) for e in t.exons) and len(out[1]) == 2100
    assert out[3] == "".join(yeast_anno.dna(c) for c in t.cdss) and len(out[3]) == 1200


def test_simple_variant_genome(yeast_anno, data_dir, child_env):
    chrom = yeast_anno.chromosomes[0]
    ref = yeast_anno.dna(gk.Interval(chrom, "+", 997, 1006, yeast_anno))  # the window 998..1005, ±1
    snv_alt = "ACGT"[("ACGT".index(ref[4]) + 1) % 4]
    snv = f"{chrom}:1002:{ref[4]}:{snv_alt}"  # DNA1 1002 = DNA0 1001, the window's 4th base
    deletion = f"{chrom}:1004:{ref[6]}:-"  # deletes the window's 6th base
    out = run(child_env, data_dir, "simple_variant_genome.py", "yeast_demo", "YT1", snv, deletion)
    out = out.splitlines()
    window = ref[1:8]
    applied = window[:3] + snv_alt + window[4] + window[6:]  # SNV applied, one base deleted: 6 bases
    assert out[3].split() == ["reference", window]
    assert out[4].split() == ["variant", applied]
    assert out[5].split()[-1] == applied + ref[8]  # anchored at the 5' end: filled from the 3' side
    assert out[6].split()[-1] == ref[0] + applied  # anchored at the 3' end: filled from the 5' side


def test_build_track_gc(yeast, data_dir, child_env, tmp_path):
    out, region = tmp_path / "gc.gtrack", "chrI:1001-1200"
    text = run(child_env, data_dir, "build_track.py", "yeast", out, "--gc-bin", 50, "--region", region)
    assert "GC content in 50 bp bins" in text and "resolution 50" in text
    x = yeast.one_hot([yeast.interval("chrI", "+", 1000, 1200)])[0]
    gc = x[:, 1:3].sum(axis=1).reshape(4, 50).mean(axis=1)
    expected = np.repeat(gc.astype(np.float16).astype(np.float32), 50)
    assert f"mean {expected.mean():.4f}" in text
    track = gk.GenomeTrack(str(out))
    np.testing.assert_array_equal(track(yeast.interval("chrI", "+", 1000, 1200), np.float32)[:, 0], expected)
    track.close()


def test_build_track_bedgraph(yeast, data_dir, child_env, tmp_path):
    bg = tmp_path / "plus.bedGraph"
    bg.write_text("chrI\t100\t105\t2.5\nchrI\t105\t110\t-1\n")
    minus = tmp_path / "minus.bedGraph"
    minus.write_text("chrI\t100\t110\t7\n")
    out = tmp_path / "bg.gtrack"
    text = run(child_env, data_dir, "build_track.py", "yeast", out, "--bedgraph", bg, "--minus", minus)
    assert "strand_unaware" in text and "resolution 1" in text
    track = gk.GenomeTrack(str(out))
    plus = track(yeast.interval("chrI", "+", 98, 112), np.float32)[:, 0]
    np.testing.assert_array_equal(plus, [0, 0] + [2.5] * 5 + [-1] * 5 + [0, 0])
    np.testing.assert_array_equal(track(yeast.interval("chrI", "-", 100, 110), np.float32)[:, 0], [7] * 10)
    track.close()


def test_extract_conservation(yeast_anno, data_dir, child_env, tmp_path):
    chrom = yeast_anno.chromosomes[0]
    path = str(tmp_path / "ramp.gtrack")
    values = (np.arange(6000, dtype=np.float32) / 1000).reshape(-1, 1)
    with gk.GenomeTrackBuilder(path, "f32", "single_stranded", yeast_anno) as b:
        b.set_data(gk.Interval(chrom, "+", 0, 6000, yeast_anno), values)
    out = run(child_env, data_dir, "extract_conservation.py", "yeast_demo", path, "YT1", "YT2").splitlines()
    t1 = yeast_anno.transcripts["YT1"]
    for line, exon in zip(out[1:4], t1.exons, strict=True):
        x = values[exon.start : exon.end, 0]
        assert line.split("\t")[0].strip() == repr(exon)
        assert f"mean {x.mean():.4f}" in line and f"min {x.min():.4f}" in line
        assert f"max {x.max():.4f}" in line
    assert "spliced mean" in out[4]
    assert out[5].startswith("<Transcript YT2 of TWO>")
    assert "mean nan" in out[6]  # YT2 lies beyond the data, where a track without a default is NaN


def test_variant_sequences_from_vcf(yeast, data_dir, child_env, tmp_path):
    seq = yeast.dna(yeast.interval("chrI", "+", 0, 400))
    snv_alt = "ACGT"[("ACGT".index(seq[99]) + 1) % 4]
    vcf = tmp_path / "v.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        f"chrI\t100\t.\t{seq[99]}\t{snv_alt}\t.\t.\t.\n"
        f"chrI\t300\t.\t{seq[299:302]}\t{seq[299]}\t.\t.\t.\n"
    )
    out = run(child_env, data_dir, "variant_sequences_from_vcf.py", "yeast", vcf, "--flank", 4).splitlines()
    assert len(out) == 2
    _, ref, alt = out[0].split("\t")
    assert ref == seq[95:104] and alt == seq[95:99] + snv_alt + seq[100:104]
    _, ref, alt = out[1].split("\t")  # the deletion of seq[300:302], window anchored at its start
    assert ref == seq[296:306] and alt == seq[296:300] + seq[302:308]
