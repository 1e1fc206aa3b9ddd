"""genome_kit.loader.WindowLoader against a naive reference written here with plain reads:
genome.dna strings one-hot encoded in numpy, per-base track reads pooled in numpy, Borzoi's
transforms in numpy, reverse complement through TrackData.reverse_complement, variants through
VariantGenome.dna; plus the epoch plan (seeds, shuffles, shards), buffers and the adapters."""

from __future__ import annotations

import os
import pickle
import shutil

import numpy as np
import pytest
from dna_text import text_one_hot

import genome_kit as gk
from genome_kit.loader import Target, WindowLoader

L, RES = 1024, 64
SAMPLE_VCF = os.path.join(os.path.dirname(gk.__file__), "sample_data", "sacCer.tutorial.vcf")


@pytest.fixture(scope="module")
def tracks(yeast, tmp_path_factory):
    """A stranded 1 bp track (dim 2, NaN holes, metadata names) and an unstranded 32 bp track."""
    folder = tmp_path_factory.mktemp("loader")
    rng = np.random.default_rng(7)
    size = yeast.chromosome_size("chrI")
    stranded = str(folder / "rna.gtrack")
    with gk.GenomeTrackBuilder(stranded, "f32", "strand_aware", yeast, dim=2) as b:
        b.set_default_value(0)
        b.set_metadata({"name": ["rna_a", "rna_b"]})
        for strand in "+-":
            values = rng.gamma(0.5, 40, size=(size - 2000, 2)).astype(np.float32)
            values[5000:5003, 1] = np.nan
            b.set_data(gk.Interval("chrI", strand, 1000, size - 1000, yeast), values)
    binned = str(folder / "dnase.gtrack")
    with gk.GenomeTrackBuilder(binned, "f16", "single_stranded", yeast, resolution=32) as b:
        b.set_default_value(0)
        rows = size // 32
        b.set_data(
            gk.Interval("chrI", "+", 0, rows * 32, yeast), rng.gamma(1, 3, size=(rows, 1)).astype(np.float16)
        )
    return gk.GenomeTrack(stranded), gk.GenomeTrack(binned)


def windows(yeast, n=24, start=3000, step=2111, chrom="chrI"):
    return [gk.Interval(chrom, "+", s, s + L, yeast) for s in range(start, start + n * step, step)]


# --- the naive reference ---
def naive_one_hot(seq: str) -> np.ndarray:
    return (
        np.frombuffer(seq.upper().encode(), np.uint8)[:, None] == np.frombuffer(b"ACGT", np.uint8)
    ).astype(np.uint8)


def base_values(track, iv):
    """Per-base values of a '+' or '-' interval in genomic order (default outside the chromosome)."""
    size = gk.Genome(track.reference_genome).chromosome_size(iv.chromosome)
    lo, hi = max(iv.start, 0), min(iv.end, size)
    out = np.full((len(iv), track.dim), np.float32(track.default_value), np.float32)
    if hi > lo:
        part = gk.Interval(iv.chromosome, iv.strand, lo, hi, iv.reference_genome)
        vals = track(part, np.float32)
        out[lo - iv.start : hi - iv.start] = vals[::-1] if iv.strand == "-" else vals
    return out


def naive_transform(x, t: Target):
    nan = np.isnan(x)
    x = x * t.scale
    if t.squash == "sqrt":
        x = -1 + np.sqrt(1 + x)
    elif t.squash == "pow75":
        x = -1 + (1 + x) ** 0.75
    if t.clip_soft is not None:
        x = np.where(x > t.clip_soft, t.clip_soft - 1 + np.sqrt(np.maximum(x - t.clip_soft + 1, 0)), x)
    if t.clip is not None:
        x = np.clip(x, -t.clip, t.clip)
    return np.where(nan, np.nan if t.nan is None else t.nan, x)


def naive_targets(targets, iv, resolution):
    """(bins, T) for a window: pooled per-base reads, transformed; reverse complemented through TrackData."""
    fwd = iv.as_opposite_strand() if iv.strand == "-" else iv
    columns, names, strands = [], [], []
    for t in targets:
        track = t.track
        md = track.metadata_dict()
        tnames = list(md.get("name", [os.path.basename(track.filename).split(".")[0]]))
        for strand in "+-" if track.stranded else "+":
            v = base_values(
                track, gk.Interval(fwd.chromosome, strand, fwd.start, fwd.end, fwd.reference_genome)
            )
            v = v.astype(np.float64).reshape(-1, resolution, track.dim)
            pooled = {"mean": v.mean(1), "sum": v.sum(1) / track.resolution, "max": v.max(1)}[t.aggregation]
            columns.append(naive_transform(pooled, t))
            names += tnames
            strands += [strand if track.stranded else "."] * track.dim
    values = np.concatenate(columns, axis=1).astype(np.float32)
    td = gk.TrackData(values, {"name": names, "strand": strands}, resolution, fwd)
    return (td.reverse_complement() if iv.strand == "-" else td).values


def naive_dna(source, iv):
    if isinstance(source, gk.VariantGenome):
        return naive_one_hot(source.dna(iv.with_anchor(iv.start + len(iv) // 2)))
    return naive_one_hot(source.dna(iv))


def check_batch(batch, targets, dna_source, resolution=RES, dtype=np.uint8):
    assert batch["dna"].dtype == dtype
    for k, iv in enumerate(batch["intervals"]):
        assert np.array_equal(batch["dna"][k], naive_dna(dna_source, iv).astype(dtype)), iv
        if targets:
            np.testing.assert_allclose(
                batch["targets"][k], naive_targets(targets, iv, resolution), rtol=2e-6, atol=1e-5
            )


def collect(loader, epoch=None):
    """Every batch of an epoch, copied (the loader reuses its buffers once a batch is dropped)."""
    return [
        {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in b.items()} for b in loader.batches(epoch)
    ]


# --- outputs equal the naive reference ---
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float16])
def test_dna_and_targets_equal_the_naive_reference(yeast, tracks, dtype):
    targets = [Target(tracks[0]), Target(tracks[1], aggregation="sum")]
    loader = WindowLoader(yeast, windows(yeast), tracks=targets, resolution=RES, batch_size=5, dtype=dtype)
    batches = collect(loader)
    assert [len(b["index"]) for b in batches] == [5, 5, 5, 5, 4]
    assert batches[0]["targets"].shape == (5, L // RES, 5)
    assert loader.track_names == ("rna_a", "rna_b", "rna_a", "rna_b", "dnase")
    assert loader.track_strands == ("+", "+", "-", "-", ".")
    for b in batches:
        check_batch(b, targets, yeast, dtype=dtype)
    assert np.concatenate([b["index"] for b in batches]).tolist() == list(range(24))
    assert np.isnan(np.concatenate([b["targets"] for b in batches])).any()  # the NaN holes pass through


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float16])
def test_dna_from_packed_bases_across_n_runs_masks_and_chromosome_ends(patchy, dtype):
    """DNA-only batches are one-hot encoded straight from the packed bases: windows at every offset
    modulo 4 (shifts), across N runs and soft-masked runs, past both chromosome ends (N padding),
    reverse complemented; batches of 8 MiB and more are written with streaming stores."""
    genome, seqs = patchy
    rng = np.random.default_rng(2)
    length = 1 << 16
    starts = [-700, 300_007 - length + 650, *rng.integers(0, 300_007 - length, 30).tolist()]
    ivs = [gk.Interval("p1", "+-"[k % 2], s, s + length, genome) for k, s in enumerate(starts)]
    batch = 32 if dtype == np.uint8 else 8  # 8 MiB
    loader = WindowLoader(
        genome, ivs, batch_size=batch, dtype=dtype, max_shift=3, reverse_complement=True, seed=1, threads=2
    )
    seen = 0
    for b in collect(loader):
        assert b["dna"].dtype == dtype
        for k, iv in enumerate(b["intervals"]):
            np.testing.assert_array_equal(b["dna"][k], text_one_hot(seqs, iv).astype(dtype), err_msg=str(iv))
            seen += 1
    assert seen == len(ivs)


def test_borzoi_transforms(yeast, tracks):
    targets = [
        Target(tracks[0], aggregation="sum", scale=0.5, squash="pow75", clip_soft=8, clip=20, nan=0),
        Target(tracks[1], aggregation="max", squash="sqrt", clip_soft=1.5),
    ]
    loader = WindowLoader(yeast, windows(yeast), tracks=targets, resolution=128, batch_size=8)
    batches = collect(loader)
    for b in batches:
        check_batch(b, targets, yeast, resolution=128)
    values = np.concatenate([b["targets"] for b in batches])
    assert not np.isnan(values[..., :4]).any() and values[..., :4].max() <= 20
    assert (values[..., :4] > 8).any()  # the soft clip was exercised


def test_shift_and_reverse_complement_augmentations(yeast, tracks):
    targets = [Target(tracks[0]), Target(tracks[1])]
    loader = WindowLoader(
        yeast, windows(yeast), tracks=targets, resolution=RES, batch_size=7, max_shift=300,
        reverse_complement=True, shuffle=True, seed=3,
    )  # fmt: skip
    batches = collect(loader)
    shift = np.concatenate([b["shift"] for b in batches])
    reverse = np.concatenate([b["reverse"] for b in batches])
    assert reverse.any() and not reverse.all() and np.abs(shift).max() <= 300 and len(set(shift)) > 10
    base = windows(yeast)
    for b in batches:
        check_batch(b, targets, yeast)
        for i, s, r, iv in zip(b["index"], b["shift"], b["reverse"], b["intervals"], strict=True):
            assert (iv.start, iv.end, iv.strand) == (base[i].start + s, base[i].end + s, "-" if r else "+")


def test_minus_strand_windows_and_recentring_from_a_bed_file(yeast, tracks, tmp_path):
    bed = tmp_path / "regions.bed"
    bed.write_text("chrI\t5000\t5100\tr1\t0\t-\nchrI\t9000\t9600\tr2\t0\t+\nchrII\t20000\t20001\tr3\t0\t.\n")
    loader = WindowLoader(yeast, bed, length=L, tracks=[tracks[1]], resolution=RES, batch_size=2)
    batches = collect(loader)
    ivs = [iv for b in batches for iv in b["intervals"]]
    assert [(iv.chromosome, iv.strand, iv.start) for iv in ivs] == [
        ("chrI", "-", 5050 - L // 2), ("chrI", "+", 9300 - L // 2), ("chrII", "+", 20000 - L // 2),
    ]  # fmt: skip
    for b in batches:
        check_batch(b, [Target(tracks[1])], yeast)
    with pytest.raises(ValueError, match="different lengths"):
        WindowLoader(yeast, bed)


def test_stranded_columns_without_a_partner_refuse_reverse_complement(yeast, tmp_path):
    path = str(tmp_path / "plus_only.gtrack")
    with gk.GenomeTrackBuilder(path, "f32", "single_stranded", yeast) as b:
        b.set_metadata({"name": ["cage"], "strand": ["+"]})
        b.set_data(gk.Interval("chrI", "+", 0, 2000, yeast), np.ones(2000, np.float32))
    track = gk.GenomeTrack(path)
    WindowLoader(yeast, windows(yeast), tracks=[track])  # fine without reverse complement
    with pytest.raises(ValueError, match="'cage' on \\+ has no partner"):
        WindowLoader(yeast, windows(yeast), tracks=[track], reverse_complement=True)


def test_tiling_skips_excluded_regions_and_chromosome_ends(yeast, tracks):
    exclude = [
        gk.Interval("chrI", "-", 10_500, 10_600, yeast),
        gk.Interval("chrI", "+", 30_000, 50_000, yeast),
    ]
    loader = WindowLoader.tiled(yeast, 4096, stride=2048, exclude=exclude, batch_size=16)
    starts = {}
    for b in loader:
        for iv in b["intervals"]:
            starts.setdefault(iv.chromosome, []).append(iv.start)
    for chrom, got in starts.items():
        size = yeast.chromosome_size(chrom)
        expected = [
            s for s in range(0, size - 4096 + 1, 2048)
            if not any(e.chromosome == chrom and s < e.end and e.start < s + 4096 for e in exclude)
        ]  # fmt: skip
        assert got == expected
    assert set(starts) == set(yeast.chromosomes)


# --- variants ---
def test_variants_from_a_list_and_the_reference_beside_them(yeast, tracks):
    variants = ["chrI:5,301:" + yeast.dna(gk.Interval("chrI", "+", 5300, 5301, yeast)) + ":T"]
    ref3 = yeast.dna(gk.Interval("chrI", "+", 9400, 9403, yeast))
    variants += [f"chrI:9,401:{ref3}:", "chrI:13,700::GATTACA"]  # a deletion and an insertion
    ws = [gk.Interval("chrI", "+", s, s + L, yeast) for s in (4900, 9000, 13200, 20000)]
    loader = WindowLoader(
        yeast, ws, variants=variants, with_reference=True, tracks=[tracks[1]], resolution=RES, batch_size=4,
        reverse_complement=True, seed=1,
    )  # fmt: skip
    vg = gk.VariantGenome(yeast, variants)
    (batch,) = collect(loader)
    check_batch(batch, [Target(tracks[1])], vg)
    for k, iv in enumerate(batch["intervals"]):
        assert np.array_equal(batch["reference"][k], naive_dna(yeast, iv))
    assert not np.array_equal(batch["dna"][:3], batch["reference"][:3])
    assert np.array_equal(batch["dna"][3], batch["reference"][3])  # no variant in the last window
    # a VariantGenome as the genome gives the same batches
    (same,) = collect(
        WindowLoader(
            vg, ws, tracks=[tracks[1]], resolution=RES, batch_size=4, reverse_complement=True, seed=1
        )
    )
    assert np.array_equal(same["dna"], batch["dna"])


def test_a_samples_alleles_from_a_vcf_table(yeast, tmp_path):
    vcf_path = tmp_path / "tutorial.vcf"
    shutil.copy(SAMPLE_VCF, vcf_path)
    table = gk.VCFTable.from_vcf(str(vcf_path), yeast, fmt_ids=["GT"])
    ws = [gk.Interval("chrI", "+", s, s + L, yeast) for s in (49_000, 76_600)]
    gt = table.format("GT")
    for sample in range(table.num_samples):
        loader = WindowLoader(yeast, ws, variants=table, sample=table.sample_names[sample], batch_size=2)
        alt = [table[i] for i in range(len(table)) if gt[i, sample] in (1, 2, 4, 5)]
        (batch,) = collect(loader)
        check_batch(batch, [], gk.VariantGenome(yeast, alt))
    with pytest.raises(KeyError, match="nobody"):
        WindowLoader(yeast, ws, variants=table, sample="nobody")


# --- the epoch plan: seeds, shuffles, shards ---
def test_epochs_are_reproducible_and_differ(yeast):
    def make():
        return WindowLoader(
            yeast, windows(yeast, n=40), shuffle=True, max_shift=50, reverse_complement=True, seed=11
        )

    a, b = make(), make()
    for e in range(2):
        assert all(np.array_equal(x, y) for x, y in zip(a.plan(e), b.plan(e), strict=True))
    assert not np.array_equal(a.plan(0)[0], a.plan(1)[0])
    assert not np.array_equal(a.plan(0)[1], a.plan(1)[1])
    a.set_epoch(1)
    assert np.array_equal(np.concatenate([x["index"] for x in a]), a.plan(1)[0])
    assert not np.array_equal(
        make().plan(0)[0], WindowLoader(yeast, windows(yeast, n=40), shuffle=True, seed=12).plan(0)[0]
    )


def test_shards_by_rank_and_worker_are_disjoint_and_cover_the_epoch(yeast, tracks):
    targets = [Target(tracks[0]), Target(tracks[1])]
    options = dict(
        tracks=targets, resolution=RES, batch_size=3, shuffle=True, max_shift=40, reverse_complement=True
    )
    full = WindowLoader(yeast, windows(yeast), **options)
    whole = {int(i): (int(s), bool(r)) for i, s, r in zip(*full.plan(2), strict=True)}
    seen: dict[int, tuple[int, bool]] = {}
    for rank in range(2):
        for worker in range(3):
            shard = full.shard(rank=rank, world_size=2, worker=worker, num_workers=3)
            batches = collect(shard, epoch=2)
            assert len(batches) == len(shard)
            for b in batches:
                check_batch(b, targets, yeast)
                for i, s, r in zip(b["index"], b["shift"], b["reverse"], strict=True):
                    assert int(i) not in seen
                    seen[int(i)] = (int(s), bool(r))
    assert seen == whole and len(seen) == 24


# --- buffers ---
def test_held_batches_are_never_overwritten_and_dropped_ones_are_reused(yeast, tracks):
    loader = WindowLoader(yeast, windows(yeast, n=30), tracks=[tracks[1]], resolution=RES, batch_size=2)
    held = list(loader)  # every batch kept: each needs its own buffer
    for b in held:
        check_batch(b, [Target(tracks[1])], yeast)
    buffers = {id(b["dna"].base) for b in loader}  # each dropped before the next: a few buffers, reused
    assert len(buffers) <= 3
    for epoch in range(3):  # and kept for the next epochs (fresh memory costs page faults)
        assert {id(b["dna"].base) for b in loader.batches(epoch)} <= buffers


def test_bad_configurations_raise(yeast, tracks, tmp_path):
    with pytest.raises(ValueError, match="not a multiple of the resolution"):
        WindowLoader(yeast, windows(yeast), tracks=[tracks[1]], resolution=100)
    with pytest.raises(ValueError, match="multiple of the resolution 32"):
        WindowLoader(yeast, windows(yeast), tracks=[tracks[1]], resolution=16)
    with pytest.raises(ValueError, match="dtype"):
        WindowLoader(yeast, windows(yeast), dtype="int32")
    with pytest.raises(ValueError, match="rank 2"):
        WindowLoader(yeast, windows(yeast), rank=2, world_size=2)
    with pytest.raises(ValueError, match="squash"):
        Target(tracks[0], squash="log")
    with pytest.raises(ValueError, match="reference allele"):  # checked by the parser
        WindowLoader(yeast, windows(yeast), variants=["chrI:5,301:ACGTACGT:T"])


# --- adapters ---
def test_pickled_loader_gives_the_same_batches(yeast, tracks):
    loader = WindowLoader(
        yeast, windows(yeast), tracks=[tracks[0]], resolution=RES, shuffle=True, max_shift=9
    )
    again = pickle.loads(pickle.dumps(loader))
    for x, y in zip(collect(loader, 4), collect(again, 4), strict=True):
        assert np.array_equal(x["dna"], y["dna"]) and np.array_equal(
            x["targets"], y["targets"], equal_nan=True
        )


@pytest.mark.parametrize("context", [None, "spawn"])
def test_torch_dataloader_with_workers(yeast, tracks, context):
    torch = pytest.importorskip("torch")
    targets = [Target(tracks[0]), Target(tracks[1])]
    loader = WindowLoader(
        yeast,
        windows(yeast, n=26),
        tracks=targets,
        resolution=RES,
        batch_size=4,
        shuffle=True,
        reverse_complement=True,
    )
    loader.set_epoch(5)
    dl = loader.torch_dataloader(num_workers=2, multiprocessing_context=context, timeout=60)
    batches = list(dl)
    assert len(dl) == len(batches) == 8  # 13 windows per worker: 4 batches each
    index = np.concatenate([b["index"].numpy() for b in batches])
    assert sorted(index.tolist()) == list(range(26))
    for b in batches:
        assert isinstance(b["dna"], torch.Tensor)
        check_batch(
            {k: v.numpy() if isinstance(v, torch.Tensor) else v for k, v in b.items()}, targets, yeast
        )
    in_process = {int(i): b for b in collect(loader, 5) for i in b["index"]}
    assert all(int(i) in in_process for i in index)


def test_jax_batches(yeast):
    jax = pytest.importorskip("jax")
    loader = WindowLoader(yeast, windows(yeast), batch_size=8)
    for b in loader.jax_batches():
        assert isinstance(b["dna"], jax.Array)
        check_batch({**b, "dna": np.asarray(b["dna"])}, [], yeast)
