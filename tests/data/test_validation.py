"""The Great Expectations suites: each rule catches its fault and names the failing rows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pld_core.data import CanonicalDataset, validate_dataset
from pld_core.data.tables import AnnotationBuilder, splits_of, videos_frame


def _dataset() -> CanonicalDataset:
    """Two 1-s videos at 4 fps, two raters each scoring every frame 1-5."""
    videos = videos_frame([{"video_id": v, "source": "multirater", "duration_s": 1.0, "fps": 4.0, "n_frames": 4,
                            "split": s, "checksum": "x", "score_min": 1.0, "score_max": 5.0}
                           for v, s in (("v1", "train"), ("v2", "test"))])
    units = AnnotationBuilder()
    for video in ("v1", "v2"):
        for rater in ("r1", "r2"):
            units.add_runs(video, rater, np.array([1, 2, 4, 5]), fps=4.0)
    return CanonicalDataset(videos=videos, annotations=units.frame(), splits=splits_of(videos))


def _failures(dataset: CanonicalDataset) -> dict[str, list[str]]:
    report = validate_dataset(dataset)
    assert report.success is not bool(report.failures)
    failures: dict[str, list[str]] = {}
    for result in report.failures:
        failures.setdefault(result.rule, []).extend(result.failing_rows)
    return failures


def test_a_clean_dataset_passes():
    report = validate_dataset(_dataset())
    assert report.success and report.message() == "all rules pass"
    assert {r.table for r in report.results} == {"videos", "annotations", "raters", "splits"}


def test_each_fault_is_caught_with_its_rows():
    ds = _dataset()
    ann = ds.annotations
    ann.loc[(ann["video_id"] == "v1") & (ann["rater_id"] == "r2") & (ann["unit"] == 3), "score"] = 9.0
    ann.loc[(ann["video_id"] == "v2") & (ann["rater_id"] == "r1") & (ann["unit"] == 0), "score"] = np.nan
    short = (ann["video_id"] == "v2") & (ann["rater_id"] == "r2") & (ann["unit"] == 3)
    ghost = pd.DataFrame({"video_id": ["v9"], "rater_id": ["r1"], "unit": [0], "start_s": [0.0], "end_s": [1.0],
                          "score": [3.0]})
    ds.annotations = pd.concat([ann[~short], ghost], ignore_index=True)
    ds.splits = {"train": ["v1"], "val": [], "test": ["v2", "v1"]}
    failures = _failures(CanonicalDataset(ds.videos, ds.annotations, ds.splits))

    assert failures["scores within declared range"] == ["v1/r2/3 (score_max=5.0, score=9.0)"]
    assert failures["no missing values"] == ["v2/r1/0 (score=nan)"]
    assert failures["per-rater lengths match the video"] == ["v2/r2 (tolerance_s=0.125, end_gap_s=0.25)"]
    assert failures["every annotated video known"] == ["v9/r1/0"]
    assert sorted(failures["splits disjoint"]) == ["test/v1", "train/v1"]
    assert set(failures) == {"scores within declared range", "no missing values", "per-rater lengths match the video",
                             "every annotated video known", "splits disjoint"}


def test_video_rules():
    ds = _dataset()
    ds.videos.loc[1, "video_id"] = "v1"
    ds.videos.loc[0, "fps"] = 0.0
    ds.videos.loc[0, "split"] = "holdout"
    failures = _failures(CanonicalDataset(ds.videos, ds.annotations, {"train": [], "val": [], "test": ["v1"]}))
    assert sorted(failures["video ids unique"]) == ["v1", "v1"]
    assert failures["positive duration, fps and frames"] == ["v1 (fps=0.0)"]
    assert failures["split is train, val or test"] == ["v1 (split=holdout)"]
    assert "splits agree with the videos table" in failures


def test_the_message_is_one_line_and_bounded():
    ds = _dataset()
    ds.annotations["score"] = 0.0
    message = validate_dataset(ds).message(rows_per_rule=3)
    assert "\n" not in message and "broken by 16 annotations row(s)" in message and "... 13 more" in message
