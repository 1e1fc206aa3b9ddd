"""An independent, deliberately plain reader of GFF3 / GTF gene models, written for the tests.

It shares no code with genome_kit's C++ builder: it reads every row into Python objects and then
applies the rules of docs/annotations.md ("Building") in the most direct way, so a test can compare
what the builder stored with what the file says, transcript by transcript.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from urllib.parse import unquote

PART_TYPES = {
    "exon": "exon",
    "noncoding_exon": "exon",
    "cds": "cds",
    "five_prime_utr": "utr",
    "three_prime_utr": "utr",
    "utr": "utr",
    "stop_codon": "stop",  # read for GTFs only (a GFF3's CDS rows include the stop codon)
}


@dataclass
class Row:
    line: int
    chrom: str
    type: str
    start: int  # 0-based
    end: int
    strand: str
    phase: str
    attrs: dict


@dataclass
class Tran:
    id: str
    gene: str
    chrom: str
    strand: str
    type: str | None
    start: int | None = None
    end: int | None = None
    exons: list = field(default_factory=list)
    cdss: list = field(default_factory=list)  # (start, end, phase)
    utrs: list = field(default_factory=list)
    stops: list = field(default_factory=list)  # GTF stop_codon rows (start, end)

    def final_exons(self):
        """Exon rows, or (none given) the CDS and UTR pieces joined where they touch; 5'->3'."""
        pieces = sorted(self.exons) or _joined([c[:2] for c in self.cdss] + self.utrs)
        return sorted(pieces, reverse=self.strand == "-")

    def final_cdss(self):
        return sorted(self.cdss, reverse=self.strand == "-")

    def span(self):
        if self.start is not None:
            return self.start, self.end
        ex = self.final_exons()
        return min(e[0] for e in ex), max(e[1] for e in ex)


def _joined(pieces):
    out = []
    for s, e in sorted(pieces):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def read_rows(path):
    """Data rows up to a ##FASTA section; GTF or GFF3 attributes decided per file."""
    opener = gzip.open if path.endswith(".gz") else open
    rows, gtf = [], None
    with opener(path, "rt") as f:
        for n, text in enumerate(f, 1):
            if text.startswith("##FASTA") or text.startswith(">"):
                break
            if text.startswith("#") or not text.strip():
                continue
            c = text.rstrip("\r\n").split("\t")
            if gtf is None:
                gtf = '"' in c[8] or ("=" not in c[8])
            attrs = _gtf_attrs(c[8]) if gtf else _gff3_attrs(c[8])
            rows.append(Row(n, c[0], c[2], int(c[3]) - 1, int(c[4]), c[6], c[7], attrs))
    return rows, bool(gtf)


def _gff3_attrs(text):
    out = {}
    for item in text.split(";"):
        if "=" in item:
            k, v = item.split("=", 1)
            out[k.strip()] = unquote(v.strip())
    return out


def _gtf_attrs(text):
    out = {}
    for item in text.split(";"):
        item = item.strip()
        if item:
            k, _, v = item.partition(" ")
            out.setdefault(k, v.strip().strip('"'))
    return out


def read_model(path):
    """(gene ids, {transcript id: Tran}) as the file describes them."""
    rows, gtf = read_rows(path)
    return _gtf_model(rows) if gtf else _gff3_model(rows)


def _gtf_model(rows):
    genes, trans = set(), {}
    for r in rows:
        kind = PART_TYPES.get(r.type.lower())
        if r.type == "gene":
            genes.add(r.attrs["gene_id"])
        if kind is None and r.type != "transcript":
            continue
        genes.add(r.attrs["gene_id"])
        tid = r.attrs.get("transcript_id")
        if tid is None:
            continue
        t = trans.setdefault(tid, Tran(tid, r.attrs["gene_id"], r.chrom, r.strand, _biotype(r.attrs)))
        if r.type == "transcript":
            t.start, t.end = r.start, r.end
        _add_part(t, kind, r)
    for t in trans.values():
        _with_stop_codon(t)
    return genes, trans


def _with_stop_codon(t):
    """GTF 2.2 leaves the stop codon out of the CDS rows; the model's CDS (like GFF3's) ends with it: stop
    codon rows outside the CDS join it (extending the 3'-most piece they touch, else as a piece of their
    own), and UTR rows lose the bases they then share with it."""
    if not t.stops or not t.cdss:
        return
    plus = t.strand == "+"
    for s, e in sorted(t.stops, reverse=not plus):
        if any(a <= s and e <= b for a, b, _ in t.cdss):
            continue
        coding = sum(b - a for a, b, _ in t.cdss)
        k = max(range(len(t.cdss)), key=lambda i: t.cdss[i][1] if plus else -t.cdss[i][0])
        a, b, ph = t.cdss[k]
        if plus and s == b:
            t.cdss[k] = (a, e, ph)
        elif not plus and e == a:
            t.cdss[k] = (s, b, ph)
        elif (s >= b) if plus else (e <= a):
            t.cdss.append((s, e, (3 - coding % 3) % 3))
    utrs = []
    for u0, u1 in t.utrs:
        for a, b, _ in t.cdss:
            if u0 < b and a < u1:
                u0, u1 = (u0, a) if u0 < a else (max(u0, b), u1)
        if u1 > u0:
            utrs.append((u0, u1))
    t.utrs = utrs


def _gff3_model(rows):
    by_id = {}
    for r in rows:
        if "ID" in r.attrs:
            by_id.setdefault(r.attrs["ID"], r)
    genes = {r.attrs["ID"] for r in rows if r.type == "gene"}
    trans = {}
    for r in rows:
        kind = PART_TYPES.get(r.type.lower())
        if kind is None:
            continue
        for parent in filter(None, r.attrs.get("Parent", "").split(",")):
            p = by_id[parent]
            if p.type == "gene" or "Parent" not in p.attrs:  # the gene itself: one implicit transcript
                genes.add(parent)
                t = trans.setdefault(parent, Tran(parent, parent, p.chrom, p.strand, None))
            else:
                t = trans.get(parent)
                if t is None:
                    gene = p.attrs["Parent"].split(",")[0]
                    t = trans[parent] = Tran(parent, gene, p.chrom, p.strand, _biotype(p.attrs) or p.type)
                    t.start, t.end = p.start, p.end
            _add_part(t, kind, r)
    # features under a gene without any part: an RNA is one exon, anything else is not a transcript
    for r in rows:
        rid, parent = r.attrs.get("ID"), r.attrs.get("Parent", "").split(",")[0]
        if rid and rid not in trans and parent in genes and r.type.endswith(("RNA", "transcript")):
            trans[rid] = Tran(rid, parent, r.chrom, r.strand, r.type, r.start, r.end, [(r.start, r.end)])
    return genes, trans


def _biotype(attrs):
    return attrs.get("transcript_type") or attrs.get("biotype") or attrs.get("transcript_biotype")


def _add_part(t, kind, r):
    if kind == "exon":
        t.exons.append((r.start, r.end))
    elif kind == "cds":
        t.cdss.append((r.start, r.end, int(r.phase) if r.phase in "012" else 0))
    elif kind == "utr":
        t.utrs.append((r.start, r.end))
    elif kind == "stop":
        t.stops.append((r.start, r.end))


def chrom_sizes(path):
    """Chromosome sizes for building `path`: its ##sequence-region lines, else its largest ends."""
    sizes = {}
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        for text in f:
            if text.startswith("##FASTA") or text.startswith(">"):
                break
            if text.startswith("##sequence-region"):
                _, name, _, end = text.split()[:4]
                sizes[name] = max(sizes.get(name, 0), int(end))
            elif not text.startswith("#") and text.strip():
                c = text.split("\t")
                sizes[c[0]] = max(sizes.get(c[0], 0), int(c[4]))
    return sizes
