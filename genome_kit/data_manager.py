"""Where genome_kit finds its data files.

Every data file the package opens (assemblies, annotations, tracks, VCF
tables) is resolved by name through ``genome_kit.gk_data.data_manager``, an
instance of a :class:`DataManager` subclass. Replace it to serve files from
anywhere::

    import genome_kit as gk
    gk.gk_data.data_manager = MyDataManager("/my/data")
"""

from __future__ import annotations

import abc
import os

__all__ = ["DataManager", "DefaultDataManager", "GKDataFileNotFoundError"]


class GKDataFileNotFoundError(FileNotFoundError):
    """A data file is in none of the places the data manager looks."""

    def __init__(self, filename: str, message: str | None = None):
        self.filename = filename
        super().__init__(message or f"data file not found: {filename}")

    def __str__(self) -> str:
        return self.args[0]


def check_filename(filename: str) -> str:
    """Rejects names that could escape the data directory."""
    if (
        not filename
        or os.path.isabs(filename)
        or "/" in filename
        or "\\" in filename
        or filename in (".", "..")
        or "\0" in filename
    ):
        raise ValueError(f"invalid data file name {filename!r}: expected a plain file name")
    return filename


class DataManager(abc.ABC):
    """Resolves data file names to local paths."""

    def __init__(self, data_dir: str):
        self.data_dir = os.fspath(data_dir)

    @abc.abstractmethod
    def get_file(self, filename: str) -> str:
        """Local path of ``filename``, fetching it first if needed.

        Raises :class:`GKDataFileNotFoundError` when the file exists nowhere."""

    @abc.abstractmethod
    def upload_file(self, filepath: str, filename: str, metadata: dict[str, str] | None = None) -> None:
        """Publishes a local file under ``filename``."""

    def list_files(self) -> list[str]:
        """Names of the data files this manager can provide."""
        try:
            return sorted(n for n in os.listdir(self.data_dir) if not n.startswith("."))
        except FileNotFoundError:
            return []

    def list_available_genomes(self) -> list[str]:
        """Assembly and annotation configs (names of ``*.2bit`` and ``*.cfg`` files)."""
        names = {n.rsplit(".", 1)[0] for n in self.list_files() if n.endswith((".2bit", ".cfg"))}
        return sorted(names)


class DefaultDataManager(DataManager):
    """Files in a local data directory."""

    def __init__(self, data_dir: str, bucket_name: str | None = None):
        super().__init__(data_dir)
        self.bucket_name = bucket_name

    def get_file(self, filename: str) -> str:
        check_filename(filename)
        path = os.path.join(self.data_dir, filename)
        if os.path.isfile(path):
            return path
        raise GKDataFileNotFoundError(filename, f"data file {filename!r} not found in {self.data_dir}")

    def upload_file(self, filepath: str, filename: str, metadata: dict[str, str] | None = None) -> None:
        raise NotImplementedError("uploading needs a storage bucket")
