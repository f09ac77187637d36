"""The canonical dataset: a videos table, a long annotations table and the splits.

Every adapter produces this form (docs/data-format.md); every later stage reads only it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pld_core.errors import DataError

SPLITS = ("train", "val", "test")
UNSPLIT = "test"  # split of the videos of a source that defines none (evaluation benchmarks, plain folders)

VIDEO_COLUMNS: dict[str, str] = {
    "video_id": "str",
    "source": "str",
    "path": "str",          # absolute path of the video file, null without one
    "duration_s": "float64",
    "fps": "float64",
    "n_frames": "int64",
    "width": "Int64",       # displayed (upright) size, null without a file
    "height": "Int64",
    "split": "str",
    "category": "str",
    "checksum": "str",      # sha256 of the video file, else of the video's annotation rows
    "score_min": "float64",  # declared score range, null without annotations
    "score_max": "float64",
}
ANNOTATION_COLUMNS: dict[str, str] = {
    "video_id": "str",
    "rater_id": "str",
    "unit": "int64",         # index of the scored unit (frame or segment) within the rater's sequence
    "start_s": "float64",
    "end_s": "float64",
    "score": "float64",
}


@dataclass
class CanonicalDataset:
    """One dataset in canonical form. ``splits`` maps train/val/test to sorted video ids."""

    videos: pd.DataFrame
    annotations: pd.DataFrame
    splits: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)   # video id -> why its file was left out

    def __post_init__(self) -> None:
        self.videos = conform(self.videos, VIDEO_COLUMNS)
        self.annotations = conform(self.annotations, ANNOTATION_COLUMNS)

    def same_content(self, other: CanonicalDataset) -> bool:
        """True when both hold the same tables and splits (warnings aside)."""
        return (self.splits == other.splits and self.videos.equals(other.videos)
                and self.annotations.equals(other.annotations))


def conform(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``frame`` with exactly ``columns``, in order, cast to their dtypes (absent ones null)."""
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for name, dtype in columns.items():
        values = frame[name].to_numpy() if name in frame.columns else np.full(len(frame), None)
        try:
            out[name] = pd.Series(values, dtype=object if dtype == "str" else None).astype(dtype)
        except (TypeError, ValueError) as exc:
            raise DataError(f"column {name}", f"not readable as {dtype} ({str(exc).splitlines()[0][:80]})") from None
    return out


def videos_frame(records: list[dict]) -> pd.DataFrame:
    """The videos table from one dict per video (keys of VIDEO_COLUMNS), sorted by id."""
    frame = conform(pd.DataFrame.from_records(records, columns=list(VIDEO_COLUMNS)), VIDEO_COLUMNS)
    return frame.sort_values("video_id", kind="stable").reset_index(drop=True)


def splits_of(videos: pd.DataFrame) -> dict[str, list[str]]:
    """train/val/test -> sorted video ids, from the videos table's ``split`` column."""
    return {name: sorted(videos.loc[videos["split"] == name, "video_id"].tolist()) for name in SPLITS}


class AnnotationBuilder:
    """Collects raters' scored units as arrays and builds the long table once.

    Units are numbered per (video, rater) in order of start time.
    """

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, video_id, rater_id, start_s, end_s, score) -> None:
        """Units of one rater (ids given as strings) or of many (ids given as one array per unit)."""
        start, end, value = (np.asarray(a, dtype=np.float64).ravel() for a in (start_s, end_s, score))
        ids = [np.full(len(start), i, dtype=object) if isinstance(i, str) else np.asarray(i, dtype=object)
               for i in (video_id, rater_id)]
        self._parts.append((*ids, start, end, value))

    def add_runs(self, video_id: str, rater_id: str, per_frame, fps: float) -> None:
        """One rater's per-frame scores, stored losslessly as runs of equal score."""
        starts, ends, values = runs(np.asarray(per_frame))
        self.add(video_id, rater_id, starts / fps, ends / fps, values)

    def frame(self) -> pd.DataFrame:
        columns = ["video_id", "rater_id", "start_s", "end_s", "score"]
        if not self._parts:
            return conform(pd.DataFrame(), ANNOTATION_COLUMNS)
        frame = pd.DataFrame({c: np.concatenate([p[i] for p in self._parts]) for i, c in enumerate(columns)})
        frame = frame.sort_values(["video_id", "rater_id", "start_s"], kind="stable").reset_index(drop=True)
        frame["unit"] = frame.groupby(["video_id", "rater_id"], sort=False).cumcount()
        return conform(frame, ANNOTATION_COLUMNS)


def sort_annotations(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["video_id", "rater_id", "unit"], kind="stable").reset_index(drop=True)


def runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal values: (start index, end index exclusive, value) of each."""
    if len(values) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), values[:0]
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(values)]])
    return starts, ends, values[starts]


def annotation_checksums(annotations: pd.DataFrame) -> dict[str, str]:
    """sha256 of each video's annotation rows (raters, units, intervals, scores)."""
    ordered = sort_annotations(annotations)
    ids = ordered["video_id"].to_numpy(dtype=object)
    if len(ids) == 0:
        return {}
    bounds = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    starts, ends = np.concatenate([[0], bounds]), np.concatenate([bounds, [len(ids)]])
    numeric = ordered[["unit", "start_s", "end_s", "score"]].to_numpy(np.float64)
    raters = ordered["rater_id"].to_numpy(dtype=object)
    out = {}
    for lo, hi in zip(starts, ends):
        digest = hashlib.sha256("\x1f".join(raters[lo:hi]).encode())
        digest.update(np.ascontiguousarray(numeric[lo:hi]).tobytes())
        out[str(ids[lo])] = digest.hexdigest()
    return out
