"""Broken and awkward videos through every per-video command: one clear line and exit 1, or a result.

Broken (truncated, zero bytes, text renamed .mp4, audio only): ``pld probe``, ``pld saliency``,
``pld score`` and ``pld highlight`` each print one ``error:`` line naming the file and the
problem, exit 1 and leave nothing at the output path. Awkward but valid (one frame, shorter
than a window, variable frame rate, rotated, odd size, with audio, 4K): every command works;
a clip needs at least ``creative.min_seconds``, so the shortest ones are refused by name.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from pld_core.video import n_sampled, open_video, probe
from tests.reliability.conftest import pld_process
from tests.reliability.corpus import BAD_VIDEOS, ODD_VIDEOS, VFR_TIMES

AWKWARD = sorted(ODD_VIDEOS) + ["large"]


@pytest.mark.parametrize("name", sorted(BAD_VIDEOS))
def test_probe_in_a_real_process_prints_one_line_and_exits_1(videos, name):
    result = pld_process("probe", videos[name])
    assert result.code == 1
    assert result.stderr.strip() == result.error  # nothing else on stderr
    assert str(videos[name]) in result.error and re.search(BAD_VIDEOS[name][1], result.error)


@pytest.mark.parametrize("name", sorted(BAD_VIDEOS))
def test_stage_commands_refuse_a_broken_video_by_name(pld, videos, checkpoint, tmp_path, name):
    video, problem = videos[name], BAD_VIDEOS[name][1]
    out = tmp_path / "out"
    commands = {
        "saliency": ["saliency", video, "--out", out / "maps.npy"],
        "score": ["score", video, "--model", checkpoint, "--out", out / "scores.json"],
        "highlight": ["highlight", video, "--model", checkpoint, "-o", out / "clip.mp4"],
    }
    for command, args in commands.items():
        result = pld(*args)
        assert result.code == 1, command
        assert str(video) in result.error and re.search(problem, result.error), (command, result.error)
    assert not out.exists() or not any(out.iterdir())  # no output, not even a temporary


@pytest.mark.parametrize("name", AWKWARD)
def test_awkward_videos_go_through_every_command(pld, tiny, videos, checkpoint, tmp_path, name):
    video = videos[name]
    info = probe(video)
    n = n_sampled(info.n_frames, info.fps, tiny.video.fps)
    listed = pld("probe", "--json", video)
    assert listed.code == 0 and json.loads(listed.stdout)["n_frames"] == info.n_frames

    assert pld("saliency", video, "--out", tmp_path / "maps.npy").code == 0
    maps = np.load(tmp_path / "maps.npy")
    assert maps.shape == (info.n_frames, 16, 16) and np.isfinite(maps).all() and maps.max() > 0

    assert pld("score", video, "--model", checkpoint, "--out", tmp_path / "scores.json").code == 0
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert len(scores["frame_scores"]) == n and all(0 <= s <= 1 for s in scores["frame_scores"])

    clip = tmp_path / "clip.mp4"
    result = pld("highlight", video, "--model", checkpoint, "-o", clip)
    if info.duration_s < tiny.creative.min_seconds:
        assert result.code == 1 and str(video) in result.error
        assert f"only {info.duration_s:.2f} s long; an ad clip needs at least" in result.error
        assert not clip.exists()
        return
    assert result.code == 0, result.stderr
    out = probe(clip)
    assert out.width % 2 == 0 and out.height % 2 == 0 and not out.has_audio  # H.264-safe and silent
    assert out.duration_s == pytest.approx(tiny.creative.seconds, abs=0.2)
    width, height = info.display_size
    assert out.height <= height and out.width <= width  # a crop of the upright frame


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_rotated_videos_come_out_upright_from_both_backends(tmp_path, degrees):
    """The display matrix is applied once: decord rotates by itself, PyAV frames are turned by pld."""
    from tests.reliability.corpus import encode

    marked = np.zeros((32, 64, 3), np.uint8)
    marked[:8, :8] = 255  # the coded frame's top-left corner
    path = encode(tmp_path / "r.mp4", [marked] * 4, rotation=degrees)
    # Turning the picture counter-clockwise moves the top-left corner to:
    corner = {90: (-1, 0), 180: (-1, -1), 270: (0, -1)}[degrees]
    upright = (32, 64) if degrees == 180 else (64, 32)
    for backend in ("decord", "pyav"):
        for size in (None, (40, 24)):
            with open_video(path, backend=backend, size=size) as reader:
                frame = reader.read(0, 1)[0, ..., 0]
            assert frame.shape == (size or upright), (backend, size)
            assert frame[corner] > 200 and frame[0, 0] < 50, (backend, size)


def test_4k_video_is_decoded_at_the_reduced_size(videos):
    """Frames never exist at 4K in the pipeline's stages: decord scales while decoding."""
    with open_video(videos["large"], size=(32, 32), fps=8) as reader:
        assert reader.BACKEND_NAME == "decord" and reader.fallback_reason is None
        assert reader._resize_to is None  # decoded at 32x32, not decoded at 4K and resized
        assert reader.read().shape == (3, 32, 32, 3)


@pytest.mark.parametrize("backend", ["decord", "pyav"])
def test_variable_frame_rate_is_sampled_by_timestamp(videos, tiny, backend):
    """5 s at 4 fps then 2.5 s at 16 fps: sampled frame k is the frame on screen at k / video.fps."""
    info = probe(videos["variable_rate"])
    assert info.variable_rate and info.n_frames == 60 and info.duration_s == pytest.approx(7.5, abs=0.07)
    with open_video(videos["variable_rate"], backend=backend, size=(32, 32), fps=tiny.video.fps) as reader:
        frames = reader.read()
    times = np.arange(len(frames)) / tiny.video.fps
    on_screen = np.searchsorted(VFR_TIMES, times + 1e-6, side="right") - 1
    assert len(frames) == 60 and on_screen[20] == 10  # index-based sampling would show frame 20 at 2.5 s
    np.testing.assert_allclose(frames[:, 0, 0, 0], 4 * on_screen, atol=3)
