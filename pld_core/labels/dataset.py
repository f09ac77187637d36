"""Walking the canonical tables video by video (see docs/pipeline.md, "Canonical tables")."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np
import pandas as pd

from pld_core.errors import DataError


class Tables(Protocol):
    """What the labels need of ``pld_core.data.CanonicalDataset``."""

    videos: pd.DataFrame
    annotations: pd.DataFrame


def annotated_videos(dataset: Tables) -> Iterator[tuple[pd.Series, pd.DataFrame]]:
    """``(video row, its annotation rows)`` for every video that has annotations, in table order."""
    videos, annotations = dataset.videos, dataset.annotations
    if annotations is None or annotations.empty:
        raise DataError("annotations", "the dataset has no annotations: nothing to label or compare")
    known = set(videos["video_id"].astype(str))
    ids = annotations["video_id"].astype(str)
    unknown = sorted(set(ids.unique()) - known)
    if unknown:
        raise DataError("annotations", f"video {unknown[0]} is not in the videos table ({len(unknown)} unknown)")
    groups = {str(k): g for k, g in annotations.groupby(ids, sort=False)}
    for _, video in videos.iterrows():
        units = groups.get(str(video["video_id"]))
        if units is not None:
            yield video, units


def unannotated_ids(dataset: Tables) -> list[str]:
    """Videos of the table that no rater scored (they get no labels)."""
    scored = set(dataset.annotations["video_id"].astype(str))
    return [v for v in dataset.videos["video_id"].astype(str) if v not in scored]


def score_range(video: pd.Series) -> tuple[float, float]:
    """The declared ``(score_min, score_max)`` of the video's dataset; NaN where not declared."""
    return _float(video.get("score_min")), _float(video.get("score_max"))


def _float(value) -> float:
    return float(value) if value is not None and not pd.isna(value) else float(np.nan)
