"""Resolution of config names to reference assemblies.

A config is an assembly when ``<config>.chrom.sizes`` exists, and an
annotation when ``<config>.cfg`` names its assembly (``refg=...``). Files are
found through the active data manager. A probe that cannot reach the remote
source counts as "absent" (so cached genomes open offline), but when no
possibility is found and the network failed, that failure is what surfaces.
The C++ core calls :func:`load` for any reference genome name it has not seen.
"""

from __future__ import annotations

import os
import threading

from . import _core, gk_data
from .data_manager import GKDataFileNotFoundError  # noqa: F401 (callers catch it from here)

_lock = threading.RLock()


def _optional_file(name: str, errors: list[Exception] | None = None) -> str | None:
    return gk_data.get_optional_file(name, errors)


def read_cfg(path: str) -> dict[str, str]:
    """Parses a ``key=value`` config file."""
    values = {}
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise ValueError(f"{path}:{lineno}: line is not UTF-8: {raw.rstrip()!r}") from None
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"{path}:{lineno}: expected key=value, found {line!r}")
            values[key.strip()] = value.strip()
    return values


def load(name: str) -> None:
    """Registers the assembly of config ``name`` (an assembly or annotation)."""
    with _lock:
        if _core._is_registered(name):
            return
        errors: list[Exception] = []
        sizes = _optional_file(f"{name}.chrom.sizes", errors)
        if sizes is not None:
            aliases = _optional_file(f"{name}.chromAlias.txt")
            _core._register_assembly(name, sizes, aliases or "")
            return
        cfg = _optional_file(f"{name}.cfg", errors)
        if cfg is None:
            if errors:  # not "unknown": we could not ask
                raise errors[-1]
            where = getattr(gk_data.data_manager, "data_dir", "the data directory")
            raise RuntimeError(
                f"unknown genome {name!r}: no assembly ({name}.chrom.sizes) and no annotation "
                f"({name}.cfg) in {where} or the data manager's other sources"
            )
        refg = read_cfg(cfg).get("refg")
        if not refg:
            raise ValueError(f"{cfg}: no refg=<assembly> line")
        load(refg)
        _core._register_assembly_alias(name, refg)


def annotation_file(config: str) -> str:
    """Local path of the annotation of config ``config``.

    The file genome_kit builds, ``<config>.gkanno``, or else GenomeKit's
    prebuilt ``<config>.v22.dganno`` (both found through the data manager).
    """
    from .genome_annotation import DGANNO_SUFFIX, annotation_filename

    names = (annotation_filename(config), f"{config}{DGANNO_SUFFIX}")
    for name in names:
        path = _optional_file(name)
        if path is not None:
            return path
    raise GKDataFileNotFoundError(
        names[0], f"no annotation file for {config!r}: neither {names[0]} nor {names[1]} is available"
    )


def load_beside(twobit_path: str) -> str:
    """Registers the assembly of a .2bit file from the chrom.sizes next to it
    (or, failing that, through the data manager); returns its name."""
    directory, base = os.path.split(os.path.abspath(twobit_path))
    name = base[:-5] if base.endswith(".2bit") else base
    with _lock:
        if _core._is_registered(name):
            return name
        sizes = os.path.join(directory, f"{name}.chrom.sizes")
        if os.path.isfile(sizes):
            aliases = os.path.join(directory, f"{name}.chromAlias.txt")
            _core._register_assembly(name, sizes, aliases if os.path.isfile(aliases) else "")
            return name
        try:
            load(name)
        except RuntimeError:
            # Plain OSError: the sequence file cannot be used without its sizes.
            raise OSError(
                f"cannot determine the reference genome of {twobit_path}: "
                f"no {name}.chrom.sizes beside it or in the data directory"
            ) from None
        return name


def assembly_of(config) -> str:
    """Assembly name of a config name, Genome or other object with ``reference_genome``."""
    return _core._assembly_name(config)


_core._set_assembly_loader(load)
