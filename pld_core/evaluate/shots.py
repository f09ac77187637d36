"""Shots of a video file by kernel temporal segmentation of small frame thumbnails."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from pld_core.config import Settings
from pld_core.evaluate.keyshot import shots_from_boundaries
from pld_core.evaluate.kts import change_points
from pld_core.video import open_video


def frame_descriptors(path: str | Path, settings: Settings) -> np.ndarray:
    """``[T, d]`` descriptors of the frames sampled at ``video.fps``: centred RGB thumbnails.

    Frames are streamed one by one; only the thumbnails are kept.
    """
    side = settings.evaluate.kts_thumb_size
    rows = []
    with open_video(path, backend=settings.video.backend, size=(side, side), fps=settings.video.fps) as reader:
        for frame in reader.iter_frames():
            thumb = frame.astype(np.float32).ravel() / 255.0
            rows.append(thumb - thumb.mean())
    return np.stack(rows) if rows else np.zeros((0, side * side * 3), dtype=np.float32)


def kts_shots(descriptors: np.ndarray, fps: float, settings: Settings) -> np.ndarray:
    """``[n_shots, 2]`` frame ranges from KTS over ``descriptors`` (one per sampled frame).

    Long videos are subsampled uniformly to at most ``evaluate.kts_max_points`` descriptors
    (KTS is quadratic in their number); change points are mapped back to frames.
    """
    n = len(descriptors)
    step = max(1, math.ceil(n / settings.evaluate.kts_max_points))
    minutes = n / fps / 60.0
    max_cp = max(1, math.ceil(minutes * settings.evaluate.kts_max_shots_per_minute))
    cps = change_points(descriptors[::step], max_cp, settings.evaluate.kts_vmax) * step
    return shots_from_boundaries(cps, n)
