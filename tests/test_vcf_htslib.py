"""htslib's own test VCFs (Debian htslib-test, tests/data/htslib/) convert with every field their header
declares, and the values equal cyvcf2's (htslib) reading of the same files."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

import genome_kit as gk
from genome_kit import VCFTable

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "htslib")
SIZES = {"1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276}
CY_GT = [0, 1, 3, 2, 1, 1]  # our GT codes → cyvcf2's gt_types


@pytest.fixture(scope="module")
def b37(data_dir):
    with open(os.path.join(data_dir, "b37t.chrom.sizes"), "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in SIZES.items())
    return gk.Genome("b37t")


def _convert(path, genome, info_ids, fmt_ids, tmp_path):
    return VCFTable.from_vcf(
        path,
        genome,
        info_ids=info_ids,
        fmt_ids=fmt_ids,
        validate=False,
        split_multiallelic=True,
        ancestral="warn",
        unsupported="keep",  # vcf_file.vcf:38 has 305 ALTs and one AC value: kept with AC's default
        vcfbinpath=str(tmp_path / "t.bin"),
    )


def _fields(reader, kind):
    return [h["ID"] for h in reader.header_iter() if h["HeaderType"] == kind]


@pytest.mark.parametrize("name", ["formatcols.vcf", "formatmissing.vcf", "noroundtrip.vcf", "vcf_file.vcf"])
def test_htslib_vcf_values_match_cyvcf2(b37, tmp_path, name):
    cyvcf2 = pytest.importorskip("cyvcf2")
    path = os.path.join(DATA, name)
    reader = cyvcf2.VCF(path)
    info_ids, fmt_ids = _fields(reader, "INFO"), _fields(reader, "FORMAT")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = _convert(path, b37, info_ids, fmt_ids, tmp_path)
    messages = [str(w.message).split(": ", 1)[1] for w in caught]
    if name == "vcf_file.vcf":  # an ALT "." record (a no-change row) and the AC count above
        assert messages[0] == "1 ancestral allele record(s) (ALT '.') kept as no-change variants, lines 33"
        assert (
            messages[1].startswith("1 record(s) kept without their unsupported part") and len(messages) == 2
        )
    else:
        assert messages == []
    assert t.sample_names == list(reader.samples)
    row = 0
    for v in reader:  # cyvcf2's variants are only valid while the reader moves on: compare one at a time
        n_alts = len(v.ALT)
        rows = range(row, row + max(n_alts, 1))
        row += len(rows)
        if n_alts > 1:  # split rows: GT of each ALT
            for a, r in enumerate(rows, 1):
                want = [
                    "het"
                    if (a in g[:-1] and any(x != a for x in g[:-1]))
                    else ("alt" if a in g[:-1] else "no")
                    for g in v.genotypes
                ]
                got = ["het" if c in (1, 4, 5) else ("alt" if c == 2 else "no") for c in t.format("GT")[r]]
                assert got == want
            continue
        assert (t[rows[0]].chromosome, t[rows[0]].end) == (v.CHROM, v.end)
        if "GT" in fmt_ids:
            assert [CY_GT[c] for c in t.format("GT")[rows[0]]] == v.gt_types.tolist()
        for fid in fmt_ids:
            if fid == "GT" or fid not in v.FORMAT:
                continue
            want = v.format(fid)
            ours = t.format(fid)[rows[0]]
            if want.dtype.kind in "SU":
                assert ours.tolist() == [s if s != "." else "" for s in want.tolist()]
            else:
                assert np.allclose(ours.reshape(len(want), -1)[:, : want.shape[1]], want)
        for fid in info_ids:
            value = v.INFO.get(fid)
            if value is None or (name == "vcf_file.vcf" and v.POS == 3258501):
                continue
            ours = (
                getattr(t[rows[0]], fid)
                if t._core.column_info(False, fid)[0] == "str"
                else t.info(fid)[rows[0]]
            )
            if isinstance(value, str):
                assert ours == value
            else:
                assert np.allclose(np.ravel(ours), np.ravel(value))
    assert row == len(t)
