"""Build the data files of one recipe of the ``data-src/`` tree (shipped in the package).

    genome-kit data build <assembly>/<source>/<version> OUTPUT_DIR [options]
    python data-src/build.py <assembly>/<source>/<version> OUTPUT_DIR [options]
    python data-src/build.py --list

A recipe is ``data-src/<assembly>/<source>/<version>/recipe.json``: the
source files (name, URL, the upstream checksum manifest published beside it,
a pinned SHA-256 once verified), the builder, the config name it produces and
the assembly it belongs to. GenomeKit's spellings of targets work too:
``hg19.p13.plusMT/assembly``, ``hg19.p13.plusMT/NCBI/v105.20190906``,
``hg19/GENCODE/v26lift37``, or a bare config name (``gencode.v46``). See
``docs/data-build.md``.

Each download is verified before use: against its pinned SHA-256 when the
recipe has one, else against the manifest its provider publishes beside it
(UCSC ``md5sum.txt``, GENCODE ``MD5SUMS``, NCBI ``md5checksums.txt``: MD5;
Ensembl ``CHECKSUMS``: BSD ``sum``), fetched fresh; a mismatch, or a file the
manifest does not list, stops the build. ``--record-checksums`` then pins the
verified SHA-256 into the recipe. ``$GENOMEKIT_RECIPE_MIRROR`` (or
``--mirror URL``) fetches ``https://host/path`` from ``URL/host/path``
instead (a mirror laid out like the upstream sites).

Inputs are downloaded (http, https, ftp) into ``OUTPUT_DIR/.sources/`` as
``<name>.part`` files, resumed with HTTP ``Range`` requests after an
interruption, verified against the recipe's SHA-256 (a mismatch deletes the
download and stops the build) and renamed into place. ``--local-source DIR``
takes them from a directory instead (same verification). The outputs are
built in a hidden staging directory inside OUTPUT_DIR, checked by opening them
with genome_kit, then renamed into OUTPUT_DIR: a failed build leaves nothing
under the real names. ``--upload`` publishes them through the active data
manager (``genome_kit.gk_data.data_manager.upload_file``).

A recipe file with neither ``sha256`` nor ``manifest`` cannot be verified:
its download is refused unless ``--record-checksums`` is given, which trusts
what is downloaded (or found locally) on first use and writes its digest into
the recipe. Pinned checksums are never replaced.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

from ._io import copy_stream
from .data_manager import _progress_bar

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
#: The recipe tree: installed in the package (``genome_kit/recipes``), or ``data-src/`` of a checkout.
HERE = next(
    (d for d in (os.path.join(_PACKAGE, "recipes"), os.path.join(os.path.dirname(_PACKAGE), "data-src"))
     if os.path.isdir(d)),
    os.path.join(_PACKAGE, "recipes"),
)  # fmt: skip
RECIPE_FILE = "recipe.json"
SOURCES_SUBDIR = ".sources"
CHUNK = 1 << 20

#: Builders and the roles of the files each one needs (``?`` = optional).
BUILDERS = {
    "ucsc_assembly": ("twobit", "chrom_sizes", "chrom_alias?"),
    "fasta_assembly": ("fasta", "chrom_alias?"),
    "gencode": ("annotation",),
    "ensembl": ("annotation",),
    "ncbi_refseq": ("annotation",),
}
ASSEMBLY_BUILDERS = ("ucsc_assembly", "fasta_assembly")
#: Config name prefix of each annotation builder (``<prefix>.<version>``).
ANNOTATION_PREFIX = {"gencode": "gencode", "ensembl": "ensembl", "ncbi_refseq": "ncbi_refseq"}
RECIPE_KEYS = {"config", "assembly", "builder", "description", "homepage", "files", "options", "notes"}
FILE_KEYS = {"role", "name", "url", "sha256", "manifest"}
#: Checksum manifests providers publish beside their files, by file name: algorithm.
MANIFESTS = {"md5sum.txt": "md5", "MD5SUMS": "md5", "md5checksums.txt": "md5", "CHECKSUMS": "bsd_sum"}
#: The manifest each provider publishes in its download folders.
MANIFEST_BY_HOST = {
    "hgdownload.soe.ucsc.edu": "md5sum.txt",
    "ftp.ebi.ac.uk": "MD5SUMS",
    "ftp.ncbi.nlm.nih.gov": "md5checksums.txt",
    "ftp.ensembl.org": "CHECKSUMS",
}
#: Spellings of a recipe's source directory in GenomeKit's tree (``hg19/GENCODE/v26lift37``).
SOURCE_PREFIX = {
    "gencode": "gencode",
    "ensembl": "ensembl",
    "ncbi": "ncbi_refseq",
    "ncbi_refseq": "ncbi_refseq",
}
OPTIONS = {"primary_first"}
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class BuildError(Exception):
    """A recipe cannot be built (bad recipe, missing input, failed download or check)."""


class ChecksumError(BuildError):
    """An input's SHA-256 differs from the expected one."""


class DownloadError(BuildError):
    """A download failed for good (HTTP error, no such file, too many interruptions)."""


def log(msg: str) -> None:
    print(f"build: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- recipes


def recipe_path(target: str, root: str = HERE) -> str:
    parts = target.strip("/").split("/")
    if len(parts) != 3 or any(p in ("", ".", "..") for p in parts):
        raise BuildError(
            f"target {target!r}: expected <assembly>/<source>/<version>, <assembly>/assembly or a config name"
        )
    return os.path.join(root, *parts, RECIPE_FILE)


def _recipe_configs(root: str) -> dict[str, tuple[str, str, str]]:
    """config -> (target, assembly, builder) of every recipe under ``root``."""
    found = {}
    for target in list_targets(root):
        with open(os.path.join(root, target, RECIPE_FILE)) as f:
            r = json.load(f)
        found[r.get("config")] = (target, r.get("assembly"), r.get("builder"))
    return found


def resolve_target(spelling: str, root: str = HERE) -> str:
    """The ``<assembly>/<source>/<version>`` target of any accepted spelling: that path itself,
    GenomeKit's ``<assembly>/assembly`` and ``<assembly>/<GENCODE|Ensembl|NCBI>/<version>``, or a
    config name."""
    spelling = spelling.strip().strip("/")
    parts = spelling.split("/")
    if len(parts) == 3 and os.path.isfile(os.path.join(root, *parts, RECIPE_FILE)):
        return spelling
    configs = _recipe_configs(root)
    if len(parts) == 1:
        config = parts[0]
    elif len(parts) == 2 and parts[1].lower() == "assembly":
        config = parts[0]
        if config in configs and configs[config][2] not in ASSEMBLY_BUILDERS:
            config = ""
    elif len(parts) == 3 and parts[1].lower() in SOURCE_PREFIX:
        config = f"{SOURCE_PREFIX[parts[1].lower()]}.{parts[2]}"
        if config in configs and not configs[config][1].startswith(parts[0]):
            raise BuildError(
                f"target {spelling!r}: {config} is built on {configs[config][1]}, not {parts[0]}"
            )
    else:
        config = ""
    if config in configs:
        return configs[config][0]
    recipe_path(spelling, root)  # the shape error, if that is the problem
    known = ", ".join(sorted(c for c in configs if c)) or "none"
    raise BuildError(f"no recipe for {spelling!r} in {root} (configs: {known})")


def load_recipe(target: str, root: str = HERE) -> dict:
    """Reads and validates the recipe of ``target`` (any spelling :func:`resolve_target` accepts)."""
    if not os.path.isfile(os.path.join(root, target.strip("/"), RECIPE_FILE)):
        with contextlib.suppress(BuildError):
            target = resolve_target(target, root)
    path = recipe_path(target, root)
    if not os.path.isfile(path):
        known = ", ".join(list_targets(root)) or "none"
        raise BuildError(f"no recipe {path} (known targets: {known})")
    with open(path) as f:
        try:
            recipe = json.load(f)
        except json.JSONDecodeError as e:
            raise BuildError(f"{path}: invalid JSON: {e}") from None
    validate_recipe(recipe, path)
    recipe["_path"] = path
    recipe["_target"] = target.strip("/")
    return recipe


def validate_recipe(recipe: dict, where: str) -> None:
    def bad(msg):
        raise BuildError(f"{where}: {msg}")

    if not isinstance(recipe, dict):
        bad("expected a JSON object")
    unknown = set(recipe) - RECIPE_KEYS
    if unknown:
        bad(f"unknown keys {sorted(unknown)}")
    for key in ("config", "assembly", "builder", "files"):
        if key not in recipe:
            bad(f"missing {key!r}")
    builder = recipe["builder"]
    if builder not in BUILDERS:
        bad(f"unknown builder {builder!r} (one of {sorted(BUILDERS)})")
    if builder in ASSEMBLY_BUILDERS and recipe["config"] != recipe["assembly"]:
        bad(f"an assembly recipe's config ({recipe['config']!r}) must equal its assembly")
    if builder in ANNOTATION_PREFIX and not recipe["config"].startswith(ANNOTATION_PREFIX[builder] + "."):
        bad(f"a {builder} config must be named {ANNOTATION_PREFIX[builder]}.<version>")
    unknown = set(recipe.get("options", {})) - OPTIONS
    if unknown:
        bad(f"unknown options {sorted(unknown)}")
    roles = {}
    for entry in recipe["files"]:
        if set(entry) - FILE_KEYS or not {"role", "name", "url"} <= set(entry):
            bad(f"file entry {entry}: needs role, name, url (optionally sha256, manifest), nothing else")
        name = entry["name"]
        if os.path.basename(name) != name or name.startswith("."):
            bad(f"file name {name!r} must be a plain file name")
        scheme = urllib.parse.urlsplit(entry["url"]).scheme
        if scheme not in ("http", "https", "ftp"):
            bad(f"{name}: URL scheme {scheme!r} is not http, https or ftp")
        manifest = entry.get("manifest")
        if manifest is not None:
            if urllib.parse.urlsplit(manifest).scheme not in ("http", "https", "ftp"):
                bad(f"{name}: manifest URL {manifest!r} is not http, https or ftp")
            if manifest.rsplit("/", 1)[-1] not in MANIFESTS:
                bad(f"{name}: manifest {manifest!r} is none of {sorted(MANIFESTS)}")
        sha = entry.get("sha256")
        if sha is not None and not SHA256_RE.match(sha):
            bad(f"{name}: sha256 must be 64 lower-case hex digits, got {sha!r}")
        if entry["role"] in roles:
            bad(f"two files with role {entry['role']!r}")
        roles[entry["role"]] = entry
    wanted = BUILDERS[builder]
    allowed = {r.rstrip("?") for r in wanted}
    for role in roles:
        if role not in allowed:
            bad(f"builder {builder} takes no {role!r} file (roles: {sorted(allowed)})")
    for role in wanted:
        if not role.endswith("?") and role not in roles:
            bad(f"builder {builder} needs a {role!r} file")


def list_targets(root: str = HERE) -> list[str]:
    targets = []
    for dirpath, _dirs, files in os.walk(root):
        if RECIPE_FILE in files:
            rel = os.path.relpath(dirpath, root).replace(os.sep, "/")
            if rel.count("/") == 2:
                targets.append(rel)
    return sorted(targets)


def record_checksum(recipe: dict, name: str, digest: str) -> None:
    """Writes ``digest`` into the recipe file for ``name`` (only where it has none)."""
    path = recipe["_path"]
    with open(path) as f:
        data = json.load(f)
    for entry in data["files"]:
        if entry["name"] == name:
            if entry.get("sha256"):
                raise BuildError(f"{path}: {name} already has a sha256; not replacing it")
            entry["sha256"] = digest
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    for entry in recipe["files"]:
        if entry["name"] == name:
            entry["sha256"] = digest
    log(f"recorded sha256 of {name} in {path} (trusted on first use: {digest})")


# --------------------------------------------------------------------------- downloads


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _content_range_start(value: str | None) -> int | None:
    m = re.match(r"bytes (\d+)-\d+/(\d+|\*)", value or "")
    return int(m.group(1)) if m else None


def _fetch_once(url: str, part: str, timeout: float) -> None:
    """One request: appends to ``part`` (resuming from its size over HTTP), or raises."""
    offset = os.path.getsize(part) if os.path.exists(part) else 0
    scheme = urllib.parse.urlsplit(url).scheme
    request = urllib.request.Request(url, headers={"User-Agent": "genome_kit-data-build"})
    if offset and scheme in ("http", "https"):
        request.add_header("Range", f"bytes={offset}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and offset:  # nothing left to send: the .part is complete
            log(f"{os.path.basename(part)}: server has no bytes past {offset}; checking what we have")
            return
        if e.code >= 500 or e.code == 429:  # the server's trouble: retried
            raise ConnectionError(f"HTTP {e.code} {e.reason}") from None
        raise DownloadError(f"{url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, OSError):
            raise reason from None  # transient (refused, reset, timeout): retried
        raise DownloadError(f"{url}: {reason}") from None
    with response:
        status = getattr(response, "status", None)
        length = response.headers.get("Content-Length")
        mode = "ab"
        if offset and status == 206:
            start = _content_range_start(response.headers.get("Content-Range"))
            if start != offset:
                raise DownloadError(f"{url}: asked for bytes from {offset}, server sent from {start}")
            total = offset + int(length) if length is not None else None
        else:  # fresh download, FTP, or a server that ignores Range: start over
            if offset:
                log(f"{url}: server cannot resume; restarting from 0")
            mode, offset = "wb", 0
            total = int(length) if length is not None else None
        bar = _progress_bar(os.path.basename(part)[: -len(".part")], total, offset)
        try:
            with open(part, mode) as out:
                written = offset + copy_stream(response, out, bar, CHUNK)
                out.flush()
                os.fsync(out.fileno())
        finally:
            if bar is not None:
                bar.close()
        if total is not None and written != total:
            raise http.client.IncompleteRead(b"", total - written)


def download(
    url: str,
    dest: str,
    sha256: str | None,
    *,
    retries: int = 5,
    timeout: float = 60.0,
    backoff: float = 1.0,
) -> str:
    """Downloads ``url`` to ``dest`` through ``dest.part``; returns the SHA-256 of the content.

    An interrupted transfer keeps ``dest.part`` and is resumed (HTTP Range)
    up to ``retries`` times in this call, and again by the next call. With
    ``sha256`` the content must match, else the ``.part`` is deleted and
    :class:`ChecksumError` raised; ``dest`` only ever appears complete and
    verified (atomic rename).
    """
    part = dest + ".part"
    attempt = 0
    while True:
        try:
            _fetch_once(url, part, timeout)
            break
        except (OSError, http.client.HTTPException) as e:
            if isinstance(e, BuildError) or attempt >= retries:
                have = os.path.getsize(part) if os.path.exists(part) else 0
                if isinstance(e, BuildError):
                    raise
                raise DownloadError(
                    f"{url}: {type(e).__name__}: {e} (gave up after {attempt + 1} attempts; "
                    f"{have} bytes kept in {part}, the next run resumes from there)"
                ) from None
            attempt += 1
            log(f"{url}: {type(e).__name__}: {e}; resuming (attempt {attempt + 1}/{retries + 1})")
            time.sleep(backoff * attempt)
    digest = sha256_file(part)
    if sha256 is not None and digest != sha256:
        os.unlink(part)
        raise ChecksumError(f"{url}: SHA-256 {digest} differs from the expected {sha256}; download deleted")
    os.replace(part, dest)
    return digest


# --------------------------------------------------------------------------- upstream manifests


def mirrored(url: str, mirror: str | None) -> str:
    """``url`` fetched from a mirror laid out like the upstream sites: ``MIRROR/<host>/<path>``."""
    if not mirror:
        return url
    parts = urllib.parse.urlsplit(url)
    return f"{mirror.rstrip('/')}/{parts.netloc}{parts.path}"


def bsd_sum(path: str) -> tuple[int, int]:
    """BSD ``sum`` of a file (``sum -r``; what Ensembl's CHECKSUMS lists): the 16-bit rotating
    checksum and the size in 1024-byte blocks."""
    from ._core import bsd_sum_update

    checksum = size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            size += len(block)
            checksum = bsd_sum_update(checksum, block)
    return checksum, (size + 1023) // 1024


def parse_manifest(text: str, kind: str, where: str) -> dict[str, str]:
    """File name -> expected value (``md5``: hex digest; ``bsd_sum``: ``"<sum> <blocks>"``)."""
    entries = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or line.startswith("#"):
            continue
        if kind == "md5":
            if len(fields) != 2 or not re.fullmatch(r"[0-9a-fA-F]{32}", fields[0]):
                raise BuildError(f"{where}:{lineno}: expected '<md5> <file>', found {line!r}")
            entries[os.path.basename(fields[1].lstrip("*"))] = fields[0].lower()
        else:
            if len(fields) != 3 or not (fields[0].isdigit() and fields[1].isdigit()):
                raise BuildError(f"{where}:{lineno}: expected '<sum> <blocks> <file>', found {line!r}")
            entries[os.path.basename(fields[2])] = f"{int(fields[0])} {int(fields[1])}"
    return entries


def load_manifest(entry: dict, args, cache: dict) -> dict[str, str]:
    """The provider's manifest for ``entry``: from ``--local-source`` when it holds one, else fetched
    fresh (it is what vouches for the download, so an old copy is never reused)."""
    url = entry["manifest"]
    if url in cache:
        return cache[url]
    base = url.rsplit("/", 1)[-1]
    local = os.path.join(args.local_source, base) if args.local_source else None
    if local and os.path.isfile(local):
        path = local
    else:
        folder = os.path.join(args.output_dir, SOURCES_SUBDIR, "manifests")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, hashlib.sha256(url.encode()).hexdigest()[:16] + "-" + base)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        for stale in (path + ".part",):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(stale)
        log(f"{base}: fetching the checksum manifest {url}")
        download(mirrored(url, args.mirror), path, None, retries=args.retries, timeout=args.timeout)
    with open(path, encoding="utf-8", errors="replace") as f:
        cache[url] = parse_manifest(f.read(), MANIFESTS[base], url)
    return cache[url]


def verify_with_manifest(path: str, entry: dict, args, cache: dict) -> str:
    """Checks ``path`` against the provider's manifest; deletes it and raises on a mismatch.
    Returns what was checked, for the log."""
    manifest = load_manifest(entry, args, cache)
    base = entry["manifest"].rsplit("/", 1)[-1]
    listed = entry["url"].rsplit("/", 1)[-1]
    if listed not in manifest:
        raise ChecksumError(f"{entry['manifest']} does not list {listed}: {entry['name']} cannot be verified")
    kind = MANIFESTS[base]
    if kind == "md5":
        h = hashlib.md5()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                h.update(block)
        got = h.hexdigest()
    else:
        got = "{} {}".format(*bsd_sum(path))
    if got != manifest[listed]:
        if not args.local_source:
            os.unlink(path)
        raise ChecksumError(
            f"{entry['name']}: {kind} {got} differs from {manifest[listed]} listed in {entry['manifest']}"
            + ("" if args.local_source else "; download deleted")
        )
    return f"{kind} matches {base}"


# --------------------------------------------------------------------------- inputs


def gather_inputs(recipe: dict, args) -> dict[str, str]:
    """Local paths of the recipe's files by role, each verified (or recorded, with --record-checksums)."""
    overrides = {}
    if args.checksums:
        with open(args.checksums) as f:
            overrides = json.load(f)
        for name, digest in overrides.items():
            if not isinstance(digest, str) or not SHA256_RE.match(digest):
                raise BuildError(f"{args.checksums}: {name}: not a SHA-256 hex digest: {digest!r}")

    # Refuse before touching the network when nothing can vouch for a file.
    unverified = [
        e["name"]
        for e in recipe["files"]
        if not (overrides.get(e["name"]) or e.get("sha256") or e.get("manifest"))
    ]
    if unverified and not args.record_checksums:
        raise BuildError(
            f"{recipe['_path']}: no verified SHA-256 for {', '.join(unverified)}. Pass --record-checksums "
            "to trust the files on first use and write their digests into the recipe (check them against "
            "the provider's published checksums), or --checksums FILE with known digests."
        )

    paths = {}
    manifests: dict[str, dict[str, str]] = {}
    for entry in recipe["files"]:
        name = entry["name"]
        expected = overrides.get(name) or entry.get("sha256")
        how = "sha256 verified" if expected else "sha256 computed"
        if args.local_source:
            path = os.path.join(args.local_source, name)
            if not os.path.isfile(path):
                raise BuildError(f"--local-source: {name} is not in {args.local_source}")
            digest = sha256_file(path)
            if expected is not None and digest != expected:
                raise ChecksumError(f"{path}: SHA-256 {digest} differs from the expected {expected}")
            if expected is None and entry.get("manifest"):
                how = verify_with_manifest(path, entry, args, manifests)
            log(f"{name}: local, {how}; sha256 {digest}")
        else:
            sources = os.path.join(args.output_dir, SOURCES_SUBDIR)
            os.makedirs(sources, exist_ok=True)
            path = os.path.join(sources, name)
            digest = None
            if os.path.isfile(path):
                digest = sha256_file(path)
                if expected is not None and digest != expected:
                    log(f"{name}: cached copy differs from the expected SHA-256; downloading again")
                    os.unlink(path)
                    digest = None
                else:
                    log(f"{name}: using the downloaded copy in {sources}")
            if digest is None:
                url = mirrored(entry["url"], args.mirror)
                log(f"{name}: downloading {url}")
                digest = download(url, path, expected, retries=args.retries, timeout=args.timeout)
            if expected is None and entry.get("manifest"):
                how = verify_with_manifest(path, entry, args, manifests)
            log(f"{name}: {how}; sha256 {digest}")
        if expected is None and args.record_checksums:
            record_checksum(recipe, name, digest)
        entry["_verified"] = "sha256" if expected else ("manifest" if entry.get("manifest") else "first use")
        entry["_sha256"] = digest
        paths[entry["role"]] = path
    return paths


# --------------------------------------------------------------------------- builders

_PRIMARY = re.compile(r"^(chr)?([0-9]+|[XYZWM]|MT)$")


def _primary_key(name: str):
    m = _PRIMARY.match(name)
    if m is None:
        raise ValueError(f"{name} is not a primary chromosome name")
    tail = m.group(2)
    rank = {"X": 1, "Y": 2, "Z": 1, "W": 2, "M": 3, "MT": 3}
    return (0, int(tail), 0) if tail.isdigit() else (1, rank[tail], 0)


def read_sizes(path: str) -> list[tuple[str, int]]:
    rows = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) < 2 or not fields[1].isdigit():
                raise BuildError(f"{path}:{lineno}: expected '<name> <size>', found {line.rstrip()!r}")
            rows.append((fields[0], int(fields[1])))
    return rows


def primary_first(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Primary chromosomes (1..N, X, Y, M in that order) first, then the rest in their given order."""
    primary = sorted((r for r in rows if _PRIMARY.match(r[0])), key=lambda r: _primary_key(r[0]))
    return primary + [r for r in rows if not _PRIMARY.match(r[0])]


def twobit_sizes(path: str) -> dict[str, int]:
    """Sequence names and lengths from a .2bit file's index (versions 0 and 1, either byte order)."""
    with open(path, "rb") as f:
        head = f.read(16)
        if len(head) < 16:
            raise BuildError(f"{path}: too short for a .2bit file")
        for endian in ("<", ">"):
            if struct.unpack(endian + "I", head[:4])[0] == 0x1A412743:
                break
        else:
            raise BuildError(f"{path}: not a .2bit file (bad signature)")
        version, count = struct.unpack(endian + "II", head[4:12])
        if version not in (0, 1):
            raise BuildError(f"{path}: unsupported .2bit version {version}")
        offset_fmt = endian + ("Q" if version == 1 else "I")
        index = []
        for _ in range(count):
            (n,) = f.read(1)
            name = f.read(n).decode("ascii")
            (offset,) = struct.unpack(offset_fmt, f.read(struct.calcsize(offset_fmt)))
            index.append((name, offset))
        sizes = {}
        for name, offset in index:
            f.seek(offset)
            raw = f.read(4)
            if len(raw) != 4:
                raise BuildError(f"{path}: record {name} points past the end of the file")
            sizes[name] = struct.unpack(endian + "I", raw)[0]
    return sizes


def check_alias_table(path: str, names: set[str]) -> tuple[int, int]:
    """Checks a chromAlias table: tab-separated, and its rows name sequences of the assembly.

    Rows for sequences the assembly lacks (UCSC's hg19 table lists the fix patches that only
    hg19.p13.plusMT has) are kept: genome_kit treats their names as unsized aliases. Returns
    (rows, rows naming no sequence of the assembly); raises if no row names one.
    """
    rows = foreign = 0
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) < 2:
                raise BuildError(f"{path}:{lineno}: expected tab-separated aliases, found {line.rstrip()!r}")
            rows += 1
            if not names.intersection(fields):
                foreign += 1
    if rows and foreign == rows:
        raise BuildError(f"{path}: no row names a sequence of the assembly (wrong alias table?)")
    return rows, foreign


def build_assembly(recipe: dict, inputs: dict[str, str], stage: str) -> list[str]:
    import genome_kit as gk

    config = recipe["config"]
    prefix = os.path.join(stage, config)
    twobit, sizes_path = f"{prefix}.2bit", f"{prefix}.chrom.sizes"
    if recipe["builder"] == "fasta_assembly":
        log(f"{config}: FASTA -> .2bit with genome_kit")
        gk.build_assembly(inputs["fasta"], prefix)
    else:
        shutil.copyfile(inputs["twobit"], twobit)
        shutil.copyfile(inputs["chrom_sizes"], sizes_path)
    rows = read_sizes(sizes_path)
    if recipe.get("options", {}).get("primary_first"):
        rows = primary_first(rows)
    with open(sizes_path, "w") as f:
        f.writelines(f"{name}\t{size}\n" for name, size in rows)
    in_2bit = twobit_sizes(twobit)
    if dict(rows) != in_2bit:
        missing = sorted(set(in_2bit) - dict(rows).keys())[:5]
        extra = sorted(dict(rows).keys() - set(in_2bit))[:5]
        wrong = sorted(n for n, s in rows if n in in_2bit and in_2bit[n] != s)[:5]
        raise BuildError(
            f"{config}: chrom.sizes and .2bit disagree (only in .2bit: {missing}, only in chrom.sizes: "
            f"{extra}, different sizes: {wrong})"
        )
    outputs = [twobit, sizes_path]
    if "chrom_alias" in inputs:
        alias = f"{prefix}.chromAlias.txt"
        shutil.copyfile(inputs["chrom_alias"], alias)
        n, foreign = check_alias_table(alias, set(in_2bit))
        log(
            f"{config}: {n} alias rows"
            + (f" ({foreign} for sequences not in this assembly)" if foreign else "")
        )
        outputs.append(alias)
    log(f"{config}: {len(rows)} sequences, {sum(s for _, s in rows):,} bp")
    return outputs


def build_annotation(recipe: dict, inputs: dict[str, str], stage: str) -> list[str]:
    import genome_kit as gk

    config, builder = recipe["config"], recipe["builder"]
    try:
        genome = gk.Genome(recipe["assembly"])
    except (RuntimeError, FileNotFoundError) as e:
        raise BuildError(
            f"{config} is built on {recipe['assembly']}, which is neither in the output directory nor "
            f"available from the data manager ({e}); build the assembly's recipe into the same OUTPUT_DIR "
            "first"
        ) from None
    build = (
        gk.GenomeAnnotation.build_ncbi_refseq
        if builder == "ncbi_refseq"
        else gk.GenomeAnnotation.build_gencode
    )
    log(f"{config}: {builder} annotation on {recipe['assembly']}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outputs = build(inputs["annotation"], os.path.join(stage, config), genome)
    for w in caught:
        log(f"{config}: warning: {w.message}")
    return outputs


def check_outputs(recipe: dict, stage: str) -> None:
    """Opens what was built with genome_kit (from the staging directory)."""
    import genome_kit as gk
    from genome_kit import gk_data

    config = recipe["config"]
    with gk_data.local_files_first(stage):
        genome = gk.Genome(config)
        if recipe["builder"] in ASSEMBLY_BUILDERS:
            chrom = genome.chromosomes[0]
            size = genome.chromosome_size(chrom)
            tail = genome.dna(genome.interval(chrom, "+", max(0, size - 10), size))
            log(f"{config}: opens; last bases of {chrom}: {tail}")
        else:
            anno = gk.GenomeAnnotation(os.path.join(stage, f"{config}.gkanno"), recipe["assembly"], config)
            counts = {t: len(getattr(anno, t)) for t in ("genes", "transcripts", "exons")}
            if not counts["genes"]:
                raise BuildError(f"{config}: the annotation has no genes")
            log(f"{config}: opens; " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))


# --------------------------------------------------------------------------- driver


def build(recipe: dict, args) -> list[str]:
    from genome_kit import gk_data

    out = os.path.abspath(args.output_dir)
    os.makedirs(out, exist_ok=True)
    inputs = gather_inputs(recipe, args)
    stage = tempfile.mkdtemp(prefix=f".build-{recipe['config']}-", dir=out)
    try:
        with gk_data.local_files_first(out):
            if recipe["builder"] in ASSEMBLY_BUILDERS:
                staged = build_assembly(recipe, inputs, stage)
            else:
                staged = build_annotation(recipe, inputs, stage)
            check_outputs(recipe, stage)
        manifest = {
            "target": recipe["_target"],
            "config": recipe["config"],
            "assembly": recipe["assembly"],
            "builder": recipe["builder"],
            "genome_kit": _gk_version(),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "inputs": [
                {
                    "name": e["name"],
                    "url": e["url"],
                    "sha256": e["_sha256"],
                    "verified": e["_verified"],
                    "local": bool(args.local_source),
                }
                for e in recipe["files"]
            ],
            "outputs": {os.path.basename(p): sha256_file(p) for p in staged},
        }
        manifest_path = os.path.join(stage, f"{recipe['config']}.build.json")
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=2)
            f.write("\n")
        final = []
        for path in [*staged, manifest_path]:
            dest = os.path.join(out, os.path.basename(path))
            os.replace(path, dest)
            final.append(dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for path in final:
        print(path)
    if args.upload:
        upload(recipe, final[:-1], manifest)
    return final


def upload(recipe: dict, paths: list[str], manifest: dict) -> None:
    from genome_kit import gk_data

    metadata = {
        "recipe": recipe["_target"],
        "sources": " ".join(f"{i['url']}#sha256={i['sha256']}" for i in manifest["inputs"]),
        "genome_kit": manifest["genome_kit"],
    }
    for path in paths:
        name = os.path.basename(path)
        result = gk_data.data_manager.upload_file(path, name, metadata)
        log(f"uploaded {name}" + (f" -> {result}" if isinstance(result, str) else ""))


def _gk_version() -> str:
    import genome_kit

    return getattr(genome_kit, "__version__", "unknown")


def print_list(root: str) -> None:
    for target in list_targets(root):
        recipe = load_recipe(target, root)
        pinned = sum(1 for e in recipe["files"] if e.get("sha256"))
        unverifiable = [e["name"] for e in recipe["files"] if not (e.get("sha256") or e.get("manifest"))]
        if unverifiable:
            status = f"NO CHECKSUM for {len(unverifiable)}/{len(recipe['files'])} files"
        else:
            status = f"verified (sha256 pinned {pinned}/{len(recipe['files'])}, rest by manifest)"
        print(f"{target:32} {recipe['config']:36} {recipe['builder']:15} {status}")


def parse_args(argv=None, prog: str = "data-src/build.py", recipes: str = HERE):
    p = argparse.ArgumentParser(
        prog=prog,
        description="Build the data files of one recipe of the data-src/ tree (shipped in the package) from "
        "its upstream files, each verified against its checksum before use.",
        epilog=f"""examples:
  {prog} --list
  {prog} hg38/gencode/v46 ~/gkdata      # GENCODE 46 for hg38 into ~/gkdata
  {prog} gencode.v41 ~/gkdata           # by config name
see docs/data-build.md for recipes, mirrors and checksums""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "target",
        nargs="?",
        help="recipe: <assembly>/<source>/<version> (hg38/gencode/v46), GenomeKit's <assembly>/assembly and "
        "<assembly>/<GENCODE|Ensembl|NCBI>/<version>, or a config name",
    )
    p.add_argument("output_dir", nargs="?", help="where the data files go (e.g. $GENOMEKIT_DATA_DIR)")
    p.add_argument("--list", action="store_true", help="list the recipes and their checksum status")
    p.add_argument(
        "--local-source", metavar="DIR", help="take the input files from DIR instead of downloading"
    )
    p.add_argument(
        "--checksums", metavar="FILE", help="JSON {file name: sha256} used instead of the recipe's digests"
    )
    p.add_argument(
        "--record-checksums",
        action="store_true",
        help="pin the SHA-256 of inputs verified by their manifest into the recipe (and trust inputs with "
        "neither a SHA-256 nor a manifest on first use)",
    )
    p.add_argument(
        "--mirror",
        metavar="URL",
        default=os.environ.get("GENOMEKIT_RECIPE_MIRROR") or None,
        help="fetch https://HOST/PATH from URL/HOST/PATH (default: $GENOMEKIT_RECIPE_MIRROR)",
    )
    p.add_argument("--upload", action="store_true", help="upload the outputs through the active data manager")
    p.add_argument("--recipes", metavar="DIR", default=recipes, help=f"recipe tree (default: {recipes})")
    p.add_argument(
        "--retries",
        type=int,
        default=5,
        metavar="N",
        help="resumptions of an interrupted download (default 5)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="network timeout in seconds (default 60)",
    )
    args = p.parse_args(argv)
    if not args.list and (args.target is None or args.output_dir is None):
        p.error("TARGET and OUTPUT_DIR are required (or --list)")
    return args


def main(argv=None, prog: str = "data-src/build.py", recipes: str = HERE) -> int:
    args = parse_args(argv, prog, recipes)
    try:
        if args.list:
            print_list(args.recipes)
            return 0
        build(load_recipe(args.target, args.recipes), args)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError, RuntimeError) as e:
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0
