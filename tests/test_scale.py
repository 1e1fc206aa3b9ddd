"""Genome-wide jobs (issue 15, scale-out): REF/ALT one-hot pairs for every variant of a VCF and
windows + targets for every region of a BED, written to npz/Parquet/Zarr shards with a manifest.

Results are checked against a naive per-window implementation (strings from ``dna``, per-interval
track reads pooled in numpy); the Dask (real ``LocalCluster`` with worker processes) and Ray Data
(real local Ray) runs must write the same shards as the single-process run."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import warnings

import numpy as np
import pytest

import genome_kit as gk
from genome_kit import scale

WIDTH, RES = 64, 8
rng = np.random.default_rng(15)


def naive_one_hot(seq: str) -> np.ndarray:
    out = np.zeros((len(seq), 4), np.uint8)
    for i, base in enumerate(seq.upper()):
        if base in "ACGT":
            out[i, "ACGT".index(base)] = 1
    return out


def naive_targets(track, genome, iv, res: int) -> np.ndarray:
    """Per-base values of ``iv`` (5'→3'), the default outside the chromosome, pooled by mean in numpy."""
    size = genome.chromosome_size(iv.chromosome)
    values = np.full((len(iv), track.dim), track.default_value, np.float64)
    lo, hi = max(0, iv.start), min(size, iv.end)
    if hi > lo:
        inner = track(gk.Interval(iv.chromosome, iv.strand, lo, hi, genome))
        if iv.strand == "+":
            values[lo - iv.start : hi - iv.start] = inner
        else:
            values[iv.end - hi : iv.end - lo] = inner
    return values.reshape(len(iv) // res, res, track.dim).mean(axis=1)


@pytest.fixture(scope="module")
def inputs(yeast, tmp_path_factory):
    """Two tracks, ~300 BED regions (both strands, some at the chromosome ends) and ~120 variants."""
    d = tmp_path_factory.mktemp("scale_inputs")
    g = yeast
    size2 = g.chromosome_size("chrII")
    signal = str(d / "signal.gtrack")
    with gk.GenomeTrackBuilder(signal, "f32", "strand_aware", g) as b:
        b.set_default_value(0.0)
        for strand, sign in (("+", 1), ("-", -1)):
            b.set_data(g.interval("chrI", strand, 0, 20000), sign * rng.random(20000, dtype=np.float32))
            b.set_data(
                g.interval("chrII", strand, size2 - 5000, size2), sign * rng.random(5000, dtype=np.float32)
            )
    counts = str(d / "counts.gtrack")
    with gk.GenomeTrackBuilder(counts, "u8", "single_stranded", g, dim=2) as b:
        b.set_default_value(0)  # a u8 read cannot show the NaN default; the pooled float32 one would
        b.set_data(g.interval("chrI", "+", 0, 20000), rng.integers(0, 200, (20000, 2), dtype=np.uint8))
    coarse = str(d / "coarse.gtrack")
    with gk.GenomeTrackBuilder(coarse, "f16", "single_stranded", g, resolution=16) as b:
        b.set_data(g.interval("chrI", "+", 0, 1600), np.ones(100, np.float32))
    starts = rng.integers(0, 19900, 300)
    regions = [
        g.interval("chrI", "+-"[i % 2], int(s), int(s) + int(rng.integers(1, 90)))
        for i, s in enumerate(starts)
    ]
    regions += [g.interval("chrI", "-", 0, 10), g.interval("chrII", "+", size2 - 7, size2)]
    bed = str(d / "regions.bed")
    gk.write_bed(regions, bed)

    seq = g.dna(g.interval("chrI", "+", 0, 20000))
    lines, pos = [], 2
    while pos < 19900:
        kind = pos % 3
        ref = seq[pos]
        if kind == 0:
            alt = "ACGT"[("ACGT".index(ref) + 1) % 4] if ref in "ACGT" else "A"
        elif kind == 1:
            ref, alt = seq[pos : pos + 4], seq[pos]
        else:
            alt = ref + "TTA"
        lines.append(f"chrI\t{pos + 1}\t.\t{ref}\t{alt}\t.\t.\t.")
        pos += int(rng.integers(30, 300))
    tail = g.dna(g.interval("chrII", "+", size2 - 3, size2))
    lines.append(f"chrII\t{size2 - 1}\t.\t{tail[1:]}\t{tail[1]}\t.\t.\t.")  # a deletion at the chromosome end
    vcf_path = str(d / "variants.vcf")
    with open(vcf_path, "w") as f:
        f.write(
            "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "\n".join(lines) + "\n"
        )
    vcf = gk.VCFTable.from_vcf(vcf_path, g)
    return {"genome": g, "tracks": [gk.GenomeTrack(signal), gk.GenomeTrack(counts)], "bed": bed,
            "regions": regions, "vcf": vcf, "coarse": gk.GenomeTrack(coarse)}  # fmt: skip


def window_job(inputs, **kw):
    kw = {"width": WIDTH, "tracks": inputs["tracks"], "resolution": RES, "partition_size": 64, **kw}
    return scale.WindowJob(inputs["genome"], inputs["bed"], **kw)


def variant_job(inputs, **kw):
    return scale.VariantPairsJob(inputs["genome"], inputs["vcf"], WIDTH, **{"partition_size": 32, **kw})


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        same_type = a[name].dtype.kind == "U" == b[name].dtype.kind  # string widths follow the rows
        assert same_type or a[name].dtype == b[name].dtype, name
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@pytest.fixture(scope="module")
def single(inputs, tmp_path_factory):
    """The single-process runs every engine and format is compared with."""
    out = tmp_path_factory.mktemp("scale_single")
    return {
        "windows": scale.run(window_job(inputs), out / "windows").read(),
        "variants": scale.run(variant_job(inputs), out / "variants").read(),
    }


def test_windows_equal_the_naive_implementation(inputs, single):
    g, tracks = inputs["genome"], inputs["tracks"]
    got = single["windows"]
    assert len(got["region"]) == len(inputs["regions"]) and got["targets"].shape[1:] == (WIDTH // RES, 3)
    assert got["region"].tolist() == list(range(len(inputs["regions"])))
    for k, region in enumerate(inputs["regions"]):
        start = (region.start + region.end) // 2 - WIDTH // 2
        iv = gk.Interval(region.chromosome, region.strand, start, start + WIDTH, g)
        assert (got["chrom"][k], got["start"][k], got["end"][k], got["strand"][k]) == (
            iv.chromosome, iv.start, iv.end, iv.strand)  # fmt: skip
        np.testing.assert_array_equal(got["dna"][k], naive_one_hot(g.dna(iv)))
        expected = np.concatenate([naive_targets(t, g, iv, RES) for t in tracks], axis=1)
        np.testing.assert_allclose(got["targets"][k], expected, rtol=1e-5, atol=1e-6)
    assert got["start"][-2] < 0 and got["end"][-1] > g.chromosome_size("chrII")  # padded at both ends
    assert not got["dna"][-2][WIDTH + got["start"][-2] :].any()  # N before the chromosome: 3' end on '-'
    assert got["dna"][-2][: WIDTH + got["start"][-2]].all(axis=1).sum() == 0  # one-hot rows are single bases


def test_variant_pairs_equal_the_naive_implementation(inputs, single):
    g, vcf = inputs["genome"], inputs["vcf"]
    got = single["variants"]
    variants = list(vcf)
    assert got["row"].tolist() == list(range(len(variants)))
    kinds = {(len(v.ref) > len(v.alt)) - (len(v.ref) < len(v.alt)) for v in variants}
    assert kinds == {-1, 0, 1}  # insertions, substitutions and deletions
    for k, v in enumerate(variants):
        iv = gk.Interval(v.chromosome, "+", v.start - WIDTH // 2, v.start - WIDTH // 2 + WIDTH, g, v.start)
        ref, alt = gk.VariantGenome(g, v).dna_pair(iv)
        assert len(ref) == len(alt) == WIDTH
        np.testing.assert_array_equal(got["ref"][k], naive_one_hot(ref))
        np.testing.assert_array_equal(got["alt"][k], naive_one_hot(alt))
        assert (got["chrom"][k], got["position"][k], got["ref_allele"][k], got["alt_allele"][k]) == (
            v.chromosome, v.start, v.ref, v.alt)  # fmt: skip
    assert not np.array_equal(got["ref"], got["alt"])


def test_a_masked_table_gives_its_rows(inputs, single, tmp_path):
    vcf = inputs["vcf"]
    mask = np.arange(len(vcf)) % 3 == 1
    job = scale.VariantPairsJob(inputs["genome"], vcf.masked(mask), WIDTH, partition_size=7)
    got = scale.run(job, tmp_path).read()
    picked = {name: values[mask] for name, values in single["variants"].items()}
    picked["row"] = np.arange(mask.sum())  # rows of the masked table
    assert_same(got, picked)
    assert len(got["row"]) == mask.sum() > 30


@pytest.mark.parametrize("fmt", ["parquet", "zarr"])
def test_every_format_holds_the_same_columns(inputs, single, tmp_path, fmt):
    pytest.importorskip({"parquet": "pyarrow", "zarr": "zarr"}[fmt])
    windows = scale.run(window_job(inputs), tmp_path / "w", fmt)
    assert_same(windows.read(), single["windows"])
    assert all(p.endswith(scale.FORMATS[fmt]) for p in windows.paths())
    assert_same(scale.run(variant_job(inputs), tmp_path / "v", fmt).read(), single["variants"])
    first = windows.paths()[0]  # read by the format's own library
    if fmt == "parquet":
        import pyarrow.parquet as pq

        blobs = pq.read_table(first).column("dna").to_pylist()
        direct = np.stack([np.frombuffer(b, np.uint8).reshape(WIDTH, 4) for b in blobs])
    else:
        import zarr

        direct = zarr.open_group(first, mode="r")["dna"][...]
    np.testing.assert_array_equal(direct, single["windows"]["dna"][: len(direct)])
    dna = scale.run(
        scale.WindowJob(inputs["genome"], inputs["bed"], width=WIDTH, dtype="float16"), tmp_path / "h", fmt
    )
    assert_same({"dna": dna.read()["dna"]}, {"dna": single["windows"]["dna"].astype(np.float16)})
    back = scale.read_manifest(tmp_path / "w")
    assert back == windows and back.rows == len(inputs["regions"]) and back.job["targets"] == [
        "signal", "counts_0", "counts_1"]  # fmt: skip


def test_a_rerun_resumes_and_keeps_complete_shards(inputs, single, tmp_path):
    job = window_job(inputs)
    first = scale.run(job, tmp_path)
    paths = first.paths()
    assert len(paths) == 5
    os.unlink(paths[2])
    os.unlink(os.path.join(tmp_path, scale.MANIFEST))
    kept = {p: os.stat(p).st_mtime_ns for p in paths if p != paths[2]}
    again = scale.run(job, tmp_path)
    assert again == first
    assert {p: os.stat(p).st_mtime_ns for p in kept} == kept  # not rewritten
    assert_same(again.read(), single["windows"])
    with open(paths[1], "r+b") as f:  # damaged by something else than our writer (a copy cut short)
        f.truncate(100)
    with pytest.raises(OSError, match=r"part-00001.npz is not a genome_kit shard \(BadZipFile"):
        scale.run(job, tmp_path)


def test_a_failing_partition_leaves_no_partial_shard(inputs, tmp_path):
    g = inputs["genome"]
    seq = g.dna(g.interval("chrI", "+", 100, 101))
    wrong = "A" if seq != "A" else "C"
    good = [g.variant(f"chrI:{p}:{g.dna(g.interval('chrI', '+', p - 1, p))}:T") for p in (11, 21, 31)]
    bad = gk.Variant("chrI", 100, wrong, "G", g)  # REF differs from the genome
    job = scale.VariantPairsJob(g, [*good, bad], 16, partition_size=2)
    with pytest.raises(ValueError, match=r"variant 3 of <variants> \(chrI:101:.:G\).*does not match"):
        scale.run(job, tmp_path, "zarr")
    assert sorted(os.listdir(tmp_path)) == ["part-00000.zarr"]  # no partial shard, no temporary, no manifest
    with pytest.raises(ValueError, match="written by another job"):  # other parameters: not mixed in
        scale.run(
            scale.VariantPairsJob(g, [*good, bad], 16, partition_size=2, invalid="skip"), tmp_path, "zarr"
        )
    skipping = scale.VariantPairsJob(g, [*good, bad], 16, partition_size=2, invalid="skip")
    manifest = scale.run(skipping, tmp_path / "skip", "zarr")
    assert manifest.rows == 3 and manifest.read()["row"].tolist() == [0, 1, 2]
    assert [(s["row"], s["variant"]) for s in manifest.shards[1]["skipped"]] == [(3, str(bad))]


def test_outside_policies(inputs):
    g = inputs["genome"]
    with pytest.raises(IndexError, match=r"region 300 of .*regions.bed \(chrI:0-10 -\).*outside='pad'"):
        window_job(inputs, outside="error")
    shifted = scale.WindowJob(g, inputs["bed"], width=WIDTH, outside="shift")
    cols, _ = shifted.compute(scale.Partition(0, 300, 302))
    assert cols["start"].tolist() == [0, g.chromosome_size("chrII") - WIDTH]
    last = g.interval("chrII", "+", int(cols["start"][1]), int(cols["end"][1]))
    np.testing.assert_array_equal(cols["dna"][1], naive_one_hot(g.dna(last)))
    dropped = scale.WindowJob(g, inputs["bed"], width=WIDTH, outside="drop", partition_size=100)
    cols, _ = dropped.compute(scale.Partition(3, 300, 302))
    assert len(cols["region"]) == 0 and cols["dna"].shape == (0, WIDTH, 4)
    with pytest.raises(IndexError, match="cannot fit in its chromosome"):
        scale.WindowJob(g, inputs["bed"], width=10**6, outside="shift")
    with pytest.raises(ValueError, match="outside must be one of"):
        scale.WindowJob(g, inputs["bed"], width=WIDTH, outside="clip")


def test_dropped_windows_are_counted_in_the_manifest(inputs, tmp_path):
    manifest = scale.run(
        scale.WindowJob(inputs["genome"], inputs["bed"], width=WIDTH, outside="drop"), tmp_path
    )
    regions = manifest.read()["region"]
    assert (
        300 not in regions
        and 301 not in regions
        and len(regions) + sum(s["dropped"] for s in manifest.shards) == 302
    )


def test_bad_input_gets_clear_errors(inputs, tiny, tmp_path):
    g = inputs["genome"]
    bed = tmp_path / "bad.bed"
    bed.write_text("chrI\t10\t20\nchrV\t10\t20\n")
    with pytest.raises(ValueError, match=r"bad.bed:2: chromosome 'chrV' is not in"):
        scale.WindowJob(g, bed, width=WIDTH)
    with pytest.raises(ValueError, match="regions of different lengths need width="):
        scale.WindowJob(g, inputs["bed"])
    with pytest.raises(ValueError, match="width 60 is not a multiple of resolution 8"):
        window_job(inputs, width=60)
    with pytest.raises(ValueError, match=r"resolution 8 is not a multiple of .*coarse.gtrack \(16 bp\)"):
        window_job(inputs, tracks=[inputs["tracks"][0], inputs["coarse"]])
    with pytest.raises(TypeError, match="variant 1 is a str, not a Variant"):
        scale.VariantPairsJob(g, [inputs["vcf"][0], "chrI:10:A:T"], WIDTH)
    with pytest.raises(ValueError, match=r"variant 0 \(.*\) is on tiny, the genome is yeast"):
        scale.VariantPairsJob(g, [gk.Genome("tiny").variant("chr2:5:T:G")], WIDTH)
    job = variant_job(inputs)
    with pytest.raises(ValueError, match="format must be one of"):
        scale.run(job, tmp_path / "out", "hdf5")
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError, match="cannot create the output directory .*file/out"):
        scale.run(job, tmp_path / "file" / "out")
    os.makedirs(tmp_path / "readonly")
    os.chmod(tmp_path / "readonly", 0o500)
    try:
        if not os.access(tmp_path / "readonly", os.W_OK):  # root may write anywhere
            with pytest.raises(PermissionError, match="not writable"):
                scale.run(job, tmp_path / "readonly")
    finally:
        os.chmod(tmp_path / "readonly", 0o700)


# --- engines: real clusters on this machine ---
@pytest.fixture(scope="module")
def dask_client(tmp_path_factory):
    distributed = pytest.importorskip("distributed", reason="run_dask needs 'genome_kit[dask]'")
    import dask

    scratch = str(tmp_path_factory.mktemp("dask"))
    with (
        dask.config.set({"temporary-directory": scratch}),  # not /tmp/dask-scratch-space
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_dask_gives_the_single_process_shards(inputs, single, dask_client, tmp_path):
    windows = scale.run_dask(window_job(inputs), tmp_path / "w", "npz", client=dask_client)
    assert_same(windows.read(), single["windows"])
    gone = windows.paths()[1::2]
    for path in gone:
        os.unlink(path)
    kept = {p: os.stat(p).st_mtime_ns for p in windows.paths() if p not in gone}
    assert scale.run_dask(window_job(inputs), tmp_path / "w", "npz", client=dask_client) == windows  # resumed
    assert {p: os.stat(p).st_mtime_ns for p in kept} == kept
    variants = scale.run_dask(variant_job(inputs), tmp_path / "v", "parquet", client=dask_client)
    assert_same(variants.read(), single["variants"])
    who = dask_client.run(os.getpid)
    assert len(who) == 2 and os.getpid() not in who.values()  # real worker processes did the work


def test_dask_reports_a_worker_error(inputs, dask_client, tmp_path):
    job = variant_job(inputs, outside="error")  # checked per partition, in the worker
    with pytest.raises(IndexError, match=r"variant \d+ of .*variants.vcf.bin .*reaches past the chromosome"):
        scale.run_dask(job, tmp_path, client=dask_client)


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray", reason="run_ray needs 'genome_kit[ray]'")
    pytest.importorskip("ray.data", reason="run_ray needs 'genome_kit[ray]'")
    temp = tempfile.mkdtemp(prefix="gkray")  # short: Ray's socket paths must fit in 107 bytes
    options = dict(num_cpus=2, object_store_memory=80 << 20, include_dashboard=False, log_to_driver=False)
    # Ray puts the driver's working directory on its workers' sys.path: started from the repository
    # root, the unbuilt source genome_kit/ would shadow the installed package in the workers
    cwd = os.getcwd()
    os.chdir(temp)
    try:
        try:
            ray.init(**options, _temp_dir=temp)
        except (
            Exception
        ) as e:  # Ray gives its processes 30 s to start: on an overloaded machine, try once more
            if "timed out during startup" not in str(e):
                raise
            with warnings.catch_warnings():  # the first attempt's processes, stopped but never waited for
                warnings.simplefilter("ignore", ResourceWarning)
                ray.shutdown()
                gc.collect()
            ray.init(**options, _temp_dir=temp)
        with warnings.catch_warnings():  # Ray Data 2.60 warns about its own defaults when making them
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ray\.data\.context")
            ray.data.DataContext.get_current()
        yield ray
    finally:
        ray.shutdown()
        os.chdir(cwd)
        shutil.rmtree(temp, ignore_errors=True)


def test_ray_gives_the_single_process_shards(inputs, single, ray_session, tmp_path):
    # two partitions per job (Ray's per-task overhead is large): the rows do not depend on the partitioning
    windows = scale.run_ray(window_job(inputs, partition_size=160), tmp_path / "w", "zarr")
    assert len(windows.shards) == 2
    assert_same(windows.read(), single["windows"])
    variants = scale.run_ray(variant_job(inputs, partition_size=64), tmp_path / "v", "npz")
    assert len(variants.shards) == 2
    assert_same(variants.read(), single["variants"])
