"""Every official benchmark under ../shared/data/benchmarks ingests with the counts its README states."""
from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from pld_core.data import read_dataset, validate_dataset


@pytest.fixture(scope="module")
def read(shared_benchmarks, repo_settings):
    """read(format, relative source) -> CanonicalDataset, each parsed once per module."""
    cache = {}

    def _read(fmt: str, rel: str):
        if (fmt, rel) not in cache:
            cache[fmt, rel] = read_dataset(fmt, shared_benchmarks / rel, repo_settings)
        return cache[fmt, rel]
    return _read


def tracks(ds) -> "pd.Series":  # noqa: F821
    return ds.annotations.groupby(["video_id", "rater_id"]).size()


def test_tvsum_per_frame(read, shared_benchmarks):
    ds = read("tvsum", "tvsum")
    assert len(ds.videos) == 50 and ds.videos["n_frames"].sum() == 352_353
    assert (tracks(ds).groupby(level=0).size() == 20).all() and len(tracks(ds)) == 1000
    assert sorted(Counter(ds.videos["category"]).values()) == [5] * 10
    assert {k: len(v) for k, v in ds.splits.items()} == {"train": 40, "val": 10, "test": 0}
    # runs of equal score cover each rater's frames exactly ...
    ann = ds.annotations.merge(ds.videos[["video_id", "fps", "n_frames"]], on="video_id")
    frames = ((ann["end_s"] - ann["start_s"]) * ann["fps"]).groupby([ann["video_id"], ann["rater_id"]]).sum()
    per_video = ds.videos.set_index("video_id")["n_frames"]
    assert np.allclose(frames.to_numpy(), per_video.loc[frames.index.get_level_values(0)].to_numpy())
    # ... and losslessly: the first file line comes back frame by frame
    vid, _, text = (shared_benchmarks / "tvsum" / "ydata-anno.tsv").read_text().split("\n", 1)[0].split("\t")
    rows = ann[(ann["video_id"] == vid) & (ann["rater_id"] == "rater_00")]
    fps = rows["fps"].iloc[0]
    rebuilt = np.repeat(rows["score"].to_numpy(), np.round((rows["end_s"] - rows["start_s"]) * fps).astype(int))
    assert np.array_equal(rebuilt, np.array(text.split(","), dtype=float))


def test_tvsum_lighthouse_clips_match_the_frames(read):
    clips, frames = read("tvsum", "tvsum/lighthouse"), read("tvsum", "tvsum")
    assert len(clips.videos) == 50 and len(tracks(clips)) == 1000
    assert {k: len(v) for k, v in clips.splits.items()} == {"train": 40, "val": 10, "test": 0}
    assert clips.splits == frames.splits
    # README: label[c][u] is rater u's score at frame int((2c + 1) * fps), the middle of clip c
    vid = clips.videos["video_id"].iloc[0]
    fps = float(frames.videos.set_index("video_id").loc[vid, "fps"])
    for rater in ("rater_00", "rater_13"):
        c = clips.annotations[(clips.annotations["video_id"] == vid) & (clips.annotations["rater_id"] == rater)]
        f = frames.annotations[(frames.annotations["video_id"] == vid) & (frames.annotations["rater_id"] == rater)]
        middles = np.floor((2 * c["unit"].to_numpy() + 1) * fps) / fps
        run = np.searchsorted(f["start_s"].to_numpy(), middles + 1e-9, side="right") - 1
        assert np.array_equal(c["score"].to_numpy(), f["score"].to_numpy()[run])


DOMAINS = {"dog": 74, "gymnastics": 82, "parkour": 70, "skating": 61, "skiing": 139, "surfing": 124}


def test_youtube_highlights_sun2014(read):
    ds = read("youtube_highlights", "youtube_highlights")
    assert len(ds.videos) == 550 and dict(Counter(ds.videos["category"])) == DOMAINS
    assert len(ds.annotations) == 33_771 and (ds.annotations["score"] == 1).sum() == 15_437
    assert set(ds.annotations["rater_id"]) == {"match"}
    assert len(ds.splits["train"]) + len(ds.splits["test"]) == 550 and not ds.splits["val"]
    assert any("165 of 550 videos: fps estimated" in w for w in ds.warnings)  # the other 385 from lighthouse


def test_youtube_highlights_lighthouse(read):
    ds = read("youtube_highlights", "youtube_highlights/lighthouse")
    assert {k: len(v) for k, v in ds.splits.items()} == {"train": 233, "val": 152, "test": 0}
    val = ds.videos[ds.videos["split"] == "val"]
    assert dict(Counter(val["category"])) == {"dog": 16, "gymnastics": 23, "parkour": 11, "skating": 10,
                                              "skiing": 50, "surfing": 42}
    # the same clips and labels as the original files, for the same videos
    sun = read("youtube_highlights", "youtube_highlights")
    vid = ds.videos["video_id"].iloc[0]
    assert np.array_equal(ds.annotations.loc[ds.annotations["video_id"] == vid, "score"].to_numpy(),
                          sun.annotations.loc[sun.annotations["video_id"] == vid, "score"].to_numpy())


def test_cosum(read, shared_benchmarks):
    ds = read("cosum", "cosum")
    assert len(ds.videos) == 51 and ds.videos["category"].nunique() == 10
    assert set(ds.annotations["rater_id"]) == {"dualplus", "kk", "vv"} and len(tracks(ds)) == 153
    assert (ds.annotations.groupby("rater_id").size() == 2_750).all()
    assert any("kids1/kk, kids4/dualplus, kids4/kk, kids4/vv, surf3/dualplus" in w for w in ds.warnings)
    first = json.loads((shared_benchmarks / "cosum" / "cosum.jsonl").read_text().splitlines()[0])
    kk = ds.annotations[(ds.annotations["video_id"] == first["video_name"]) & (ds.annotations["rater_id"] == "kk")]
    assert sorted((kk.loc[kk["score"] == 1, "unit"] + 1).tolist()) == first["judge_selected_shots"]["kk"]


def test_summe(read, shared_benchmarks):
    ds = read("summe", "summe")
    assert len(ds.videos) == 25 and ds.videos["n_frames"].sum() == 109_820
    assert len(tracks(ds)) == 390 and tracks(ds).groupby(level=0).size().between(15, 18).all()
    cooking = json.loads((shared_benchmarks / "summe" / "json" / "Cooking.json").read_text())
    rows = ds.annotations[(ds.annotations["video_id"] == "Cooking") & (ds.annotations["rater_id"] == "user_03")]
    selected = ((rows["end_s"] - rows["start_s"]) * cooking["fps"] * rows["score"]).sum()
    assert round(selected) == cooking["user_selection"][3].count("1")


@pytest.mark.parametrize("fmt, rel", [("tvsum", "tvsum"), ("tvsum", "tvsum/lighthouse"),
                                      ("youtube_highlights", "youtube_highlights"),
                                      ("youtube_highlights", "youtube_highlights/lighthouse"),
                                      ("cosum", "cosum"), ("summe", "summe")])
def test_every_benchmark_passes_validation(read, fmt, rel):
    report = validate_dataset(read(fmt, rel))
    assert report.success, report.message()
    assert len(report.results) > 20
