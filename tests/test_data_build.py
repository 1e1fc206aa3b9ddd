"""data-src/build.py: every recipe built from small real excerpts in its source formats (--local-source,
no network), checksum policy, downloads from a local HTTP server (resume, mismatch, 404), --upload."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import pytest
from bucket_server import BucketServer
from databuild_util import (
    RangeServer,
    ensembl_gff3,
    gencode_gff3,
    ncbi_gff3,
    read_fasta,
    sha256,
    write_fasta,
    write_twobit,
)

import genome_kit as gk
from genome_kit import _data_build as build
from genome_kit import gk_data
from genome_kit._data_build import MANIFEST_BY_HOST
from genome_kit.data_manager import DataManager, DefaultDataManager

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
DATA_SRC = build.HERE  # the recipes shipped in the package (data-src/ of a checkout)
BUILD_PY = os.path.join(os.path.dirname(HERE), "data-src", "build.py")

if not os.path.isfile(BUILD_PY):  # tests run from an unpacked wheel/sdist without the data-src tree
    pytest.skip("data-src/build.py is not in this checkout", allow_module_level=True)

TARGETS = build.list_targets(DATA_SRC)
RECIPES = {t: build.load_recipe(t, DATA_SRC) for t in TARGETS}
ASSEMBLY_TARGET = {r["config"]: t for t, r in RECIPES.items() if r["builder"] in build.ASSEMBLY_BUILDERS}

#: RefSeq accessions of chr1 and chrM in each excerpt's alias table (as UCSC lists them).
REFSEQ = {
    "hg19": ("NC_000001.10", "NC_012920.1"),
    "hg19.p13.plusMT": ("NC_000001.10", "NC_012920.1"),
    "hg38.p12": ("NC_000001.11", "NC_012920.1"),
    "hg38.p13": ("NC_000001.11", "NC_012920.1"),
    "hg38.p14": ("NC_000001.11", "NC_012920.1"),
    "mm10": ("NC_000067.6", "NC_005089.1"),
    "mm10.p6": ("NC_000067.6", "NC_005089.1"),
    "mm39": ("NC_000067.7", "NC_005089.1"),
}
CHR1_LEN = 2_000_000  # the GTF excerpts reach 1.53 Mbp of chr1


# --------------------------------------------------------------------------- excerpts


@pytest.fixture(scope="module")
def sequences(shared_dir):
    """Real sequence re-chromosomed for the human/mouse excerpts: chr1 = C. elegans chrX[:2 Mbp], chrM =
    C. elegans chrM; plus the yeast and worm FASTA the FASTA recipes take."""
    worm_x = read_fasta(os.path.join(shared_dir, "data", "celegans", "ce2chrX.fa.gz"))["chrX"]
    worm_m = read_fasta(os.path.join(DATA, "ce2chrM.fa.gz"))["chrM"]
    yeast = {}
    for n in (1, 2):
        yeast.update(read_fasta(os.path.join(shared_dir, "data", "yeast", f"chr{n}.fa")))
    return {
        "mammal": {"chr1": worm_x[:CHR1_LEN], "chrM": worm_m},
        "sacCer3": yeast,
        "ce11": {"chrX": worm_x[:3_000_000], "chrM": worm_m},
    }


def make_excerpts(recipe: dict, dest: str, sequences: dict) -> dict[str, str]:
    """Writes the recipe's input files (excerpts, real data) into ``dest``; returns {name: sha256}."""
    os.makedirs(dest, exist_ok=True)
    config = recipe["config"]
    for entry in recipe["files"]:
        path = os.path.join(dest, entry["name"])
        role = entry["role"]
        if role == "twobit":
            write_twobit(path, sequences["mammal"], dest)
        elif role == "chrom_sizes":  # deliberately not primary-first: the recipe reorders it
            seqs = sequences["mammal"]
            with open(path, "w") as f:
                f.writelines(f"{n}\t{len(seqs[n])}\n" for n in reversed(list(seqs)))
        elif role == "chrom_alias":
            nc1, ncm = REFSEQ.get(config, ("NC_999991.1", "NC_999999.1"))
            with open(path, "w") as f:
                f.write("# ucsc\tassembly\tgenbank\trefseq\n")
                f.write(f"chr1\t1\tCM000001.1\t{nc1}\nchrM\tMT\tJ01415.2\t{ncm}\n")
                f.write("chr1_gl000191_random\tHSCHR1_RANDOM_1\tGL000191.1\tNT_113878.1\n")  # not in excerpt
        elif role == "fasta":
            write_fasta(path, sequences.get(config, sequences["sacCer3"]))
        elif role == "annotation":
            builder = recipe["builder"]
            if builder == "gencode":
                gencode_gff3(os.path.join(DATA, "gencode_human.gtf.gz"), path)
            elif builder == "ensembl":
                ensembl_gff3(os.path.join(DATA, "ensembl_human.gtf.gz"), path)
            else:
                nc1 = REFSEQ.get(recipe["assembly"], ("NC_999991.1",))[0]
                ncbi_gff3(os.path.join(DATA, "gencode_human.gtf.gz"), path, nc1)
        else:
            raise AssertionError(f"no excerpt for role {role}")
    return {e["name"]: sha256(os.path.join(dest, e["name"])) for e in recipe["files"]}


def run_build(*args, env=None, check=True):
    proc = subprocess.run(
        [sys.executable, BUILD_PY, *args], capture_output=True, text=True, env=env, timeout=600
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def write_manifests(root: str) -> None:
    """Every folder of the mirror gets the manifest its provider publishes (md5sum.txt, MD5SUMS,
    md5checksums.txt: MD5 lines; CHECKSUMS: BSD sum, as /usr/bin/sum -r writes it)."""
    for host, manifest in MANIFEST_BY_HOST.items():
        for dirpath, _, files in os.walk(os.path.join(root, host)):
            lines = []
            for n in sorted(f for f in files if f not in build.MANIFESTS):
                path = os.path.join(dirpath, n)
                if manifest == "CHECKSUMS":
                    lines.append("{:05d} {:5d} {}\n".format(*build.bsd_sum(path), n))
                else:
                    with open(path, "rb") as f:
                        md5 = hashlib.md5(f.read()).hexdigest()
                    lines.append(f"{md5}  {'./' if host.startswith('ftp.ncbi') else ''}{n}\n")
            with open(os.path.join(dirpath, manifest), "w") as f:
                f.writelines(lines)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory, sequences):
    """A real HTTP server on loopback laid out like the upstream sites (``/<host>/<path>``) with small
    real excerpts of every recipe's files and the providers' checksum manifests beside them."""
    root = tmp_path_factory.mktemp("upstream")
    made: dict[tuple, str] = {}  # excerpts that do not depend on the recipe are written once
    for recipe in RECIPES.values():
        for entry in recipe["files"]:
            named_by = recipe["assembly"] if entry["role"] == "annotation" else recipe["config"]
            key = (
                entry["role"],
                recipe["builder"],
                REFSEQ.get(named_by),
                recipe["config"] * (entry["role"] == "fasta"),
            )
            parts = urllib.parse.urlsplit(entry["url"])
            dest = os.path.join(str(root), parts.netloc, parts.path.lstrip("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if key not in made:
                single = {**recipe, "files": [entry]}
                scratch = str(root / ".scratch" / str(len(made)))
                make_excerpts(single, scratch, sequences)
                made[key] = os.path.join(scratch, entry["name"])
            if not os.path.exists(dest):
                os.link(made[key], dest)
    write_manifests(str(root))
    with BucketServer(str(root)) as server:
        yield server


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, mirror):
    """One output directory for all recipes, built in this process (a build takes ~50 ms; a child
    interpreter would cost a second each) from the loopback mirror after manifest verification;
    assemblies are built on demand (annotations need theirs)."""
    out = str(tmp_path_factory.mktemp("databuild") / "out")
    built: dict[str, subprocess.CompletedProcess] = {}

    def build_target(target):
        if target not in built:
            recipe = RECIPES[target]
            if recipe["builder"] not in build.ASSEMBLY_BUILDERS:
                build_target(ASSEMBLY_TARGET[recipe["assembly"]])
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = build.main([target, out, "--mirror", mirror.url, "--retries", "0"])
            assert code == 0, stderr.getvalue()
            built[target] = subprocess.CompletedProcess(target, code, stdout.getvalue(), stderr.getvalue())
        return built[target]

    return out, build_target


# --------------------------------------------------------------------------- the recipe tree


def test_recipe_tree():
    required = {
        "hg19": "ucsc_assembly",
        "hg38.p13": "ucsc_assembly",
        "hg38.p14": "ucsc_assembly",
        "mm10": "ucsc_assembly",
        "mm39": "ucsc_assembly",
        "gencode.v19": "gencode",
        "gencode.v41": "gencode",
        "gencode.v46": "gencode",
        "gencode.v47": "gencode",
        "gencode.vM23": "gencode",
        "gencode.vM36": "gencode",
    }
    by_config = {r["config"]: r for r in RECIPES.values()}
    for config, builder in required.items():
        assert by_config[config]["builder"] == builder
    # AlphaGenome's references
    assert by_config["gencode.v46"]["assembly"] == "hg38.p14"
    assert by_config["gencode.vM23"]["assembly"].startswith("mm10")
    builders = {r["builder"] for r in RECIPES.values()}
    assert builders == set(build.BUILDERS)
    for target, recipe in RECIPES.items():
        assert target.split("/")[0] == recipe["assembly"].split(".")[0], target
        assert recipe["assembly"] in ASSEMBLY_TARGET, f"{target}: no recipe builds {recipe['assembly']}"
        for entry in recipe["files"]:
            assert entry["url"].startswith(("https://", "ftp://")), entry
            assert entry["url"].split("/")[-1] == entry["name"] or entry["role"] == "chrom_alias", entry


def test_bad_recipes_are_rejected(tmp_path):
    def check(recipe, match):
        with pytest.raises(build.BuildError, match=match):
            build.validate_recipe(recipe, "r.json")

    good = dict(RECIPES["hg38/gencode/v46"])
    good = {k: v for k, v in good.items() if not k.startswith("_")}
    build.validate_recipe(good, "r.json")
    check({**good, "builder": "magic"}, "unknown builder")
    check({**good, "config": "v46"}, "gencode.<version>")
    check({**good, "files": []}, "needs a 'annotation' file")
    check({**good, "files": [{**good["files"][0], "sha256": "abc"}]}, "64 lower-case hex")
    check({**good, "files": [{**good["files"][0], "url": "file:///etc/passwd"}]}, "scheme")
    check({**good, "files": [{**good["files"][0], "name": "../x.gff3"}]}, "plain file name")
    with pytest.raises(build.BuildError, match="expected <assembly>/<source>/<version>"):
        build.load_recipe("hg38/gencode", DATA_SRC)
    with pytest.raises(build.BuildError, match="no recipe"):
        build.load_recipe("hg38/gencode/v0", DATA_SRC)


# ------------------------------------------------------------------------- every recipe, from a mirror


@pytest.mark.parametrize("target", TARGETS)
def test_every_recipe_builds_from_the_mirror(target, workspace, mirror, sequences):
    out, build_target = workspace
    recipe = RECIPES[target]
    proc = build_target(target)
    config = recipe["config"]
    listed = [os.path.basename(p) for p in proc.stdout.split()]
    with open(os.path.join(out, f"{config}.build.json")) as f:
        manifest = json.load(f)
    assert manifest["target"] == target and manifest["config"] == config
    assert [i["url"] for i in manifest["inputs"]] == [e["url"] for e in recipe["files"]]
    assert {i["verified"] for i in manifest["inputs"]} == {"manifest"}  # each input checked by its manifest
    for entry, used in zip(recipe["files"], manifest["inputs"], strict=True):  # the mirror's bytes, verbatim
        parts = urllib.parse.urlsplit(entry["url"])
        assert sha256(os.path.join(mirror.root, parts.netloc, parts.path.lstrip("/"))) == used["sha256"]
    for name, digest in manifest["outputs"].items():
        assert sha256(os.path.join(out, name)) == digest
    assert sorted(listed) == sorted([*manifest["outputs"], f"{config}.build.json"])
    assert not [n for n in os.listdir(out) if n.startswith(".build-")]  # staging removed

    # open what was built, in a fresh data manager over the output directory
    previous = gk_data.data_manager
    gk_data.data_manager = DefaultDataManager(out)
    try:
        if recipe["builder"] in build.ASSEMBLY_BUILDERS:
            assert set(listed) >= {f"{config}.2bit", f"{config}.chrom.sizes"}
            check_assembly(config, recipe, sequences)
        else:
            assert set(listed) >= {f"{config}.gkanno", f"{config}.cfg"}
            check_annotation(config, recipe, proc.stderr)
    finally:
        gk_data.data_manager = previous


def check_assembly(config, recipe, sequences):
    # a private name: the recipe's config may be registered already in this process
    out = gk_data.data_manager.data_dir
    alias = f"t_{config}"
    for suffix in (".2bit", ".chrom.sizes", ".chromAlias.txt"):
        if os.path.exists(os.path.join(out, config + suffix)):
            shutil.copyfile(os.path.join(out, config + suffix), os.path.join(out, alias + suffix))
    genome = gk.Genome(alias)
    if recipe["builder"] == "ucsc_assembly":
        assert genome.chromosomes == ["chr1", "chrM"]  # primary_first reordered the reversed excerpt
        assert genome.chromosome_size("chr1") == CHR1_LEN
        iv = genome.interval("chr1", "+", 1_000_000, 1_000_060)
        assert genome.dna(iv) == sequences["mammal"]["chr1"][1_000_000:1_000_060]
        assert genome.chrom_aliases("refseq")[REFSEQ[config][0]] == "chr1"
        assert genome.interval("1", "+", 0, 10).chromosome == "chr1"
    else:
        assert genome.chromosomes == (["chrI", "chrII"] if config == "sacCer3" else ["chrX", "chrM"])
        chrom = genome.chromosomes[0]
        assert genome.dna(genome.interval(chrom, "+", 0, 20)).upper() == (
            "CCACACCACACCCACACACC" if config == "sacCer3" else "CTAAGCCTAAGCCTAAGCCT"
        )


def check_annotation(config, recipe, log):
    out = gk_data.data_manager.data_dir
    anno = gk.GenomeAnnotation(os.path.join(out, f"{config}.gkanno"), recipe["assembly"], config)
    if recipe["builder"] == "ensembl":
        assert (len(anno.genes), len(anno.transcripts), len(anno.exons)) == (84, 280, 1323)
        t = anno.transcripts["ENST00000456328"]
        assert (t.chromosome, t.start, t.end, t.type) == ("chr1", 11868, 14409, "lncRNA")
    else:
        assert (len(anno.genes), len(anno.transcripts)) == (119, 470)
        if recipe["builder"] == "gencode":
            t = anno.transcripts["ENST00000456328.2"]
            assert (t.chromosome, t.start, t.end, t.gene.name) == ("chr1", 11868, 14409, "DDX11L1")
            assert len(anno.exons) == 2470
        else:  # NCBI: RefSeq accession resolved to chr1, GeneIDs as gene ids
            g = anno.genes[0]
            assert g.chromosome == "chr1" and g.id.isdigit()
            assert sum(len(t.cdss) for t in anno.transcripts) == 1131
    with open(os.path.join(out, f"{config}.cfg")) as f:
        assert f.read() == f"refg={recipe['assembly']}\n"
    assert f"{config}: opens;" in log


# --------------------------------------------------------------------------- checksum policy


def fasta_recipe_tree(tmp_path, url, sha=None, config="dbt_yeast"):
    """A one-recipe tree: a FASTA assembly ``<config>`` from ``url``."""
    root = tmp_path / "recipes"
    target = f"{config}/test/v1"
    os.makedirs(root / target)
    entry = {"role": "fasta", "name": f"{config}.fa.gz", "url": url}
    if sha:
        entry["sha256"] = sha
    recipe = {"config": config, "assembly": config, "builder": "fasta_assembly", "files": [entry]}
    with open(root / target / "recipe.json", "w") as f:
        json.dump(recipe, f, indent=2)
    return str(root), target


@pytest.fixture(scope="module")
def yeast_fa_gz():
    """Real yeast chrI + chrII FASTA.gz: the package's sample genome."""
    return os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.sample.fa.gz")


def test_missing_checksum_is_refused_then_recorded(tmp_path, yeast_fa_gz, child_env):
    root, target = fasta_recipe_tree(tmp_path, "https://example.invalid/dbt_yeast.fa.gz")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copyfile(yeast_fa_gz, src / "dbt_yeast.fa.gz")
    out = str(tmp_path / "out")
    proc = run_build(target, out, "--recipes", root, "--local-source", str(src), env=child_env, check=False)
    assert proc.returncode == 1
    assert "no verified SHA-256 for dbt_yeast.fa.gz" in proc.stderr and "--record-checksums" in proc.stderr
    assert not os.path.exists(out) or not os.listdir(out)

    run_build(target, out, "--recipes", root, "--local-source", str(src), "--record-checksums", env=child_env)
    with open(os.path.join(root, target, "recipe.json")) as f:
        assert json.load(f)["files"][0]["sha256"] == sha256(yeast_fa_gz)
    assert sorted(os.listdir(out)) == ["dbt_yeast.2bit", "dbt_yeast.build.json", "dbt_yeast.chrom.sizes"]

    # now verified: a different file under that name stops the build, and outputs are left alone
    before = sha256(os.path.join(out, "dbt_yeast.2bit"))
    write_fasta(str(src / "dbt_yeast.fa.gz"), {"chrI": "ACGT" * 10})
    proc = run_build(target, out, "--recipes", root, "--local-source", str(src), env=child_env, check=False)
    assert proc.returncode == 1 and "differs from the expected" in proc.stderr
    assert sha256(os.path.join(out, "dbt_yeast.2bit")) == before
    # --record-checksums never replaces a verified digest
    proc = run_build(
        target,
        out,
        "--recipes",
        root,
        "--local-source",
        str(src),
        "--record-checksums",
        env=child_env,
        check=False,
    )
    assert proc.returncode == 1 and "differs from the expected" in proc.stderr


def test_checksum_override_must_match(tmp_path, yeast_fa_gz, child_env):
    root, target = fasta_recipe_tree(tmp_path, "https://example.invalid/dbt_yeast.fa.gz")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copyfile(yeast_fa_gz, src / "dbt_yeast.fa.gz")
    sums = tmp_path / "sums.json"
    sums.write_text(json.dumps({"dbt_yeast.fa.gz": "0" * 64}))
    out = str(tmp_path / "out")
    proc = run_build(
        target,
        out,
        "--recipes",
        root,
        "--local-source",
        str(src),
        "--checksums",
        str(sums),
        env=child_env,
        check=False,
    )
    assert proc.returncode == 1 and f"differs from the expected {'0' * 64}" in proc.stderr
    sums.write_text(json.dumps({"dbt_yeast.fa.gz": "not-hex"}))
    proc = run_build(
        target,
        out,
        "--recipes",
        root,
        "--local-source",
        str(src),
        "--checksums",
        str(sums),
        env=child_env,
        check=False,
    )
    assert proc.returncode == 1 and "not a SHA-256" in proc.stderr


def test_annotation_without_its_assembly(tmp_path, child_env):
    recipe = RECIPES["mm39/gencode/vM36"]
    src = tmp_path / "src"
    src.mkdir()
    name = recipe["files"][0]["name"]
    gencode_gff3(os.path.join(DATA, "gencode_human.gtf.gz"), str(src / name))
    (tmp_path / "sums.json").write_text(json.dumps({name: sha256(str(src / name))}))
    env = dict(child_env, GENOMEKIT_STORAGE_BUCKET="", GENOMEKIT_DATA_DIR=str(tmp_path / "empty"))
    out = str(tmp_path / "out")
    args = ["mm39/gencode/vM36", out, "--local-source", str(src), "--checksums", str(tmp_path / "sums.json")]
    proc = run_build(*args, env=env, check=False)
    assert proc.returncode == 1 and "gencode.vM36 is built on mm39" in proc.stderr
    assert "build the assembly's recipe" in proc.stderr
    assert [n for n in os.listdir(out) if not n.startswith(".")] == []


def test_inconsistent_assembly_is_rejected(tmp_path, sequences, child_env):
    recipe = RECIPES["hg38/ucsc/p14"]
    src = str(tmp_path / "src")
    make_excerpts(recipe, src, sequences)
    with open(os.path.join(src, "hg38.p14.chrom.sizes"), "w") as f:
        f.write(f"chr1\t{CHR1_LEN + 1}\nchrM\t13794\n")
    sums = {e["name"]: sha256(os.path.join(src, e["name"])) for e in recipe["files"]}
    (tmp_path / "sums.json").write_text(json.dumps(sums))
    out = str(tmp_path / "out")
    proc = run_build(
        "hg38/ucsc/p14",
        out,
        "--local-source",
        src,
        "--checksums",
        str(tmp_path / "sums.json"),
        env=child_env,
        check=False,
    )
    assert (
        proc.returncode == 1 and "chrom.sizes and .2bit disagree" in proc.stderr and "['chr1']" in proc.stderr
    )
    assert [n for n in os.listdir(out) if not n.startswith(".")] == []


# --------------------------------------------------------------------------- downloads


def test_download_resumes_after_interruption(tmp_path):
    data = os.urandom(3 << 20)
    digest = build.hashlib.sha256(data).hexdigest()
    with RangeServer({"f.bin": data}) as server:
        dest = str(tmp_path / "f.bin")
        server.cut["f.bin"] = 1 << 20
        # no retries in this call: it fails, keeping the first MiB in f.bin.part
        with pytest.raises(build.DownloadError, match="the next run resumes"):
            build.download(f"{server.url}/f.bin", dest, digest, retries=0, backoff=0)
        assert os.path.getsize(dest + ".part") == 1 << 20 and not os.path.exists(dest)
        # the next call resumes from there with a Range request
        assert build.download(f"{server.url}/f.bin", dest, digest, retries=0) == digest
        assert server.requests[-1] == ("f.bin", f"bytes={1 << 20}-")
        with open(dest, "rb") as f:
            assert f.read() == data
        assert not os.path.exists(dest + ".part")

        # an interruption within one call is resumed by the retry loop
        dest2 = str(tmp_path / "g.bin")
        server.cut["f.bin"] = 12345
        server.requests.clear()
        assert build.download(f"{server.url}/f.bin", dest2, digest, backoff=0) == digest
        assert server.requests == [("f.bin", None), ("f.bin", "bytes=12345-")]

        # a complete .part (server answers 416) is verified and kept
        dest3 = str(tmp_path / "h.bin")
        with open(dest3 + ".part", "wb") as f:
            f.write(data)
        assert build.download(f"{server.url}/f.bin", dest3, digest) == digest


def test_download_checksum_mismatch_and_404(tmp_path):
    data = b"ACGT" * 1000
    with RangeServer({"f.bin": data}) as server:
        dest = str(tmp_path / "f.bin")
        with pytest.raises(build.ChecksumError, match="differs from the expected"):
            build.download(f"{server.url}/f.bin", dest, "0" * 64)
        assert not os.path.exists(dest) and not os.path.exists(dest + ".part")
        with pytest.raises(build.DownloadError, match="HTTP 404"):
            build.download(f"{server.url}/missing.bin", dest, None)
        assert [r[0] for r in server.requests] == ["f.bin", "missing.bin"]  # a 404 is not retried
        server.fail_next["f.bin"] = 2  # a 503 is
        digest = build.hashlib.sha256(data).hexdigest()
        assert build.download(f"{server.url}/f.bin", dest, digest, backoff=0) == digest
        assert [r[0] for r in server.requests[2:]] == ["f.bin"] * 3


def test_build_downloads_from_http(tmp_path, yeast_fa_gz, child_env):
    with open(yeast_fa_gz, "rb") as f:
        payload = f.read()
    with RangeServer({"dbt_yeast.fa.gz": payload}) as server:
        server.cut["dbt_yeast.fa.gz"] = len(payload) // 3
        root, target = fasta_recipe_tree(tmp_path, f"{server.url}/dbt_yeast.fa.gz", sha=sha256(yeast_fa_gz))
        out = str(tmp_path / "out")
        proc = run_build(target, out, "--recipes", root, env=child_env)
        assert "resuming" in proc.stderr and "sha256 verified" in proc.stderr
        assert server.requests[-1] == ("dbt_yeast.fa.gz", f"bytes={len(payload) // 3}-")
        assert os.path.isfile(os.path.join(out, ".sources", "dbt_yeast.fa.gz"))
        # a second run reuses the verified download
        n = len(server.requests)
        proc = run_build(target, out, "--recipes", root, env=child_env)
        assert len(server.requests) == n and "using the downloaded copy" in proc.stderr

        # the server's file changes: the checksum stops the build before anything is built
        server.files["dbt_yeast.fa.gz"] = payload[:-1] + b"x"
        os.unlink(os.path.join(out, ".sources", "dbt_yeast.fa.gz"))
        os.unlink(os.path.join(out, "dbt_yeast.2bit"))
        proc = run_build(target, out, "--recipes", root, env=child_env, check=False)
        assert proc.returncode == 1 and "SHA-256" in proc.stderr and "download deleted" in proc.stderr
        assert not os.path.exists(os.path.join(out, "dbt_yeast.2bit"))

        # a missing file upstream
        root404, target404 = fasta_recipe_tree(tmp_path / "x", f"{server.url}/nope.fa.gz", sha="1" * 64)
        proc = run_build(target404, out, "--recipes", root404, env=child_env, check=False)
        assert proc.returncode == 1 and "HTTP 404" in proc.stderr


# --------------------------------------------------------------------------- upload


class FolderBucket(DataManager):
    """A data manager whose "remote" is a folder: upload_file copies the file and keeps its metadata."""

    def __init__(self, data_dir, remote):
        self.data_dir, self.remote, self.metadata = data_dir, remote, {}

    def get_file(self, filename):
        return DefaultDataManager(self.data_dir).get_file(filename)

    def upload_file(self, filepath, filename, metadata=None):
        shutil.copyfile(filepath, os.path.join(self.remote, filename))
        self.metadata[filename] = dict(metadata or {})
        return f"folder://{filename}"


def test_upload_through_the_data_manager(tmp_path, yeast_fa_gz, capsys):
    root, target = fasta_recipe_tree(tmp_path, "https://example.invalid/dbt_up.fa.gz", config="dbt_up")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copyfile(yeast_fa_gz, src / "dbt_up.fa.gz")
    sums = tmp_path / "sums.json"
    sums.write_text(json.dumps({"dbt_up.fa.gz": sha256(yeast_fa_gz)}))
    out, remote = tmp_path / "out", tmp_path / "remote"
    remote.mkdir()
    previous = gk_data.data_manager
    gk_data.data_manager = bucket = FolderBucket(str(tmp_path / "dd"), str(remote))
    try:
        args = [target, str(out), "--recipes", root, "--local-source", str(src), "--checksums", str(sums)]
        assert build.main([*args, "--upload"]) == 0
    finally:
        gk_data.data_manager = previous
    assert sorted(os.listdir(remote)) == ["dbt_up.2bit", "dbt_up.chrom.sizes"]
    meta = bucket.metadata["dbt_up.2bit"]
    assert meta["recipe"] == target
    assert meta["sources"] == f"https://example.invalid/dbt_up.fa.gz#sha256={sha256(yeast_fa_gz)}"
    assert "uploaded dbt_up.2bit -> folder://dbt_up.2bit" in capsys.readouterr().err


def test_list_shows_checksum_status(child_env):
    proc = run_build("--list", env=child_env)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(TARGETS)
    for line, target in zip(lines, TARGETS, strict=True):
        assert line.startswith(target)
        assert "verified" in line and "NO CHECKSUM" not in line  # every shipped recipe has its manifests
    # run outside the checkout: `python -m` would import its (unbuilt in CI) genome_kit/ first
    proc = subprocess.run(
        [sys.executable, "-m", "genome_kit", "data", "build", "--list"], capture_output=True, text=True,
        env=child_env, timeout=60, cwd=tempfile.gettempdir(),
    )  # fmt: skip
    assert proc.returncode == 0 and proc.stdout == "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- manifests and spellings


@pytest.mark.skipif(not shutil.which("sum"), reason="coreutils sum not installed")
def test_bsd_sum_matches_coreutils(tmp_path):
    for n, seed in ((0, 0), (1, 1), (1023, 2), (1024, 3), (300_001, 4)):
        path = tmp_path / f"f{n}"
        path.write_bytes(hashlib.sha256(str(seed).encode()).digest() * (n // 32) + b"\xff" * (n % 32))
        out = subprocess.run(
            ["sum", "-r", str(path)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert build.bsd_sum(str(path)) == (int(out[0]), int(out[1])), n


def test_manifest_mismatch_and_unlisted_file_stop_the_build(tmp_path, mirror):
    target = "hg38/ensembl/113"  # Ensembl: BSD sum
    recipe = build.load_recipe(target)
    entry = recipe["files"][0]
    parts = urllib.parse.urlsplit(entry["manifest"])
    manifest = os.path.join(mirror.root, parts.netloc, parts.path.lstrip("/"))
    with open(manifest) as f:
        original = f.read()
    try:
        with open(manifest, "w") as f:
            f.write(original.replace(entry["name"], "other.gff3.gz"))
        args = build.parse_args([target, str(tmp_path / "a"), "--mirror", mirror.url, "--retries", "0"])
        with pytest.raises(build.ChecksumError, match="does not list Homo_sapiens.GRCh38.113.gff3.gz"):
            build.gather_inputs(recipe, args)
        fields = original.split()
        with open(manifest, "w") as f:
            f.write(f"{(int(fields[0]) + 1) % 65536} {fields[1]} {entry['name']}\n")
        args = build.parse_args([target, str(tmp_path / "b"), "--mirror", mirror.url, "--retries", "0"])
        with pytest.raises(
            build.ChecksumError, match="bsd_sum .* differs from .*CHECKSUMS; download deleted"
        ):
            build.gather_inputs(build.load_recipe(target), args)
        assert not os.path.exists(tmp_path / "b" / ".sources" / entry["name"])
    finally:
        with open(manifest, "w") as f:
            f.write(original)


def test_verified_digest_is_pinned_with_record_checksums(tmp_path, mirror):
    tree = tmp_path / "recipes"
    shutil.copytree(os.path.join(DATA_SRC, "hg38", "gencode", "v46"), tree / "hg38" / "gencode" / "v46")
    args = build.parse_args(
        [
            "gencode.v46",
            str(tmp_path / "o"),
            "--mirror",
            mirror.url,
            "--recipes",
            str(tree),
            "--record-checksums",
        ]
    )
    recipe = build.load_recipe("gencode.v46", str(tree))
    paths = build.gather_inputs(recipe, args)
    with open(tree / "hg38" / "gencode" / "v46" / "recipe.json") as f:
        assert json.load(f)["files"][0]["sha256"] == sha256(paths["annotation"])


@pytest.mark.parametrize(
    "spelling, target",
    [
        ("hg19.p13.plusMT/assembly", "hg19/ucsc/p13.plusMT"),
        ("hg19.p13.plusMT/NCBI/v105.20190906", "hg19/ncbi_refseq/v105.20190906"),
        ("hg19/GENCODE/v26lift37", "hg19/gencode/v26lift37"),
        ("hg38/gencode/v46", "hg38/gencode/v46"),
        ("gencode.vM25.basic", "mm10/gencode/vM25.basic"),
        ("mm39/assembly", "mm39/ucsc/base"),
    ],
)
def test_target_spellings(spelling, target):
    assert build.resolve_target(spelling) == target


def test_tutorial_commands_build_from_the_mirror(tmp_path, mirror, child_env):
    """The tutorial's own commands, literally, into one OUT directory (GENOMEKIT_RECIPE_MIRROR only
    points them at the loopback mirror)."""
    out = str(tmp_path / "OUT")
    env = dict(child_env, GENOMEKIT_RECIPE_MIRROR=mirror.url)
    for spelling in ("hg19.p13.plusMT/assembly", "hg19.p13.plusMT/NCBI/v105.20190906"):
        proc = subprocess.run(
            [sys.executable, "data-src/build.py", spelling, out], cwd=os.path.dirname(HERE),
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "matches md5" in proc.stderr
    names = set(os.listdir(out))
    assert {
        "hg19.p13.plusMT.2bit",
        "ncbi_refseq.v105.20190906.gkanno",
        "ncbi_refseq.v105.20190906.cfg",
    } <= names
