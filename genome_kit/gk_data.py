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

Until one is assigned, the default follows the environment: changing
``GENOMEKIT_DATA_DIR`` (or ``GENOMEKIT_STORAGE_BUCKET``) in ``os.environ``
after import takes effect. An assigned manager travels with pickled
genome_kit objects to processes that have not chosen one (see
:func:`pickled_setup` and ``docs/data.md``).

Importing never creates or touches the data directory.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
import types
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

# The settings the default data manager is made from; read on every use, so a change of os.environ after
# import (e.g. GENOMEKIT_DATA_DIR set by a notebook or a test) is honoured.
_ENV_SETTINGS = ("GENOMEKIT_DATA_DIR", "GENOMEKIT_STORAGE_BUCKET", "GENOMEKIT_DATA_MANAGER")


def _env_data_dir() -> str:
    return os.path.expanduser(os.environ.get("GENOMEKIT_DATA_DIR") or appdirs.user_data_dir("genome_kit"))


#: The local data directory: ``$GENOMEKIT_DATA_DIR``, else the per-user application data directory
#: (re-read when the environment changes).
data_dir: str = _env_data_dir()


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
_default: DataManager = data_manager  # the manager made from the environment
_default_key = tuple(os.environ.get(k) for k in _ENV_SETTINGS)
_chosen = False  # True when data_manager was set in code (or adopted from a pickled handle)
_lock = threading.Lock()


def _active() -> DataManager:
    """The active data manager: the one chosen in code, else the default for the current environment."""
    global data_manager, data_dir, _default, _default_key
    if not _chosen:
        key = tuple(os.environ.get(k) for k in _ENV_SETTINGS)
        if key != _default_key:
            with _lock:
                if key != _default_key and not _chosen:
                    data_dir = _env_data_dir()
                    _default = data_manager = select_data_manager(data_dir)
                    _default_key = key
    return data_manager


def _choose(manager: DataManager) -> None:
    """Makes ``manager`` the active one (assigning the default back follows the environment again)."""
    global data_manager, _chosen
    with _lock:
        data_manager = manager
        _chosen = manager is not _default


class _Module(types.ModuleType):
    """``gk_data.data_manager`` and ``gk_data.data_dir`` read the current set-up; assigning
    ``data_manager`` chooses it (and makes it travel with pickled handles, see :func:`pickled_setup`)."""

    @property
    def data_manager(self) -> DataManager:
        return _active()

    @data_manager.setter
    def data_manager(self, manager: DataManager) -> None:
        _choose(manager)

    @property
    def data_dir(self) -> str:
        _active()
        return data_dir


sys.modules[__name__].__class__ = _Module


# --- the set-up travels with pickled handles ---------------------------------------------------------
# Every handle (Genome, Interval, Variant, tables, rows, tracks, VCF tables...) pickles a _Setup next to
# its names and paths. A process that unpickles one and has chosen no data manager itself (a spawn or
# forkserver worker, a PyTorch DataLoader worker) adopts the sender's, so it resolves the same files.


class _Setup:
    def __init__(self, manager: DataManager):
        self.manager = manager

    def __reduce__(self):
        return (_adopt, (self.manager,))


def _adopt(manager: DataManager) -> None:
    if not _chosen:
        _choose(manager)


_setup: tuple[DataManager | None, _Setup | None] = (None, None)  # the last manager pickled, its token


def pickled_setup() -> _Setup | None:
    """What pickled handles carry of the data-manager set-up: the manager chosen in code, or None
    (the receiving process then uses its own environment). A manager that cannot be pickled (a class
    defined inside a function, open connections) stays behind, with a warning."""
    global _setup
    if not _chosen:  # before _active(): pickles made in loops need not read the environment
        return None
    manager = _active()
    if _setup[0] is not manager:
        token: _Setup | None = _Setup(manager)
        try:
            pickle.dumps(manager)
        except Exception as e:
            token = None
            warnings.warn(
                f"genome_kit: the data manager {manager!r} cannot be pickled ({type(e).__name__}: {e}); "
                "processes that do not inherit it (spawn, forkserver) use their own set-up "
                "(GENOMEKIT_DATA_DIR): make it picklable to send it with genome_kit objects",
                RuntimeWarning,
                stacklevel=3,
            )
        _setup = (manager, token)
    return _setup[1]


def get_file(filename: str) -> str:
    """Local path of a data file, through the active data manager (fetching it if needed)."""
    return _active().get_file(filename)


_unavailable_warned: weakref.WeakSet[DataManager] = weakref.WeakSet()  # managers that warned already


def get_optional_file(filename: str, errors: list[Exception] | None = None) -> str | None:
    """Local path of a data file that may legitimately not exist, or None.

    None when the file exists nowhere, and also when the remote source cannot be
    reached or refuses access (warned once per data manager; the error is
    appended to ``errors`` when given): an optional file must not stop a cached
    genome from opening offline."""
    try:
        return _active().get_file(filename)
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
    if os.path.dirname(path) or os.path.exists(path):  # no stat for a path with a directory part
        return path
    return get_file(path)


def upload_file(filepath: str, filename: str, metadata: dict[str, str] | None = None):
    """Publishes a local file through the active data manager."""
    return _active().upload_file(filepath, filename, metadata)


def list_files() -> list[str]:
    """Data files the active data manager can provide."""
    return _active().list_files()


def list_available_genomes() -> list[str]:
    """Assembly and annotation configs the active data manager can provide."""
    return _active().list_available_genomes()


class _LocalFirst(DataManager):
    """Files in ``data_dir`` first, then through ``fallback`` (which also takes uploads)."""

    def __init__(self, data_dir: str, fallback: DataManager):
        super().__init__(data_dir)
        self.local = DefaultDataManager(data_dir, bucket_name="")  # only what is in data_dir
        self.fallback = fallback

    def get_file(self, filename):
        try:
            return self.local.get_file(filename)
        except GKDataFileNotFoundError:
            return self.fallback.get_file(filename)

    def upload_file(self, filepath, filename, metadata=None):
        return self.fallback.upload_file(filepath, filename, metadata)


@contextlib.contextmanager
def local_files_first(directory: str):
    """Within the ``with`` block, data files are looked up in ``directory`` first, then through the
    active data manager (uploads still go to the active one). For building into a directory that is not
    the data directory: the new files are usable by name at once."""
    fallback = _active()
    if os.path.abspath(getattr(fallback, "data_dir", "")) == os.path.abspath(directory):
        yield
        return
    _choose(_LocalFirst(directory, fallback))
    try:
        yield
    finally:
        _choose(fallback)
