"""DefaultDataManager's HTTPS backend (s3:// and https:// sources) against a real HTTP server on
127.0.0.1 serving a folder laid out like a bucket; offline behaviour of both backends (remembered
misses, unreachable sources, timeouts)."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
import time

import pytest
from bucket_server import BucketServer
from terminal_util import stderr_on_terminal

import genome_kit as gk
from genome_kit import gk_data
from genome_kit.data_manager import (
    DEFAULT_TIMEOUT,
    PUBLIC_SOURCE,
    DefaultDataManager,
    GKDataFileNotFoundError,
    GKDataIntegrityError,
    GKDataNetworkError,
    GKDataUnreachableError,
)

BUCKET = "genomekit-data-public"
PKG_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(gk.__file__)))
CHILD_CWD = os.path.dirname(os.path.abspath(__file__))


def payload(n: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (n // len(block) + 1))[:n]


def content(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def hidden(directory) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.startswith("."))


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bucket(tmp_path):
    """A server whose bucket folder tests fill with ``put``."""
    root = tmp_path / "srv"
    (root / BUCKET).mkdir(parents=True)
    server = BucketServer(str(root)).start()
    server.source = f"{server.url}/{BUCKET}"

    def put(name: str, data: bytes) -> None:
        (root / BUCKET / name).write_bytes(data)

    server.put = put
    yield server
    server.stop()


def manager(tmp_path, source, **kw) -> DefaultDataManager:
    return DefaultDataManager(str(tmp_path / "dd"), source, **kw)


# --------------------------------------------------------------------------- downloads


def test_download_verified_atomic_and_cached(bucket, tmp_path, caplog):
    data = payload(300_000, 1)
    bucket.put("dl.bin", data)
    m = manager(tmp_path, bucket.source)
    with caplog.at_level(logging.DEBUG, logger="genome_kit.data"):
        path = m.get_file("dl.bin")
    assert path == str(tmp_path / "dd" / "dl.bin")
    assert content(path) == data
    assert "verified size, ETag (MD5)" in caplog.text
    assert hidden(tmp_path / "dd") == [".dl.bin.lock"]  # no partial or note left
    n = len(bucket.requests)
    assert m.get_file("dl.bin") == path and len(bucket.requests) == n  # cached: no request


def test_s3_scheme_with_endpoint_lists_and_fetches(bucket, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", bucket.url)
    for i in range(5):
        bucket.put(f"f{i}.cfg", b"refg=x\n")
    bucket.page_size = 2  # ListObjectsV2 pagination
    m = manager(tmp_path, f"s3://{BUCKET}")
    assert m.list_remote_files() == [f"f{i}.cfg" for i in range(5)]
    assert sum(1 for r in bucket.requests if r[0] == "GET") == 3
    assert content(m.get_file("f3.cfg")).decode() == "refg=x\n"
    assert m.list_available_genomes() == [f"f{i}" for i in range(5)]


def test_public_source_is_the_default(bucket, tmp_path, monkeypatch):
    """Only a data dir and a config name: the default source (s3://genomekit-data-public) serves them."""
    monkeypatch.delenv("GENOMEKIT_STORAGE_BUCKET")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", bucket.url)
    bucket.put("dflt.cfg", b"refg=x\n")
    m = DefaultDataManager(str(tmp_path / "fresh"))
    assert m.source == PUBLIC_SOURCE == f"s3://{BUCKET}"
    assert content(m.get_file("dflt.cfg")).decode() == "refg=x\n"


def test_wrong_etag_is_rejected_and_nothing_saved(bucket, tmp_path):
    data = payload(100_000, 2)
    bucket.put("bad.bin", data)
    bucket.etag[f"/{BUCKET}/bad.bin"] = hashlib.md5(b"other").hexdigest()
    m = manager(tmp_path, bucket.source)
    with pytest.raises(GKDataIntegrityError, match=r"bad.bin is corrupt: MD5 \(ETag\)"):
        m.get_file("bad.bin")
    assert not (tmp_path / "dd" / "bad.bin").exists()
    assert hidden(tmp_path / "dd") == [".bad.bin.lock"]  # the bad bytes are gone, not resumed later
    del bucket.etag[f"/{BUCKET}/bad.bin"]
    assert content(m.get_file("bad.bin")) == data


def test_sha256_metadata_is_checked(bucket, tmp_path):
    bucket.put("meta.bin", b"content\n")
    bucket.headers[f"/{BUCKET}/meta.bin"] = {"x-amz-meta-sha256": "0" * 64}
    with pytest.raises(GKDataIntegrityError, match="SHA-256"):
        manager(tmp_path, bucket.source).get_file("meta.bin")


def test_multipart_etag_verified(bucket, tmp_path, caplog):
    data = payload(9 << 20, 3)  # two 8 MiB parts, as boto3 uploads it
    parts = [hashlib.md5(data[i : i + (8 << 20)]).digest() for i in range(0, len(data), 8 << 20)]
    bucket.put("multi.bin", data)
    bucket.etag[f"/{BUCKET}/multi.bin"] = hashlib.md5(b"".join(parts)).hexdigest() + "-2"
    with caplog.at_level(logging.DEBUG, logger="genome_kit.data"):
        path = manager(tmp_path, bucket.source).get_file("multi.bin")
    assert "multipart ETag (8 MiB parts)" in caplog.text
    assert os.path.getsize(path) == len(data)


def test_server_errors_are_retried_then_reported(bucket, tmp_path):
    bucket.put("busy.bin", b"eventually\n")
    bucket.status[f"/{BUCKET}/busy.bin"] = [503, 500]  # the HEAD and its first retry fail
    assert content(manager(tmp_path, bucket.source).get_file("busy.bin")) == b"eventually\n"
    bucket.status[f"/{BUCKET}/down.bin"] = [503] * 100
    m = manager(tmp_path, bucket.source, retry_timeout=0.5)
    with pytest.raises(GKDataNetworkError, match=r"HTTP 503.*retried for 0.5 s") as e:
        m.get_file("down.bin")
    assert not isinstance(e.value, (GKDataUnreachableError, FileNotFoundError))


def test_access_denied_is_not_a_missing_file(bucket, tmp_path, monkeypatch):
    bucket.status[f"/{BUCKET}/private.2bit"] = [403]
    with pytest.raises(GKDataNetworkError, match="HTTP 403.*must be public") as e:
        manager(tmp_path, bucket.source).get_file("private.2bit")
    assert not isinstance(e.value, FileNotFoundError)
    # an optional file behind a 403 counts as absent, with the one warning
    monkeypatch.setattr(gk_data, "data_manager", manager(tmp_path, bucket.source))
    bucket.status[f"/{BUCKET}/opt.chromAlias.txt"] = [403]
    with pytest.warns(RuntimeWarning, match="treated as absent"):
        assert gk_data.get_optional_file("opt.chromAlias.txt") is None


def test_plain_static_server_without_etag(bucket, tmp_path):
    """No ETag (a plain web server): verified by size, resumed with Last-Modified as the validator."""
    bucket.no_etag = True
    data = payload(400_000, 11)
    bucket.put("plain.bin", data)
    bucket.cut_after[f"/{BUCKET}/plain.bin"] = 150_000
    assert content(manager(tmp_path, bucket.source).get_file("plain.bin")) == data
    assert bucket.requests[-1][2] == "bytes=150000-"


def test_connection_cut_midway_is_resumed_in_the_same_call(bucket, tmp_path):
    data = payload(500_000, 4)
    bucket.put("cut.bin", data)
    bucket.cut_after[f"/{BUCKET}/cut.bin"] = 123_456
    path = manager(tmp_path, bucket.source).get_file("cut.bin")
    assert content(path) == data
    gets = [r for r in bucket.requests if r[0] == "GET"]
    assert gets[-1][2] == "bytes=123456-"  # the second request continued where the first stopped


def test_server_dying_midway_fails_fast_then_resumes(bucket, tmp_path):
    data = payload(600_000, 5)
    bucket.put("die.bin", data)
    bucket.die_after[f"/{BUCKET}/die.bin"] = 200_000
    m = manager(tmp_path, bucket.source)
    t = time.perf_counter()
    with pytest.raises(GKDataUnreachableError, match="unreachable"):
        m.get_file("die.bin")
    assert time.perf_counter() - t < 2
    d = tmp_path / "dd"
    assert not (d / "die.bin").exists()
    assert (d / ".die.bin.partial").stat().st_size == 200_000  # kept to resume
    bucket.start()  # the server is back; a new process (a new manager) picks up the partial file
    path = manager(tmp_path, bucket.source).get_file("die.bin")
    assert content(path) == data
    assert bucket.requests[-1][2] == "bytes=200000-"
    assert hidden(d) == [".die.bin.lock"]


SLOW_CHILD = """
import sys, time
import genome_kit.data_manager as dm
write = dm._HashingWriter.write
def slow_write(self, data):
    time.sleep(0.05)
    return write(self, data)
dm._HashingWriter.write = slow_write
dm.DefaultDataManager(sys.argv[1], sys.argv[2]).get_file(sys.argv[3])
"""


def test_download_of_a_killed_process_is_resumed_by_the_next(bucket, tmp_path):
    data = payload(3 << 20, 12)
    bucket.put("killed.bin", data)
    d = tmp_path / "dd"
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_CHILD, str(d), bucket.source, "killed.bin"], env=env, cwd=CHILD_CWD
    )
    part = d / ".killed.bin.partial"
    deadline = time.monotonic() + 60
    while not (part.exists() and part.stat().st_size >= 1 << 20):
        assert child.poll() is None and time.monotonic() < deadline, "the child finished before it was killed"
        time.sleep(0.01)
    child.kill()
    child.wait()
    kept = part.stat().st_size
    assert not (d / "killed.bin").exists() and kept < len(data)
    m = manager(tmp_path, bucket.source)
    assert m.list_local_files() == []  # a partial download is not a data file
    assert content(m.get_file("killed.bin")) == data  # the dead process's lock went with it
    assert bucket.requests[-1][2] == f"bytes={kept}-"
    assert hidden(d) == [".killed.bin.lock"]


def test_changed_object_restarts_instead_of_resuming(bucket, tmp_path):
    bucket.put("chg.bin", payload(300_000, 6))
    bucket.die_after[f"/{BUCKET}/chg.bin"] = 100_000
    with pytest.raises(GKDataUnreachableError):
        manager(tmp_path, bucket.source).get_file("chg.bin")
    new = payload(300_000, 7)  # same size, new content: the old partial bytes must not be reused
    bucket.put("chg.bin", new)
    bucket.start()
    assert content(manager(tmp_path, bucket.source).get_file("chg.bin")) == new


def test_threads_fetch_once(bucket, tmp_path, caplog):
    bucket.put("thr.bin", payload(200_000, 8))
    m = manager(tmp_path, bucket.source)
    with caplog.at_level(logging.INFO, logger="genome_kit.data"):
        threads = [threading.Thread(target=m.get_file, args=("thr.bin",)) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum("thr.bin: downloading" in r.getMessage() for r in caplog.records) == 1
    assert sum(1 for r in bucket.requests if r[0] == "GET") == 1


def test_upload_is_refused_and_manager_pickles(bucket, tmp_path):
    m = manager(tmp_path, bucket.source, timeout=2.5)
    with pytest.raises(ValueError, match="read anonymously"):
        m.upload_file(__file__, "x.py")
    bucket.put("pk.txt", b"p\n")
    m.get_file("pk.txt")
    m2 = pickle.loads(pickle.dumps(m))
    assert (m2.source, m2.timeout) == (bucket.source + "/", 2.5)
    assert m2.get_file("pk.txt").endswith("pk.txt")


# --------------------------------------------------------------------------- misses and offline


def test_remote_miss_is_remembered_with_expiry(bucket, tmp_path):
    d = tmp_path / "dd"
    d.mkdir()
    m = manager(tmp_path, bucket.source, miss_ttl=0.5)
    with pytest.raises(GKDataFileNotFoundError, match=f"nor in {bucket.source}"):
        m.get_file("later.txt")
    n = len(bucket.requests)
    assert (d / ".later.txt.missing").is_file()
    other = manager(tmp_path, bucket.source, miss_ttl=0.5)  # another process: the marker file answers
    with pytest.raises(GKDataFileNotFoundError, match="remembered"):
        other.get_file("later.txt")
    assert len(bucket.requests) == n  # no request
    bucket.put("later.txt", b"now\n")
    time.sleep(0.6)  # expired: asked again
    assert content(other.get_file("later.txt")).decode() == "now\n"
    # A miss remembered for another source says nothing about this one.
    (d / ".x.txt.missing").write_text("gs://elsewhere\n")
    bucket.put("x.txt", b"x\n")
    assert manager(tmp_path, bucket.source).get_file("x.txt")


def test_timeout_setting(tmp_path, monkeypatch):
    assert DEFAULT_TIMEOUT <= 5
    monkeypatch.delenv("GENOMEKIT_STORAGE_TIMEOUT", raising=False)
    assert DefaultDataManager(str(tmp_path), "").timeout == DEFAULT_TIMEOUT
    monkeypatch.setenv("GENOMEKIT_STORAGE_TIMEOUT", "0.75")
    assert DefaultDataManager(str(tmp_path), "").timeout == 0.75
    assert DefaultDataManager(str(tmp_path), "", timeout=3).timeout == 3.0
    monkeypatch.setenv("GENOMEKIT_STORAGE_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="GENOMEKIT_STORAGE_TIMEOUT"):
        DefaultDataManager(str(tmp_path), "")


@pytest.mark.parametrize("backend", ["https", "gcs"])
def test_silent_server_fails_within_the_timeout(tmp_path, monkeypatch, backend):
    """A host that accepts connections but never answers (a hung server, a black hole behind a proxy):
    the look-up fails after one timeout, not after retrying for retry_timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # never accepted: the kernel completes the handshake, nobody answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        if backend == "gcs":
            pytest.importorskip("google.cloud.storage")
            monkeypatch.setenv("STORAGE_EMULATOR_HOST", url)
        m = manager(tmp_path, "gs://b" if backend == "gcs" else f"{url}/b", timeout=0.5, retry_timeout=30)
        t = time.perf_counter()
        with pytest.raises(GKDataUnreachableError, match=r"timeout 0.5 s|timeout=0.5"):
            m.get_file("x.2bit")
        assert time.perf_counter() - t < 2
        t = time.perf_counter()
        with pytest.raises(GKDataUnreachableError, match="not retried"):  # not asked again for a while
            m.get_file("y.2bit")
        assert time.perf_counter() - t < 0.1


def _cached_genome(directory, name: str) -> None:
    os.makedirs(directory, exist_ok=True)
    fasta = os.path.join(directory, f"{name}.fa")
    with open(fasta, "w") as f:
        f.write(">chr1\nACGTACGTAC\n>chr2\nGGGGCCCCAA\n")
    gk.build_assembly(fasta, os.path.join(directory, name))
    os.unlink(fasta)
    with open(os.path.join(directory, f"{name}ann.cfg"), "w") as f:
        f.write(f"refg={name}\n")


@pytest.mark.parametrize("backend", ["https", "gcs"])
def test_cached_genome_opens_offline_fast(tmp_path, monkeypatch, backend):
    """Everything needed is cached; the optional chromAlias.txt is not, and the source is down."""
    name = f"offline_{backend}"
    d = tmp_path / "dd"
    _cached_genome(str(d), name)
    if backend == "gcs":
        pytest.importorskip("google.cloud.storage")
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{dead_port()}")
        source = "gs://some-bucket"
    else:
        source = f"http://127.0.0.1:{dead_port()}/{BUCKET}"
    monkeypatch.setattr(gk_data, "data_manager", DefaultDataManager(str(d), source))
    t = time.perf_counter()
    with pytest.warns(RuntimeWarning, match="unavailable.*treated as absent") as caught:
        g = gk.Genome(f"{name}ann")  # probes <config>.chrom.sizes, then the .cfg, then the alias table
        assert g.dna(gk.Interval("chr1", "+", 0, 4, g)) == "ACGT"
    assert time.perf_counter() - t < 1
    assert len(caught) == 1  # one warning, not one per file
    with pytest.raises(GKDataNetworkError):  # a file that is really needed still says why it failed
        gk.Genome("offline_not_cached")


def test_fresh_data_dir_and_a_config_name_give_the_files(shared_dir, tmp_path):
    """GenomeKit's own published files (the mini test set), served like the public bucket; a new user
    sets nothing but a data directory (here: the S3 endpoint, to stay on loopback)."""
    data = os.path.join(shared_dir, "conformance", "data")
    if not os.path.isdir(data):
        pytest.skip("conformance data not available")
    root = tmp_path / "srv"
    (root / BUCKET).mkdir(parents=True)
    for n in os.listdir(data):  # linked, never copied: these files are not ours to commit
        if os.path.isfile(os.path.join(data, n)):
            os.symlink(os.path.join(data, n), root / BUCKET / n)
    script = (
        "import genome_kit as gk\n"
        "g = gk.Genome('gencode.v41.mini')\n"
        "print(g.refg, g.chromosomes, g.dna(gk.Interval(g.chromosomes[0], '+', 0, 10, g)))\n"
        "from genome_kit import genome_annotation as ga\n"
        "if hasattr(ga, 'DGANNO_SUFFIX'):  # GenomeKit's .dganno files are readable: annotations too\n"
        "    print('genes', len(g.genes), len(g.transcripts))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENOMEKIT_", "AWS_"))}
    with BucketServer(str(root)) as server:
        env.update(
            PYTHONPATH=PKG_ROOT,
            GENOMEKIT_DATA_MANAGER="default",
            GENOMEKIT_DATA_DIR=str(tmp_path / "fresh"),
            AWS_ENDPOINT_URL_S3=server.url,
        )
        r = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=CHILD_CWD, capture_output=True, text=True, timeout=60
        )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split(" ", 1)[0] == "hg38.p13.mini"
    for line in lines[1:]:
        _, genes, transcripts = line.split()
        assert int(genes) > 0 and int(transcripts) >= int(genes)
    fetched = sorted(n for n in os.listdir(tmp_path / "fresh") if not n.startswith("."))
    assert {"gencode.v41.mini.cfg", "hg38.p13.mini.2bit", "hg38.p13.mini.chrom.sizes"} <= set(fetched)
    for n in fetched:
        with open(tmp_path / "fresh" / n, "rb") as a, open(os.path.join(data, n), "rb") as b:
            assert a.read() == b.read(), n


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(bucket, tmp_path):
    pytest.importorskip("tqdm")
    from genome_kit.data_manager import PROGRESS_MIN_BYTES

    bucket.put("big.bin", payload(PROGRESS_MIN_BYTES + 1, 10))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENOMEKIT_")}
    env.update(
        PYTHONPATH=PKG_ROOT,
        GENOMEKIT_DATA_MANAGER="default",
        GENOMEKIT_DATA_DIR=str(tmp_path / "dd"),
        GENOMEKIT_STORAGE_BUCKET=bucket.source,
    )
    bar = stderr_on_terminal(
        lambda fd: subprocess.run(
            [sys.executable, "-c", "import genome_kit as gk; gk.gk_data.get_file('big.bin')"],
            env=env,
            cwd=CHILD_CWD,
            stderr=fd,
            timeout=60,
            check=True,
        )  # fmt: skip
    )
    assert "big.bin:" in bar and "%|" in bar


# --------------------------------------------------------------------------- local-only by design


def test_offline_paths_never_ask_the_default_source(bucket, tmp_path, monkeypatch):
    """The public source is the default, but the demo and the local half of local_files_first (used by
    the builders) only look at their directory: the server (the public bucket here) sees nothing."""
    monkeypatch.delenv("GENOMEKIT_STORAGE_BUCKET")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", bucket.url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENOMEKIT_")}
    env.update(PYTHONPATH=PKG_ROOT, GENOMEKIT_DATA_MANAGER="default", GENOMEKIT_DATA_DIR=str(tmp_path / "dd"))
    r = subprocess.run(
        [sys.executable, "-m", "genome_kit", "demo"], env=env, cwd=CHILD_CWD, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert bucket.requests == [] and "unavailable" not in r.stderr

    monkeypatch.setattr(gk_data, "data_manager", DefaultDataManager(str(tmp_path / "fallback"), ""))
    with gk_data.local_files_first(str(tmp_path / "stage")):
        with pytest.raises(GKDataFileNotFoundError):
            gk_data.get_file("nowhere.chromAlias.txt")
    assert bucket.requests == []
