"""Where the highlight is in a run of frame scores: a time range as frames, the best window."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from pld_core.errors import VideoError


def frame_range(n_frames: int, fps: float, start_s: float | None, end_s: float | None,
                path: str | Path) -> tuple[int, int]:
    """Sampled frames ``[lo, hi)`` shown in ``[start_s, end_s)``; VideoError when that holds none."""
    start = 0.0 if start_s is None else start_s
    end = n_frames / fps if end_s is None else end_s
    if start < 0 or end <= start:
        raise VideoError(path, f"range {start:g}-{end:g} s: need 0 <= start_s < end_s")
    lo = min(n_frames, math.ceil(start * fps - 1e-6))
    hi = min(n_frames, math.ceil(end * fps - 1e-6))
    if hi <= lo:
        raise VideoError(path, f"range {start:g}-{end:g} s holds no frames (the video lasts {n_frames / fps:.2f} s)")
    return lo, hi


def best_window(scores: np.ndarray, fps: float, seconds: float) -> tuple[int, int, float]:
    """``(start, stop, mean score)`` of the ``seconds``-long run of frames with the highest mean.

    A range shorter than ``seconds`` is returned whole; ties go to the earliest window.
    """
    n = len(scores)
    width = min(n, max(1, round(seconds * fps)))
    sums = np.concatenate([[0.0], np.cumsum(scores, dtype=np.float64)])
    means = (sums[width:] - sums[:-width]) / width
    start = int(np.argmax(means))
    return start, start + width, float(means[start])
