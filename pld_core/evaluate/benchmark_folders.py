"""Benchmarks whose videos a user has placed under ``paths.benchmark_videos/<benchmark>/``.

The videos are not in the repository (most benchmark videos must be fetched by their
users, and many are offline). For each benchmark with videos there, the model scores every
video that its annotation file (``evaluate.benchmark_annotations``) knows, by file name
``<video id>.<ext>``; frame scores become unit scores (mean over each clip, shot or frame),
and keyshot benchmarks without dataset shots get KTS shots of the video itself. A benchmark
without videos is skipped with a message saying where to put them.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from pld_core.config import Settings
from pld_core.evaluate.benchmark import benchmark_report, load_benchmark
from pld_core.evaluate.predictions import Prediction
from pld_core.evaluate.protocols import BENCHMARKS, PROTOCOLS, BenchmarkVideo
from pld_core.evaluate.shots import frame_descriptors, kts_shots

log = logging.getLogger(__name__)


def evaluate_benchmark_folders(settings: Settings, scorer) -> dict[str, dict]:
    """``{benchmark: report}``; a report is ``{"status": "evaluated", ...}`` or ``{"status": "skipped", "reason"}``."""
    root = settings.path(settings.paths.benchmark_videos)
    return {benchmark: _evaluate_folder(settings, scorer, benchmark, root / benchmark) for benchmark in BENCHMARKS}


def _evaluate_folder(settings: Settings, scorer, benchmark: str, folder: Path) -> dict:
    from tqdm import tqdm

    from pld_core.data.video_files import is_video_file

    files = {p.stem: p for p in sorted(folder.iterdir()) if is_video_file(p)} if folder.is_dir() else {}
    if not files:
        return _skipped(benchmark, f"no videos under {folder} (place <video id>.mp4 files there to evaluate on it)")
    configured = settings.evaluate.benchmark_annotations.get(benchmark)
    annotations = settings.path(configured) if configured else None
    if annotations is None or not annotations.exists():
        return _skipped(benchmark, f"annotation file {annotations or '(none)'} not found "
                                   f"(evaluate.benchmark_annotations.{benchmark})")
    videos = [v for v in load_benchmark(settings, benchmark, annotations) if v.video_id in files]
    if not videos:
        return _skipped(benchmark, f"none of the {len(files)} videos under {folder} is annotated in {annotations}")
    preds = {v.video_id: _predict(settings, scorer, benchmark, v, files[v.video_id])
             for v in tqdm(videos, desc=benchmark, unit="video", disable=None)}
    report = benchmark_report(benchmark, videos, preds, settings, where=str(folder))
    log.info("%s: %d of %d videos found under %s", benchmark, len(videos), len(files), folder)
    return {"status": "evaluated", "annotations": str(annotations), "videos_found": len(files), **report}


def _predict(settings: Settings, scorer, benchmark: str, video: BenchmarkVideo, path: Path) -> Prediction:
    scored = scorer.score_video(path)
    ends = video.starts_s + video.unit_frames / video.fps
    scores = unit_scores(scored.frame_scores, scored.fps, video.starts_s, ends)
    if not (PROTOCOLS[benchmark].keyshots and video.shots is None):
        return Prediction(scores)
    shots = kts_shots(frame_descriptors(path, settings), scored.fps, settings)
    change_times = shots[1:, 0] / scored.fps
    return Prediction(scores, np.searchsorted(video.starts_s, change_times, side="left"))


def unit_scores(frame_scores: np.ndarray, fps: float, starts_s: np.ndarray, ends_s: np.ndarray) -> np.ndarray:
    """Mean of the frame scores (frame k at k / fps) within each unit ``[start, end)``; a unit
    shorter than a frame takes the frame nearest its middle."""
    frame_scores = np.asarray(frame_scores, dtype=np.float64)
    times = np.arange(len(frame_scores)) / fps
    lo = np.searchsorted(times, starts_s, side="left")
    hi = np.searchsorted(times, ends_s, side="left")
    total = np.concatenate([[0.0], np.cumsum(frame_scores)])
    nearest = np.clip(np.round((starts_s + ends_s) / 2 * fps).astype(np.int64), 0, len(frame_scores) - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (total[hi] - total[lo]) / (hi - lo)
    return np.where(hi > lo, mean, frame_scores[nearest])


def _skipped(benchmark: str, reason: str) -> dict:
    log.info("benchmark %s skipped: %s", benchmark, reason)
    return {"status": "skipped", "reason": reason}
