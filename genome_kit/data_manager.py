"""Where genome_kit finds its data files.

Every data file the package opens (assemblies, annotations, tracks, VCF
tables) is resolved by name through ``genome_kit.gk_data.data_manager``, an
instance of a :class:`DataManager` subclass. Replace it to serve files from
anywhere::

    import genome_kit as gk
    gk.gk_data.data_manager = MyDataManager("/my/data")

or publish it as a plugin (entry point group ``genomekit.plugins.data_manager``),
see ``docs/data.md``.

:class:`DefaultDataManager` looks in a local directory first and, on a miss,
downloads the file once into that directory from a remote source: GenomeKit's
public bucket by default (anonymous HTTPS, :mod:`genome_kit._remote_http`), or
a bucket of your own (``gs://`` through :mod:`genome_kit._remote_gcs`,
``s3://``, ``https://``). Every download lands in a hidden file, is verified
against the size and checksums the server records, and is renamed into place
under an inter-process lock. Remote misses are remembered (with an expiry) and
an unreachable source is not asked again for a while, so cached files open
offline without waiting for the network.
"""

from __future__ import annotations

import abc
import base64
import contextlib
import hashlib
import logging
import os
import sys
import threading
import time

try:  # POSIX advisory locks; elsewhere only threads of one process are serialised
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DataManager",
    "DefaultDataManager",
    "GKDataDirError",
    "GKDataFileNotFoundError",
    "GKDataIntegrityError",
    "GKDataNetworkError",
    "GKDataUnreachableError",
    "PUBLIC_SOURCE",
    "check_filename",
    "resolve_source",
]

log = logging.getLogger("genome_kit.data")

#: Downloads at least this large show a progress bar (when stderr is a terminal).
PROGRESS_MIN_BYTES = 4 << 20

#: GenomeKit's published data files: an anonymous, publicly readable S3 bucket, read over HTTPS.
PUBLIC_SOURCE = "s3://genomekit-data-public"
#: Seconds a network operation (connect, each read) may take ($GENOMEKIT_STORAGE_TIMEOUT).
DEFAULT_TIMEOUT = 5.0
#: Seconds a remote miss is remembered in the data directory ($GENOMEKIT_MISS_TTL).
DEFAULT_MISS_TTL = 24 * 3600.0
#: Seconds during which a source that could not be reached is not asked again (per process).
UNREACHABLE_PAUSE = 60.0


def env_flag(name: str) -> bool:
    """Whether environment variable ``name`` is set to something other than ``""``/``0``/``false``/``no``."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def configure_logging() -> None:
    """Applies ``GENOMEKIT_TRACE`` (debug log of every file resolution, to stderr unless the
    application configured logging) and ``GENOMEKIT_QUIET`` (no log output at all)."""
    if env_flag("GENOMEKIT_TRACE"):
        log.setLevel(logging.DEBUG)
        if not log.handlers and not logging.getLogger().handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("genome_kit: %(message)s"))
            log.addHandler(handler)
    elif env_flag("GENOMEKIT_QUIET"):
        log.setLevel(logging.CRITICAL + 1)


# --------------------------------------------------------------------------- errors


class GKDataFileNotFoundError(FileNotFoundError):
    """A data file is in none of the places the data manager looks.

    This is the only error meaning "missing": callers that can do without a
    file (optional chromosome aliases, config resolution) catch exactly this.
    """

    def __init__(self, filename: str, message: str | None = None):
        self.filename = filename
        super().__init__(message or f"data file not found: {filename}")

    def __str__(self) -> str:
        return self.args[0]


class GKDataNetworkError(ConnectionError):
    """A file could not be fetched from (or sent to) remote storage: network down,
    access denied, bucket misconfigured. Never means "the file does not exist"."""


class GKDataUnreachableError(GKDataNetworkError):
    """The remote source could not be contacted at all (no network, DNS failure, refused or
    timed-out connection, server gone mid-transfer). Optional files treat this as "absent"."""


class GKDataIntegrityError(OSError):
    """A download did not match the checksum recorded by the storage server."""


class GKDataDirError(OSError):
    """The data directory cannot be created or written to."""


def check_filename(filename: str) -> str:
    """Rejects names that could escape the data directory or collide with the
    manager's hidden work files (temporary downloads, locks)."""
    if (
        not isinstance(filename, str)
        or not filename
        or os.path.isabs(filename)
        or "/" in filename
        or "\\" in filename
        or filename.startswith(".")
        or "\0" in filename
    ):
        raise ValueError(
            f"invalid data file name {filename!r}: expected a plain file name "
            "(no directory separators, no '..', not starting with '.')"
        )
    return filename


# --------------------------------------------------------------------------- base class


class DataManager(abc.ABC):
    """Resolves data file names to local paths.

    Subclasses implement :meth:`get_file` and :meth:`upload_file`; the listing
    methods have local-directory defaults. Subclasses may skip calling
    ``__init__`` as long as they set ``data_dir``.
    """

    def __init__(self, data_dir: str):
        self.data_dir = os.path.expanduser(os.fspath(data_dir))

    @abc.abstractmethod
    def get_file(self, filename: str) -> str:
        """Local path of ``filename``, fetching it first if needed.

        Raises :class:`GKDataFileNotFoundError` when the file exists nowhere."""

    @abc.abstractmethod
    def upload_file(self, filepath: str, filename: str, metadata: dict[str, str] | None = None) -> str | None:
        """Publishes a local file under ``filename``."""

    def list_files(self) -> list[str]:
        """Names of the data files this manager can provide."""
        return _list_local(self.data_dir)

    def list_available_genomes(self) -> list[str]:
        """Assembly and annotation configs (names of ``*.2bit`` and ``*.cfg`` files)."""
        names = {n.rsplit(".", 1)[0] for n in self.list_files() if n.endswith((".2bit", ".cfg"))}
        return sorted(names)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({getattr(self, 'data_dir', None)!r})"


def _list_local(directory: str) -> list[str]:
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    # Hidden names are the manager's temporary downloads and lock files.
    return sorted(n for n in names if not n.startswith(".") and os.path.isfile(os.path.join(directory, n)))


# --------------------------------------------------------------------------- helpers


class _HashingWriter:
    """File-like sink that hashes and counts what is written, and drives a progress bar.

    If the writer is rewound (a retried download), hashing falls back to
    re-reading the finished file."""

    def __init__(self, f, algorithms, progress=None):
        self._f = f
        self.hashers = {name: make() for name, make in algorithms.items()}
        self.nbytes = 0
        self.rewound = False
        self._progress = progress

    def write(self, data) -> int:
        n = self._f.write(data)
        if not self.rewound:
            for h in self.hashers.values():
                h.update(data)
        self.nbytes += len(data)
        if self._progress is not None:
            self._progress.update(len(data))
        return n

    def seek(self, offset, whence=0):
        self.rewound = True
        return self._f.seek(offset, whence)

    def truncate(self, size=None):
        self.rewound = True
        return self._f.truncate(size)

    def tell(self):
        return self._f.tell()

    def flush(self):
        self._f.flush()


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def file_digests(path: str) -> dict[str, str]:
    """``{"md5": base64, "sha256": hex}`` of a file (the forms GCS and our metadata use)."""
    md5, sha = hashlib.md5(), hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            md5.update(block)
            sha.update(block)
    return {"md5": _b64(md5.digest()), "sha256": sha.hexdigest()}


def _progress_bar(filename: str, size: int | None, initial: int = 0):
    if (size or 0) < PROGRESS_MIN_BYTES or env_flag("GENOMEKIT_QUIET") or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is a dependency, but a progress bar is never worth failing for
        return None
    try:
        columns, rows = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError):
        columns, rows = 0, 0
    return tqdm(
        total=size,
        initial=initial,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=filename,
        leave=False,
        file=sys.stderr,
        # tqdm draws nothing when it cannot tell the terminal's size; give it one
        ncols=columns if columns >= 40 else 80,
        nrows=rows if rows > 0 else 24,
    )


def fsync_dir(directory: str) -> None:
    """Makes a rename inside ``directory`` durable (best effort)."""
    with contextlib.suppress(OSError):
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a number of seconds") from None
    if not value >= 0:
        raise ValueError(f"{name}={raw!r}: expected a number of seconds >= 0")
    return value


def resolve_source(source: str | None) -> str | None:
    """Canonical URL of a remote source, or None for "local only".

    ``None`` takes ``$GENOMEKIT_STORAGE_BUCKET`` when it is set, else :data:`PUBLIC_SOURCE`.
    ``""``, ``"none"`` or ``"local"``: local only. ``"name"`` or ``"gs://name"``: a Google
    Cloud Storage bucket. ``"s3://name[/prefix]"``: an S3 bucket read anonymously over HTTPS.
    ``"http(s)://host/path"``: objects at ``<URL>/<file name>`` (any static server or
    S3-compatible store).
    """
    if source is None:
        source = os.environ.get("GENOMEKIT_STORAGE_BUCKET", PUBLIC_SOURCE)
    source = source.strip()
    if source.lower() in ("", "none", "local"):
        return None
    scheme, sep, rest = source.partition("://")
    if not sep:
        scheme, rest = "gs", source
    scheme = scheme.lower()
    if scheme in ("http", "https"):
        return f"{scheme}://{rest.rstrip('/')}/"
    bucket, _, prefix = rest.strip("/").partition("/")
    if scheme not in ("gs", "s3") or not bucket:
        raise ValueError(
            f"storage source {source!r}: expected gs://BUCKET, s3://BUCKET[/PREFIX], https://HOST/PATH, "
            "a bare GCS bucket name, or '' for local files only"
        )
    if scheme == "gs" and prefix:
        raise ValueError(f"storage source {source!r}: gs:// sources are whole buckets (no /PREFIX)")
    return f"{scheme}://{bucket}" + (f"/{prefix.strip('/')}" if prefix else "")


# --------------------------------------------------------------------------- default manager


class DefaultDataManager(DataManager):
    """Local data directory first, then (optionally) a remote source.

    Parameters
    ----------
    data_dir
        Local directory holding (and caching) data files. Created when the
        first download needs it, never before.
    bucket_name
        Where to download missing files from: ``"gs://name"`` (or a bare
        ``"name"``) for a Google Cloud Storage bucket, ``"s3://name[/prefix]"``
        for an anonymous S3 bucket, ``"https://host/path"`` for any HTTPS
        server laid out like a bucket. ``None`` takes
        ``$GENOMEKIT_STORAGE_BUCKET``, and when that is unset GenomeKit's public
        bucket (:data:`PUBLIC_SOURCE`). ``""`` (or ``GENOMEKIT_STORAGE_BUCKET=``)
        means local files only.
    require_auth
        GCS only. ``True``: always use Google credentials (application default
        credentials). ``False``: always anonymous (public buckets).
        ``None`` (default): ``$GENOMEKIT_STORAGE_AUTH`` (``1``/``0``) if set, else
        credentials when a key file (``$GOOGLE_APPLICATION_CREDENTIALS``) or a gcloud
        application-default login exists, else anonymous.
        Under ``$STORAGE_EMULATOR_HOST`` the client talks to the emulator anonymously.
    timeout
        Seconds a network operation (connecting, each read) may take before it
        fails; default ``$GENOMEKIT_STORAGE_TIMEOUT`` or 5. An unreachable host
        fails within this time, and is then not asked again for a minute.
    retry_timeout
        Seconds during which transient failures (server errors, a transfer cut
        midway) are retried, resuming where the transfer stopped; default three
        times ``timeout``. A host that refuses connections is never retried.
    miss_ttl
        Seconds a remote "no such file" is remembered (in a hidden
        ``.<name>.missing`` file of the data directory, and in memory); default
        ``$GENOMEKIT_MISS_TTL`` or one day; 0 disables it.

    Notes
    -----
    A file present locally is returned without touching the network (no
    freshness check: delete the local copy to fetch it again). Set
    ``$GENOMEKIT_GCS_BILLING_PROJECT`` for requester-pays GCS buckets.
    """

    def __init__(
        self,
        data_dir: str,
        bucket_name: str | None = None,
        *,
        require_auth: bool | None = None,
        timeout: float | None = None,
        retry_timeout: float | None = None,
        miss_ttl: float | None = None,
    ):
        super().__init__(data_dir)
        self.source: str | None = resolve_source(bucket_name)
        self.require_auth = require_auth
        self.timeout = (
            float(timeout)
            if timeout is not None
            else _env_seconds("GENOMEKIT_STORAGE_TIMEOUT", DEFAULT_TIMEOUT)
        )
        if not self.timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {self.timeout!r}")
        self.retry_timeout = float(retry_timeout) if retry_timeout is not None else 3 * self.timeout
        self.miss_ttl = (
            float(miss_ttl) if miss_ttl is not None else _env_seconds("GENOMEKIT_MISS_TTL", DEFAULT_MISS_TTL)
        )
        self._init_state()

    def _init_state(self) -> None:
        self._store_obj: object = None
        self._store_pid: int | None = None
        self._missing: dict[str, float] = {}  # name -> time.time() of the remote miss
        self._down_until = 0.0  # time.monotonic() before which the source is not asked again
        self._down_error: GKDataUnreachableError | None = None
        self._guard = threading.Lock()
        self._name_locks: dict[str, threading.Lock] = {}

    # Pickles by configuration (multiprocessing workers rebuild their own client).
    _TRANSIENT = (
        "_store_obj", "_store_pid", "_missing", "_down_until", "_down_error", "_guard", "_name_locks"
    )  # fmt: skip

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_state()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.data_dir!r}, bucket_name={self.source or ''!r})"

    @property
    def bucket_name(self) -> str | None:
        """The bucket of a ``gs://`` or ``s3://`` source (None for https:// or local only)."""
        if self.source and self.source.startswith(("gs://", "s3://")):
            return self.source[5:].partition("/")[0]
        return None

    @property
    def bucket_url(self) -> str | None:
        """The remote source (``gs://...``, ``s3://...``, ``https://...``), or None."""
        return self.source

    # ------------------------------------------------------------------ resolution

    def get_file(self, filename: str) -> str:
        check_filename(filename)
        path = os.path.join(self.data_dir, filename)
        if os.path.isfile(path):
            log.debug("%s: local file %s", filename, path)
            return path
        if not self.source:
            log.debug("%s: not in %s and no remote source configured", filename, self.data_dir)
            raise GKDataFileNotFoundError(
                filename,
                f"data file {filename!r} not found in {self.data_dir} (this data manager is local only: "
                "bucket_name='' or GENOMEKIT_STORAGE_BUCKET set but empty; unset GENOMEKIT_STORAGE_BUCKET to "
                "use GenomeKit's public data, or set GENOMEKIT_DATA_DIR to look in another directory)",
            )
        if self._remembered_missing(filename):
            log.debug("%s: remembered as absent from %s", filename, self.source)
            raise self._not_found(filename, remembered=True)
        obj = self._remote("look up", filename, lambda store: store.stat(filename))
        if obj is None:
            self._remember_missing(filename)
            log.debug("%s: not in %s nor in %s", filename, self.data_dir, self.source)
            raise self._not_found(filename)
        self._ensure_data_dir(filename)
        with self._locked(filename):
            if os.path.isfile(path):  # another process or thread fetched it while we waited
                log.debug("%s: fetched concurrently by another process: %s", filename, path)
                return path
            self._remove_stale_parts(filename)
            try:
                tmp = self._remote("download", filename, lambda s: s.fetch(obj, filename, self.data_dir))
            except OSError as e:
                if isinstance(e, (GKDataNetworkError, GKDataIntegrityError, GKDataDirError)):
                    raise
                raise self._dir_error(filename, e) from e
            self._install(tmp, path)
        log.info("%s: saved %s", filename, path)
        return path

    def _not_found(self, filename: str, remembered: bool = False) -> GKDataFileNotFoundError:
        note = ""
        if remembered:
            note = (
                f" (remembered from an earlier look-up for up to {self.miss_ttl:.0f} s; delete "
                f"{self._miss_marker(filename)} to ask again)"
            )
        return GKDataFileNotFoundError(
            filename, f"data file {filename!r} not found in {self.data_dir} nor in {self.source}{note}"
        )

    def _install(self, tmp: str, path: str) -> None:
        """Gives a verified download its real name, with ordinary permissions, durably."""
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # temporary files are 0600; cached files are shared like any file
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        fsync_dir(self.data_dir)

    def _ensure_data_dir(self, filename: str) -> None:
        try:
            os.makedirs(self.data_dir, exist_ok=True)
        except OSError as e:
            raise self._dir_error(filename, e) from e

    def _dir_error(self, filename: str, e: OSError) -> GKDataDirError:
        return GKDataDirError(
            e.errno,
            f"cannot download {filename!r} into the data directory {self.data_dir}: {e.strerror or e}. "
            "Make it writable, or set GENOMEKIT_DATA_DIR to a writable directory "
            "(copy the file there yourself to work offline)",
        )

    @contextlib.contextmanager
    def _locked(self, filename: str):
        """Exclusive right to create ``filename``: a thread lock within this process and an
        ``flock`` on a hidden lock file across processes (released by the OS if we die)."""
        with self._guard:
            tlock = self._name_locks.setdefault(filename, threading.Lock())
        with tlock:
            if fcntl is None:  # pragma: no cover - Windows
                yield
                return
            lock_path = os.path.join(self.data_dir, f".{filename}.lock")
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as e:
                raise self._dir_error(filename, e) from e
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    log.info("%s: waiting for another process that is downloading it", filename)
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def _remove_stale_parts(self, filename: str) -> None:
        """Deletes temporary files of interrupted one-shot downloads (safe: we hold the lock).
        Resumable downloads (``.<name>.partial``) are kept for the backend to continue."""
        prefix = f".{filename}."
        for name in os.listdir(self.data_dir):
            if name.startswith(prefix) and name.endswith(".part"):
                log.debug("%s: removing partial download %s", filename, name)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.data_dir, name))

    # ------------------------------------------------------------------ remembered misses

    def _miss_marker(self, filename: str) -> str:
        return os.path.join(self.data_dir, f".{filename}.missing")

    def _remembered_missing(self, filename: str) -> bool:
        if self.miss_ttl <= 0:
            return False
        now = time.time()
        seen = self._missing.get(filename)
        if seen is not None and now - seen < self.miss_ttl:
            return True
        marker = self._miss_marker(filename)
        try:
            if now - os.stat(marker).st_mtime >= self.miss_ttl:
                return False
            with open(marker) as f:
                return f.read().strip() == self.source  # a miss of another source says nothing
        except OSError:
            return False

    def _remember_missing(self, filename: str) -> None:
        if self.miss_ttl <= 0:
            return
        self._missing[filename] = time.time()
        if not os.path.isdir(self.data_dir):
            return  # looking never creates the data directory
        marker = self._miss_marker(filename)
        tmp = f"{marker}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            with open(tmp, "w") as f:
                f.write(f"{self.source}\n")
            os.replace(tmp, marker)
        except OSError:  # a read-only data directory: remembered in this process only
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _forget_missing(self, filename: str) -> None:
        self._missing.pop(filename, None)
        with contextlib.suppress(OSError):
            os.unlink(self._miss_marker(filename))

    # ------------------------------------------------------------------ remote storage

    def _store(self):
        """The backend for :attr:`source` (one per process: a fresh one after fork)."""
        pid = os.getpid()
        with self._guard:
            if self._store_obj is None or self._store_pid != pid:
                if self.source is None:
                    raise ValueError("no storage bucket configured (set GENOMEKIT_STORAGE_BUCKET)")
                from ._remote_gcs import GcsStore
                from ._remote_http import HttpStore

                store_class = GcsStore if self.source.startswith("gs://") else HttpStore
                self._store_obj, self._store_pid = store_class(self), pid
            return self._store_obj

    def _remote(self, action: str, filename: str | None, call):
        """Runs ``call(store)``; after the source was unreachable, fails at once for a while
        (UNREACHABLE_PAUSE) instead of waiting for the network again."""
        if time.monotonic() < self._down_until and self._down_error is not None:
            raise GKDataUnreachableError(
                f"{self._down_error} (not retried for {UNREACHABLE_PAUSE:.0f} s after the first failure)"
            )
        try:
            return call(self._store())
        except GKDataUnreachableError as e:
            self._down_until = time.monotonic() + UNREACHABLE_PAUSE
            self._down_error = e
            raise

    def offline_hint(self) -> str:
        return f"To work offline, put the file in {self.data_dir} yourself"

    # ------------------------------------------------------------------ listing and publishing

    def list_local_files(self) -> list[str]:
        """Data files present in the local directory."""
        return _list_local(self.data_dir)

    def list_remote_files(self) -> list[str]:
        """Data files of the remote source (top level only); empty without one."""
        if not self.source:
            return []
        return self._remote("list", None, lambda store: store.list())

    def list_files(self) -> list[str]:
        """Data files available locally or remotely."""
        return sorted(set(self.list_local_files()) | set(self.list_remote_files()))

    def upload_file(
        self,
        filepath: str,
        filename: str,
        metadata: dict[str, str] | None = None,
        *,
        overwrite: bool | None = None,
    ) -> str:
        """Uploads ``filepath`` to the bucket as ``filename``; returns its URL (GCS only:
        ``s3://`` and ``https://`` sources are read anonymously and cannot be written).

        The object gets custom metadata ``sha256`` (hex digest of the content) plus
        ``metadata``. An identical object (same MD5) is left alone (its metadata is
        updated if it differs); a different one is only replaced with
        ``overwrite=True`` or ``$GK_UPLOAD_ALLOW_OVERWRITE`` set.
        """
        check_filename(filename)
        if not self.source:
            raise ValueError("cannot upload: no storage bucket configured (set GENOMEKIT_STORAGE_BUCKET)")
        if not os.path.isfile(filepath):
            raise FileNotFoundError(f"cannot upload {filepath}: no such file")
        if overwrite is None:
            overwrite = env_flag("GK_UPLOAD_ALLOW_OVERWRITE")
        url = self._store().upload(filepath, filename, metadata, overwrite)
        self._forget_missing(filename)
        return url
