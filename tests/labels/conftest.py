"""Canonical tables built straight from the files (independent of pld_core.data), small and fast."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest


def canonical(videos: list[dict], annotations: pd.DataFrame) -> SimpleNamespace:
    """An object with the two tables of pld_core.data.CanonicalDataset."""
    return SimpleNamespace(videos=pd.DataFrame(videos), annotations=annotations)


def units_frame(video_id: str, scores: dict[str, np.ndarray], fps: float) -> pd.DataFrame:
    """Per-frame units of several raters (``rater -> per-frame scores``, NaN rows left out)."""
    parts = []
    for rater, values in scores.items():
        values = np.asarray(values, dtype=float)
        keep = np.flatnonzero(~np.isnan(values))
        parts.append(pd.DataFrame({"video_id": video_id, "rater_id": rater, "unit": np.arange(len(keep)),
                                   "start_s": keep / fps, "end_s": (keep + 1) / fps, "score": values[keep]}))
    return pd.concat(parts, ignore_index=True)


def video_row(video_id: str, n_frames: int, fps: float, lo: float = 1.0, hi: float = 5.0, **extra) -> dict:
    return {"video_id": video_id, "source": "test", "path": None, "duration_s": n_frames / fps, "fps": fps,
            "n_frames": n_frames, "split": "train", "category": "x", "score_min": lo, "score_max": hi, **extra}


@pytest.fixture(scope="session")
def demo_tables(tiny_demo: Path):
    """The tiny demo's ratings.csv as canonical tables, and its truth.json."""
    truth = json.loads((tiny_demo / "truth.json").read_text())
    ratings = pd.read_csv(tiny_demo / "ratings.csv", dtype={"video_id": str, "rater_id": str})
    ratings["unit"] = ratings.groupby(["video_id", "rater_id"]).cumcount()
    videos = [video_row(vid, len(t["highlight"]), float(t["fps"]), source="multirater") for vid, t in truth.items()]
    return canonical(videos, ratings), truth


def tvsum_tables(benchmarks: Path, video_ids: list[str] | None = None) -> SimpleNamespace:
    """TVSum's per-frame scores, as runs of equal score per rater (lossless)."""
    info = pd.read_csv(benchmarks / "tvsum" / "tvsum50_info.tsv", sep="\t").set_index("video_id")
    parts, seen = [], {}
    for line in (benchmarks / "tvsum" / "ydata-anno.tsv").read_text().splitlines():
        vid, _, text = line.split("\t")
        if video_ids is not None and vid not in video_ids:
            continue
        scores = np.array(text.split(","), dtype=float)
        rater = seen[vid] = seen.get(vid, -1) + 1
        cut = np.flatnonzero(np.diff(scores)) + 1
        start, end = np.r_[0, cut], np.r_[cut, len(scores)]
        fps = float(info.loc[vid, "fps"])
        parts.append(pd.DataFrame({"video_id": vid, "rater_id": f"r{rater:02d}", "unit": np.arange(len(start)),
                                   "start_s": start / fps, "end_s": end / fps, "score": scores[start]}))
    videos = [video_row(vid, int(info.loc[vid, "n_frames"]), float(info.loc[vid, "fps"]), source="tvsum")
              for vid in seen]
    return canonical(videos, pd.concat(parts, ignore_index=True))


def tvsum_scores(benchmarks: Path, video_ids: list[str]) -> dict[str, np.ndarray]:
    """video id -> [raters, frames] raw per-frame scores, read independently for scipy."""
    out: dict[str, list] = {}
    for line in (benchmarks / "tvsum" / "ydata-anno.tsv").read_text().splitlines():
        vid, _, text = line.split("\t")
        if vid in video_ids:
            out.setdefault(vid, []).append(np.array(text.split(","), dtype=float))
    return {vid: np.stack(rows) for vid, rows in out.items()}


def summe_selections(benchmarks: Path, names: list[str]) -> dict[str, tuple[float, np.ndarray]]:
    """video -> (fps, [users, frames] 0/1 selections) from SumMe's json files."""
    out = {}
    for name in names:
        data = json.loads((benchmarks / "summe" / "json" / f"{name}.json").read_text())
        sel = np.stack([np.frombuffer(s.encode(), np.uint8) - 48 for s in data["user_selection"]]).astype(float)
        out[name] = (float(data["fps"]), sel)
    return out
