"""Helpers of test_data_build.py and test_cli_build.py: small real excerpts in the source formats of the
data-src recipes, a FASTA reader and writer independent of genome_kit (test_twobit.py cross-checks with it),
and a local HTTP server with Range support for the download path."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import threading
import urllib.parse

import genome_kit as gk

# --------------------------------------------------------------------------- GTF -> GFF3 dialects


def read_gtf(path: str):
    """Rows of a GTF file as (columns 1-8, [(key, value), ...]) in file order."""
    with gzip.open(path, "rt") if path.endswith(".gz") else open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            attrs = []
            for item in cols[8].strip().rstrip(";").split(";"):
                item = item.strip()
                if item:
                    key, _, value = item.partition(" ")
                    attrs.append((key, value.strip().strip('"')))
            yield cols[:8], attrs


def _enc(value: str) -> str:
    return urllib.parse.quote(value, safe=" :/.()'+-_|[]{}^*")


def _fmt(attrs: list[tuple[str, str]]) -> str:
    merged: dict[str, list[str]] = {}
    for key, value in attrs:
        merged.setdefault(key, []).append(_enc(value))
    return ";".join(f"{k}={','.join(v)}" for k, v in merged.items())


def _write_gff3(rows, dst: str, header: list[str]) -> None:
    with gzip.open(dst, "wt") as f:
        f.write("##gff-version 3\n")
        for h in header:
            f.write(h + "\n")
        for cols, attrs in rows:
            f.write("\t".join(cols) + "\t" + _fmt(attrs) + "\n")


def gencode_gff3(src_gtf: str, dst: str, chrom=None) -> int:
    """GENCODE's GFF3 dialect (ID/Parent plus GENCODE's own keys) from a GENCODE GTF; returns #genes."""
    rows, genes, nth = [], 0, {}
    for cols, attrs in read_gtf(src_gtf):
        a = dict(attrs)
        cols = [chrom or cols[0], *cols[1:]]
        kind = cols[2]
        tid = a.get("transcript_id")
        if kind == "gene":
            genes += 1
            extra = [("ID", a["gene_id"])]
        elif kind == "transcript":
            extra = [("ID", tid), ("Parent", a["gene_id"])]
        else:
            nth[(kind, tid)] = nth.get((kind, tid), 0) + 1
            extra = [("ID", f"{kind}:{tid}:{nth[(kind, tid)]}"), ("Parent", tid)]
        rows.append((cols, extra + attrs))
    _write_gff3(rows, dst, ["#description: excerpt for genome_kit's data-build tests", "#provider: GENCODE"])
    return genes


ENSEMBL_TRANSCRIPT_TYPE = {"protein_coding": "mRNA", "lncRNA": "lnc_RNA", "miRNA": "miRNA", "snRNA": "snRNA"}


def ensembl_gff3(src_gtf: str, dst: str) -> int:
    """Ensembl's GFF3 dialect (gene:/transcript: IDs, biotype, Name, rank) from an Ensembl GTF."""
    rows, genes = [], 0
    for cols, attrs in read_gtf(src_gtf):
        a = dict(attrs)
        kind = cols[2]
        if kind == "gene":
            genes += 1
            bt = a["gene_biotype"]
            gtype = (
                "gene" if bt == "protein_coding" else ("pseudogene" if "pseudogene" in bt else "ncRNA_gene")
            )
            row = [("ID", f"gene:{a['gene_id']}"), ("Name", a.get("gene_name", "")), ("biotype", bt)]
            row += [("gene_id", a["gene_id"]), ("version", a.get("gene_version", "1"))]
            rows.append(([*cols[:2], gtype, *cols[3:]], row))
        elif kind == "transcript":
            bt = a["transcript_biotype"]
            ttype = ENSEMBL_TRANSCRIPT_TYPE.get(
                bt, "pseudogenic_transcript" if "pseudogene" in bt else "transcript"
            )
            row = [("ID", f"transcript:{a['transcript_id']}"), ("Parent", f"gene:{a['gene_id']}")]
            row += [
                ("Name", a.get("transcript_name", "")),
                ("biotype", bt),
                ("transcript_id", a["transcript_id"]),
            ]
            if "transcript_support_level" in a:
                row.append(("transcript_support_level", a["transcript_support_level"]))
            rows.append(([*cols[:2], ttype, *cols[3:]], row))
        elif kind == "exon":
            row = [("Parent", f"transcript:{a['transcript_id']}"), ("Name", a["exon_id"])]
            row += [("exon_id", a["exon_id"]), ("rank", a["exon_number"])]
            rows.append((cols, row))
        elif kind in ("CDS", "five_prime_utr", "three_prime_utr"):
            gff_type = {"five_prime_utr": "five_prime_UTR", "three_prime_utr": "three_prime_UTR"}.get(
                kind, kind
            )
            row = [("Parent", f"transcript:{a['transcript_id']}")]
            if kind == "CDS":
                row = [("ID", f"CDS:{a.get('protein_id', a['transcript_id'])}"), *row]
            rows.append(([*cols[:2], gff_type, *cols[3:]], row))
    _write_gff3(rows, dst, ["#!genome-build GRCh38.p14"])
    return genes


def ncbi_gff3(src_gtf: str, dst: str, seqid: str) -> int:
    """NCBI RefSeq's GFF3 dialect (gene-/rna- IDs, Dbxref=GeneID, gbkey) from a GENCODE GTF."""
    rows, genes = [], 0
    size = 0
    for cols, attrs in read_gtf(src_gtf):
        a = dict(attrs)
        kind = cols[2]
        size = max(size, int(cols[4]))
        source = "BestRefSeq" if cols[1] == "HAVANA" else "Gnomon"
        name = a.get("gene_name", a["gene_id"])
        geneid = str(int(a["gene_id"].split(".")[0][4:]))
        gid = f"gene-{name}-{geneid}"
        head = [seqid, source, kind, *cols[3:]]
        if kind == "gene":
            genes += 1
            bt = a["gene_type"]
            row = [
                ("ID", gid),
                ("Dbxref", f"GeneID:{geneid}"),
                ("Name", name),
                ("gbkey", "Gene"),
                ("gene", name),
            ]
            rows.append((head, [*row, ("gene_biotype", bt)]))
        elif kind == "transcript":
            tid = a["transcript_id"]
            coding = a["transcript_type"] == "protein_coding"
            head[2] = "mRNA" if coding else "transcript"
            row = [("ID", f"rna-{tid}"), ("Parent", gid), ("Dbxref", f"GeneID:{geneid}"), ("Name", tid)]
            rows.append((head, [*row, ("gbkey", "mRNA" if coding else "misc_RNA"), ("transcript_id", tid)]))
        elif kind in ("exon", "CDS"):
            tid = a["transcript_id"]
            row = [("Parent", f"rna-{tid}"), ("Dbxref", f"GeneID:{geneid}"), ("gbkey", kind)]
            if kind == "CDS":
                row.append(("protein_id", a.get("protein_id", f"NP_{geneid}.1")))
            rows.append((head, row))
    region = ([seqid, "RefSeq", "region", "1", str(size), ".", "+", "."], [("ID", f"{seqid}:1..{size}")])
    _write_gff3([region, *rows], dst, ["#!gff-spec-version 1.21", "#!processor NCBI annotwriter"])
    return genes


# --------------------------------------------------------------------------- FASTA / 2bit excerpts


def read_fasta(path: str) -> dict[str, str]:
    seqs, name, parts = {}, None, []
    with gzip.open(path, "rt") if path.endswith(".gz") else open(path) as f:
        for line in f:
            if line.startswith(">"):
                if name is not None:
                    seqs[name] = "".join(parts)
                name, parts = line[1:].split()[0], []
            else:
                parts.append(line.strip())
    if name is not None:
        seqs[name] = "".join(parts)
    return seqs


def write_fasta(path: str, seqs: dict[str, str]) -> None:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wt") as f:
        for name, seq in seqs.items():
            f.write(f">{name}\n")
            for i in range(0, len(seq), 60):
                f.write(seq[i : i + 60] + "\n")


def write_twobit(path: str, seqs: dict[str, str], workdir: str) -> None:
    """A .2bit written by genome_kit from FASTA (the format UCSC publishes)."""
    fasta = os.path.join(workdir, "twobit-source.fa")
    write_fasta(fasta, seqs)
    prefix = os.path.join(workdir, "twobit-source")
    gk.build_assembly(fasta, prefix)
    os.replace(prefix + ".2bit", path)
    os.unlink(prefix + ".chrom.sizes")
    os.unlink(fasta)


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


# --------------------------------------------------------------------------- HTTP server


class RangeServer:
    """Serves ``files`` (name -> bytes) on 127.0.0.1 with Range support.

    ``cut[name] = n`` makes the first GET of ``name`` send the full Content-Length
    header but close the connection after ``n`` body bytes (an interrupted
    transfer). ``requests`` records (path, Range header) of every GET.
    """

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.cut: dict[str, int] = {}
        self.fail_next: dict[str, int] = {}  # answer 503 to the next n GETs of a name
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.lstrip("/")
                rng = self.headers.get("Range")
                server.requests.append((name, rng))
                if server.fail_next.get(name):
                    server.fail_next[name] -= 1
                    self.send_error(503, "Service Unavailable")
                    return
                data = server.files.get(name)
                if data is None:
                    self.send_error(404, "Not Found")
                    return
                start = 0
                if rng:
                    start = int(rng.split("=")[1].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                cut = server.cut.pop(name, None)
                if cut is not None:
                    self.wfile.write(body[:cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
