"""PyTorch adapter of :class:`genome_kit.loader.WindowLoader` (imports torch: use
``WindowLoader.torch_dataset()``, which imports this module only when asked)."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info

__all__ = ["WindowDataset"]


class WindowDataset(IterableDataset):
    """Batches of a WindowLoader as dicts of tensors (``torch.from_numpy``: no copy).

    In a DataLoader with ``num_workers > 0`` each worker iterates its own shard
    (``worker=id, num_workers=n`` on top of the loader's rank shard) with one C++ thread,
    from a copy of the loader that reopens its files in the worker. Call
    :meth:`set_epoch` before each epoch (workers copy the epoch when they start, so use
    ``persistent_workers=False``, the default). When ``torch.distributed`` is initialised and
    the loader is unsharded, the rank and world size come from it.
    """

    def __init__(self, loader, num_workers: int = 0):
        super().__init__()
        self.loader = loader
        self.num_workers = (
            num_workers  # of the DataLoader, for __len__ (each worker yields its shard's batches)
        )

    def set_epoch(self, epoch: int) -> None:
        self.loader.set_epoch(epoch)

    def __len__(self) -> int:
        loader, n = self._shard(), self.num_workers
        return sum(len(loader.shard(worker=w, num_workers=n)) for w in range(n)) if n else len(loader)

    def _shard(self):
        loader, changes = self.loader, dict[str, int]()
        dist = torch.distributed
        if loader.world_size == 1 and dist.is_available() and dist.is_initialized():
            changes.update(rank=dist.get_rank(), world_size=dist.get_world_size())
        info = get_worker_info()
        if info is not None:
            changes.update(worker=info.id, num_workers=info.num_workers, threads=1)
        return loader.shard(**changes) if changes else loader

    def __iter__(self):
        for batch in self._shard():
            yield {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in batch.items()}
