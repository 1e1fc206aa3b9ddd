"""Google Cloud Storage backend of :class:`~genome_kit.data_manager.DefaultDataManager`
(``gs://`` sources): lookups, verified downloads (MD5/CRC32C recorded by GCS), listing, uploads,
through ``google-cloud-storage``."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile

from . import data_manager as dm
from .data_manager import (
    GKDataFileNotFoundError,
    GKDataIntegrityError,
    GKDataNetworkError,
    GKDataUnreachableError,
    _b64,
    _progress_bar,
    env_flag,
    file_digests,
    log,
)


class _Crc32c:
    """hashlib-style wrapper of google_crc32c (GCS's ``crc32c`` is big-endian, base64)."""

    def __init__(self):
        import google_crc32c

        self._c = google_crc32c.Checksum()

    def update(self, data):
        self._c.update(bytes(data) if not isinstance(data, bytes) else data)

    def digest(self) -> bytes:
        return self._c.digest()


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


def _is_connect_failure(e: BaseException) -> bool:
    """Whether ``e`` (from requests/urllib3) means no connection could be made at all
    (refused, DNS failure, connect timeout): retrying that only delays the answer."""
    import requests
    import urllib3

    if isinstance(e, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(e, requests.exceptions.ConnectionError) and e.args:
        reason = getattr(e.args[0], "reason", e.args[0])
        return isinstance(
            reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)
        )
    return False


class GcsStore:
    """The objects of one GCS bucket, for one :class:`DefaultDataManager` (and one process)."""

    def __init__(self, manager):
        self.manager = manager
        self.bucket_name = manager.bucket_name
        self.url = manager.source
        self.timeout = manager.timeout
        self._client_obj = self._make_client()
        self._bucket_checked = False

    # ------------------------------------------------------------------ client

    def _retry(self, lookup: bool = False):
        """Retries transient failures for retry_timeout, but never a connection that could not be made,
        nor (``lookup``: a small request, so no answer at all) a timeout: the host is as good as down."""
        import requests
        from google.cloud.storage.retry import DEFAULT_RETRY

        transient = DEFAULT_RETRY._predicate

        def retry_it(e: BaseException) -> bool:
            if _is_connect_failure(e) or (lookup and isinstance(e, requests.exceptions.Timeout)):
                return False
            return transient(e)

        return DEFAULT_RETRY.with_predicate(retry_it).with_timeout(self.manager.retry_timeout)

    def _use_credentials(self) -> bool:
        if self.manager.require_auth is not None:
            return self.manager.require_auth
        if os.environ.get("GENOMEKIT_STORAGE_AUTH", "").strip():  # 1: credentials, 0: anonymous
            return env_flag("GENOMEKIT_STORAGE_AUTH")
        return _credentials_configured()

    def _make_client(self):
        from google.cloud import storage

        try:
            if os.environ.get("STORAGE_EMULATOR_HOST"):
                return storage.Client()  # anonymous, pointed at the emulator
            if self._use_credentials():
                return storage.Client(project=os.environ.get("GENOMEKIT_GCS_BILLING_PROJECT"))
            return storage.Client.create_anonymous_client()
        except Exception as e:
            raise self._remote_error("connect to", None, e) from e

    def _client(self):
        return self._client_obj

    def _bucket(self):
        return self._client_obj.bucket(
            self.bucket_name, user_project=os.environ.get("GENOMEKIT_GCS_BILLING_PROJECT")
        )

    # ------------------------------------------------------------------ lookups

    def stat(self, filename: str):
        """The object's metadata, or None when the bucket has no such object."""
        log.debug("%s: not in %s, asking %s", filename, self.manager.data_dir, self.url)
        bucket = self._bucket()
        try:
            blob = bucket.get_blob(filename, timeout=self.timeout, retry=self._retry(lookup=True))
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
            exists = bucket.exists(timeout=self.timeout, retry=self._retry(lookup=True))
        except (gexc.Forbidden, gexc.Unauthorized):
            exists = True  # readers of public buckets may not see bucket metadata
        if not exists:
            raise GKDataNetworkError(
                f"bucket {self.url} does not exist; check GENOMEKIT_STORAGE_BUCKET "
                "(and STORAGE_EMULATOR_HOST if you use an emulator)"
            )
        self._bucket_checked = True

    def _remote_error(self, action: str, filename: str | None, e: BaseException) -> Exception:
        """Translates a client exception into the error users should see."""
        from google.api_core import exceptions as gexc
        from google.auth import exceptions as aexc

        what = f"{self.url}/{filename}" if filename else self.url
        if isinstance(e, gexc.NotFound) and filename:
            return GKDataFileNotFoundError(
                filename,
                f"data file {filename!r} not found in {self.manager.data_dir} nor in bucket {self.url}",
            )
        cls = GKDataNetworkError
        if isinstance(e, gexc.PreconditionFailed):
            hint = "the object changed while it was being downloaded; try again"
        elif isinstance(e, (gexc.Forbidden, gexc.Unauthorized, aexc.GoogleAuthError)):
            hint = (
                "access was denied: check that the bucket is public, or that your Google credentials "
                "(GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`) can "
                "read it; GENOMEKIT_STORAGE_AUTH=1 forces credentials, =0 anonymous access"
            )
        else:
            import requests

            if _is_connect_failure(e) or isinstance(
                e, (ConnectionError, TimeoutError, requests.exceptions.Timeout)
            ):
                cls = GKDataUnreachableError
            hint = (
                "check your network connection and proxy settings, the bucket name "
                "(GENOMEKIT_STORAGE_BUCKET) and, if you use an emulator, STORAGE_EMULATOR_HOST"
            )
        offline = self.manager.offline_hint()
        return cls(f"could not {action} {what}: {type(e).__name__}: {e}. {hint}. {offline}")

    # ------------------------------------------------------------------ download

    def fetch(self, blob, filename: str, data_dir: str) -> str:
        """Downloads ``blob`` into a hidden temporary file of ``data_dir``; returns it, verified."""
        algorithms: dict[str, object] = {}
        if blob.md5_hash:
            algorithms["md5"] = hashlib.md5
        if blob.crc32c:
            algorithms["crc32c"] = _Crc32c
        if not algorithms:
            raise GKDataIntegrityError(
                f"{self.url}/{filename} has neither an MD5 nor a CRC32C checksum; refusing to "
                "download it unverified"
            )
        log.info("%s: downloading %s bytes from %s", filename, blob.size, self.url)
        fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=data_dir)
        progress = _progress_bar(filename, blob.size)
        try:
            with os.fdopen(fd, "wb") as f:
                writer = dm._HashingWriter(f, algorithms, progress)
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
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return tmp

    def _verify(self, blob, filename: str, tmp: str, writer) -> None:
        size = os.path.getsize(tmp)
        if blob.size is not None and size != blob.size:
            raise GKDataIntegrityError(
                f"download of {self.url}/{filename} is corrupt: got {size} bytes, expected {blob.size}"
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
                    f"download of {self.url}/{filename} is corrupt: {name} {got} != {expected[name]} "
                    "recorded by the server; nothing was saved. Try again; if it persists the stored "
                    "object is damaged"
                )
        log.debug("%s: verified %s", filename, ", ".join(hashers))

    # ------------------------------------------------------------------ listing and publishing

    def list(self) -> list[str]:
        bucket = self._bucket()
        try:
            return sorted(
                b.name
                for b in bucket.client.list_blobs(
                    bucket, timeout=self.timeout, retry=self._retry(lookup=True)
                )
                if "/" not in b.name
            )
        except Exception as e:
            raise self._remote_error("list", None, e) from e

    def upload(self, filepath: str, filename: str, metadata: dict[str, str] | None, overwrite: bool) -> str:
        digests = file_digests(filepath)
        meta = {**(metadata or {}), "sha256": digests["sha256"]}
        url = f"{self.url}/{filename}"
        existing = self.stat(filename)
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
        blob = self._bucket().blob(filename)
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
        return url
