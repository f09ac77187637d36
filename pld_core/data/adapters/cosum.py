"""``cosum``: CoSum (Chu et al. 2015), 51 videos in 10 topics, shots selected by 3 judges.

Source: ``cosum.jsonl`` (or the folder holding it). Units are the shots between consecutive
``shot_boundaries`` (frame numbers as given); each judge is a rater scoring a shot 1 when it
selected it, else 0. The source states no frame rate: ``dataset.assumed_fps`` is used. A few
judges select shot ``n_shots + 1``, past the last boundary, whose end is unknown: those
selections are dropped with a warning. Every video is in the ``test`` split.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pld_core.config import Settings
from pld_core.data.adapters.base import DatasetAdapter, Parsed, register
from pld_core.data.sources import field, read_jsonl
from pld_core.data.tables import UNSPLIT
from pld_core.errors import DataError

FILE = "cosum.jsonl"
SCORE_RANGE = {"score_min": 0.0, "score_max": 1.0}


@register
class CoSumAdapter(DatasetAdapter):
    name = "cosum"
    summary = "CoSum: cosum.jsonl with shot boundaries and the judges' selected shots"

    def parse(self, source: Path, settings: Settings) -> Parsed:
        path = source / FILE if source.is_dir() else source
        fps = settings.dataset.assumed_fps
        parsed = Parsed()
        past_end = []
        for line_no, obj in read_jsonl(path, "CoSum annotation file"):
            where = f"{path}:{line_no}"
            video_id = field(obj, "video_name", str, where)
            bounds = _boundaries(field(obj, "shot_boundaries", list, where), where, video_id)
            n_shots = len(bounds) - 1
            if field(obj, "n_shots", int, where) != n_shots:
                raise DataError(where, f"video {video_id}: n_shots {obj['n_shots']} but {len(bounds)} boundaries")
            for judge, shots in sorted(field(obj, "judge_selected_shots", dict, where).items()):
                selected = _selection(shots, n_shots, where, f"video {video_id} judge {judge}")
                if (selected == n_shots + 1).any():
                    past_end.append(f"{video_id}/{judge}")
                score = np.isin(np.arange(1, n_shots + 1), selected).astype(np.float64)
                parsed.annotations.add(video_id, judge, bounds[:-1] / fps, bounds[1:] / fps, score)
            parsed.videos.append({"video_id": video_id, "split": UNSPLIT, "category": obj.get("topic"),
                                  "fps": fps, "n_frames": int(bounds[-1]), "duration_s": bounds[-1] / fps,
                                  **SCORE_RANGE})
        parsed.warn(f"CoSum states no frame rate: {fps} fps assumed (dataset.assumed_fps)")
        if past_end:
            parsed.warn(f"selections of shot n_shots+1 (past the last boundary) dropped: {', '.join(past_end)}")
        return parsed


def _boundaries(values: list, where: str, video_id: str) -> np.ndarray:
    try:
        bounds = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(where, f"video {video_id}: shot_boundaries must be frame numbers") from None
    if bounds.ndim != 1 or len(bounds) < 2 or (np.diff(bounds) <= 0).any() or bounds[0] < 0:
        raise DataError(where, f"video {video_id}: shot_boundaries must be at least 2 increasing frame numbers")
    return bounds


def _selection(shots: object, n_shots: int, where: str, who: str) -> np.ndarray:
    """1-based selected shot numbers, checked to be in 1..n_shots+1."""
    if not isinstance(shots, list) or not all(isinstance(s, int) and not isinstance(s, bool) for s in shots):
        raise DataError(where, f"{who}: selected shots must be a list of shot numbers")
    selected = np.array(shots, dtype=np.int64)
    if ((selected < 1) | (selected > n_shots + 1)).any():
        raise DataError(where, f"{who}: shot number outside 1..{n_shots}")
    return selected
