"""PLD's pixel-level targets: frame consensus labels spread over the frame by saliency.

    target[t, y, x] = frame_targets[t] * maps[t, y, x] / max(maps[t])

So a highlight frame (target near 1) asks for high scores where a viewer looks and low
scores elsewhere, and a non-highlight frame (target 0) asks for zero everywhere. A frame
whose map is all zero (no cue where to look) spreads its target uniformly.
"""
from __future__ import annotations

import numpy as np

from pld_core.errors import DataError
from pld_core.saliency.base import unit_max


def pixel_targets(maps: np.ndarray, frame_targets: np.ndarray) -> np.ndarray:
    """float32 [T, H, W] in [0, 1] from saliency ``maps`` [T, H, W] (>= 0) and ``frame_targets`` [T] in [0, 1]."""
    maps = np.asarray(maps, dtype=np.float32)
    targets = np.asarray(frame_targets, dtype=np.float32)
    if maps.ndim != 3 or targets.shape != (len(maps),):
        raise DataError("pixel_targets", f"expected maps [T, H, W] and targets [T], got {list(maps.shape)} "
                                         f"and {list(targets.shape)}")
    if not (np.isfinite(maps).all() and np.isfinite(targets).all()):
        raise DataError("pixel_targets", "maps and targets must be finite")
    if (maps < 0).any() or (targets < 0).any() or (targets > 1).any():
        raise DataError("pixel_targets", "maps must be >= 0 and frame targets in [0, 1]")
    spread = unit_max(maps)
    blank = spread.reshape(len(spread), -1).max(axis=1) == 0 if len(spread) else np.zeros(0, bool)
    spread[blank] = 1.0
    return spread * targets[:, None, None]
