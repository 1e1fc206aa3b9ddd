"""Many processes (issue 11): every handle and row pickles with what the receiving process needs to reopen
it, including the data-manager set-up chosen in code as docs/quickstart.md does; fork, spawn and forkserver
pools and a PyTorch DataLoader give the serial results; a failing worker never hangs (every wait has a
timeout); GENOMEKIT_DATA_DIR set in os.environ after import is honoured."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys
import textwrap

import mp_workers
import numpy as np
import pytest

import genome_kit as gk
from genome_kit import gk_data

SAMPLE = os.path.join(os.path.dirname(gk.__file__), "sample_data")
METHODS = ["fork", "spawn", "forkserver"]
TIMEOUT = 120  # seconds for any pool to answer; the failure mode under test is waiting forever


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    """The quickstart's set-up: a fresh data directory chosen in code, files built from the sample data."""
    data = str(tmp_path_factory.mktemp("mp_data"))
    previous = gk_data.data_manager
    gk_data.data_manager = gk.DefaultDataManager(data, bucket_name="")
    try:
        gk.build_assembly(os.path.join(SAMPLE, "sacCer.sample.fa.gz"), os.path.join(data, "mpsac"))
        gk.GenomeAnnotation.build_gencode(
            os.path.join(SAMPLE, "sacCer.toy_genes.gff3"), os.path.join(data, "mpsac.toy"), gk.Genome("mpsac")
        )
        genome = gk.Genome("mpsac.toy")
        track_path = os.path.join(data, "mp.gtrack")
        with gk.GenomeTrackBuilder(track_path, "u8", "strand_unaware", genome) as builder:
            iv = genome.interval("chrI", "+", 9000, 14000)
            builder.set_data(iv, (np.arange(len(iv)) % 251).astype(np.uint8))
        vcf_path = os.path.join(data, "tutorial.vcf")
        shutil.copy(os.path.join(SAMPLE, "sacCer.tutorial.vcf"), vcf_path)  # its .bin is written beside it
        vcf = gk.VCFTable.from_vcf(vcf_path, gk.Genome("mpsac"), fmt_ids=["GT"])
        yield data, genome, gk.GenomeTrack(track_path), vcf
    finally:
        gk_data.data_manager = previous


def handles_for(genome, track, vcf, start):
    """One work item holding every kind of handle and row."""
    iv = genome.interval("chrI", "+", start, start + 300)
    gene = genome.genes[0]
    variant = genome.variant("chrI:10,013:A:T")
    return {
        "interval": iv,
        "genome": genome,
        "dna": genome.dna,
        "variant_genome": gk.VariantGenome(genome, [variant]),
        "genes": genome.genes,
        "transcripts": genome.transcripts,
        "annotation": genome.annotation,
        "gene": gene,
        "exon": genome.exons[1],
        "transcript": gene.transcripts[0],
        "track": track,
        "vcf": vcf,
        "vcf_row": vcf[2],
        "variant": variant,
    }


def work_items(quickstart):
    _, genome, track, vcf = quickstart
    return [handles_for(genome, track, vcf, start) for start in [*range(9800, 13800, 500), 49400, 49600]]


def run_pool(method, fn, items, initializer=None, initargs=()):
    with multiprocessing.get_context(method).Pool(2, initializer, initargs) as pool:
        return pool.map_async(fn, items, chunksize=1).get(timeout=TIMEOUT)


def test_every_handle_and_row_pickles(quickstart):
    (item,) = work_items(quickstart)[:1]
    for name, obj in item.items():
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is type(obj), name
        if name not in ("dna", "annotation", "track", "vcf", "genes", "transcripts", "variant_genome"):
            assert back == obj, name
    for table in ("genes", "transcripts", "exons", "introns", "cdss", "utr5s", "utr3s"):
        t = getattr(item["genome"], table)
        back = pickle.loads(pickle.dumps(t))
        assert type(back) is type(t) and len(back) == len(t) and list(back) == list(t), table
        if len(t):
            assert pickle.loads(pickle.dumps(t[len(t) - 1])) == t[len(t) - 1], table
    assert mp_workers.read_window(pickle.loads(pickle.dumps(item))) == mp_workers.read_window(item)
    pd = pytest.importorskip("pandas")
    values = np.arange(300, dtype=np.float32).reshape(300, 1)
    data = gk.TrackData(values, pd.DataFrame({"name": ["x"], "strand": ["+"]}), interval=item["interval"])
    back = pickle.loads(pickle.dumps(data))
    assert back.interval == data.interval and np.array_equal(back.values, values)


@pytest.mark.parametrize("method", METHODS)
def test_pools_give_the_serial_results(quickstart, method):
    items = work_items(quickstart)
    expected = [mp_workers.read_window(item) for item in items]
    assert any(row[4] for row in expected) and any(row[9] for row in expected)  # genes and VCF rows hit
    assert run_pool(method, mp_workers.read_window, items) == expected


@pytest.mark.parametrize("method", METHODS)
def test_a_failing_task_fails_the_pool(quickstart, method):
    genome = quickstart[1]
    items = [(genome, "chrI", 0, 10, True), (genome, "chrI", 10**7, 10**7 + 10, False)]  # past the end
    with pytest.raises(IndexError):
        run_pool(method, mp_workers.dna_of, items)


@pytest.mark.parametrize("method", ["spawn", "forkserver"])  # a fork worker has the parent's genome open
def test_a_worker_that_cannot_resolve_the_genome_reports_it(quickstart, method, tmp_path):
    # the worker chose its own data directory, where no genome exists: the genome unpickles and the
    # task raises, instead of the worker dying while unpickling (multiprocessing.Pool then waits forever)
    genome = quickstart[1]
    with pytest.raises(RuntimeError, match="unknown genome 'mpsac.toy'"):
        run_pool(method, mp_workers.dna_of, [(genome, "chrI", 0, 10, True)] * 2,
                 mp_workers.choose_empty_data_dir, (str(tmp_path),))  # fmt: skip


@pytest.mark.parametrize("context", [None, "spawn"])
def test_torch_dataloader_gives_the_serial_results(quickstart, context):
    torch = pytest.importorskip("torch")
    genome = quickstart[1]
    vg = gk.VariantGenome(genome, genome.variant("chrI:10,013:A:T"))
    windows = [genome.interval("chrI", "+", s, s + 64) for s in range(9950, 10050, 10)]
    dataset = mp_workers.Windows(vg, windows)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=4, num_workers=2, multiprocessing_context=context, timeout=TIMEOUT
    )
    batches = list(loader)
    x = torch.cat([b[0] for b in batches]).numpy()
    starts = torch.cat([b[1] for b in batches]).numpy()
    assert np.array_equal(x, np.stack([dataset[i][0] for i in range(len(dataset))]))
    assert starts.tolist() == list(range(9950, 10050, 10))
    assert not np.array_equal(x, genome.one_hot(dataset.intervals).astype(np.float32))  # variant applied


def test_torch_dataloader_worker_error_is_raised(quickstart):
    torch = pytest.importorskip("torch")
    genome = quickstart[1]
    dataset = mp_workers.Windows(gk.VariantGenome(genome, []), [genome.interval("chrI", "+", 0, 10), None])
    loader = torch.utils.data.DataLoader(dataset, batch_size=1, num_workers=2, timeout=TIMEOUT)
    with pytest.raises(TypeError, match="DataLoader worker"):  # the worker's error, re-raised
        list(loader)


def test_data_dir_set_after_import_is_honoured(quickstart, child_env):
    # the environment alone, set after import: the parent resolves through it, and so do spawn workers
    data = quickstart[0]
    env = {k: v for k, v in child_env.items() if not k.startswith("GENOMEKIT_")}
    tests = os.path.dirname(os.path.abspath(__file__))
    env.update(GENOMEKIT_DATA_MANAGER="default", GENOMEKIT_QUIET="1")
    env["PYTHONPATH"] = os.pathsep.join([child_env["PYTHONPATH"], tests])
    code = textwrap.dedent(
        f"""
        import multiprocessing, os
        import genome_kit as gk
        import mp_workers
        assert gk.gk_data.data_dir != {data!r}
        os.environ["GENOMEKIT_DATA_DIR"] = {data!r}
        os.environ["GENOMEKIT_STORAGE_BUCKET"] = ""
        assert gk.gk_data.data_dir == {data!r}
        genome = gk.Genome("mpsac")
        items = [(genome, "chrI", 10000, 10010, True)]
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            print(genome.dna(genome.interval("chrI", "+", 10000, 10010)),
                  pool.map_async(mp_workers.dna_of, items).get(timeout={TIMEOUT})[0])
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=TIMEOUT, cwd=data
    )
    assert proc.returncode == 0, proc.stderr
    expected = quickstart[1].dna(quickstart[1].interval("chrI", "+", 10000, 10010))
    assert proc.stdout.split() == [expected, expected]


def test_unpicklable_data_manager_stays_behind_with_a_warning(quickstart):
    class Local(gk.DefaultDataManager):  # defined in a function: cannot be pickled
        pass

    previous = gk_data.data_manager
    gk_data.data_manager = Local(quickstart[0], bucket_name="")
    try:
        with pytest.warns(RuntimeWarning, match="cannot be pickled"):
            blob = pickle.dumps(quickstart[1])
        assert pickle.loads(blob) is quickstart[1]
    finally:
        gk_data.data_manager = previous
