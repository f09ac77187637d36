"""The windows dataset: one item per window of ``window`` frames, every ``stride`` frames.

An item is a dict of tensors::

    frames         float32 [3, T, H, W] in [0, 1]
    frame_targets  float32 [T]        consensus (regression) or 0/1 (binary)
    mask           bool    [T]        False on the padding of a short video's window
    maps           float32 [T, H, W]  saliency pseudo-labels in [0, 1]      (PLD only)
    pixel_targets  float32 [T, H, W]  pld_core.saliency.pixel_targets(...)  (PLD only)

Augmentation draws come from a generator seeded by (seed, epoch, item), so an epoch
is the same whatever the number of workers and whether it ran before a resume.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset

from pld_core.saliency import pixel_targets
from pld_core.train.augment import augment_window
from pld_core.train.data import VideoRecord, maps_to_unit, window_index


@dataclass(frozen=True)
class Augmentation:
    crop: float
    brightness: float


class WindowDataset(Dataset):
    """Windows over ``records`` (memory-mapped frames and maps, opened lazily per worker)."""

    def __init__(self, records: list[VideoRecord], *, window: int, stride: int, seed: int,
                 augmentation: Augmentation | None = None):
        self.records = records
        self.window = window
        self.seed = seed
        self.augmentation = augmentation
        self.index = window_index(records, window, stride)
        self.epoch = 0
        self._open: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}

    def __len__(self) -> int:
        return len(self.index)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_open"] = {}  # memory maps are reopened in each worker
        return state

    def set_epoch(self, epoch: int) -> None:
        """Make the augmentation draws those of ``epoch``."""
        self.epoch = epoch

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        rec_i, start = self.index[i]
        record = self.records[rec_i]
        frames_all, maps_all = self._arrays(rec_i)
        stop = min(start + self.window, len(record.targets))
        n_valid = stop - start
        frames = _pad(frames_all[start:stop], self.window)
        targets = _pad(record.targets[start:stop], self.window)
        maps = None if maps_all is None else _pad(maps_to_unit(maps_all[start:stop]), self.window)
        if self.augmentation is not None:
            rng = np.random.default_rng([self.seed, self.epoch, i])
            frames, maps = augment_window(frames, maps, rng, crop=self.augmentation.crop,
                                          brightness=self.augmentation.brightness)
        else:
            frames = frames.astype(np.float32) / 255.0
        mask = torch.zeros(self.window, dtype=torch.bool)
        mask[:n_valid] = True
        item = {"frames": torch.from_numpy(frames).permute(3, 0, 1, 2), "frame_targets": torch.from_numpy(targets),
                "mask": mask}
        if maps is not None:
            item["maps"] = torch.from_numpy(maps)
            item["pixel_targets"] = torch.from_numpy(pixel_targets(maps, targets))
        return item

    def _arrays(self, rec_i: int) -> tuple[np.ndarray, np.ndarray | None]:
        if rec_i not in self._open:
            record = self.records[rec_i]
            self._open[rec_i] = (record.frames(), record.maps())
        return self._open[rec_i]


def _pad(values: np.ndarray, length: int) -> np.ndarray:
    """Repeat the last entry until ``values`` has ``length`` entries (as the video reader pads)."""
    if len(values) >= length:
        return np.array(values)  # a writable copy, also of a memory map
    return np.concatenate([values, np.repeat(values[-1:], length - len(values), axis=0)])
