"""Records the reference GenomeKit's answers to Variant.spanning on many cases (tests/data fixture).

    GENOMEKIT_DATA_DIR=/work/shared/conformance/data /work/venv-ref/bin/python \
        tools/make_spanning_reference.py tests/data/variant_spanning_reference.json

Runs under the *reference* GenomeKit (7.7.0) and only observes it: each case (intervals, variants) and the
answer it gave (start, end, anchor, anchor_offset, or the exception type name) is written as JSON. The REF
alleles are real hg19 bases (chr1:100-400 of the conformance ``hg19.mini`` genome) so that the variants
normalise as they would on real data; Variant.spanning itself never reads the genome, so the test replays
the cases on any assembly with a chr1 long enough. Structured cases (insertions/deletions/complex variants
at, across and between the anchors, every anchor offset, both strands) come first, then seeded random ones.
"""

from __future__ import annotations

import json
import os
import random
import sys

os.environ.setdefault("GENOMEKIT_QUIET", "1")
import genome_kit as gk  # noqa: E402  (the reference GenomeKit)

G = gk.Genome("hg19.mini")
SEQ = G.dna(gk.Interval("chr1", "+", 0, 400, G))


def mk(strand, t, chrom="chr1"):
    if t[2] is None:
        return gk.Interval(chrom, strand, t[0], t[1], G)
    return gk.Interval(chrom, strand, t[0], t[1], G, t[2], t[3])


def run(strand, x, y, variants, y_chrom="chr1", y_strand=None, as_list=True):
    vs = [gk.Variant(c, p, r, a, G) for c, p, r, a in variants] if variants is not None else None
    try:
        r = gk.Variant.spanning(mk(strand, x), mk(y_strand or strand, y, y_chrom), vs if as_list else vs[0])
        res = [r.start, r.end, r.anchor, r.anchor_offset]
    except Exception as e:  # noqa: BLE001 - the exception type is the observation
        res = type(e).__name__
    case = {"strand": strand, "x": x, "y": y, "variants": variants, "result": res}
    if y_chrom != "chr1":
        case["y_chrom"] = y_chrom
    if y_strand:
        case["y_strand"] = y_strand
    return case


def ref(s, e):
    return SEQ[s:e]


def structured():
    out = []
    ins = ["chr1", 120, "", "ACGTA"]
    dele = ["chr1", 120, ref(120, 125), ""]
    ys = [
        (200, 250, None, 0),
        (60, 70, None, 0),
        (130, 140, None, 0),
        (200, 250, 220, 0),
        (60, 70, 65, 0),
        (115, 125, None, 0),
        (115, 125, 120, 0),
        (115, 125, 120, 2),
    ]
    for vs in ([ins], [dele]):
        for strand in "+-":
            for xa, xo in [(100, 0), (110, 0), (150, 0), (120, 0), (120, 2), (120, 9)]:
                for y in ys:
                    out.append(run(strand, [100, 150, xa, xo], list(y), vs))
                    out.append(run(strand, list(y), [100, 150, xa, xo], vs))
    # anchors at every position around substitutions, complex variants, padded insertions, deletions
    for v in (
        ["chr1", 120, ref(120, 123), "TTTTT"],
        ["chr1", 120, ref(120, 123), "TTT"],
        ["chr1", 120, ref(120, 123), "TT"],
        ["chr1", 120, ref(120, 121), "T"],
        ["chr1", 119, ref(119, 120), ref(119, 120) + "TTTTT"],
        ["chr1", 120, ref(120, 123), ""],
    ):
        for strand in "+-":
            for a in range(119, 125):
                for k in (0, 1, 2, 3, 7):
                    out.append(run(strand, [100, 150, a, k], [200, 250, None, 0], [v]))
                    out.append(run(strand, [100, 150, a, k], [60, 70, None, 0], [v]))
    # insertions/deletions at and around the far interval's ends
    for strand in "+-":
        for v in (
            ["chr1", 60, "", "AAA"],
            ["chr1", 70, "", "AAA"],
            ["chr1", 55, ref(55, 65), ""],
            ["chr1", 60, ref(60, 65), ""],
            ["chr1", 65, ref(65, 70), ""],
            ["chr1", 50, ref(50, 60), ""],
        ):
            out.append(run(strand, [100, 150, 150, 0], [60, 70, None, 0], [v]))
        for v in (
            ["chr1", 200, "", "AAA"],
            ["chr1", 250, "", "AAA"],
            ["chr1", 245, ref(245, 255), ""],
            ["chr1", 240, ref(240, 250), ""],
            ["chr1", 250, ref(250, 255), ""],
            ["chr1", 200, ref(200, 205), ""],
        ):
            out.append(run(strand, [100, 150, 100, 0], [200, 250, None, 0], [v]))
        # several variants between two anchored intervals, both orders
        vs = [ins, ["chr1", 180, ref(180, 183), ""], ["chr1", 160, ref(160, 161), "GGGG"]]
        out.append(run(strand, [100, 150, 140, 0], [200, 250, 210, 0], vs))
        out.append(run(strand, [200, 250, 210, 0], [100, 150, 140, 0], vs))
        out.append(run(strand, [100, 150, 140, 0], [200, 250, 250, 0], vs))
        out.append(run(strand, [100, 150, None, 0], [200, 250, 250, 0], vs))
        # variants on another chromosome are ignored
        out.append(run(strand, [100, 150, 100, 0], [200, 250, None, 0], [["chr2", 120, "", "ACGTA"]]))
        # ties between anchors: the smaller (anchor, offset) wins
        for kx, ky in ((0, 2), (2, 0), (3, 2), (2, 3), (9, 7), (7, 9)):
            out.append(run(strand, [100, 150, 120, kx], [115, 125, 120, ky], [ins]))
        # errors
        out.append(run(strand, [100, 150, 120, 0], [200, 250, 260, 0], [ins]))
        out.append(run(strand, [100, 150, None, 0], [200, 250, 199, 0], [ins]))
        out.append(run(strand, [100, 150, 99, 0], [200, 250, None, 0], [ins]))
        out.append(run(strand, [100, 150, 100, 0], [200, 250, None, 0], None))
        out.append(run(strand, [100, 150, 100, 0], [200, 250, None, 0], []))
        out.append(run(strand, [100, 150, 100, 0], [1, 2, None, 0], [ins], y_chrom="chr2"))
        out.append(
            run(strand, [100, 150, 100, 0], [1, 2, None, 0], [ins], y_strand="+" if strand == "-" else "-")
        )
        out.append(run(strand, [100, 150, None, 0], [200, 250, None, 0], [ins]))
        out.append(run(strand, [100, 100, 100, 0], [200, 250, None, 0], [ins]))
    return out


def random_cases(seed, n):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        vs, used = [], set()
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["ins", "del", "snv", "cplx", "pad_ins", "pad_del"])
            p = rng.randint(110, 290)
            ln = rng.randint(1, 6)
            if kind == "ins":
                r, a = "", "".join(rng.choice("ACGT") for _ in range(ln))
            elif kind == "del":
                r, a = ref(p, p + ln), ""
            elif kind == "snv":
                r, a = ref(p, p + 1), rng.choice("ACGT")
            elif kind == "cplx":
                r, a = ref(p, p + ln), "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 6)))
            elif kind == "pad_ins":
                r, a = ref(p, p + 1), ref(p, p + 1) + "".join(rng.choice("ACGT") for _ in range(ln))
            else:
                r, a = ref(p, p + ln + 1), ref(p, p + 1)
            span = set(range(p - 1, p + len(r) + 1))
            if span & used:
                continue
            used |= span
            vs.append(["chr1", p, r, a])

        def iv(vs=vs):
            s = rng.randint(100, 300)
            e = s + rng.randint(0, 60)
            if rng.random() < 0.3:
                return [s, e, None, 0]
            cands = [s, e, rng.randint(s, e)] + [v[1] for v in vs if s <= v[1] <= e]
            return [s, e, rng.choice(cands), rng.choice([0, 0, 1, 2, 3, 9])]

        x, y = iv(), iv()
        if x[2] is None and y[2] is None:
            x[2] = x[0]
        out.append(run(rng.choice("+-"), x, y, vs))
    return out


def main():
    cases = structured() + random_cases(11, 400)
    with open(sys.argv[1], "w") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]\n")
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
