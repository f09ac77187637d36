"""How a video of ``n_src`` frames at ``src_fps`` is sampled at the pipeline rate.

Every stage (labels, pseudo-labels, training, scoring) uses these two functions, so
"frame k" means the same instant everywhere: the source frame on screen at k / fps.
"""
from __future__ import annotations

import numpy as np


def sample_indices(n_src: int, src_fps: float, out_fps: float | None) -> np.ndarray:
    """Source frame index of each sampled frame (``out_fps=None`` keeps every frame)."""
    if n_src <= 0:
        return np.zeros(0, dtype=np.int64)
    if out_fps is None or abs(out_fps - src_fps) < 1e-6:
        return np.arange(n_src, dtype=np.int64)
    n_out = n_sampled(n_src, src_fps, out_fps)
    idx = np.floor(np.arange(n_out) * (src_fps / out_fps) + 1e-6).astype(np.int64)
    return np.minimum(idx, n_src - 1)


def timed_indices(times: np.ndarray, n_out: int, out_fps: float) -> np.ndarray:
    """Source frame on screen at ``k / out_fps`` for k < ``n_out``, from each frame's time (VFR videos)."""
    wanted = np.arange(n_out) / out_fps + 1e-6
    return np.clip(np.searchsorted(times, wanted, side="right") - 1, 0, len(times) - 1).astype(np.int64)


def n_sampled(n_src: int, src_fps: float, out_fps: float | None) -> int:
    """Number of frames a video yields at ``out_fps`` (at least one for a non-empty video)."""
    if n_src <= 0:
        return 0
    if out_fps is None or abs(out_fps - src_fps) < 1e-6:
        return n_src
    return max(1, int(np.floor(n_src * out_fps / src_fps + 1e-6)))


def window_starts(n_frames: int, window: int, stride: int) -> list[int]:
    """Start of every window so that windows of ``window`` frames cover all ``n_frames``.

    Starts go 0, stride, 2*stride, ...; a last window is aligned to the end when the
    stride leaves a tail uncovered. A video shorter than one window has one start, 0.
    """
    if n_frames <= window:
        return [0] if n_frames > 0 else []
    starts = list(range(0, n_frames - window + 1, stride))
    if starts[-1] + window < n_frames:
        starts.append(n_frames - window)
    return starts
