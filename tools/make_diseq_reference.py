"""Records the reference GenomeKit's DisjointIntervalSequence answers on many cases (tests/data fixture).

    GENOMEKIT_DATA_DIR=/work/shared/conformance/data /work/venv-ref/bin/python \
        tools/make_diseq_reference.py tests/data/diseq_reference.json.gz

Runs under the *reference* GenomeKit (7.7.0) with a local-only data manager and only observes it: each
case (coordinate intervals, segment, operation, arguments) and the answer it gave (segment indices and
strand, genomic intervals, DNA, a bool, None, or the exception type name) is written as gzipped JSON,
grouped by coordinate space. Coordinate spaces are hand-made ones on both strands of the conformance
``hg19.mini`` chr1 and the exons / CDS / UTRs of real GENCODE v29lift37 transcripts of
``gencode.v29lift37.mini`` (real hg19 sequence); positions are drawn around exon boundaries and the
space's edges, where the arithmetic has its corner cases.
tests/test_diseq.py replays every case on genome_kit.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import sys

os.environ.setdefault("GENOMEKIT_QUIET", "1")
import genome_kit as gk  # noqa: E402  (the reference GenomeKit)
from genome_kit import gk_data  # noqa: E402
from genome_kit.data_manager import GKDataFileNotFoundError  # noqa: E402


class LocalOnly(gk.DataManager):
    def __init__(self, data_dir):
        self.data_dir = data_dir

    def get_file(self, filename):
        path = os.path.join(self.data_dir, filename)
        if os.path.exists(path):
            return path
        raise GKDataFileNotFoundError(filename=filename, message=f"offline: {filename}")

    def upload_file(self, filepath, filename, metadata=None):
        raise RuntimeError("offline")

    def list_available_genomes(self):
        return []


gk_data.data_manager = LocalOnly(os.environ["GENOMEKIT_DATA_DIR"])
D = gk.DisjointIntervalSequence
rng = random.Random(17)


def enc(x, coords=None):
    """JSON form of an answer; a DIS lists its coordinate intervals only when they are not the case's,
    DNA longer than 40 bases is its SHA-1."""
    if isinstance(x, D):
        out = [x.start, x.end, x.on_coordinate_strand, x.coord_name, x.name]
        ivs = [[i.start, i.end] for i in x.coordinate_intervals]
        if ivs != coords:
            out.append(ivs)
        return {"dis": out}
    if isinstance(x, gk.Interval):
        return {"iv": [x.chromosome, x.strand, x.start, x.end]}
    if isinstance(x, list):
        return [enc(v, coords) for v in x]
    if isinstance(x, str) and len(x) > 40:
        return {"sha1": hashlib.sha1(x.encode()).hexdigest()}
    return x


def observe(f, coords):
    try:
        return enc(f(), coords)
    except Exception as e:  # noqa: BLE001 - the exception type is the observation
        return {"error": type(e).__name__}


def spaces():
    """(refg, chrom, strand, [(start, end)] 5'->3', coord_name) of every coordinate space used."""
    out = []
    for strand in "+-":
        for ivs in (
            [(100, 200), (300, 400)],
            [(1000, 1010)],
            [(500, 520), (540, 541), (600, 700), (900, 950)],
        ):
            out.append(("hg19.mini", "chr1", strand, ivs if strand == "+" else ivs[::-1], None))
    g = gk.Genome("gencode.v29lift37.mini")
    trans = sorted(g.transcripts, key=lambda t: t.id)
    plus = [t for t in trans if t.strand == "+" and len(t.exons) > 2 and t.cdss and t.utr5s and t.utr3s]
    minus = [t for t in trans if t.strand == "-" and len(t.exons) > 2 and t.cdss and t.utr5s and t.utr3s]
    for t in plus[:4] + minus[:4]:
        for region, parts in (("exons", t.exons), ("cds", t.cdss), ("utr3", t.utr3s)):
            out.append(
                (t.refg, t.chromosome, t.strand, [(p.start, p.end) for p in parts], f"{t.id}/{region}")
            )
    return out


def positions(ivs):
    """Genomic positions around every boundary of the space, and past both edges."""
    ps = set()
    for s, e in ivs:
        for p in (s, e):
            ps.update(p + d for d in (-2, -1, 0, 1, 2))
        ps.add((s + e) // 2)
    lo = min(s for s, _ in ivs)
    hi = max(e for _, e in ivs)
    ps.update((lo - 7, hi + 7))
    return sorted(p for p in ps if p >= 0)


def cases_for(refg, chrom, strand, ivs, name):
    G = gk.Genome(refg)
    coords = [gk.Interval(chrom, strand, s, e, G) for s, e in ivs]
    n = sum(e - s for s, e in ivs)
    idx = sorted({-3, -1, 0, 1, n - 1, n, n + 2} | {rng.randint(0, n) for _ in range(4)})
    pos = positions(ivs)
    segs = [(0, n, True)]
    for _ in range(4):
        a, b = sorted(rng.sample(idx, 2)) if len(idx) > 1 else (0, n)
        segs.append((a, b, rng.random() < 0.6))
    segs.append((idx[2], idx[2], True))  # empty segments
    segs.append((n // 2, n // 2, False))
    out = []

    def add(seg, op, args, f):
        out.append([list(seg), op, args, observe(f, [list(p) for p in ivs])])

    for seg in segs:
        d = D(
            coords, coord_name=name, segment_name="seg", on_coordinate_strand=seg[2], start=seg[0], end=seg[1]
        )
        add(seg, "lower", [], d.lower)
        add(seg, "genomic_span", [], d.genomic_span)
        add(seg, "dna", [True], lambda d=d: d.dna())
        add(seg, "dna", [False], lambda d=d: d.dna(allow_outside_coord=False))
        for prop in ("end5", "end3", "coord_end5", "coord_end3", "strand", "end5_index", "end3_index",
                     "as_positive_strand", "as_negative_strand", "as_on_coordinate_strand",
                     "as_off_coordinate_strand", "as_opposite_strand"):  # fmt: skip
            v = getattr(d, prop)
            add(seg, prop, [], (v if callable(v) else (lambda v=v: v)))
        for k in (0, 3, -2, n + 1):
            add(seg, "shift", [k], lambda d=d, k=k: d.shift(k))
        for up, dn in ((2, None), (0, 5), (-1, -1), (-(n + 1), 0), (3, -2)):
            add(seg, "expand", [up, dn], lambda d=d, up=up, dn=dn: d.expand(up, dn))
        for up, dn in ((4, None), (0, 6), (-1, 0)):
            add(seg, "expand_coord", [up, dn], lambda d=d, up=up, dn=dn: d.expand_coord(up, dn))
        for _ in range(10):
            a, b = sorted(rng.sample(pos, 2)) if rng.random() < 0.8 else (rng.choice(pos),) * 2
            st = strand if rng.random() < 0.75 else ("-" if strand == "+" else "+")
            iv = gk.Interval(chrom, st, a, b, G)
            for inter in (False, True):
                add(
                    seg,
                    "lift_interval",
                    [st, a, b, inter],
                    lambda d=d, iv=iv, inter=inter: d.lift_interval(iv, inter),
                )
        for other in segs[:4]:
            a, b, on = other
            o = D(coords, coord_name=name, segment_name="other", on_coordinate_strand=on, start=a, end=b)
            for op in ("intersect", "upstream_of", "dnstream_of", "within", "contains"):
                add(seg, op, list(other), lambda d=d, o=o, op=op: getattr(d, op)(o))
    return {"refg": refg, "chrom": chrom, "strand": strand, "coords": ivs, "coord_name": name, "cases": out}


def main(out_path):
    spaces_out = [cases_for(*sp) for sp in spaces()]
    with gzip.open(out_path, "wt") as f:
        json.dump({"genomekit_version": gk.__version__, "spaces": spaces_out}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{sum(len(s['cases']) for s in spaces_out)} cases in {len(spaces_out)} spaces -> {out_path}")


if __name__ == "__main__":
    main(sys.argv[1])
