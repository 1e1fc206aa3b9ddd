"""Synthetic inputs of bench_api.py, all in one scratch folder (the driver deletes it unless told to keep it).

Reuses the generators of the per-area benchmarks: the GENCODE-like annotation of bench_annotations.py, the
track values of bench_tracks.py and the VCF of bench_vcf.py.

* ``bench``: a dense genome (FASTA written here, .2bit through genome_kit's writer) sized to the annotation;
* ``big`` (``--full``): an hg38-shaped 3.2 Gbp genome written straight as a sparse .2bit (455 sequences,
  ~5 M soft-mask blocks, N blocks; the packed bases are file holes, so it costs a few MB of disk) carrying
  a GENCODE-scale annotation (60k genes);
* track values (.npy, one per track kind), a bigWig and the same runs as bedGraph, VCFs.
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np

TWOBIT_MAGIC = 0x1A412743


def write_sparse_2bit(path: str, sizes: dict[str, int], rng, mask_per_kb: float = 1.6) -> None:
    """A valid .2bit of `sizes` whose packed bases are all T (zero bytes, left as file holes), with
    soft-mask blocks (`mask_per_kb` per kb, like hg38's ~5 M) and a few N blocks per sequence."""
    names = list(sizes)
    index_len = sum(1 + len(n.encode()) + 4 for n in names)
    records = []
    for n in names:
        size = sizes[n]
        k = max(1, int(size * mask_per_kb / 1000))
        step = size // k
        mstarts = np.arange(k, dtype=np.int64) * step + rng.integers(0, max(1, step // 2), k)
        msizes = rng.integers(1, max(2, step // 2), k)
        nb = 4 if size > 1_000_000 else 1
        nstep = size // nb
        nstarts = np.arange(nb, dtype=np.int64) * nstep
        nsizes = np.full(nb, min(10_000, max(1, nstep // 10)), dtype=np.int64)
        head = b"".join(
            [
                struct.pack("<II", size, nb),
                nstarts.astype("<u4").tobytes(),
                nsizes.astype("<u4").tobytes(),
                struct.pack("<I", k),
                mstarts.astype("<u4").tobytes(),
                msizes.astype("<u4").tobytes(),
                struct.pack("<I", 0),
            ]
        )
        records.append((head, (size + 3) // 4))
    offset = 16 + index_len
    with open(path, "wb") as f:
        f.write(struct.pack("<IIII", TWOBIT_MAGIC, 0, len(names), 0))
        for n, (head, packed) in zip(names, records, strict=True):
            f.write(bytes([len(n.encode())]) + n.encode() + struct.pack("<I", offset))
            offset += len(head) + packed
        for head, packed in records:
            f.write(head)
            f.seek(packed, os.SEEK_CUR)  # a hole: the bases read back as T
        f.truncate(offset)


def hg38_like_sizes(chrom_len: int) -> dict[str, int]:
    """chr1..chr22 of `chrom_len` (the annotation generator fills them), X, Y, M and 430 small contigs."""
    sizes = {f"chr{c}": chrom_len for c in range(1, 23)}
    sizes.update(chrX=156_040_895, chrY=57_227_415, chrM=16_569)
    sizes.update({f"chrUn_KI27{k:04d}v1": 20_000 + 997 * k for k in range(430)})
    return sizes


def write_sizes(prefix: str, sizes: dict[str, int]) -> None:
    with open(prefix + ".chrom.sizes", "w") as f:
        f.writelines(f"{c}\t{n}\n" for c, n in sizes.items())
    with open(prefix + ".chromAlias.txt", "w") as f:  # local, so the reference never goes online for it
        f.write("# ucsc\tassembly\n" + "".join(f"{c}\t{c[3:]}\n" for c in sizes))


def make_bench_genome(data: str, scale: float) -> dict[str, int]:
    """The annotation GFF3 (bench.gff3) and a dense genome sized to it (bench.2bit)."""
    from bench_annotations import generate

    import genome_kit as gk

    prefix = os.path.join(data, "bench")
    if os.path.exists(os.path.join(data, "sizes.json")):
        with open(os.path.join(data, "sizes.json")) as f:
            return json.load(f)
    generate(prefix, scale)
    os.remove(prefix + ".gtf")
    ends: dict[str, int] = {}
    with open(prefix + ".gff3") as f:
        for line in f:
            if not line.startswith("#"):
                p = line.split("\t", 5)
                ends[p[0]] = max(ends.get(p[0], 0), int(p[4]))
    sizes = {f"chr{c}": ends.get(f"chr{c}", 0) + 200_000 for c in range(1, 23)}
    rng = np.random.default_rng(1)
    letters = np.frombuffer(b"ACGTacgtNN", dtype=np.uint8)
    fasta = prefix + ".fa"
    with open(fasta, "wb") as f:
        for name, n in sizes.items():
            codes = rng.integers(0, 4, n, dtype=np.uint8)
            for s in rng.integers(0, n - 5000, n // 20000):  # soft-masked runs
                codes[s : s + 1000] |= 4
            for s in rng.integers(0, n - 50000, 3):  # N blocks
                codes[s : s + 20000] = 8
            f.write(f">{name}\n".encode())
            f.write(letters[codes].tobytes())
            f.write(b"\n")
    write_sizes(prefix, sizes)
    gk.build_assembly(fasta, os.path.join(data, "tmp_bench"))
    os.rename(os.path.join(data, "tmp_bench.2bit"), prefix + ".2bit")
    for n in os.listdir(data):
        if n.startswith("tmp_bench"):
            os.remove(os.path.join(data, n))
    os.remove(fasta)
    with open(os.path.join(data, "sizes.json"), "w") as f:
        json.dump(sizes, f)
    return sizes


def make_big_genome(data: str) -> None:
    """--full: the sparse 3.2 Gbp genome `big` and its GENCODE-scale annotation GFF3 (gencode.gff3)."""
    from bench_annotations import generate

    prefix = os.path.join(data, "big")
    if os.path.exists(prefix + ".2bit"):
        return
    chrom_len = 135_000_000
    generate(os.path.join(data, "gencode"), 1.0, chrom_len=chrom_len)
    for ext in (".gtf", ".chrom.sizes", ".chromAlias.txt"):
        os.remove(os.path.join(data, "gencode" + ext))
    sizes = hg38_like_sizes(chrom_len)
    write_sizes(prefix, sizes)
    write_sparse_2bit(prefix + ".2bit", sizes, np.random.default_rng(2))


# Track kinds: name -> (etype, dim, resolution). Builds use them all, reads the first and the f32 one.
TRACKS = {
    "u8 d1": ("u8", 1, 1),
    "u8 d4": ("u8", 4, 1),
    "i8 d1": ("i8", 1, 1),
    "f16 d1 r128": ("f16", 1, 128),
    "f32 d4 r128": ("f32", 4, 128),
    "f16 d1": ("f16", 1, 1),
    "f32 d1": ("f32", 1, 1),
}


def make_tracks(data: str, span: int) -> None:
    """track.<kind>.npy: values of `span` bases of chr1 for each kind (bench_tracks.matrix_data)."""
    from bench_tracks import matrix_data

    rng = np.random.default_rng(4)
    for name, (etype, dim, res) in TRACKS.items():
        path = os.path.join(data, f"track.{name}.npy")
        if not os.path.exists(path):
            if etype == "i8":
                vals = matrix_data(rng, "u8", span // res, dim).view(np.int8)
            else:
                vals = matrix_data(rng, etype, span // res, dim)
            np.save(path, vals)


def make_runs(data: str, n: int, chrom_len: int) -> None:
    """runs.bw (pyBigWig) and runs.bedGraph: the same `n` runs of float32 values on chr1."""
    import pyBigWig

    if os.path.exists(os.path.join(data, "runs.bw")):
        return
    rng = np.random.default_rng(6)
    lengths = rng.integers(1, 60, n)
    gaps = rng.integers(0, 40, n)
    starts = np.cumsum(lengths + gaps) - lengths
    keep = starts + lengths < chrom_len
    starts, lengths = starts[keep], lengths[keep]
    ends = starts + lengths
    values = np.round(rng.random(len(starts)) * 100, 2).astype(np.float32)
    bw = pyBigWig.open(os.path.join(data, "runs.bw"), "w")
    bw.addHeader([("chr1", chrom_len)], maxZooms=0)
    bw.addEntries(["chr1"] * len(starts), starts.tolist(), ends=ends.tolist(), values=values.tolist())
    bw.close()
    with open(os.path.join(data, "runs.bedGraph"), "w") as f:
        for a in range(0, len(starts), 100_000):
            sl = slice(a, a + 100_000)
            f.write(
                "".join(
                    f"chr1\t{s}\t{e}\t{v}\n"
                    for s, e, v in zip(
                        starts[sl].tolist(), ends[sl].tolist(), values[sl].tolist(), strict=True
                    )
                )
            )


def make_vcf(data: str, name: str, n: int, samples: int, chrom_len: int) -> None:
    """<name>.vcf: bench_vcf.generate's VCF (chr1, GT:DP per sample)."""
    from bench_vcf import generate

    path = os.path.join(data, name + ".vcf")
    if not os.path.exists(path):
        generate(path, n, samples, length=chrom_len)
