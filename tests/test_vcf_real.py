"""VCFTable on real VCFs: the VCF 4.1 example, structural variants, 1000 Genomes chr22 and HapMap exome.

The human sequence is not available, so these use ``validate=False`` on a small
assembly written here (GRCh37 chromosome sizes with ``1``/``22`` aliases)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import genome_kit as gk
from genome_kit import VCFTable

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")

# GRCh37 sizes of the chromosomes these VCFs use (public assembly facts).
SIZES = {
    "chr1": 249250621,
    "chr2": 243199373,
    "chr3": 198022430,
    "chr4": 191154276,
    "chr7": 159138663,
    "chr20": 63025520,
    "chr22": 51304566,
}


@pytest.fixture(scope="module")
def grch37(data_dir):
    with open(os.path.join(data_dir, "grch37t.chrom.sizes"), "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in SIZES.items())
    with open(os.path.join(data_dir, "grch37t.chromAlias.txt"), "w") as f:
        f.write("# ucsc\tassembly\n" + "".join(f"{c}\t{c[3:]}\n" for c in SIZES))
    return gk.Genome("grch37t")


def convert(path, genome, tmp_path, **kw):
    out = os.path.join(str(tmp_path), os.path.basename(path) + ".bin")
    return VCFTable.from_vcf(path, genome, validate=False, vcfbinpath=out, cache=False, **kw)


def test_vcf41_example_split(grch37, tmp_path, recwarn):
    t = convert(
        os.path.join(DATA, "ex2.vcf"),
        grch37,
        tmp_path,
        info_ids=["NS", "DP", "AF", "AA", "DB", "H2"],
        fmt_ids=["GT", "GQ", "DP", "HQ"],
        split_multiallelic=True,
        ancestral="warn",
    )
    assert "lines 26" in str(recwarn.pop(UserWarning).message)
    assert [str(v) for v in t] == [
        "chr20:14370:G:A",
        "chr20:17330:T:A",
        "chr20:1110696:A:G",
        "chr20:1110696:A:T",
        "chr20:1230238::",
        "chr20:1234568:TC:",
        "chr20:1234570::T",
    ]
    assert t.sample_names == ["NA00001", "NA00002", "NA00003"]
    assert np.allclose(t.info("AF"), [0.5, 0.017, 0.333, 0.667, 0, 0, 0])
    assert t.info("DB").tolist() == [True, False, True, True, False, False, False]
    assert [v.AA for v in t] == ["", "", "T", "T", "T", "G", "G"]
    assert t.format("GT").tolist() == [
        [0, 5, 2],
        [0, 4, 0],
        [5, 4, 0],
        [4, 5, 2],
        [0, 0, 0],
        [1, 0, 2],
        [0, 1, 0],
    ]
    assert t.format("HQ")[0].tolist() == [[51, 51], [51, 51], [0, 0]]  # ".,." → defaults
    assert t.format("HQ")[1, 2].tolist() == [0, 0]  # dropped trailing field
    assert t.format("GQ")[:, 0].tolist() == [48, 49, 21, 21, 54, 35, 35]


def test_vcf41_example_multiallelic_error(grch37, tmp_path):
    with pytest.raises(ValueError, match=r"ex2\.vcf:25: multiallelic record"):
        path = os.path.join(DATA, "ex2.vcf")
        convert(path, grch37, tmp_path, info_ids=["DP"], ancestral="exclude", unsupported="error")


def test_structural_variants(grch37, tmp_path):
    t = convert(
        os.path.join(DATA, "structural.vcf"),
        grch37,
        tmp_path,
        info_ids=["SVTYPE", "END", "CIPOS"],
        fmt_ids=["GT", "GQ"],
    )
    assert len(t) == 7
    assert [(v.chromosome, v.start, v.end, v.alt) for v in t][:1] == [("chr1", 13220, 13221, "<DEL>")]
    assert [v.alt for v in t][3:] == ["<DEL:ME:ALU>", "<INS:ME:L1>", "<DUP>", "<DUP:TANDEM>"]
    assert (t[4].start, t[4].end) == (9425916, 9425916)  # insertion: END == POS
    assert t[1].ref.startswith("CGTGGATG") and t[1].alt == "" and len(t[1]) == 69
    assert t.info("SVTYPE").tolist() == [1, 1, 1, 1, 2, 3, 3]
    assert t.info("CIPOS").tolist()[0] == [-56, 20]
    assert t.format("GT")[:, 0].tolist() == [1, 2, 1, 1, 2, 3, 3]
    q = gk.Interval("chr3", "+", 12_670_000, 12_670_001, grch37)
    assert [v.alt for v in t.find_overlapping(q)] == ["<DUP>"]


@pytest.fixture
def shared_vcf(shared_dir):
    d = os.path.join(shared_dir, "data", "vcf")
    if not os.path.isdir(d):
        pytest.skip("../shared/data/vcf is not available")
    return d


def test_1000genomes_chr22_matches_cyvcf2(grch37, tmp_path, shared_vcf):
    path = os.path.join(shared_vcf, "chr22.vcf.gz")
    t = convert(path, grch37, tmp_path, info_ids=["AF", "AN", "VT", "ID"], fmt_ids=["GT", "DS", "GL"])
    assert len(t) == 10376 and t.num_samples == 5
    assert t.format("GL").shape == (10376, 5, 3)  # Number=G: 3 genotypes of a diploid biallelic site
    cyvcf2 = pytest.importorskip("cyvcf2")
    r = cyvcf2.VCF(path, gts012=False)
    starts, ends, gts, ds, af = [], [], [], [], []
    for v in r:
        starts.append(v.start)
        ends.append(v.end)
        gts.append(v.gt_types.copy())
        ds.append(v.format("DS")[:, 0].copy())
        af.append(v.INFO.get("AF"))
    r.close()
    snv = np.array([len(v.ref) == 1 and len(v.alt) == 1 for v in t])
    assert np.array_equal(np.array([v.start for v in t])[snv], np.array(starts)[snv])
    # cyvcf2 codes: 0 hom-ref, 1 het, 2 unknown, 3 hom-alt
    ours = t.format("GT")
    mapped = np.choose(ours, [0, 1, 3, 2, 1, 1])
    assert np.array_equal(mapped, np.array(gts))
    assert np.allclose(t.format("DS"), np.array(ds))
    assert np.allclose(t.info("AF"), np.array(af, dtype=np.float32))
    assert t[0].ID == "rs7410291" and t[0].VT == "SNP"
    # positional queries agree with a brute-force scan
    starts_np, ends_np = np.array([v.start for v in t]), np.array([v.end for v in t])
    for s in range(int(starts_np.min()), int(starts_np.max()), 997_331):
        q = gk.Interval("chr22", "+", s, s + 50_000, grch37)
        got = [t.index_of(v) for v in t.find_within(q)]
        want = np.flatnonzero((starts_np >= s) & (ends_np <= s + 50_000) & (ends_np > starts_np))
        assert sorted(got) == sorted(set(want.tolist()) | {i for i in got if starts_np[i] == ends_np[i]})


def test_hapmap_exome_needs_and_supports_splitting(grch37, tmp_path, shared_vcf):
    path = os.path.join(shared_vcf, "hapmap_exome_chr22.vcf.gz")
    with pytest.raises(ValueError, match=r"hapmap_exome_chr22\.vcf\.gz:178: multiallelic record"):
        convert(path, grch37, tmp_path, info_ids=["AF"], unsupported="error")
    t = convert(
        path,
        grch37,
        tmp_path,
        info_ids=["AF", "DP", "DB"],
        fmt_ids=["GT", "AD", "DP", "GQ"],
        split_multiallelic=True,
    )
    assert t.num_samples == 22 and t.format("AD").shape == (len(t), 22, 2)
    assert t.info("DB").dtype == np.bool_ and t[0].DB is True


def test_unsupported_symbolic_allele_in_real_file(grch37, tmp_path, shared_vcf):
    path = os.path.join(shared_vcf, "chr7-sub.vcf.gz")
    with pytest.raises(ValueError, match=r"chr7-sub\.vcf\.gz:61: Unsupported symbolic ALT <CGA_CNVWIN>"):
        convert(path, grch37, tmp_path, fmt_ids=["GT"], ancestral="exclude", unsupported="error")
    # The default skips those records (and says so); "keep" keeps them spanning their REF.
    skip_warning = r"500 record\(s\) skipped .*chr7-sub\.vcf\.gz:61: Unsupported symbolic"
    with pytest.warns(UserWarning, match=skip_warning):
        skipped = convert(path, grch37, tmp_path, fmt_ids=["GT"], ancestral="exclude")
    with pytest.warns(UserWarning, match=r"500 record\(s\) kept without their unsupported part"):
        kept = convert(path, grch37, tmp_path, fmt_ids=["GT"], ancestral="exclude", unsupported="keep")
    assert len(kept) == len(skipped) + 500
    cyvcf2 = pytest.importorskip("cyvcf2")
    want = [(v.start + 1, v.end) for v in cyvcf2.VCF(path) if v.ALT == ["<CGA_CNVWIN>"]]
    got = [(v.start, v.end) for v in kept if v.alt == "<CGA_CNVWIN>"]  # the padding base is dropped
    assert got == want
