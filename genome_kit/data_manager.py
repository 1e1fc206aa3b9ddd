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
downloads the file once from a Google Cloud Storage bucket into that directory:
into a hidden temporary file, verified against the object's MD5/CRC32C, then
renamed into place, under an inter-process lock.
"""

from __future__ import annotations

import abc
import base64
import contextlib
import hashlib
import logging
import os
import sys
import tempfile
import threading

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
    "check_filename",
]

log = logging.getLogger("genome_kit.data")

#: Downloads at least this large show a progress bar (when stderr is a terminal).
PROGRESS_MIN_BYTES = 4 << 20


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


class _Crc32c:
    """hashlib-style wrapper of google_crc32c (GCS's ``crc32c`` is big-endian, base64)."""

    def __init__(self):
        import google_crc32c

        self._c = google_crc32c.Checksum()

    def update(self, data):
        self._c.update(bytes(data) if not isinstance(data, bytes) else data)

    def digest(self) -> bytes:
        return self._c.digest()


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


def _progress_bar(filename: str, size: int | None):
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


def _credentials_configured() -> bool:
    """Whether Google credentials are available without probing the network
    (a key file or gcloud's application-default credentials)."""
    if os.environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
        return True
    if os.name == "nt":
        base = os.environ.get("APPDATA", "")
    else:
        base = os.environ.get("CLOUDSDK_CONFIG") or os.path.join(os.path.expanduser("~"), ".config", "gcloud")
    return os.path.isfile(os.path.join(base, "application_default_credentials.json"))


# --------------------------------------------------------------------------- default manager


class DefaultDataManager(DataManager):
    """Local data directory first, then (optionally) a Google Cloud Storage bucket.

    Parameters
    ----------
    data_dir
        Local directory holding (and caching) data files. Created when the
        first download needs it, never before.
    bucket_name
        GCS bucket to download missing files from (``"name"`` or
        ``"gs://name"``). ``None`` takes ``$GENOMEKIT_STORAGE_BUCKET``; if that
        is unset too (or ``""`` is given) the manager is local only.
    require_auth
        ``True``: always use Google credentials (application default
        credentials). ``False``: always anonymous (public buckets).
        ``None`` (default): ``$GENOMEKIT_STORAGE_AUTH`` (``1``/``0``) if set, else
        credentials when a key file (``$GOOGLE_APPLICATION_CREDENTIALS``) or a gcloud
        application-default login exists, else anonymous.
        Under ``$STORAGE_EMULATOR_HOST`` the client talks to the emulator anonymously.
    timeout
        Seconds per HTTP request.
    retry_timeout
        Seconds during which transient failures (connection errors, 5xx) are retried.

    Notes
    -----
    A file present locally is returned without touching the network (no
    freshness check: delete the local copy to fetch it again). Set
    ``$GENOMEKIT_GCS_BILLING_PROJECT`` for requester-pays buckets.
    """

    def __init__(
        self,
        data_dir: str,
        bucket_name: str | None = None,
        *,
        require_auth: bool | None = None,
        timeout: float = 60.0,
        retry_timeout: float = 60.0,
    ):
        super().__init__(data_dir)
        if bucket_name is None:
            bucket_name = os.environ.get("GENOMEKIT_STORAGE_BUCKET", "")
        bucket_name = bucket_name.strip()
        if bucket_name.startswith("gs://"):
            bucket_name = bucket_name[5:].rstrip("/")
        self.bucket_name: str | None = bucket_name or None
        self.require_auth = require_auth
        self.timeout = timeout
        self.retry_timeout = retry_timeout
        self._init_state()

    def _init_state(self) -> None:
        self._client_obj = None
        self._client_pid: int | None = None
        self._bucket_checked = False
        self._missing: set[str] = set()  # names known to be absent from the bucket
        self._guard = threading.Lock()
        self._name_locks: dict[str, threading.Lock] = {}

    # Pickles by configuration (multiprocessing workers rebuild their own client).
    def __getstate__(self):
        state = self.__dict__.copy()
        for key in ("_client_obj", "_client_pid", "_guard", "_name_locks", "_missing", "_bucket_checked"):
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_state()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.data_dir!r}, bucket_name={self.bucket_name!r})"

    @property
    def bucket_url(self) -> str | None:
        return f"gs://{self.bucket_name}" if self.bucket_name else None

    # ------------------------------------------------------------------ resolution

    def get_file(self, filename: str) -> str:
        check_filename(filename)
        path = os.path.join(self.data_dir, filename)
        if os.path.isfile(path):
            log.debug("%s: local file %s", filename, path)
            return path
        if not self.bucket_name:
            log.debug("%s: not in %s and no bucket configured", filename, self.data_dir)
            raise GKDataFileNotFoundError(
                filename,
                f"data file {filename!r} not found in {self.data_dir} (no storage bucket configured; "
                "set GENOMEKIT_STORAGE_BUCKET to download missing files, or GENOMEKIT_DATA_DIR to "
                "look in another directory)",
            )
        blob = None if filename in self._missing else self._remote_blob(filename)
        if blob is None:
            self._missing.add(filename)
            log.debug("%s: not in %s nor in %s", filename, self.data_dir, self.bucket_url)
            raise GKDataFileNotFoundError(
                filename,
                f"data file {filename!r} not found in {self.data_dir} nor in bucket {self.bucket_url}",
            )
        self._ensure_data_dir(filename)
        with self._locked(filename):
            if os.path.isfile(path):  # another process or thread fetched it while we waited
                log.debug("%s: fetched concurrently by another process: %s", filename, path)
                return path
            self._remove_stale_parts(filename)
            self._download(blob, filename, path)
        return path

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
        """Deletes temporary files of interrupted downloads (safe: we hold the lock)."""
        prefix = f".{filename}."
        for name in os.listdir(self.data_dir):
            if name.startswith(prefix) and name.endswith(".part"):
                log.debug("%s: removing partial download %s", filename, name)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.data_dir, name))

    def _download(self, blob, filename: str, path: str) -> None:
        algorithms: dict[str, object] = {}
        if blob.md5_hash:
            algorithms["md5"] = hashlib.md5
        if blob.crc32c:
            algorithms["crc32c"] = _Crc32c
        if not algorithms:
            raise GKDataIntegrityError(
                f"{self.bucket_url}/{filename} has neither an MD5 nor a CRC32C checksum; refusing to "
                "download it unverified"
            )
        log.info("%s: downloading %s bytes from %s", filename, blob.size, self.bucket_url)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=self.data_dir)
        except OSError as e:
            raise self._dir_error(filename, e) from e
        progress = _progress_bar(filename, blob.size)
        try:
            with os.fdopen(fd, "wb") as f:
                writer = _HashingWriter(f, algorithms, progress)
                try:
                    blob.download_to_file(
                        writer,
                        raw_download=True,  # the stored bytes, which the checksums describe
                        checksum=None,  # verified below, against the metadata we fetched
                        if_generation_match=blob.generation,
                        timeout=self.timeout,
                        retry=self._retry(),
                    )
                except Exception as e:
                    raise self._remote_error("download", filename, e) from e
                finally:
                    if progress is not None:
                        progress.close()
                f.flush()
                os.fsync(f.fileno())
            self._verify(blob, filename, tmp, writer)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; cached files are shared like any file
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):  # make the rename durable
            dfd = os.open(self.data_dir, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        log.info("%s: saved %s", filename, path)

    def _verify(self, blob, filename: str, tmp: str, writer: _HashingWriter) -> None:
        size = os.path.getsize(tmp)
        if blob.size is not None and size != blob.size:
            raise GKDataIntegrityError(
                f"download of {self.bucket_url}/{filename} is corrupt: got {size} bytes, expected {blob.size}"
            )
        hashers = writer.hashers
        if writer.rewound:  # rehash what actually landed on disk
            hashers = {name: type(h)() if name == "crc32c" else hashlib.md5() for name, h in hashers.items()}
            with open(tmp, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    for h in hashers.values():
                        h.update(block)
        expected = {"md5": blob.md5_hash, "crc32c": blob.crc32c}
        for name, h in hashers.items():
            got = _b64(h.digest())
            if got != expected[name]:
                raise GKDataIntegrityError(
                    f"download of {self.bucket_url}/{filename} is corrupt: {name} {got} != {expected[name]} "
                    "recorded by the server; nothing was saved. Try again; if it persists the stored "
                    "object is damaged"
                )
        log.debug("%s: verified %s", filename, ", ".join(hashers))

    # ------------------------------------------------------------------ remote storage

    def _retry(self):
        from google.cloud.storage.retry import DEFAULT_RETRY

        return DEFAULT_RETRY.with_timeout(self.retry_timeout)

    def _use_credentials(self) -> bool:
        if self.require_auth is not None:
            return self.require_auth
        if os.environ.get("GENOMEKIT_STORAGE_AUTH", "").strip():  # 1: credentials, 0: anonymous
            return env_flag("GENOMEKIT_STORAGE_AUTH")
        return _credentials_configured()

    def _client(self):
        pid = os.getpid()
        with self._guard:
            if self._client_obj is None or self._client_pid != pid:  # a fresh client after fork
                from google.cloud import storage

                if os.environ.get("STORAGE_EMULATOR_HOST"):
                    client = storage.Client()  # anonymous, pointed at the emulator
                elif self._use_credentials():
                    client = storage.Client(project=os.environ.get("GENOMEKIT_GCS_BILLING_PROJECT"))
                else:
                    client = storage.Client.create_anonymous_client()
                self._client_obj, self._client_pid = client, pid
            return self._client_obj

    def _bucket(self):
        try:
            client = self._client()
        except Exception as e:
            raise self._remote_error("connect to", None, e) from e
        return client.bucket(self.bucket_name, user_project=os.environ.get("GENOMEKIT_GCS_BILLING_PROJECT"))

    def _remote_blob(self, filename: str):
        """The object's metadata, or None when the bucket has no such object."""
        log.debug("%s: not in %s, asking %s", filename, self.data_dir, self.bucket_url)
        bucket = self._bucket()
        try:
            blob = bucket.get_blob(filename, timeout=self.timeout, retry=self._retry())
            if blob is None:
                self._check_bucket(bucket)
        except GKDataNetworkError:
            raise
        except Exception as e:
            raise self._remote_error("look up", filename, e) from e
        return blob

    def _check_bucket(self, bucket) -> None:
        """A missing bucket is a configuration error, not a missing file (checked once)."""
        if self._bucket_checked:
            return
        from google.api_core import exceptions as gexc

        try:
            exists = bucket.exists(timeout=self.timeout, retry=self._retry())
        except (gexc.Forbidden, gexc.Unauthorized):
            exists = True  # readers of public buckets may not see bucket metadata
        if not exists:
            raise GKDataNetworkError(
                f"bucket {self.bucket_url} does not exist; check GENOMEKIT_STORAGE_BUCKET "
                "(and STORAGE_EMULATOR_HOST if you use an emulator)"
            )
        self._bucket_checked = True

    def _remote_error(self, action: str, filename: str | None, e: BaseException) -> Exception:
        """Translates a client exception into the error users should see."""
        from google.api_core import exceptions as gexc
        from google.auth import exceptions as aexc

        what = f"{self.bucket_url}/{filename}" if filename else self.bucket_url
        if isinstance(e, gexc.NotFound) and filename:
            return GKDataFileNotFoundError(
                filename,
                f"data file {filename!r} not found in {self.data_dir} nor in bucket {self.bucket_url}",
            )
        if isinstance(e, gexc.PreconditionFailed):
            hint = "the object changed while it was being downloaded; try again"
        elif isinstance(e, (gexc.Forbidden, gexc.Unauthorized, aexc.GoogleAuthError)):
            hint = (
                "access was denied: check that the bucket is public, or that your Google credentials "
                "(GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`) can "
                "read it; GENOMEKIT_STORAGE_AUTH=1 forces credentials, =0 anonymous access"
            )
        else:
            hint = (
                "check your network connection and proxy settings, the bucket name "
                "(GENOMEKIT_STORAGE_BUCKET) and, if you use an emulator, STORAGE_EMULATOR_HOST"
            )
        return GKDataNetworkError(
            f"could not {action} {what}: {type(e).__name__}: {e}. {hint}. To work offline, put the "
            f"file in {self.data_dir} yourself"
        )

    # ------------------------------------------------------------------ listing and publishing

    def list_local_files(self) -> list[str]:
        """Data files present in the local directory."""
        return _list_local(self.data_dir)

    def list_remote_files(self) -> list[str]:
        """Data files in the bucket (top level only); empty without a bucket."""
        if not self.bucket_name:
            return []
        bucket = self._bucket()
        try:
            return sorted(
                b.name
                for b in bucket.client.list_blobs(bucket, timeout=self.timeout, retry=self._retry())
                if "/" not in b.name
            )
        except Exception as e:
            raise self._remote_error("list", None, e) from e

    def list_files(self) -> list[str]:
        """Data files available locally or in the bucket."""
        return sorted(set(self.list_local_files()) | set(self.list_remote_files()))

    def upload_file(
        self,
        filepath: str,
        filename: str,
        metadata: dict[str, str] | None = None,
        *,
        overwrite: bool | None = None,
    ) -> str:
        """Uploads ``filepath`` to the bucket as ``filename``; returns its ``gs://`` URL.

        The object gets custom metadata ``sha256`` (hex digest of the content) plus
        ``metadata``. An identical object (same MD5) is left alone (its metadata is
        updated if it differs); a different one is only replaced with
        ``overwrite=True`` or ``$GK_UPLOAD_ALLOW_OVERWRITE`` set.
        """
        check_filename(filename)
        if not self.bucket_name:
            raise ValueError("cannot upload: no storage bucket configured (set GENOMEKIT_STORAGE_BUCKET)")
        if not os.path.isfile(filepath):
            raise FileNotFoundError(f"cannot upload {filepath}: no such file")
        if overwrite is None:
            overwrite = env_flag("GK_UPLOAD_ALLOW_OVERWRITE")
        digests = file_digests(filepath)
        meta = {**(metadata or {}), "sha256": digests["sha256"]}
        url = f"{self.bucket_url}/{filename}"
        existing = self._remote_blob(filename)
        if existing is not None:
            if existing.md5_hash == digests["md5"]:
                if (existing.metadata or {}) != {**(existing.metadata or {}), **meta}:
                    existing.metadata = {**(existing.metadata or {}), **meta}
                    try:
                        existing.patch(timeout=self.timeout, retry=self._retry())
                    except Exception as e:
                        raise self._remote_error("update metadata of", filename, e) from e
                    log.info("%s: already uploaded; metadata updated", url)
                else:
                    log.info("%s: already uploaded, identical", url)
                return url
            if not overwrite:
                raise ValueError(
                    f"{url} already exists with different content (md5 {existing.md5_hash}, local "
                    f"{digests['md5']}); pass overwrite=True or set GK_UPLOAD_ALLOW_OVERWRITE=1 to replace it"
                )
        bucket = self._bucket()
        blob = bucket.blob(filename)
        blob.metadata = meta
        blob.md5_hash = digests["md5"]  # the server rejects the upload if the bytes it got differ
        log.info("%s: uploading %s", url, filepath)
        try:
            blob.upload_from_filename(
                filepath,
                if_generation_match=existing.generation if existing is not None else 0,
                timeout=self.timeout,
                retry=self._retry(),
            )
        except Exception as e:
            raise self._remote_error("upload", filename, e) from e
        self._missing.discard(filename)
        return url
