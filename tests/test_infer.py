"""Sliding-window scoring: merge of overlapping windows, checkpoint round trip, pld score."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from pld_core.errors import ModelError, VideoError
from pld_core.infer import WindowMerger, clip_scores, load_scorer, make_scorer
from pld_core.model import build_model, save_checkpoint
from pld_core.video import prefetch, write_mp4
from tests.model.conftest import TINY_MODEL, TINY_VIDEO

torch.set_num_threads(1)


@pytest.fixture
def tiny(settings):
    return settings.with_overrides({**TINY_MODEL, **TINY_VIDEO})


def _checkpoint(settings, path, variant="pld"):
    settings = settings.with_overrides({"model.variant": variant})
    torch.manual_seed(0)
    model = build_model(settings.model).eval()
    save_checkpoint(path, {"model_state": model.state_dict(), "epoch": 0, "step": 0,
                           "settings": {"model": settings.model.model_dump(mode="json"),
                                        "video": settings.video.model_dump(mode="json"),
                                        "label_mode": settings.labels.mode}})
    return model


@pytest.fixture
def video(tmp_path):
    """3 s at 8 fps, 32x24, a bright square moving right."""
    frames = []
    for i in range(24):
        f = np.full((24, 32, 3), 40, np.uint8)
        f[8:16, i:i + 8] = 230
        frames.append(f)
    path = tmp_path / "clip.mp4"
    write_mp4(path, frames, fps=8)
    return path


def test_merger_averages_overlaps_and_ignores_padding():
    merger = WindowMerger(10, map_size=(1, 1))
    for value, start in enumerate([0, 3, 6], start=1):  # windows of 4: [0,4) [3,7) [6,10)
        merger.add(start, 4, np.full(4, float(value)), np.full((4, 1, 1), float(value)))
    scores, maps = merger.result()
    assert scores.tolist() == [1, 1, 1, 1.5, 2, 2, 2.5, 3, 3, 3]
    assert np.allclose(maps[:, 0, 0], scores)
    short = WindowMerger(3)
    short.add(0, 3, np.array([0.1, 0.2, 0.3, 9.0]))  # the 4th entry is padding
    assert np.allclose(short.result()[0], [0.1, 0.2, 0.3])
    with pytest.raises(ModelError, match="not covered"):
        WindowMerger(5).result()


def test_score_frames_merges_the_windows_it_runs(tiny):
    torch.manual_seed(0)
    model = build_model(tiny.model)
    scorer = make_scorer(model, tiny.video, tiny, torch.device("cpu"), model_ref="mem")
    frames = np.random.default_rng(0).integers(0, 255, (14, 16, 16, 3), dtype=np.uint8)
    scores, maps = scorer.score_frames(frames)
    assert scores.shape == (14,) and maps.shape == (14, 16, 16)
    assert scores.min() >= 0 and scores.max() <= 1 and maps.min() >= 0 and maps.max() <= 1
    # windows of 8, stride 4 over 14 frames start at 0, 4 and 6 (aligned to the end)
    preds = {s: scorer.predict(frames[None, s:s + 8]) for s in (0, 4, 6)}
    s0, s4, s6 = (preds[s][0][0] for s in (0, 4, 6))
    m4, m6 = preds[4][1][0], preds[6][1][0]
    assert scores[0] == pytest.approx(s0[0], abs=1e-6)                        # one window
    assert scores[5] == pytest.approx((s0[5] + s4[1]) / 2, abs=1e-6)          # two windows
    assert scores[7] == pytest.approx((s0[7] + s4[3] + s6[1]) / 3, abs=1e-6)  # three windows
    assert scores[13] == pytest.approx(s6[-1], abs=1e-6)                      # the end-aligned window
    assert np.allclose(maps[10], (m4[6] + m6[4]) / 2, atol=1e-6)


def test_load_scorer_round_trip_and_score_video(tiny, tmp_path, video):
    model = _checkpoint(tiny, tmp_path / "best.pt")
    scorer = load_scorer(tmp_path / "best.pt", tiny)
    assert scorer.size == (16, 16) and scorer.window == 8 and scorer.has_maps
    x = torch.rand(1, 3, 8, 16, 16)
    with torch.inference_mode():
        # batch norm is folded into the convolutions for inference: equal to float rounding
        assert torch.allclose(model(x)["pixel_logits"], scorer.model(x)["pixel_logits"], atol=1e-5)
    result = scorer.score_video(video, with_maps=True)
    assert result.frame_scores.shape == (24,) and result.frame_scores.dtype == np.float32
    assert result.maps.shape == (24, 16, 16) and 0 <= result.maps.min() <= result.maps.max() <= 1
    assert result.fps == 8 and result.info.n_frames == 24 and result.model_ref == str(tmp_path / "best.pt")
    assert np.allclose(result.times_s[:3], [0, 0.125, 0.25])
    # Decoding a file and scoring frames in memory take the same path.
    from pld_core.video import open_video

    with open_video(video, backend=tiny.video.backend, size=(16, 16), fps=8) as reader:
        in_memory, _ = scorer.score_frames(reader.read())
    assert np.allclose(in_memory, result.frame_scores, atol=1e-5)


def test_frame_variant_has_no_maps(tiny, tmp_path, video):
    _checkpoint(tiny, tmp_path / "frame.pt", variant="frame")
    scorer = load_scorer(str(tmp_path / "frame.pt"), tiny)
    assert not scorer.has_maps
    assert scorer.score_video(video).maps is None
    with pytest.raises(ModelError, match="no pixel maps"):
        scorer.score_video(video, with_maps=True)


def test_bad_model_and_video_inputs(tiny, tmp_path):
    with pytest.raises(ModelError, match="checkpoint not found"):
        load_scorer(tmp_path / "missing.pt", tiny)
    _checkpoint(tiny, tmp_path / "m.pt")
    scorer = load_scorer(tmp_path / "m.pt", tiny)
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(VideoError, match="empty"):
        scorer.score_video(tmp_path / "empty.mp4")
    with pytest.raises(ModelError, match="expects uint8 frames"):
        scorer.score_frames(np.zeros((4, 16, 16), np.uint8))


def test_decoding_thread_passes_items_and_errors_through():
    assert list(prefetch(iter(range(50)), depth=3)) == list(range(50))

    def failing():
        yield 1
        raise VideoError("x.mp4", "decode failed")

    with pytest.raises(VideoError, match="decode failed"):
        list(prefetch(failing(), depth=2))


def test_clip_scores_are_means_of_consecutive_clips():
    clips = clip_scores(np.array([0, 1, 1, 1, 0.5], np.float32), fps=2, clip_seconds=1.0)
    assert [c["score"] for c in clips] == [0.5, 1.0, 0.5]
    assert clips[-1]["start_s"] == 2.0 and clips[-1]["end_s"] == 2.5


def test_pld_score_writes_scores_and_maps(tiny, tmp_path, video):
    from click.testing import CliRunner

    from pld_core.cli import main

    _checkpoint(tiny, tmp_path / "m.pt")
    out, maps = tmp_path / "out" / "scores.json", tmp_path / "out" / "maps.npy"
    result = CliRunner().invoke(main, ["score", str(video), "--model", str(tmp_path / "m.pt"), "--out", str(out),
                                       "--maps", str(maps)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert len(data["frame_scores"]) == len(data["times_s"]) == 24 and data["model"] == str(tmp_path / "m.pt")
    assert data["clip_seconds"] == tiny.labels.clip_seconds and len(data["clips"]) == 2
    assert np.load(maps).shape == (24, 16, 16)


def test_pld_score_without_model_needs_a_champion(tmp_path, video):
    from click.testing import CliRunner

    from pld_core.cli import main
    from pld_core.errors import RegistryError

    store = f"registry.tracking_uri=sqlite:///{tmp_path / 'none' / 'mlflow.db'}"
    result = CliRunner().invoke(main, ["--set", store, "score", str(video), "--out", str(tmp_path / "s.json")])
    assert isinstance(result.exception, RegistryError) and not (tmp_path / "s.json").exists()
