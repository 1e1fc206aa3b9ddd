"""DefaultDataManager against a real Google Cloud Storage emulator (``gcp-storage-emulator``,
started on 127.0.0.1 by the fixture), plus the CLI, logging and Genome resolution through it."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from google.auth.credentials import AnonymousCredentials
from terminal_util import stderr_on_terminal

import genome_kit as gk
from genome_kit import gk_data
from genome_kit.__main__ import main as cli_main
from genome_kit.data_manager import (
    DataManager,
    DefaultDataManager,
    GKDataDirError,
    GKDataFileNotFoundError,
    GKDataIntegrityError,
    GKDataNetworkError,
    GKDataUnreachableError,
    check_filename,
)

pytest.importorskip("gcp_storage_emulator")

BUCKET = "gk-test-bucket"
PKG_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(gk.__file__)))
# Children run from here, so `python -c` cannot pick up an unbuilt source checkout from the
# current directory instead of the genome_kit under test.
CHILD_CWD = os.path.dirname(os.path.abspath(__file__))


def default_manager_env(**settings: str) -> dict[str, str]:
    """Environment for a child process: none of the caller's GENOMEKIT_* settings, the genome_kit under
    test, the DefaultDataManager (no plugin), then ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENOMEKIT_")}
    env.update(PYTHONPATH=PKG_ROOT, GENOMEKIT_DATA_MANAGER="default", **settings)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    def __init__(self, host: str, root: str, proc: subprocess.Popen):
        self.host, self.root, self.proc = host, root, proc
        from google.cloud import storage

        self.client = storage.Client(  # anonymous, pointed at this emulator
            client_options={"api_endpoint": host}, credentials=AnonymousCredentials(), project="test"
        )
        self.bucket = self.client.bucket(BUCKET)

    def put(self, name: str, data: bytes, metadata: dict | None = None) -> None:
        blob = self.bucket.blob(name)
        if metadata:
            blob.metadata = metadata
        blob.upload_from_string(data)

    def stored_path(self, name: str) -> str:
        """Where the emulator keeps an object's bytes on disk."""
        return os.path.join(self.root, ".cloudstorage", BUCKET, name)


def start_emulator(root: str) -> Emulator:
    """A gcp-storage-emulator process serving bucket BUCKET from ``root`` on a free loopback port."""
    os.makedirs(root, exist_ok=True)
    port = free_port()
    log_path = os.path.join(root, "emulator.log")
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gcp_storage_emulator", "-d", root, "start", "--host", "127.0.0.1",
             "--port", str(port), "--default-bucket", BUCKET, "-q"],
            stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                with open(log_path) as f:
                    pytest.fail(f"GCS emulator did not start:\n{f.read()}")
            time.sleep(0.05)
    return Emulator(f"http://127.0.0.1:{port}", root, proc)


def stop_emulator(emulator: Emulator) -> None:
    emulator.proc.terminate()
    try:
        emulator.proc.wait(10)
    except subprocess.TimeoutExpired:
        emulator.proc.kill()
        emulator.proc.wait()


@pytest.fixture(scope="module")
def gcs(tmp_path_factory):
    emulator = start_emulator(str(tmp_path_factory.mktemp("gcs")))
    mp = pytest.MonkeyPatch()
    mp.setenv("STORAGE_EMULATOR_HOST", emulator.host)
    for var in (
        "GENOMEKIT_STORAGE_BUCKET",
        "GENOMEKIT_QUIET",
        "GENOMEKIT_TRACE",
        "GK_UPLOAD_ALLOW_OVERWRITE",
    ):
        mp.delenv(var, raising=False)
    try:
        yield emulator
    finally:
        mp.undo()
        stop_emulator(emulator)


@pytest.fixture
def dead_host(monkeypatch):
    """Points the storage client at a port where nothing listens (the network is "down")."""
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{free_port()}")


def payload(n: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest()
    return (block * (n // len(block) + 1))[:n]


def hidden(directory) -> list[str]:
    return sorted(n for n in os.listdir(directory) if n.startswith("."))


# --------------------------------------------------------------------------- names and local behaviour


@pytest.mark.parametrize("bad", ["", ".", "..", "../x", "a/b", "/etc/passwd", "a\\b", ".hidden", "x\0y"])
def test_bad_filenames_rejected(tmp_path, bad):
    with pytest.raises(ValueError, match="invalid data file name"):
        check_filename(bad)
    with pytest.raises(ValueError, match="invalid data file name"):
        DefaultDataManager(str(tmp_path), bucket_name="").get_file(bad)
    assert os.listdir(tmp_path) == []


def test_plain_names_accepted():
    for ok in ["hg38.p14.2bit", "gencode.v41.cfg", "a..b", "x-y_z.chromAlias.txt"]:
        assert check_filename(ok) == ok


def test_local_only_miss_names_file_and_directory(tmp_path):
    m = DefaultDataManager(str(tmp_path / "nowhere"), bucket_name="")
    with pytest.raises(GKDataFileNotFoundError) as e:
        m.get_file("hg0.2bit")
    assert isinstance(e.value, FileNotFoundError)
    assert e.value.filename == "hg0.2bit"
    assert "hg0.2bit" in str(e.value) and str(tmp_path / "nowhere") in str(e.value)
    assert "GENOMEKIT_STORAGE_BUCKET" in str(e.value)
    assert not (tmp_path / "nowhere").exists()  # looking never creates the directory


def test_bucket_name_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GENOMEKIT_STORAGE_BUCKET", "gs://some-bucket/")
    assert DefaultDataManager(str(tmp_path)).bucket_name == "some-bucket"
    assert DefaultDataManager(str(tmp_path), bucket_name="").bucket_name is None
    monkeypatch.setenv("GENOMEKIT_STORAGE_BUCKET", "")
    assert DefaultDataManager(str(tmp_path)).source is None  # set but empty: local only
    monkeypatch.delenv("GENOMEKIT_STORAGE_BUCKET")  # unset: GenomeKit's public bucket
    assert DefaultDataManager(str(tmp_path)).source == "s3://genomekit-data-public"
    assert DefaultDataManager(str(tmp_path)).bucket_name == "genomekit-data-public"


@pytest.mark.parametrize(
    "spelling, source",
    [
        ("my-bucket", "gs://my-bucket"),
        ("gs://my-bucket/", "gs://my-bucket"),
        ("s3://pub", "s3://pub"),
        ("S3://pub/some/prefix/", "s3://pub/some/prefix"),
        ("https://example.org/data", "https://example.org/data/"),
        ("http://127.0.0.1:8000/b/", "http://127.0.0.1:8000/b/"),
        ("none", None),
        ("  ", None),
    ],
)
def test_source_spellings(tmp_path, spelling, source):
    assert DefaultDataManager(str(tmp_path), spelling).source == source


@pytest.mark.parametrize("bad", ["ftp://host/x", "gs://b/prefix", "s3://", "file:///tmp"])
def test_bad_source_spellings(tmp_path, bad):
    with pytest.raises(ValueError, match="storage source"):
        DefaultDataManager(str(tmp_path), bad)


def test_minimal_subclass_still_works(tmp_path):
    """The documented hook: a subclass that skips super().__init__ and only implements the essentials."""

    class Local(DataManager):
        def __init__(self, data_dir):
            self.data_dir = data_dir

        def get_file(self, filename):
            return os.path.join(self.data_dir, filename)

        def upload_file(self, filepath, filename, metadata=None):
            raise RuntimeError("offline")

    (tmp_path / "a.2bit").write_bytes(b"")
    (tmp_path / "b.cfg").write_text("refg=a\n")
    (tmp_path / ".a.2bit.lock").write_bytes(b"")
    m = Local(str(tmp_path))
    assert m.list_files() == ["a.2bit", "b.cfg"]
    assert m.list_available_genomes() == ["a", "b"]


def test_import_does_not_create_data_dir(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    for target in (tmp_path / "not" / "yet", blocker / "cannot_exist"):
        r = subprocess.run(
            [sys.executable, "-c", "import genome_kit as gk; print(gk.gk_data.data_dir)"],
            env=default_manager_env(GENOMEKIT_DATA_DIR=str(target)),
            capture_output=True, text=True, timeout=60, cwd=CHILD_CWD,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == str(target)
        assert not target.exists()


# --------------------------------------------------------------------------- downloads


def test_download_verified_and_cached(gcs, tmp_path):
    data = payload(300_000, 1)
    gcs.put("dl.bin", data)
    d = tmp_path / "cache"  # does not exist yet: created by the first download
    m = DefaultDataManager(str(d), BUCKET)
    path = m.get_file("dl.bin")
    assert path == str(d / "dl.bin")
    with open(path, "rb") as f:
        assert f.read() == data
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o666 & ~_umask())  # not mkstemp's 0600
    assert hidden(d) == [".dl.bin.lock"]  # no temporary file left
    assert m.list_local_files() == ["dl.bin"]
    assert "dl.bin" in m.list_remote_files()


def _umask() -> int:
    u = os.umask(0)
    os.umask(u)
    return u


def test_cache_hit_never_touches_network(gcs, tmp_path, monkeypatch):
    gcs.put("cached.txt", b"remote copy\n")
    DefaultDataManager(str(tmp_path), BUCKET).get_file("cached.txt")
    (tmp_path / "local_only.txt").write_text("mine\n")
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{free_port()}")  # network now down
    m = DefaultDataManager(str(tmp_path), BUCKET, retry_timeout=0.1)
    t = time.perf_counter()
    assert m.get_file("cached.txt") == str(tmp_path / "cached.txt")
    assert m.get_file("local_only.txt") == str(tmp_path / "local_only.txt")
    assert time.perf_counter() - t < 0.5
    with pytest.raises(GKDataNetworkError):  # proves the network really is unreachable
        m.get_file("not_cached.txt")


def test_local_file_wins_over_bucket(gcs, tmp_path):
    gcs.put("both.txt", b"bucket version\n")
    (tmp_path / "both.txt").write_text("local version\n")
    path = DefaultDataManager(str(tmp_path), BUCKET).get_file("both.txt")
    with open(path) as f:
        assert f.read() == "local version\n"


def test_missing_object(gcs, tmp_path):
    m = DefaultDataManager(str(tmp_path / "dd"), BUCKET)
    with pytest.raises(GKDataFileNotFoundError) as e:
        m.get_file("absent.2bit")
    msg = str(e.value)
    assert "absent.2bit" in msg and str(tmp_path / "dd") in msg and f"gs://{BUCKET}" in msg
    assert not (tmp_path / "dd").exists()
    with pytest.raises(GKDataFileNotFoundError):  # and again (remembered, same error)
        m.get_file("absent.2bit")


def test_missing_bucket_is_a_configuration_error(gcs, tmp_path):
    m = DefaultDataManager(str(tmp_path), "no-such-bucket")
    with pytest.raises(GKDataNetworkError, match="no-such-bucket.*does not exist.*GENOMEKIT_STORAGE_BUCKET"):
        m.get_file("x.2bit")


def test_network_failure_is_distinct_and_says_what_to_check(gcs, tmp_path, dead_host):
    m = DefaultDataManager(str(tmp_path), BUCKET, retry_timeout=0.2)
    t = time.perf_counter()
    with pytest.raises(GKDataNetworkError) as e:
        m.get_file("anything.2bit")
    assert time.perf_counter() - t < 10
    assert not isinstance(e.value, FileNotFoundError)
    msg = str(e.value)
    assert "anything.2bit" in msg and "network" in msg and "GENOMEKIT_STORAGE_BUCKET" in msg
    assert str(tmp_path) in msg  # how to work offline


def test_corrupted_download_detected_by_checksum(gcs, tmp_path):
    data = payload(100_000, 2)
    gcs.put("corrupt.bin", data)
    stored = gcs.stored_path("corrupt.bin")
    with open(stored, "rb") as f:
        assert f.read() == data
    damaged = bytearray(data)
    damaged[50_000] ^= 0xFF
    with open(stored, "wb") as f:  # same size, one byte flipped: only a checksum can tell
        f.write(damaged)
    m = DefaultDataManager(str(tmp_path), BUCKET)
    with pytest.raises(GKDataIntegrityError, match="corrupt.bin is corrupt: (md5|crc32c)"):
        m.get_file("corrupt.bin")
    assert not (tmp_path / "corrupt.bin").exists()
    assert hidden(tmp_path) == [".corrupt.bin.lock"]  # the temporary file was removed
    with open(stored, "wb") as f:
        f.write(data)
    with open(m.get_file("corrupt.bin"), "rb") as f:
        assert f.read() == data


def test_truncated_download_detected(gcs, tmp_path):
    data = payload(10_000, 3)
    gcs.put("short.bin", data)
    with open(gcs.stored_path("short.bin"), "wb") as f:
        f.write(data[:-1])
    with pytest.raises(GKDataIntegrityError, match="short.bin is corrupt"):
        DefaultDataManager(str(tmp_path), BUCKET).get_file("short.bin")
    assert not (tmp_path / "short.bin").exists()


def test_server_dying_midway_fails_fast(gcs, tmp_path, monkeypatch):
    """The storage server dies during a download: the retry finds nobody listening and gives up at
    once (a refused connection is not retried), instead of retrying for retry_timeout."""
    import genome_kit.data_manager as dm

    emulator = start_emulator(str(tmp_path / "dying"))  # its own server: this one gets killed
    try:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.host)
        emulator.put("dying.bin", payload(32 << 20, 9))  # more than loopback socket buffers hold
        m = DefaultDataManager(str(tmp_path / "dd"), BUCKET, retry_timeout=60)
        started, outcome = threading.Event(), {}
        write = dm._HashingWriter.write

        def slow_write(self, data):
            started.set()
            time.sleep(0.001)
            return write(self, data)

        monkeypatch.setattr(dm._HashingWriter, "write", slow_write)

        def fetch():
            try:
                m.get_file("dying.bin")
            except Exception as e:
                outcome["error"] = e
            outcome["done"] = time.perf_counter()

        thread = threading.Thread(target=fetch)
        thread.start()
        assert started.wait(60)
        emulator.proc.kill()
        emulator.proc.wait()
        killed = time.perf_counter()
        thread.join(90)
        assert isinstance(outcome.get("error"), GKDataUnreachableError), outcome
        assert outcome["done"] - killed < 5
        assert not (tmp_path / "dd" / "dying.bin").exists()
    finally:
        stop_emulator(emulator)


# A download slowed down at each chunk, so other processes overlap it (or it can be killed midway).
SLOW_CHILD = """
import logging, os, sys, time
import genome_kit.data_manager as dm
logging.basicConfig(level=logging.DEBUG, format="%(process)d %(message)s", stream=sys.stderr)
write = dm._HashingWriter.write
def slow_write(self, data):
    time.sleep(float(os.environ["CHUNK_DELAY"]))
    return write(self, data)
dm._HashingWriter.write = slow_write
data_dir, bucket, name, go = sys.argv[1:5]
while not os.path.exists(go):
    time.sleep(0.005)
print(dm.DefaultDataManager(data_dir, bucket).get_file(name))
"""


def spawn(args, delay: float) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=PKG_ROOT, CHUNK_DELAY=str(delay))
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_CHILD, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=CHILD_CWD,
        text=True,
    )  # fmt: skip


def test_concurrent_fetch_from_several_processes(gcs, tmp_path):
    data = payload(400_000, 4)
    gcs.put("shared.bin", data)
    d = str(tmp_path / "dd")
    go = str(tmp_path / "go")
    procs = [spawn([d, BUCKET, "shared.bin", go], 0.01) for _ in range(4)]  # a ~0.5 s download
    time.sleep(0.3)  # let them import, then release them together
    open(go, "w").close()
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == os.path.join(d, "shared.bin")
    logs = "".join(err for _, err in outs)
    assert logs.count("shared.bin: downloading") == 1, logs
    # The others waited for the lock and then used the file (a child slowed down by the machine's
    # load may instead arrive after the download and find it locally: also fine, never a 2nd download).
    waited = logs.count("fetched concurrently by another process")
    assert waited >= 1 and waited + logs.count("shared.bin: local file") == 3, logs
    with open(os.path.join(d, "shared.bin"), "rb") as f:
        assert f.read() == data
    assert hidden(d) == [".shared.bin.lock"]


def test_concurrent_fetch_from_threads(gcs, tmp_path, caplog):
    data = payload(200_000, 5)
    gcs.put("threads.bin", data)
    m = DefaultDataManager(str(tmp_path), BUCKET)
    results, errors = [], []

    def fetch():
        try:
            results.append(m.get_file("threads.bin"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    with caplog.at_level(logging.INFO, logger="genome_kit.data"):
        threads = [threading.Thread(target=fetch) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert results == [str(tmp_path / "threads.bin")] * 6
    assert sum("threads.bin: downloading" in r.getMessage() for r in caplog.records) == 1
    with open(results[0], "rb") as f:
        assert f.read() == data


def test_partial_download_of_killed_process_is_never_used(gcs, tmp_path):
    data = payload(300_000, 6)
    gcs.put("killed.bin", data)
    d = tmp_path / "dd"
    go = tmp_path / "go"
    go.touch()
    p = spawn([str(d), BUCKET, "killed.bin", str(go)], 0.05)
    deadline = time.monotonic() + 60
    part = None
    while part is None:
        assert p.poll() is None and time.monotonic() < deadline, "child finished before it could be killed"
        if d.is_dir():
            parts = [n for n in os.listdir(d) if n.endswith(".part") and (d / n).stat().st_size > 0]
            part = parts[0] if parts else None
        time.sleep(0.01)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    assert (d / part).is_file() and (d / part).stat().st_size < len(data)
    assert not (d / "killed.bin").exists()
    m = DefaultDataManager(str(d), BUCKET)
    assert m.list_local_files() == []  # a partial download is not a data file
    with open(m.get_file("killed.bin"), "rb") as f:  # its lock died with it; we fetch afresh
        assert f.read() == data
    assert hidden(d) == [".killed.bin.lock"]  # and the stale part was cleaned up


def test_unwritable_data_dir_gives_clear_error(gcs, tmp_path):
    gcs.put("needs_dir.txt", b"x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    m = DefaultDataManager(str(blocker / "data"), BUCKET)
    with pytest.raises(GKDataDirError) as e:
        m.get_file("needs_dir.txt")
    msg = str(e.value)
    assert "needs_dir.txt" in msg and str(blocker / "data") in msg and "GENOMEKIT_DATA_DIR" in msg
    # A file missing from the bucket is still reported as missing (callers fall back on that).
    with pytest.raises(GKDataFileNotFoundError):
        m.get_file("not_there.txt")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_data_dir_gives_clear_error(gcs, tmp_path):
    gcs.put("ro.txt", b"x")
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    try:
        with pytest.raises(GKDataDirError, match="ro.txt.*GENOMEKIT_DATA_DIR"):
            DefaultDataManager(str(d), BUCKET).get_file("ro.txt")
    finally:
        d.chmod(0o755)


def test_manager_pickles_for_worker_processes(gcs, tmp_path):
    gcs.put("pickled.txt", b"p\n")
    m = DefaultDataManager(str(tmp_path), BUCKET, timeout=7.0)
    m.list_remote_files()  # has a live client now
    m2 = pickle.loads(pickle.dumps(m))
    assert (m2.data_dir, m2.bucket_name, m2.timeout) == (str(tmp_path), BUCKET, 7.0)
    assert m2.get_file("pickled.txt") == str(tmp_path / "pickled.txt")


# --------------------------------------------------------------------------- upload


def test_upload_then_download_elsewhere(gcs, tmp_path):
    src = tmp_path / "asm.chrom.sizes"
    src.write_text("chr1\t100\n")
    m = DefaultDataManager(str(tmp_path / "a"), BUCKET)
    url = m.upload_file(str(src), "up.chrom.sizes", {"source": "unit test"})
    assert url == f"gs://{BUCKET}/up.chrom.sizes"
    blob = gcs.bucket.get_blob("up.chrom.sizes")
    assert blob.metadata == {"source": "unit test", "sha256": hashlib.sha256(src.read_bytes()).hexdigest()}
    assert blob.md5_hash == base64.b64encode(hashlib.md5(src.read_bytes()).digest()).decode()

    other = DefaultDataManager(str(tmp_path / "b"), BUCKET)
    with open(other.get_file("up.chrom.sizes")) as f:
        assert f.read() == "chr1\t100\n"

    m.upload_file(str(src), "up.chrom.sizes")  # identical: nothing to do, no error
    src.write_text("chr1\t200\n")
    with pytest.raises(ValueError, match="already exists with different content.*overwrite"):
        m.upload_file(str(src), "up.chrom.sizes")
    m.upload_file(str(src), "up.chrom.sizes", overwrite=True)
    fresh = DefaultDataManager(str(tmp_path / "c"), BUCKET)
    with open(fresh.get_file("up.chrom.sizes")) as f:
        assert f.read() == "chr1\t200\n"


def test_upload_clears_remembered_miss(gcs, tmp_path):
    m = DefaultDataManager(str(tmp_path / "dd"), BUCKET)
    with pytest.raises(GKDataFileNotFoundError):
        m.get_file("later.txt")
    src = tmp_path / "later.txt"
    src.write_text("now\n")
    m.upload_file(str(src), "later.txt")
    assert m.get_file("later.txt") == str(tmp_path / "dd" / "later.txt")


def test_upload_rejects_bad_input(gcs, tmp_path):
    m = DefaultDataManager(str(tmp_path), BUCKET)
    with pytest.raises(ValueError, match="invalid data file name"):
        m.upload_file(__file__, "../escape.txt")
    with pytest.raises(FileNotFoundError):
        m.upload_file(str(tmp_path / "nope"), "nope.txt")
    with pytest.raises(ValueError, match="no storage bucket"):
        DefaultDataManager(str(tmp_path), "").upload_file(__file__, "x.py")


# --------------------------------------------------------------------------- Genome resolution


def test_genome_resolves_through_manager(gcs, tmp_path, monkeypatch):
    """An assembly and an annotation config served only by the bucket."""
    stage = tmp_path / "stage"
    stage.mkdir()
    fasta = stage / "emu.fa"
    fasta.write_text(">chrA\nACGTACGTNNNNacgt\n>chrB\nGGGGCCCC\n")
    gk.build_assembly(str(fasta), str(stage / "emuasm"))
    (stage / "emuanno.cfg").write_text("refg=emuasm\n")
    uploader = DefaultDataManager(str(tmp_path / "unused"), BUCKET)
    for name in ("emuasm.2bit", "emuasm.chrom.sizes", "emuanno.cfg"):
        uploader.upload_file(str(stage / name), name)

    cache = tmp_path / "cache"
    monkeypatch.setattr(gk_data, "data_manager", DefaultDataManager(str(cache), BUCKET))
    genome = gk.Genome("emuanno")
    assert genome.refg == "emuasm"
    assert genome.chromosomes == ["chrA", "chrB"]
    assert genome.dna(genome.interval("chrA", "+", 4, 12)) == "ACGTNNNN"
    assert genome.data_dir == str(cache)
    assert sorted(os.listdir(cache)) == sorted(
        [".emuanno.cfg.lock", ".emuasm.2bit.lock", ".emuasm.chrom.sizes.lock",
         ".emuasm.chromAlias.txt.missing",  # the remote miss, remembered
         "emuanno.cfg", "emuasm.2bit", "emuasm.chrom.sizes"]
    )  # fmt: skip
    assert gk_data.list_available_genomes() == ["emuanno", "emuasm"]


def test_genome_network_error_surfaces_instead_of_not_found(gcs, tmp_path, monkeypatch, dead_host):
    monkeypatch.setattr(gk_data, "data_manager", DefaultDataManager(str(tmp_path), BUCKET, retry_timeout=0.2))
    with pytest.raises(GKDataNetworkError), pytest.warns(RuntimeWarning, match="unavailable"):
        gk.Genome("netdown_genome")


def test_genome_unknown_everywhere(gcs, tmp_path, monkeypatch):
    monkeypatch.setattr(gk_data, "data_manager", DefaultDataManager(str(tmp_path), BUCKET))
    with pytest.raises(RuntimeError, match="unknown genome 'nowhere_genome'"):
        gk.Genome("nowhere_genome")


# --------------------------------------------------------------------------- CLI, logging, progress


def test_cli_commands(gcs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(gk_data, "data_manager", DefaultDataManager(str(tmp_path / "dd"), BUCKET))
    src = tmp_path / "cli.2bit"
    src.write_bytes(b"not really 2bit")

    assert cli_main(["data", "upload", str(src), "--meta", "origin=cli"]) == 0
    assert capsys.readouterr().out.strip() == f"gs://{BUCKET}/cli.2bit"
    assert gcs.bucket.get_blob("cli.2bit").metadata["origin"] == "cli"

    assert cli_main(["data", "path", "cli.2bit"]) == 1  # not downloaded yet
    out, err = capsys.readouterr()
    assert out.strip() == str(tmp_path / "dd" / "cli.2bit") and "data get cli.2bit" in err

    assert cli_main(["data", "get", "cli.2bit"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "dd" / "cli.2bit")
    assert cli_main(["data", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "dd")

    assert cli_main(["data", "ls", "--local"]) == 0
    assert capsys.readouterr().out.split() == ["cli.2bit"]
    assert cli_main(["data", "ls", "--remote", "cli*"]) == 0
    assert capsys.readouterr().out.split() == ["cli.2bit"]
    assert cli_main(["data", "ls", "--genomes", "cli"]) == 0
    assert capsys.readouterr().out.split() == ["cli"]

    assert cli_main(["data", "get", "missing.2bit"]) == 1
    assert "missing.2bit" in capsys.readouterr().err
    assert cli_main(["data", "upload", str(src), "--meta", "novalue"]) == 1
    assert "KEY=VALUE" in capsys.readouterr().err


def test_cli_subprocess_info(gcs, tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "genome_kit", "data", "info"],
        env=default_manager_env(GENOMEKIT_DATA_DIR=str(tmp_path), GENOMEKIT_STORAGE_BUCKET=BUCKET),
        cwd=CHILD_CWD,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert f"data dir:  {tmp_path}" in r.stdout and f"bucket:    gs://{BUCKET}" in r.stdout


GET_CHILD = "import genome_kit as gk, sys; print(gk.gk_data.get_file(sys.argv[1]))"


def run_get(
    tmp_path, name: str, stderr=subprocess.PIPE, check: bool = False, **env_extra
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", GET_CHILD, name],
        env=default_manager_env(
            GENOMEKIT_DATA_DIR=str(tmp_path), GENOMEKIT_STORAGE_BUCKET=BUCKET, **env_extra
        ),
        stdout=subprocess.PIPE,
        stderr=stderr,
        timeout=60,
        cwd=CHILD_CWD,
        check=check,
    )


def test_trace_and_quiet_logging(gcs, tmp_path):
    gcs.put("logged.txt", b"log me\n")
    r = run_get(tmp_path / "t", "logged.txt", GENOMEKIT_TRACE="1")
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    assert "logged.txt: not in" in err and "downloading" in err and "verified md5, crc32c" in err
    r = run_get(tmp_path / "t", "logged.txt", GENOMEKIT_TRACE="1")
    assert "logged.txt: local file" in r.stderr.decode()
    r = run_get(tmp_path / "q", "logged.txt", GENOMEKIT_QUIET="1")
    assert r.returncode == 0 and r.stderr == b""
    r = run_get(tmp_path / "q", "absent_logged.txt", GENOMEKIT_QUIET="1")
    assert r.returncode == 1 and b"GKDataFileNotFoundError" in r.stderr  # errors are never silenced


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal(gcs, tmp_path):
    pytest.importorskip("tqdm")
    from genome_kit.data_manager import PROGRESS_MIN_BYTES

    gcs.put("big.bin", payload(PROGRESS_MIN_BYTES + 1, 7))
    r = run_get(tmp_path / "pipe", "big.bin")
    assert r.returncode == 0 and r.stderr == b""  # not a terminal: no bar

    def on_tty(directory, **env) -> str:  # a 0x0 terminal, like some CI ones: the bar must still draw
        return stderr_on_terminal(lambda fd: run_get(directory, "big.bin", stderr=fd, check=True, **env))

    bar = on_tty(tmp_path / "tty")
    assert "big.bin:" in bar and "%|" in bar
    assert on_tty(tmp_path / "tty3", GENOMEKIT_QUIET="1") == ""


def test_credentials_selection(tmp_path, monkeypatch):
    """Anonymous unless credentials are configured or required; broken credentials are an access error."""
    from google.auth.credentials import AnonymousCredentials

    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
    monkeypatch.delenv("GENOMEKIT_STORAGE_AUTH", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no_gcloud"))
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    anonymous = DefaultDataManager(str(tmp_path), "public-bucket")
    assert isinstance(anonymous._store()._client()._credentials, AnonymousCredentials)

    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing-key.json"))
    configured = DefaultDataManager(str(tmp_path), "private-bucket")
    with pytest.raises(
        GKDataNetworkError, match="private-bucket.*access was denied.*GOOGLE_APPLICATION_CREDENTIALS"
    ):
        configured.get_file("x.2bit")
    monkeypatch.setenv("GENOMEKIT_STORAGE_AUTH", "0")  # forced anonymous despite the key file
    assert isinstance(
        DefaultDataManager(str(tmp_path), "b")._store()._client()._credentials, AnonymousCredentials
    )
    forced = DefaultDataManager(str(tmp_path), "b", require_auth=True)
    with pytest.raises(GKDataNetworkError, match="access was denied"):
        forced.get_file("x.2bit")


def test_readers_resolve_bare_names_through_the_manager(tiny, data_dir, tmp_path, monkeypatch):
    """GenomeTrack and VCFTable take a path, or a bare data-file name served by the data manager."""
    import numpy as np

    builder = gk.GenomeTrackBuilder(os.path.join(data_dir, "dm_track.gtrack"), "u8", "single_stranded", tiny)
    builder.set_data(gk.Interval("chr1", "+", 0, 4, "tiny"), np.arange(4, dtype=np.uint8))
    builder.finalize()
    vcf = tmp_path / "dm.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr2\t1\t.\tA\tC\t.\t.\t.\n"
    )
    gk.VCFTable.build_vcfbin(os.path.join(data_dir, "dm.vcfbin"), str(vcf), tiny)
    monkeypatch.chdir(tmp_path)  # not the data directory: names must come from the manager
    track = gk.GenomeTrack("dm_track.gtrack")
    assert track(gk.Interval("chr1", "+", 0, 4, "tiny")).ravel().tolist() == [0, 1, 2, 3]
    assert len(gk.VCFTable("dm.vcfbin")) == 1
    with pytest.raises(gk.GKDataFileNotFoundError):
        gk.VCFTable("absent.vcfbin")
    with pytest.raises(OSError):
        gk.GenomeTrack(str(tmp_path / "absent.gtrack"))  # a path is used as given
