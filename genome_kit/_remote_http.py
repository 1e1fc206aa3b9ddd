"""Anonymous HTTPS backend of :class:`~genome_kit.data_manager.DefaultDataManager`: public S3
buckets (``s3://``, GenomeKit's published files) and any server laid out like one (``https://``).

An object is ``<base URL><file name>``. A lookup is a ``HEAD`` request (404 = no such file). A
download streams into ``.<name>.partial`` in the data directory, noting the object's ETag (or
Last-Modified) beside it; a transfer cut midway is resumed with ``Range`` + ``If-Range``, in the
same call (within ``retry_timeout``) or by a later one. The finished file is checked against the
object's size and every checksum the server gives — the ETag (the MD5 of an object uploaded in one
part, or the MD5 of its part MD5s for a multipart upload), ``x-amz-meta-sha256`` /
``x-goog-meta-sha256`` and ``x-goog-hash`` — before the manager renames it into place. Listing uses
S3's ListObjectsV2. Standard library only (urllib honours the usual proxy variables).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import os
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from . import data_manager as dm
from ._io import copy_stream
from .data_manager import (
    GKDataFileNotFoundError,
    GKDataIntegrityError,
    GKDataNetworkError,
    GKDataUnreachableError,
    _progress_bar,
    log,
)

CHUNK = 1 << 20
USER_AGENT = "genome_kit-data-manager"
#: Part sizes of common S3 uploaders (boto3 and the AWS CLI: 8 MiB), tried to check multipart ETags.
MULTIPART_SIZES_MIB = (8, 5, 15, 16, 32, 64, 100, 128)
_MD5_HEX = re.compile(r"^[0-9a-f]{32}$")
_MULTIPART = re.compile(r"^([0-9a-f]{32})-(\d+)$")


def s3_urls(bucket: str, prefix: str) -> tuple[str, str, str]:
    """(object base URL, ListObjectsV2 URL, key prefix) of an S3 bucket.

    Virtual-hosted ``https://<bucket>.s3.amazonaws.com/`` unless ``$AWS_ENDPOINT_URL_S3`` or
    ``$AWS_ENDPOINT_URL`` name another endpoint (an S3-compatible store), addressed path-style."""
    endpoint = (os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or "").strip()
    key_prefix = f"{prefix}/" if prefix else ""
    if endpoint:
        root = f"{endpoint.rstrip('/')}/{bucket}"
        return f"{root}/{key_prefix}", root, key_prefix
    root = f"https://{bucket}.s3.amazonaws.com/"
    return f"{root}{key_prefix}", root, key_prefix


def http_urls(url: str) -> tuple[str, str, str]:
    """(object base URL, ListObjectsV2 URL, key prefix) of an ``http(s)://`` source: virtual-hosted
    for ``*.amazonaws.com`` hosts, else path-style (the first path segment is the bucket)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.strip("/")
    root = f"{parts.scheme}://{parts.netloc}"
    if parts.netloc.endswith(".amazonaws.com") and ".s3" in parts.netloc:
        return url, f"{root}/", f"{path}/" if path else ""
    bucket, _, prefix = path.partition("/")
    return url, f"{root}/{bucket}" if bucket else f"{root}/", f"{prefix}/" if prefix else ""


@dataclass(frozen=True)
class HttpObject:
    """What a ``HEAD`` told about an object."""

    url: str
    size: int | None
    etag: str | None  # without quotes
    validator: str | None  # for If-Range: the (strong) ETag, else Last-Modified
    sha256: str | None  # hex, from the object's metadata
    md5_b64: str | None  # from x-goog-hash


class _Transient(Exception):
    """A failure worth retrying (server error, transfer cut midway, read timeout)."""


class HttpStore:
    """The objects under one base URL, for one :class:`DefaultDataManager` (and one process)."""

    def __init__(self, manager):
        self.manager = manager
        self.url = manager.source
        if self.url.startswith("s3://"):
            bucket, _, prefix = self.url[5:].partition("/")
            self.base, self._list_url, self._list_prefix = s3_urls(bucket, prefix)
        else:
            self.base, self._list_url, self._list_prefix = http_urls(self.url)
        self.timeout = manager.timeout

    def object_url(self, filename: str) -> str:
        return self.base + urllib.parse.quote(filename)

    # ------------------------------------------------------------------ requests

    def _open(self, request: urllib.request.Request, what: str):
        """``urlopen`` with the errors sorted: unreachable (connection never made: not retried),
        transient (:class:`_Transient`), 404 (None), anything else :class:`GKDataNetworkError`."""
        request.add_header("User-Agent", USER_AGENT)
        request.add_header("Accept-Encoding", "identity")  # the stored bytes, which the checksums describe
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            e.close()
            if e.code == 404:
                return None
            if e.code >= 500 or e.code in (408, 429):
                raise _Transient(f"HTTP {e.code} {e.reason}") from None
            hint = (
                "access was denied: the source is read anonymously, so it must be public"
                if e.code in (401, 403)
                else "check the source URL (GENOMEKIT_STORAGE_BUCKET)"
            )
            raise GKDataNetworkError(
                f"could not {what}: HTTP {e.code} {e.reason}. {hint}. {self.manager.offline_hint()}"
            ) from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, ssl.SSLError):
                raise GKDataNetworkError(
                    f"could not {what}: {reason}. Check the system's certificates and proxy settings "
                    f"(HTTPS_PROXY). {self.manager.offline_hint()}"
                ) from None
            raise self._unreachable(what, reason) from None
        except TimeoutError as e:  # connected, but no answer within the timeout: as good as down
            raise self._unreachable(what, e) from None
        except (OSError, http.client.HTTPException) as e:  # connected, then a broken answer
            raise _Transient(f"{type(e).__name__}: {e}") from None

    def _unreachable(self, what: str, reason) -> GKDataUnreachableError:
        detail = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
        return GKDataUnreachableError(
            f"could not {what}: {self.url} is unreachable ({detail}; timeout {self.timeout:g} s, "
            "GENOMEKIT_STORAGE_TIMEOUT). Check your network connection and proxy settings (HTTPS_PROXY) "
            f"and the source (GENOMEKIT_STORAGE_BUCKET). {self.manager.offline_hint()}"
        )

    def _retrying(self, what: str, attempt):
        """Calls ``attempt()`` until it stops raising :class:`_Transient` or ``retry_timeout`` passes."""
        deadline = time.monotonic() + self.manager.retry_timeout
        pause = 0.2
        while True:
            try:
                return attempt()
            except _Transient as e:
                if time.monotonic() + pause > deadline:
                    raise GKDataNetworkError(
                        f"could not {what}: {e} (retried for {self.manager.retry_timeout:g} s). "
                        f"{self.manager.offline_hint()}"
                    ) from None
                log.info("%s: %s; retrying in %.1f s", what, e, pause)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)

    # ------------------------------------------------------------------ lookups

    def stat(self, filename: str) -> HttpObject | None:
        """The object's size and checksums, or None when there is no such object."""
        url = self.object_url(filename)
        log.debug("%s: not in %s, asking %s", filename, self.manager.data_dir, url)

        def head():
            response = self._open(urllib.request.Request(url, method="HEAD"), f"look up {url}")
            if response is None:
                return None
            with response:
                h = response.headers
            length = h.get("Content-Length")
            etag = (h.get("ETag") or "").strip()
            strong = etag if etag and not etag.startswith("W/") else None
            hashes = [p.strip() for p in (h.get("x-goog-hash") or "").split(",")]
            goog_md5 = next((p[4:] for p in hashes if p.startswith("md5=")), None)
            return HttpObject(
                url=url,
                size=int(length) if length and length.isdigit() else None,
                etag=strong.strip('"') if strong else None,
                validator=strong or h.get("Last-Modified"),
                sha256=(h.get("x-amz-meta-sha256") or h.get("x-goog-meta-sha256") or "").lower() or None,
                md5_b64=goog_md5,
            )

        return self._retrying(f"look up {url}", head)

    # ------------------------------------------------------------------ download

    def fetch(self, obj: HttpObject, filename: str, data_dir: str) -> str:
        """Downloads ``obj`` into ``.<filename>.partial`` (resuming an earlier attempt at the same
        object); returns it, verified."""
        part = os.path.join(data_dir, f".{filename}.partial")
        note = f"{part}.source"
        identity = f"{obj.url}\n{obj.validator or ''}\n{obj.size}\n"
        resumable = obj.validator is not None and obj.size is not None
        try:
            with open(note) as f:
                same = f.read() == identity
        except OSError:
            same = False
        if not (same and resumable and os.path.isfile(part)):
            with open(note, "w") as f:
                f.write(identity)
            open(part, "wb").close()
        have = os.path.getsize(part)
        log.info(
            "%s: downloading %s bytes from %s%s",
            filename,
            obj.size,
            self.url,
            f" (resuming at {have})" if have else "",
        )
        progress = _progress_bar(filename, obj.size, have)
        try:
            self._retrying(f"download {obj.url}", lambda: self._get_into(obj, part, resumable, progress))
        finally:
            if progress is not None:
                progress.close()
        try:
            self._verify(obj, filename, part)
        except GKDataIntegrityError:
            for path in (part, note):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
            raise
        os.unlink(note)
        return part

    def _get_into(self, obj: HttpObject, part: str, resumable: bool, progress=None) -> None:
        offset = os.path.getsize(part)
        if obj.size is not None and offset >= obj.size:
            return
        request = urllib.request.Request(obj.url)
        if offset and resumable:
            request.add_header("Range", f"bytes={offset}-")
            request.add_header("If-Range", obj.validator or "")
        response = self._open(request, f"download {obj.url}")
        if response is None:
            raise GKDataNetworkError(f"{obj.url} disappeared during the download; try again")
        with response:
            if response.status == 206:
                m = re.match(r"bytes (\d+)-", response.headers.get("Content-Range") or "")
                if not m or int(m.group(1)) != offset:
                    raise _Transient(f"asked for bytes from {offset}, the server sent {m and m.group(1)}")
                mode = "ab"
            else:  # a full answer: the server cannot resume, or the object changed (If-Range)
                if offset:
                    log.info("%s: the server sent the whole object; restarting", obj.url)
                mode, offset = "wb", 0
            length = response.headers.get("Content-Length")
            expected = offset + int(length) if length and length.isdigit() else obj.size
            with open(part, mode) as f:
                try:
                    copy_stream(response, dm._HashingWriter(f, {}, progress), chunk=CHUNK)
                except (OSError, http.client.HTTPException) as e:  # the connection broke midway
                    raise _Transient(f"{type(e).__name__}: {e} after {f.tell()} bytes") from None
                finally:
                    f.flush()
                    os.fsync(f.fileno())
                written = f.tell()
        if expected is not None and written < expected:
            raise _Transient(f"the connection closed after {written} of {expected} bytes")

    def _verify(self, obj: HttpObject, filename: str, part: str) -> None:
        size = os.path.getsize(part)
        where = f"download of {obj.url}"
        if obj.size is not None and size != obj.size:
            raise GKDataIntegrityError(f"{where} is corrupt: got {size} bytes, expected {obj.size}")
        etag = (obj.etag or "").lower()
        multipart = _MULTIPART.match(etag)
        part_sizes = []
        if multipart:
            n = int(multipart.group(2))
            part_sizes = [mib << 20 for mib in MULTIPART_SIZES_MIB if -(-size // (mib << 20)) == n]
        md5, sha = hashlib.md5(), hashlib.sha256()
        running = {ps: hashlib.md5() for ps in part_sizes}  # MD5 of the current part, per part size
        finished: dict[int, list[bytes]] = {ps: [] for ps in part_sizes}  # MD5s of the finished parts
        with open(part, "rb") as f:
            pos = 0
            for block in iter(lambda: f.read(CHUNK), b""):
                md5.update(block)
                sha.update(block)
                pos += len(block)
                for ps, h in running.items():  # part sizes are whole MiB: blocks never straddle parts
                    h.update(block)
                    if pos % ps == 0 or pos == size:
                        finished[ps].append(h.digest())
                        running[ps] = hashlib.md5()
        checked = ["size"] if obj.size is not None else []

        def mismatch(kind: str, got: str, want: str) -> GKDataIntegrityError:
            return GKDataIntegrityError(
                f"{where} is corrupt: {kind} {got} != {want} given by the server; nothing was saved. "
                "Try again; if it persists the stored object is damaged"
            )

        if _MD5_HEX.match(etag):
            if md5.hexdigest() != etag:
                raise mismatch("MD5 (ETag)", md5.hexdigest(), etag)
            checked.append("ETag (MD5)")
        elif multipart:
            for ps, digests in finished.items():
                combined = hashlib.md5(b"".join(digests)).hexdigest() + f"-{len(digests)}"
                if combined == etag:
                    checked.append(f"multipart ETag ({ps >> 20} MiB parts)")
                    break
            else:
                log.warning(
                    "%s: multipart ETag %s matches no common part size; checked by size only", filename, etag
                )
        if obj.md5_b64:
            got = base64.b64encode(md5.digest()).decode("ascii")
            if got != obj.md5_b64:
                raise mismatch("MD5", got, obj.md5_b64)
            checked.append("MD5")
        if obj.sha256:
            if sha.hexdigest() != obj.sha256:
                raise mismatch("SHA-256", sha.hexdigest(), obj.sha256)
            checked.append("SHA-256")
        log.debug("%s: verified %s", filename, ", ".join(checked) or "nothing (the server gave no size)")

    # ------------------------------------------------------------------ listing and publishing

    def list(self) -> list[str]:
        """Top-level names under the source (S3 ListObjectsV2, page by page)."""
        names: list[str] = []
        token = None
        while True:
            query = {"list-type": "2", "delimiter": "/", "prefix": self._list_prefix}
            if token:
                query["continuation-token"] = token
            url = f"{self._list_url}?{urllib.parse.urlencode(query)}"

            def get(url=url):
                response = self._open(urllib.request.Request(url), f"list {self.url}")
                if response is None:
                    raise GKDataFileNotFoundError(self.url, f"{self.url} cannot be listed (404 for {url})")
                with response:
                    try:
                        return response.read()
                    except (OSError, http.client.HTTPException) as err:
                        raise _Transient(f"{type(err).__name__}: {err}") from None

            try:
                root = ET.fromstring(self._retrying(f"list {self.url}", get))
            except ET.ParseError as e:
                raise GKDataNetworkError(
                    f"{self.url} cannot be listed: its answer to an S3 ListObjectsV2 request is not XML ({e})"
                ) from None
            for element in root.iter():
                if element.tag.rpartition("}")[2] == "Key" and element.text:
                    key = element.text[len(self._list_prefix) :]
                    if element.text.startswith(self._list_prefix) and key and "/" not in key:
                        names.append(key)
            fields = {e.tag.rpartition("}")[2]: (e.text or "") for e in root}
            token = fields.get("NextContinuationToken")
            if fields.get("IsTruncated", "false").lower() != "true" or not token:
                return sorted(names)

    def upload(self, filepath: str, filename: str, metadata, overwrite: bool) -> str:
        raise ValueError(
            f"cannot upload to {self.url}: s3:// and https:// sources are read anonymously; publish "
            "through a gs:// bucket (GENOMEKIT_STORAGE_BUCKET=gs://NAME) or your storage provider's tools"
        )
