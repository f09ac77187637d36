import json

import numpy as np
import pandas as pd

from pld_core.video import probe


def test_demo_dataset_has_videos_raters_and_truth(tiny_demo):
    manifest = json.loads((tiny_demo / "manifest.json").read_text())
    truth = json.loads((tiny_demo / "truth.json").read_text())
    ratings = pd.read_csv(tiny_demo / "ratings.csv")
    assert len(manifest["videos"]) == 6
    assert {v["split"] for v in manifest["videos"]} == {"train", "val", "test"}
    for video in manifest["videos"]:
        info = probe(tiny_demo / video["path"])
        assert 12 <= info.duration_s <= 16.2
        t = truth[video["id"]]
        assert len(t["highlight"]) == info.n_frames and 0 < sum(t["highlight"]) < info.n_frames
        per_rater = ratings[ratings.video_id == video["id"]].groupby("rater_id").size()
        assert 3 <= len(per_rater) <= 5 and (per_rater == info.n_frames).all()
    assert ratings.score.between(1, 5).all()


def test_raters_agree_with_the_planted_truth(tiny_demo):
    truth = json.loads((tiny_demo / "truth.json").read_text())
    ratings = pd.read_csv(tiny_demo / "ratings.csv")
    for video_id, t in truth.items():
        mean = ratings[ratings.video_id == video_id].groupby("start_s").score.mean().to_numpy()
        highlight = np.array(t["highlight"], bool)
        assert mean[highlight].mean() > mean[~highlight].mean() + 1.0


def test_demo_is_deterministic(tmp_path, tiny_demo):
    from pld_core.config import load_settings
    from pld_core.demo_data import make_demo_dataset
    from tests.conftest import REPO

    demo = load_settings(REPO / "params.yaml").demo.model_copy(
        update={"n_videos": 6, "min_seconds": 12, "max_seconds": 16})
    make_demo_dataset(tmp_path, demo)
    assert (tmp_path / "ratings.csv").read_bytes() == (tiny_demo / "ratings.csv").read_bytes()
