"""The active data manager and the data directory.

``data_manager`` is the hook through which every data file is resolved;
assign another :class:`~genome_kit.data_manager.DataManager` to change where
files come from.
"""

from __future__ import annotations

import os

import appdirs

from .data_manager import DataManager, DefaultDataManager

__all__ = ["data_dir", "data_manager", "get_file"]

data_dir: str = os.environ.get("GENOMEKIT_DATA_DIR") or appdirs.user_data_dir("genome_kit")
data_manager: DataManager = DefaultDataManager(data_dir, os.environ.get("GENOMEKIT_STORAGE_BUCKET"))


def get_file(filename: str) -> str:
    """Local path of a data file, through the active data manager."""
    return data_manager.get_file(filename)
