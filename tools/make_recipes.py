"""Writes the data-src/ recipe tree: the recipe families GenomeKit users know, each file with the
checksum manifest its provider publishes beside it. SHA-256 digests already pinned in a recipe are
kept. Run from the repository root: ``python tools/make_recipes.py``; review the diff.

GENCODE human releases are built on the GRCh38 patch UCSC publishes closest to the one GENCODE
used (their CHR annotation lies on the primary chromosomes, identical in every patch): v20-v31 on
hg38.p12, v32-v43 on hg38.p13, v44-v47 on hg38.p14; the lift37 sets (from v22) on hg19; mouse
vM15-vM25 on mm10.p6 (GRCm38), vM26-vM37 on mm39.
"""

from __future__ import annotations

import json
import os
import urllib.parse

from genome_kit._data_build import MANIFEST_BY_HOST

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data-src")
UCSC = "https://hgdownload.soe.ucsc.edu/goldenPath"
GENCODE = "https://ftp.ebi.ac.uk/pub/databases/gencode"
NCBI = "https://ftp.ncbi.nlm.nih.gov"
ENSEMBL = "https://ftp.ensembl.org/pub"


def entry(role: str, url: str, name: str | None = None) -> dict:
    host = urllib.parse.urlsplit(url).netloc
    return {
        "role": role,
        "name": name or url.rsplit("/", 1)[-1],
        "url": url,
        "manifest": url.rsplit("/", 1)[0] + "/" + MANIFEST_BY_HOST[host],
    }


def ucsc(asm: str, sub: str | None, description: str, alias_from_base: bool = False) -> tuple[str, dict]:
    db = asm.split(".")[0]
    base = f"{UCSC}/{db}/bigZips" + (f"/{sub}" if sub else "")
    alias = f"{UCSC}/{db}/bigZips/{db}.chromAlias.txt" if alias_from_base else f"{base}/{asm}.chromAlias.txt"
    recipe = {
        "config": asm,
        "assembly": asm,
        "builder": "ucsc_assembly",
        "description": description,
        "homepage": "https://hgdownload.soe.ucsc.edu/downloads.html",
        "files": [
            entry("twobit", f"{base}/{asm}.2bit"),
            entry("chrom_sizes", f"{base}/{asm}.chrom.sizes"),
            entry("chrom_alias", alias),
        ],
        "options": {"primary_first": True},
    }
    return f"{db}/ucsc/{sub or 'base'}", recipe


def fasta(db: str, description: str) -> tuple[str, dict]:
    return f"{db}/ucsc/fasta", {
        "config": db,
        "assembly": db,
        "builder": "fasta_assembly",
        "description": description,
        "homepage": "https://hgdownload.soe.ucsc.edu/downloads.html",
        "files": [entry("fasta", f"{UCSC}/{db}/bigZips/{db}.fa.gz")],
    }


def gencode_human(release: int, lift37: bool, basic: bool) -> tuple[str, dict]:
    version = f"v{release}" + ("lift37" if lift37 else "")
    folder = f"{GENCODE}/Gencode_human/release_{release}" + ("/GRCh37_mapping" if lift37 else "")
    fmt = "gtf" if (release == 19 and basic) else "gff3"  # GENCODE 19 publishes its basic set as GTF only
    name = f"gencode.{version}" + (".basic" if basic else "") + f".annotation.{fmt}.gz"
    if lift37:
        assembly = "hg19"
    elif release == 19:
        assembly = "hg19.p13.plusMT"
    else:
        assembly = "hg38.p12" if release <= 31 else "hg38.p13" if release <= 43 else "hg38.p14"
    what = "basic set" if basic else "comprehensive gene annotation"
    where = "GRCh38 mapped to GRCh37" if lift37 else ("GRCh37.p13" if release == 19 else "GRCh38")
    config = f"gencode.{version}" + (".basic" if basic else "")
    return f"{assembly.split('.')[0]}/gencode/{version}" + (".basic" if basic else ""), {
        "config": config,
        "assembly": assembly,
        "builder": "gencode",
        "description": f"GENCODE {release}{' lift37' * lift37} ({where}): {what}, reference chromosomes",
        "homepage": "https://www.gencodegenes.org/human/",
        "files": [entry("annotation", f"{folder}/{name}")],
    }


def gencode_mouse(release: int, basic: bool) -> tuple[str, dict]:
    version = f"vM{release}"
    assembly = "mm10.p6" if release <= 25 else "mm39"
    name = f"gencode.{version}" + (".basic" if basic else "") + ".annotation.gff3.gz"
    config = f"gencode.{version}" + (".basic" if basic else "")
    return f"{assembly.split('.')[0]}/gencode/{version}" + (".basic" if basic else ""), {
        "config": config,
        "assembly": assembly,
        "builder": "gencode",
        "description": f"GENCODE M{release} ({'GRCm38' if release <= 25 else 'GRCm39'}): "
        + ("basic set" if basic else "comprehensive gene annotation")
        + ", reference chromosomes",
        "homepage": "https://www.gencodegenes.org/mouse/",
        "files": [entry("annotation", f"{GENCODE}/Gencode_mouse/release_M{release}/{name}")],
    }


def refseq(target: str, config: str, assembly: str, url: str, description: str) -> tuple[str, dict]:
    return target, {
        "config": config,
        "assembly": assembly,
        "builder": "ncbi_refseq",
        "description": description + "; RefSeq accessions are resolved through the assembly's chromAlias.txt",
        "homepage": "https://www.ncbi.nlm.nih.gov/refseq/annotation_euk/",
        "files": [entry("annotation", url)],
    }


def ensembl(target: str, config: str, assembly: str, url: str, description: str) -> tuple[str, dict]:
    return target, {
        "config": config,
        "assembly": assembly,
        "builder": "ensembl",
        "description": description
        + "; Ensembl names (1, MT) are resolved through the assembly's chromAlias.txt",
        "homepage": "https://www.ensembl.org/info/data/ftp/index.html",
        "files": [entry("annotation", url)],
    }


def recipes() -> list[tuple[str, dict]]:
    out = [
        ucsc("hg19", None, "UCSC hg19 (GRCh37): the assembly of the GENCODE lift37 sets"),
        ucsc(
            "hg19.p13.plusMT",
            "p13.plusMT",
            "UCSC hg19 with the GRCh37.p13 patches and chrMT (rCRS): the assembly of GENCODE v19",
            alias_from_base=True,
        ),
        ucsc("hg38.p12", "p12", "UCSC hg38 with the GRCh38.p12 patches: GENCODE v20-v31"),
        ucsc("hg38.p13", "p13", "UCSC hg38 with the GRCh38.p13 patches: GENCODE v32-v43"),
        ucsc("hg38.p14", "p14", "UCSC hg38 with the GRCh38.p14 patches: GENCODE v44-v47, RefSeq RS_2024_08"),
        ucsc("mm10", None, "UCSC mm10 (GRCm38)"),
        ucsc("mm10.p6", "p6", "UCSC mm10 with the GRCm38.p6 patches: GENCODE vM15-vM25"),
        ucsc("mm39", None, "UCSC mm39 (GRCm39): GENCODE vM26-vM37, RefSeq, Ensembl"),
        fasta("sacCer3", "UCSC sacCer3 (S. cerevisiae R64) from FASTA"),
        fasta("ce11", "UCSC ce11 (C. elegans WBcel235) from FASTA"),
    ]
    for release in range(19, 48):
        for basic in (False, True):
            out.append(gencode_human(release, False, basic))
            if release >= 22:
                out.append(gencode_human(release, True, basic))
    for release in range(15, 38):
        for basic in (False, True):
            out.append(gencode_mouse(release, basic))
    out += [
        refseq(
            "hg19/ncbi_refseq/v105.20190906",
            "ncbi_refseq.v105.20190906",
            "hg19.p13.plusMT",
            f"{NCBI}/refseq/H_sapiens/annotation/annotation_releases/105.20190906/GCF_000001405.25_GRCh37.p13/"
            "GCF_000001405.25_GRCh37.p13_genomic.gff.gz",
            "NCBI RefSeq Homo sapiens Updated Annotation Release 105.20190906 (GRCh37.p13), GFF3",
        ),
        refseq(
            "hg38/ncbi_refseq/v110",
            "ncbi_refseq.v110",
            "hg38.p14",
            f"{NCBI}/genomes/all/annotation_releases/9606/110/GCF_000001405.40_GRCh38.p14/"
            "GCF_000001405.40_GRCh38.p14_genomic.gff.gz",
            "NCBI RefSeq Homo sapiens Annotation Release 110 (GRCh38.p14), GFF3",
        ),
        refseq(
            "hg38/ncbi_refseq/RS_2024_08",
            "ncbi_refseq.hg38.p14_RS_2024_08",
            "hg38.p14",
            f"{NCBI}/genomes/all/annotation_releases/9606/GCF_000001405.40-RS_2024_08/"
            "GCF_000001405.40-RS_2024_08_genomic.gff.gz",
            "NCBI RefSeq annotation release GCF_000001405.40-RS_2024_08 (GRCh38.p14), GFF3",
        ),
        refseq(
            "mm39/ncbi_refseq/RS_2024_02",
            "ncbi_refseq.mm39.RS_2024_02",
            "mm39",
            f"{NCBI}/genomes/all/annotation_releases/10090/GCF_000001635.27-RS_2024_02/"
            "GCF_000001635.27-RS_2024_02_genomic.gff.gz",
            "NCBI RefSeq annotation release GCF_000001635.27-RS_2024_02 (GRCm39), GFF3",
        ),
        ensembl(
            "hg38/ensembl/113",
            "ensembl.GRCh38.113",
            "hg38.p14",
            f"{ENSEMBL}/release-113/gff3/homo_sapiens/Homo_sapiens.GRCh38.113.gff3.gz",
            "Ensembl 113 human gene annotation (GRCh38.p14), GFF3",
        ),
        ensembl(
            "mm39/ensembl/113",
            "ensembl.GRCm39.113",
            "mm39",
            f"{ENSEMBL}/release-113/gff3/mus_musculus/Mus_musculus.GRCm39.113.gff3.gz",
            "Ensembl 113 mouse gene annotation (GRCm39), GFF3",
        ),
    ]
    return out


def main() -> None:
    seen = set()
    for target, recipe in recipes():
        assert target not in seen, target
        seen.add(target)
        path = os.path.join(ROOT, target, "recipe.json")
        if os.path.isfile(path):  # keep pinned digests of unchanged URLs
            with open(path) as f:
                pinned = {e["url"]: e["sha256"] for e in json.load(f)["files"] if e.get("sha256")}
            for e in recipe["files"]:
                if e["url"] in pinned:
                    e["sha256"] = pinned[e["url"]]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(recipe, f, indent=2)
            f.write("\n")
    for dirpath, _, files in os.walk(ROOT):
        rel = os.path.relpath(dirpath, ROOT)
        if "recipe.json" in files and rel not in seen:
            print(f"not generated (kept): {rel}")
    print(f"{len(seen)} recipes")


if __name__ == "__main__":
    main()
