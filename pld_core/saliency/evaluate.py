"""Score teachers against gaze data (DHF1K-style) with the Bylinskii et al. metrics.

Maps are computed at video.fps and at ``size`` (default video.height x video.width);
fixations of the matching source frames are scaled to that size. Frames without any
fixation are skipped. The centre-prior baseline is always reported next to the teachers.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.errors import DataError
from pld_core.saliency.base import load_teacher
from pld_core.saliency.gaze_data import list_gaze_videos, load_gaze
from pld_core.saliency.metrics import METRICS, all_metrics
from pld_core.saliency.stream import video_saliency
from pld_core.video import probe, sample_indices

if TYPE_CHECKING:
    from pld_core.config import Settings

BASELINE = "center"


def evaluate_video(video: str | Path, annotation: str | Path, settings: "Settings", teachers: list[str],
                   size: tuple[int, int] | None = None) -> dict:
    """``{"frames": n, "teachers": {name: {metric: per-frame mean}}}`` for one video."""
    size = size or (settings.video.height, settings.video.width)
    info = probe(video)
    fixations, density = load_gaze(annotation, sample_indices(info.n_frames, info.fps, settings.video.fps),
                                   size, settings)
    keep = fixations.reshape(len(fixations), -1).any(axis=1)
    if not keep.any():
        raise DataError(annotation, "no fixations in any sampled frame")
    scores: dict[str, dict[str, float]] = {}
    for name in _with_baseline(teachers):
        maps = video_saliency(video, settings, size, teacher=load_teacher(settings, name))
        if len(maps) != len(fixations):
            raise DataError(video, f"{len(maps)} frames decoded but {len(fixations)} annotated")
        per_frame = [all_metrics(maps[t], fixations[t], density[t]) for t in np.flatnonzero(keep)]
        scores[name] = {m: float(np.mean([f[m] for f in per_frame])) for m in METRICS}
    return {"frames": int(keep.sum()), "teachers": scores}


def evaluate_gaze_root(root: str | Path, settings: "Settings", teachers: list[str],
                       size: tuple[int, int] | None = None) -> dict:
    """Every video of a gaze root; the summary weights videos by their evaluated frames."""
    per_video = {g.name: evaluate_video(g.video, g.annotation, settings, teachers, size)
                 for g in list_gaze_videos(root)}
    frames = np.array([v["frames"] for v in per_video.values()], dtype=float)
    summary = {
        name: {m: float(np.average([v["teachers"][name][m] for v in per_video.values()], weights=frames))
               for m in METRICS}
        for name in _with_baseline(teachers)
    }
    return {"root": str(root), "fps": settings.video.fps, "frames": int(frames.sum()),
            "teachers": summary, "per_video": per_video}


def _with_baseline(teachers: list[str]) -> list[str]:
    return list(dict.fromkeys([*teachers, BASELINE]))
