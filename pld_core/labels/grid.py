"""Raters' units (frames or segments, at any rate) expanded onto a grid of frames.

A grid frame stands for the source frame it shows (``pld_core.video.timing``); a rater's
score for it is the score of the unit that contains the middle of that source frame
(the mean when the rater's units overlap there), NaN when no unit of the rater does.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pld_core.errors import DataError
from pld_core.video.timing import sample_indices

_DECIMALS = 9  # overlapping units are averaged by running sums; rounding removes their float noise


@dataclass(frozen=True)
class RaterMatrix:
    """One video's scores on a grid: ``scores[r, k]`` is rater ``raters[r]`` at grid frame k."""

    video_id: str
    raters: list[str]
    scores: np.ndarray  # float64 [R, T], NaN where the rater scored nothing

    @property
    def n_frames(self) -> int:
        return self.scores.shape[1]


def video_timeline(video: pd.Series) -> tuple[int, float]:
    """``(n_frames, fps)`` of a row of the videos table; DataError when either is unusable."""
    n_frames, fps = video.get("n_frames"), video.get("fps")
    if n_frames is None or pd.isna(n_frames) or int(n_frames) <= 0:
        raise DataError(f"video {video['video_id']}", f"n_frames is {n_frames!r}; the labels need the frame count")
    if fps is None or pd.isna(fps) or not math.isfinite(float(fps)) or float(fps) <= 0:
        raise DataError(f"video {video['video_id']}", f"fps is {fps!r}; the labels need the frame rate")
    return int(n_frames), float(fps)


def frame_times(n_src: int, src_fps: float, out_fps: float | None) -> np.ndarray:
    """Middle of the source frame each grid frame shows, in seconds (``out_fps=None``: every frame)."""
    return (sample_indices(n_src, src_fps, out_fps) + 0.5) / src_fps


def rater_matrix(video_id: str, units: pd.DataFrame, times: np.ndarray) -> RaterMatrix:
    """Expand one video's annotation rows (``rater_id, start_s, end_s, score``) onto ``times``."""
    check_units(video_id, units)
    codes, raters = pd.factorize(units["rater_id"].astype(str), sort=True)
    start = units["start_s"].to_numpy(float)
    end = units["end_s"].to_numpy(float)
    score = units["score"].to_numpy(float)
    n, width = len(times), len(times) + 1
    lo = codes * width + np.searchsorted(times, start, side="left")
    hi = codes * width + np.searchsorted(times, end, side="left")
    size = len(raters) * width
    total = (np.bincount(lo, score, size) - np.bincount(hi, score, size)).reshape(len(raters), width)
    count = (np.bincount(lo, minlength=size) - np.bincount(hi, minlength=size)).reshape(len(raters), width)
    total, count = np.cumsum(total[:, :n], axis=1), np.cumsum(count[:, :n], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(count > 0, np.round(total / np.maximum(count, 1), _DECIMALS), np.nan)
    return RaterMatrix(video_id, [str(r) for r in raters], scores)


def check_units(video_id: str, units: pd.DataFrame) -> None:
    """DataError naming the rater and unit when a score or an interval is not usable."""
    if units.empty:
        raise DataError(f"video {video_id}", "no annotation rows")
    score = units["score"].to_numpy(float)
    start = units["start_s"].to_numpy(float)
    end = units["end_s"].to_numpy(float)
    problems = (
        (~np.isfinite(score), "score is NaN or infinite"),
        (~np.isfinite(start) | ~np.isfinite(end), "start_s/end_s is NaN or infinite"),
        (end <= start, "end_s is not after start_s"),
        (start < 0, "start_s is negative"),
    )
    for bad, problem in problems:
        if bad.any():
            row = units.iloc[int(np.argmax(bad))]
            raise DataError(f"video {video_id}", f"rater {row['rater_id']} unit {row.get('unit', '?')}: {problem}")
