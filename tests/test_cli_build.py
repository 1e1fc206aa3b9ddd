"""``python -m genome_kit build``: users' own FASTA + GFF3/GTF into a data directory, then Genome(name)."""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import subprocess
import sys

import pytest
from databuild_util import ensembl_gff3, gencode_gff3, ncbi_gff3, read_fasta, write_fasta

import genome_kit as gk
from genome_kit import gk_data
from genome_kit._cli_build import default_config, detect_format
from genome_kit.data_manager import DefaultDataManager

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
SAMPLE_FASTA = os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.sample.fa.gz")


def cli(*args, env, check=True):
    # cwd away from the repository root: `python -m` puts the working directory first on sys.path
    proc = subprocess.run(
        [sys.executable, "-m", "genome_kit", "build", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=DATA,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def human_like_fasta(tmp_path_factory):
    """chr1 of 1.6 Mbp (the yeast sample's real sequence, repeated) + chrM: room for the chr1 GTF excerpts."""
    yeast = read_fasta(SAMPLE_FASTA)
    chr1 = "".join(yeast.values())
    chr1 = (chr1 * (1_600_000 // len(chr1) + 1))[:1_600_000]
    path = str(tmp_path_factory.mktemp("fa") / "hs_like.fa.gz")
    write_fasta(path, {"chr1": chr1, "chrM": read_fasta(os.path.join(DATA, "ce2chrM.fa.gz"))["chrM"]})
    return path, chr1


@contextlib.contextmanager
def data_dir_of(directory):
    previous = gk_data.data_manager
    gk_data.data_manager = DefaultDataManager(directory)
    try:
        yield
    finally:
        gk_data.data_manager = previous


def test_fasta_and_gtf_in_one_command(tmp_path, human_like_fasta, child_env):
    fasta, chr1 = human_like_fasta
    out = str(tmp_path / "data")
    gtf = str(tmp_path / "clib_genes.gtf.gz")
    shutil.copyfile(os.path.join(DATA, "gencode_human.gtf.gz"), gtf)
    proc = cli(
        "--assembly", "clib_hs", "--fasta", fasta, "--annotation", gtf, "--data-dir", out, env=child_env
    )
    assert [os.path.basename(p) for p in proc.stdout.split()] == [
        "clib_hs.2bit",
        "clib_hs.chrom.sizes",
        "clib_genes.gkanno",
        "clib_genes.cfg",
    ]
    assert (
        "annotation clib_genes (gencode) on clib_hs: 119 genes, 470 transcripts, 2,470 exons" in proc.stderr
    )
    assert f"GENOMEKIT_DATA_DIR={out}" in proc.stderr
    with data_dir_of(out):
        g = gk.Genome("clib_genes")
        assert g.refg == "clib_hs" and g.chromosomes == ["chr1", "chrM"]
        t = g.transcripts["ENST00000456328.2"]
        assert g.dna(t.exons[0]) == chr1[t.exons[0].start : t.exons[0].end].upper()


def test_gff3_dialects_into_existing_assembly(tmp_path, human_like_fasta, child_env):
    fasta, _ = human_like_fasta
    out = str(tmp_path / "data")
    alias = tmp_path / "alias.txt"
    alias.write_text("# ucsc\tassembly\trefseq\nchr1\t1\tNC_000001.11\nchrM\tMT\tNC_012920.1\n")
    cli(
        "--assembly",
        "clib_a",
        "--fasta",
        fasta,
        "--chrom-alias",
        str(alias),
        "--data-dir",
        out,
        env=child_env,
    )
    with data_dir_of(out):
        assert gk.Genome("clib_a").chrom_aliases("refseq") == {"NC_000001.11": "chr1", "NC_012920.1": "chrM"}

    ens = str(tmp_path / "Homo_sapiens.excerpt.gff3.gz")
    ensembl_gff3(os.path.join(DATA, "ensembl_human.gtf.gz"), ens)
    ncbi = str(tmp_path / "refseq_excerpt.gff.gz")
    ncbi_gff3(os.path.join(DATA, "gencode_human.gtf.gz"), ncbi, "NC_000001.11")
    gencode = str(tmp_path / "gencode.gff3.gz")
    gencode_gff3(os.path.join(DATA, "gencode_human.gtf.gz"), gencode)
    assert (detect_format(ens), detect_format(ncbi), detect_format(gencode)) == (
        "gencode",
        "ncbi_refseq",
        "gencode",
    )

    proc = cli("--assembly", "clib_a", "--annotation", ens, "--data-dir", out, env=child_env)
    assert "annotation Homo_sapiens.excerpt (gencode) on clib_a: 84 genes, 280 transcripts" in proc.stderr
    proc = cli(
        "--assembly",
        "clib_a",
        "--annotation",
        ncbi,
        "--config",
        "clib_ncbi",
        "--data-dir",
        out,
        env=child_env,
    )
    assert "annotation clib_ncbi (ncbi_refseq) on clib_a: 119 genes, 470 transcripts" in proc.stderr
    with data_dir_of(out):
        g = gk.Genome("clib_ncbi")
        assert g.genes[0].chromosome == "chr1" and g.genes[0].id.isdigit()  # NC_ resolved via the aliases

    # UCSC refGene/refLink: a directory
    ucsc = tmp_path / "ucsc"
    ucsc.mkdir()
    with gzip.open(ucsc / "refGene.txt.gz", "wt") as f:
        f.write(
            "0\tNM_1\tchr1\t+\t1000\t3000\t1100\t2500\t2\t1000,2000,\t1200,3000,\t0\tAAA\tcmpl\tcmpl\t0,2,\n"
        )
    (ucsc / "refLink.txt").write_text("AAA\tprotein one\tNM_1\tNP_1\t0\t0\t11\t0\n")
    proc = cli("--assembly", "clib_a", "--annotation", str(ucsc), "--config", "clib_ucsc", "--data-dir", out,
               env=child_env)  # fmt: skip
    assert "annotation clib_ucsc (ucsc_refseq) on clib_a: 1 genes, 1 transcripts, 2 exons" in proc.stderr


def test_errors(tmp_path, child_env):
    out = str(tmp_path / "data")
    proc = cli("--assembly", "x", "--data-dir", out, env=child_env, check=False)
    assert proc.returncode == 1 and "nothing to build" in proc.stderr
    proc = cli("--assembly", "clib_none", "--annotation", os.path.join(DATA, "gencode_human.gtf.gz"),
               "--data-dir", out, env=dict(child_env, GENOMEKIT_STORAGE_BUCKET=""), check=False)  # fmt: skip
    assert proc.returncode == 1 and "unknown genome 'clib_none'" in proc.stderr
    proc = cli("--assembly", "../x", "--fasta", SAMPLE_FASTA, "--data-dir", out, env=child_env, check=False)
    assert proc.returncode == 1 and "error:" in proc.stderr
    proc = cli("--assembly", "clib_y", "--fasta", SAMPLE_FASTA, "--annotation", os.path.join(DATA, "ex2.vcf"),
               "--data-dir", out, env=child_env, check=False)  # fmt: skip
    assert proc.returncode == 1 and "ex2.vcf" in proc.stderr
    assert not os.path.exists(os.path.join(out, "ex2.gkanno"))


def test_default_config_name():
    assert default_config("/x/Homo_sapiens.GRCh38.113.gff3.gz") == "Homo_sapiens.GRCh38.113"
    assert default_config("genes.gtf") == "genes"
    assert default_config("/db/hg19_ucsc/") == "hg19_ucsc"


def test_version_and_program_name(capsys, monkeypatch):
    from genome_kit.__main__ import main

    monkeypatch.setattr(sys, "argv", ["/usr/bin/genome-kit", "--version"])
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"genome-kit {gk.__version__}"
    monkeypatch.setattr(sys, "argv", ["genome-kit", "--help"])
    with pytest.raises(SystemExit):
        main()
    text = capsys.readouterr().out
    assert text.startswith("usage: genome-kit") and "``" not in text and "python -m" not in text


HELP_COMMANDS = [
    [],
    ["demo"],
    ["build"],
    ["build-assembly"],
    ["data"],
    ["data", "info"],
    ["data", "ls"],
    ["data", "get"],
    ["data", "path"],
    ["data", "upload"],
    ["data", "build"],
    ["plot"],
]


@pytest.mark.parametrize("cmd", HELP_COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_every_help_is_plain_explained_and_has_examples(cmd, capsys, monkeypatch):
    from genome_kit.__main__ import main

    monkeypatch.setattr(sys, "argv", ["genome-kit"])
    with pytest.raises(SystemExit) as e:
        main([*cmd, "--help"])
    text = capsys.readouterr().out
    assert e.value.code == 0
    assert text.startswith(" ".join(["usage: genome-kit", *cmd]))  # the program name as typed, everywhere
    assert "``" not in text and "python -m" not in text  # no RST markup, no other program name
    lines = text.splitlines()
    for k, line in enumerate(lines):  # every argument has a help text (on its line or the next)
        indent = len(line) - len(line.lstrip())
        bare = 2 <= indent <= 4 and len(line.split()) == 1 and not line.strip().startswith("{")
        if bare and line.strip() != "-h, --help" and "arguments:" in "\n".join(lines[:k]):
            assert k + 1 < len(lines) and lines[k + 1].startswith(" " * 10), f"no help for {line.strip()!r}"
    description = text.split("\n\n")[1]
    assert not description.startswith(("positional", "options")), "no description"
    if cmd not in (["data", "info"], ["data", "path"]):
        assert "example" in text
