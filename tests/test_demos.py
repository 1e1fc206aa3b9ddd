"""The tutorial demos run end to end on a small annotation over the yeast sample assembly."""

from __future__ import annotations

import os
import subprocess
import sys

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
