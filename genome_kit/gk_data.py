"""The active data manager and the data directory.

``data_manager`` is the hook through which every data file is resolved;
assign another :class:`~genome_kit.data_manager.DataManager` to change where
files come from::

    genome_kit.gk_data.data_manager = MyDataManager("/my/data")

At import it is the first plugin advertised in the entry point group
``genomekit.plugins.data_manager`` (instantiated with ``data_dir``; a plugin
that fails to load falls back to the default with a warning), else a
:class:`~genome_kit.data_manager.DefaultDataManager` over ``data_dir`` and
``$GENOMEKIT_STORAGE_BUCKET`` (GenomeKit's public bucket when that is unset).
``$GENOMEKIT_DATA_MANAGER`` picks a plugin by entry point name when several
are installed, or ``default`` to ignore them.

Importing never creates or touches the data directory.
"""

from __future__ import annotations

import contextlib
import os
import warnings
import weakref
from importlib.metadata import entry_points

import appdirs

from .data_manager import (
    DataManager,
    DefaultDataManager,
    GKDataFileNotFoundError,
    GKDataNetworkError,
    configure_logging,
    log,
)

__all__ = [
    "PLUGIN_GROUP",
    "data_dir",
    "data_manager",
    "get_file",
    "get_optional_file",
    "list_available_genomes",
    "list_files",
    "local_files_first",
    "resolve_path",
    "upload_file",
]

PLUGIN_GROUP = "genomekit.plugins.data_manager"

configure_logging()

#: The local data directory: ``$GENOMEKIT_DATA_DIR``, else the per-user application data directory.
data_dir: str = os.path.expanduser(
    os.environ.get("GENOMEKIT_DATA_DIR") or appdirs.user_data_dir("genome_kit")
)


def _plugin_entry_points() -> list:
    return sorted(entry_points(group=PLUGIN_GROUP), key=lambda ep: ep.name)


def select_data_manager(directory: str) -> DataManager:
    """The data manager to use for ``directory``: the selected plugin, else the default."""
    wanted = os.environ.get("GENOMEKIT_DATA_MANAGER", "").strip()
    if wanted.lower() != "default":
        eps = _plugin_entry_points()
        if wanted:
            chosen = [ep for ep in eps if ep.name == wanted]
            if not chosen:
                warnings.warn(
                    f"GENOMEKIT_DATA_MANAGER={wanted!r}: no such plugin in entry point group {PLUGIN_GROUP} "
                    f"(installed: {[ep.name for ep in eps]}); using DefaultDataManager",
                    RuntimeWarning,
                    stacklevel=2,
                )
            eps = chosen
        elif len(eps) > 1:
            names = [ep.name for ep in eps]
            log.info("several data manager plugins installed %s; using %r", names, names[0])
        if eps:
            ep = eps[0]
            try:
                manager = ep.load()(directory)
            except Exception as e:
                warnings.warn(
                    f"data manager plugin {ep.name!r} ({ep.value}) failed: {type(e).__name__}: {e}; "
                    "using DefaultDataManager",
                    RuntimeWarning,
                    stacklevel=2,
                )
            else:
                log.debug("data manager: plugin %r -> %r", ep.name, manager)
                return manager
    manager = DefaultDataManager(directory)
    log.debug("data manager: %r", manager)
    return manager


data_manager: DataManager = select_data_manager(data_dir)


def get_file(filename: str) -> str:
    """Local path of a data file, through the active data manager (fetching it if needed)."""
    return data_manager.get_file(filename)


_unavailable_warned: weakref.WeakSet[DataManager] = weakref.WeakSet()  # managers that warned already


def get_optional_file(filename: str, errors: list[Exception] | None = None) -> str | None:
    """Local path of a data file that may legitimately not exist, or None.

    None when the file exists nowhere, and also when the remote source cannot be
    reached or refuses access (warned once per data manager; the error is
    appended to ``errors`` when given): an optional file must not stop a cached
    genome from opening offline."""
    try:
        return data_manager.get_file(filename)
    except GKDataFileNotFoundError:
        return None
    except GKDataNetworkError as e:
        if errors is not None:
            errors.append(e)
        log.debug("%s: treated as absent: %s", filename, e)
        if data_manager not in _unavailable_warned:
            _unavailable_warned.add(data_manager)
            warnings.warn(
                f"genome_kit: remote data source unavailable; optional files not in the data directory "
                f"are treated as absent ({filename} first): {e}",
                RuntimeWarning,
                stacklevel=2,
            )
        return None


def resolve_path(path) -> str:
    """Local path for a file argument of a reader (GenomeTrack, VCFTable, ...).

    An existing path, or any path with a directory part, is used as given; a
    bare file name that is not in the working directory is resolved through
    the active data manager (fetching it if needed), like the files of a
    Genome.
    """
    path = os.fspath(path)
    if os.path.exists(path) or os.path.dirname(path):
        return path
    return get_file(path)


def upload_file(filepath: str, filename: str, metadata: dict[str, str] | None = None):
    """Publishes a local file through the active data manager."""
    return data_manager.upload_file(filepath, filename, metadata)


def list_files() -> list[str]:
    """Data files the active data manager can provide."""
    return data_manager.list_files()


def list_available_genomes() -> list[str]:
    """Assembly and annotation configs the active data manager can provide."""
    return data_manager.list_available_genomes()


@contextlib.contextmanager
def local_files_first(directory: str):
    """Within the ``with`` block, data files are looked up in ``directory`` first, then through the
    active data manager (uploads still go to the active one). For building into a directory that is not
    the data directory: the new files are usable by name at once."""
    global data_manager
    fallback = data_manager
    if os.path.abspath(getattr(fallback, "data_dir", "")) == os.path.abspath(directory):
        yield
        return
    local = DefaultDataManager(directory, bucket_name="")  # only what is in directory; the rest: fallback

    class LocalFirst(DataManager):
        def get_file(self, filename):
            try:
                return local.get_file(filename)
            except GKDataFileNotFoundError:
                return fallback.get_file(filename)

        def upload_file(self, filepath, filename, metadata=None):
            return fallback.upload_file(filepath, filename, metadata)

    data_manager = LocalFirst(directory)
    try:
        yield
    finally:
        data_manager = fallback
