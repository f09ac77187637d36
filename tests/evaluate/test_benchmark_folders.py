"""Benchmark folders: frame scores to unit scores, and the skip messages when videos are absent."""
from __future__ import annotations

import numpy as np
import pytest

from pld_core.evaluate.benchmark_folders import evaluate_benchmark_folders, unit_scores


def test_unit_scores_average_the_frames_inside_each_unit():
    frames = np.arange(16, dtype=float)  # 8 fps: frame k at k / 8 s
    starts = np.array([0.0, 1.0, 0.5, 1.99])
    ends = np.array([1.0, 2.0, 1.5, 1.999])  # the last unit holds no frame: nearest to its middle
    assert unit_scores(frames, 8.0, starts, ends).tolist() == pytest.approx([3.5, 11.5, 7.5, 15.0])


def test_benchmarks_without_videos_are_skipped_with_the_folder_named(settings, shared_benchmarks):
    root = settings.path(settings.paths.benchmark_videos)
    (root / "tvsum").mkdir(parents=True)
    (root / "tvsum" / "notes.txt").write_text("not a video")
    (root / "cosum").mkdir()
    (root / "cosum" / "unknown_video.mp4").write_bytes(b"")  # a video file the annotations do not know
    reports = evaluate_benchmark_folders(settings, scorer=None)
    assert set(reports) == {"youtube_highlights", "tvsum", "cosum", "summe"}
    assert reports["tvsum"]["status"] == "skipped" and str(root / "tvsum") in reports["tvsum"]["reason"]
    assert "none of the 1 videos" in reports["cosum"]["reason"]
