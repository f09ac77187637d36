"""From the canonical tables (``pld_core.data``) to the units each benchmark protocol scores.

Annotation files are parsed once, by the data layer's adapters; this module only lays the
raters' units out as ``[n_units, n_raters]``:

- clip- or shot-level sources (the Lighthouse JSONL files, CoSum), where every rater scored
  the same units: those units, in order (YouTube Highlights clips overlap, so they are
  taken by index, not by time);
- frame-level sources stored as runs (TVSum's ``ydata-anno.tsv``, SumMe): TVSum's 2-s
  clips, each rater's score at the clip's middle frame ``int((2c + 1) * fps)`` and
  ``floor((n_frames - 1) / fps / 2)`` clips, which is how the Lighthouse TVSum files were
  made (checked on all 50 videos); SumMe's frames.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pld_core.errors import DataError
from pld_core.evaluate.protocols import BenchmarkVideo

TVSUM_CLIP_S = 2.0
UNGROUPED = "all"


def benchmark_videos(dataset, benchmark: str, split: str | None = None) -> list[BenchmarkVideo]:
    """The annotated videos of a ``CanonicalDataset`` (of ``split`` when given), in id order."""
    videos = dataset.videos.set_index("video_id", drop=False)
    wanted = set(dataset.splits.get(split, [])) if split else None
    if split and not wanted:
        raise DataError(f"split {split}", f"no videos (splits here: {', '.join(k for k, v in dataset.splits.items() if v)})")
    out = []
    for video_id, units in dataset.annotations.groupby("video_id", sort=True):
        if wanted is not None and video_id not in wanted:
            continue
        if video_id not in videos.index:
            raise DataError(f"video {video_id}", "annotated but not in the videos table")
        out.append(_video(benchmark, videos.loc[video_id], units))
    return out


def _video(benchmark: str, row: pd.Series, units: pd.DataFrame) -> BenchmarkVideo:
    video_id = str(row["video_id"])
    fps = float(row["fps"]) if pd.notna(row["fps"]) else math.nan
    if not fps > 0:
        raise DataError(f"video {video_id}", "fps is unknown; the protocols count frames")
    group = str(row["category"]) if pd.notna(row["category"]) and str(row["category"]) else UNGROUPED
    shared = _shared_units(units)
    if shared is not None:
        scores, starts, ends = shared
    elif benchmark == "tvsum":
        n_clips = int(np.floor((int(row["n_frames"]) - 1) / fps / TVSUM_CLIP_S + 1e-9))
        starts = np.arange(n_clips) * TVSUM_CLIP_S
        ends = starts + TVSUM_CLIP_S
        middle = np.floor((np.arange(n_clips) + 0.5) * TVSUM_CLIP_S * fps)  # source frame index
        scores = _sample(video_id, units, (middle + 0.5) / fps)
    elif benchmark == "summe":
        starts = np.arange(int(row["n_frames"])) / fps
        ends = starts + 1 / fps
        scores = _sample(video_id, units, starts + 0.5 / fps)
    else:
        raise DataError(f"video {video_id}", f"{benchmark}: raters scored different units; expected one "
                                             "score per clip or shot from every rater")
    frames = np.maximum(1, np.round((ends - starts) * fps)).astype(np.int64)
    shots = np.stack([np.arange(len(frames)), np.arange(1, len(frames) + 1)], axis=1) if benchmark == "cosum" else None
    return BenchmarkVideo(video_id, group, scores, frames, fps, shots, starts)


def _shared_units(units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``(scores [n, R], starts, ends)`` when every rater scored the same intervals, else None."""
    ordered = units.sort_values(["rater_id", "unit"], kind="stable")
    raters = ordered["rater_id"].unique()
    n = len(ordered) // len(raters)
    if n * len(raters) != len(ordered) or (ordered.groupby("rater_id", sort=False).size() != n).any():
        return None
    start = ordered["start_s"].to_numpy(float).reshape(len(raters), n)
    end = ordered["end_s"].to_numpy(float).reshape(len(raters), n)
    if not (np.allclose(start, start[0]) and np.allclose(end, end[0])):
        return None
    return ordered["score"].to_numpy(float).reshape(len(raters), n).T, start[0], end[0]


def _sample(video_id: str, units: pd.DataFrame, times: np.ndarray) -> np.ndarray:
    """Each rater's score at ``times`` as ``[len(times), R]``; DataError where one has none."""
    from pld_core.labels.grid import rater_matrix

    matrix = rater_matrix(video_id, units, times)
    gaps = np.isnan(matrix.scores)
    if gaps.any():
        rater, k = np.argwhere(gaps)[0]
        raise DataError(f"video {video_id}", f"rater {matrix.raters[rater]} has no score at {times[k]:.2f} s")
    return matrix.scores.T
