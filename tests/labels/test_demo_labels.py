"""The demo's planted highlights (truth.json) come back out of the raters' consensus."""
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from pld_core.config import load_settings
from pld_core.labels import label_dataset
from pld_core.video.timing import sample_indices
from tests.conftest import REPO


def truth_on_grid(truth: dict, video_id: str, fps: float) -> np.ndarray:
    t = truth[video_id]
    highlight = np.asarray(t["highlight"])
    return highlight[sample_indices(len(highlight), float(t["fps"]), fps)]


def per_video(frames: pd.DataFrame, truth: dict, fps: float):
    for video_id, rows in frames.groupby("video_id"):
        yield video_id, rows, truth_on_grid(truth, video_id, fps)


def overlap(binary: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    hit = (binary & truth).sum()
    return hit / max(binary.sum(), 1), hit / max((binary | truth).sum(), 1)


@pytest.fixture(scope="module")
def default_labels(demo_tables):
    """Labels of the demo with the repository's settings (label_dataset writes nothing)."""
    settings = load_settings(REPO / "params.yaml")
    return label_dataset(demo_tables[0], settings), settings


def test_regression_target_ranks_planted_highlights_first(default_labels, demo_tables):
    tables, settings = default_labels
    aucs = [roc_auc_score(t, rows["consensus"]) for _, rows, t in per_video(tables.frames, demo_tables[1],
                                                                              settings.video.fps)]
    assert len(aucs) == 6 and min(aucs) > 0.95


def test_top_k_binary_target_lies_inside_the_highlights(default_labels, demo_tables):
    tables, settings = default_labels
    precision = [overlap(rows["binary"].to_numpy(), t)[0]
                 for _, rows, t in per_video(tables.frames, demo_tables[1], settings.video.fps)]
    assert np.mean(precision) > 0.85 and min(precision) > 0.6
    fraction = tables.frames.groupby("video_id")["binary"].mean()
    assert fraction.between(0.1, 0.3).all()  # labels.top_k_fraction = 0.2


@pytest.mark.parametrize("rule", ["majority", "threshold"])
def test_majority_and_threshold_targets_overlap_the_highlights(settings, demo_tables, rule):
    tables = label_dataset(demo_tables[0], settings.with_overrides({"labels.binary_rule": rule}))
    iou = [overlap(rows["binary"].to_numpy(), t)[1]
           for _, rows, t in per_video(tables.frames, demo_tables[1], settings.video.fps)]
    assert np.mean(iou) > 0.8 and min(iou) > 0.6


def test_the_careless_rater_is_flagged_and_weighted_out(settings, demo_tables):
    weighted = settings.with_overrides({"labels.weight_raters": True})
    tables = label_dataset(demo_tables[0], weighted)
    raters = tables.raters.set_index(["video_id", "rater_id"])
    careless = raters.loc["demo_004"].iloc[-1]  # the generator makes the last rater of demo_004 score at random
    assert careless["random_like"] and careless["weight"] == 0
    assert raters.drop(index="demo_004", level=0)["random_like"].sum() == 0
    assert raters["reliability"].drop(index=("demo_004", careless.name)).min() > 0.2 > abs(careless["reliability"])
    truth = truth_on_grid(demo_tables[1], "demo_004", settings.video.fps)
    frames = tables.frames[tables.frames["video_id"] == "demo_004"]
    assert roc_auc_score(truth, frames["consensus"]) > 0.97


def test_clip_targets_follow_the_highlights(default_labels, demo_tables):
    tables, settings = default_labels
    clips = tables.clips
    assert (clips["end_s"] - clips["start_s"]).max() == pytest.approx(settings.labels.clip_seconds)
    truth_share = []
    for video_id, rows in clips.groupby("video_id"):
        t = truth_on_grid(demo_tables[1], video_id, settings.video.fps)
        truth_share += [t[a:b].mean() for a, b in zip(rows["frame_start"], rows["frame_end"])]
    truth_share = np.asarray(truth_share)
    assert roc_auc_score(truth_share > 0.5, clips["consensus"]) > 0.9


def test_tables_follow_the_contract(default_labels, demo_tables):
    tables, settings = default_labels
    frames = tables.frames
    assert list(frames.columns) == ["video_id", "frame", "time_s", "consensus", "binary", "n_raters"]
    assert frames["consensus"].between(0, 1).all() and frames["binary"].isin([0, 1]).all()
    assert not frames.isna().any().any() and not tables.clips.isna().any().any()
    for video_id, rows in frames.groupby("video_id"):
        assert rows["frame"].tolist() == list(range(len(rows)))
        assert len(rows) == len(truth_on_grid(demo_tables[1], video_id, settings.video.fps))
    np.testing.assert_allclose(frames["time_s"], frames["frame"] / settings.video.fps)
    assert tables.agreement["dataset"]["kendall"] > 0.3 and tables.agreement["flagged"] == []
