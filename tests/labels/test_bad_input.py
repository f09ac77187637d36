"""Bad or awkward annotations: a clear DataError, or the documented fallback (never NaN targets)."""
import json

import numpy as np
import pandas as pd
import pytest

from pld_core.errors import DataError
from pld_core.labels import label_dataset
from pld_core.labels.build import write_labels
from tests.labels.conftest import canonical, units_frame, video_row

RAMP = np.r_[np.ones(10), np.linspace(1, 5, 12), np.full(10, 5.0), np.ones(8)]  # 40 frames


def dataset(**raters_per_video):
    videos, parts = [], []
    for vid, raters in raters_per_video.items():
        videos.append(video_row(vid, 40, 8.0))
        parts.append(units_frame(vid, raters, 8.0))
    return canonical(videos, pd.concat(parts, ignore_index=True))


def no_nan_targets(tables):
    for table in (tables.frames, tables.clips):
        assert np.isfinite(table["consensus"]).all() and table["consensus"].between(0, 1).all()


def test_one_rater_video_gets_labels_but_no_agreement(settings):
    tables = label_dataset(dataset(solo={"a": RAMP}, pair={"a": RAMP, "b": RAMP + 0.5 * np.sin(np.arange(40))}),
                           settings)
    no_nan_targets(tables)
    solo = next(v for v in tables.agreement["videos"] if v["video_id"] == "solo")
    assert solo["kendall"] is None and solo["n_pairs"] == 0 and not solo["flagged"]
    assert tables.agreement["unmeasured"] == ["solo"]
    assert tables.agreement["dataset"]["n_measured"] == 1
    assert np.isnan(tables.raters.set_index("video_id").loc["solo", "reliability"])


def test_constant_raters_fall_back_without_nan(settings):
    tables = label_dataset(dataset(flat={"a": np.full(40, 3.0), "b": np.full(40, 3.0)}), settings)
    no_nan_targets(tables)
    np.testing.assert_allclose(tables.frames["consensus"], 0.5)  # 3 on a 1-5 scale
    assert tables.frames["binary"].sum() == 0
    video = tables.agreement["videos"][0]
    assert video["kendall"] is None and video["krippendorff_alpha"] is None
    assert tables.raters["constant"].all()


def test_raters_of_different_lengths(settings):
    short = RAMP.copy()
    short[-1:] = np.nan  # rater b stops one frame early
    tables = label_dataset(dataset(v={"a": RAMP, "b": short}), settings)
    no_nan_targets(tables)
    assert tables.frames["n_raters"].tolist() == [2] * 39 + [1]
    both_short = RAMP.copy()
    both_short[-10:] = np.nan  # a quarter of the video unscored by anyone
    with pytest.raises(DataError, match="video v: 10 of 40 frames"):
        label_dataset(dataset(v={"a": both_short, "b": both_short}), settings)


def test_nan_score_names_the_video_and_rater(settings):
    data = dataset(v={"a": RAMP, "b": RAMP})
    data.annotations.loc[45, "score"] = np.nan
    with pytest.raises(DataError, match="video v: rater b unit 5: score is NaN"):
        label_dataset(data, settings)


def test_annotations_of_an_unknown_video(settings):
    data = dataset(v={"a": RAMP})
    data.annotations.loc[:, "video_id"] = "ghost"
    with pytest.raises(DataError, match="video ghost is not in the videos table"):
        label_dataset(data, settings)


def test_no_annotations_at_all(settings):
    data = canonical([video_row("v", 40, 8.0)], units_frame("v", {"a": RAMP}, 8.0).iloc[:0])
    with pytest.raises(DataError, match="no annotations"):
        label_dataset(data, settings)


def test_written_files_and_json_without_nan(settings, tmp_path):
    data = dataset(solo={"a": RAMP}, flat={"a": np.full(40, 2.0), "b": np.full(40, 2.0)},
                   good={"a": RAMP, "b": np.clip(RAMP + np.sin(np.arange(40)), 1, 5), "c": np.roll(RAMP, 1)})
    data.videos.loc[len(data.videos)] = video_row("unrated", 40, 8.0)
    summary = write_labels(label_dataset(data, settings), tmp_path / "labels", settings)
    names = {p.name for p in summary.files}
    assert names == {"frame_labels.parquet", "clip_labels.parquet", "raters.parquet", "agreement.json",
                     "agreement_per_video.png", "consensus_curves.png"}
    assert all(p.stat().st_size > 0 for p in summary.files)
    report = json.loads((tmp_path / "labels" / "agreement.json").read_text(),
                        parse_constant=lambda c: pytest.fail(f"{c} in agreement.json"))
    assert report["unlabeled"] == ["unrated"] == summary.unlabeled
    assert report["settings"]["min_agreement"] == settings.labels.min_agreement
    frames = pd.read_parquet(tmp_path / "labels" / "frame_labels.parquet")
    assert len(frames) == 120 and set(frames["video_id"]) == {"solo", "flat", "good"}
    assert summary.to_dict()["n_frames"] == 120


def test_flagged_videos_reads_the_report(settings, tmp_path):
    from pld_core.labels import flagged_videos

    noisy = np.random.default_rng(0).permutation(RAMP)
    data = dataset(good={"a": RAMP, "b": np.roll(RAMP, 1)}, bad={"a": RAMP, "b": noisy, "c": noisy[::-1].copy()})
    tables = label_dataset(data, settings)
    write_labels(tables, tmp_path, settings)
    assert flagged_videos(tmp_path) == tables.agreement["flagged"] == ["bad"]
    with pytest.raises(DataError, match="run `pld label` first"):
        flagged_videos(tmp_path / "elsewhere")
