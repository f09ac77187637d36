"""Clip-level rater matrices: grid frames grouped into clips of ``labels.clip_seconds``."""
from __future__ import annotations

import numpy as np

from pld_core.labels.grid import RaterMatrix


def clip_index(n_frames: int, fps: float, clip_seconds: float) -> np.ndarray:
    """Clip of each grid frame: frame k (at k / fps seconds) is in clip floor(k / fps / clip_seconds)."""
    return np.floor(np.arange(n_frames) / fps / clip_seconds + 1e-9).astype(np.int64)


def pool_to_clips(matrix: RaterMatrix, clips: np.ndarray) -> RaterMatrix:
    """Each rater's mean score over the frames of each clip it scored (NaN where it scored none)."""
    scores = matrix.scores
    n_raters, n_clips = len(scores), int(clips.max()) + 1 if len(clips) else 0
    present = ~np.isnan(scores)
    cells = (np.arange(n_raters)[:, None] * n_clips + clips[None, :]).ravel()
    total = np.bincount(cells, np.where(present, scores, 0.0).ravel(), n_raters * n_clips)
    count = np.bincount(cells, present.ravel().astype(np.float64), n_raters * n_clips)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.where(count > 0, total / np.maximum(count, 1), np.nan).reshape(n_raters, n_clips)
    return RaterMatrix(matrix.video_id, matrix.raters, pooled)
