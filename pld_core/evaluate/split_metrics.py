"""Metrics of a model on a split of pld's own labelled data, by the benchmark protocols' code.

| evaluation.json metric | protocol (pld_core.evaluate.protocols) | compared with |
|---|---|---|
| ``spearman``, ``kendall`` | ``correlation``: rank correlation per video | the frame consensus |
| ``ap`` | ``youtube_highlights``: AP over all clips | the clips' binary labels |
| ``map_top5`` | ``tvsum``: top-k AP per rater, above the rater's lower median | each rater's score at the clip's middle frame |
| ``f1`` | ``rated_keyshot``: 15% knapsack summary over KTS shots vs each rater's own | the raters' frame scores |

A clip's prediction is the mean of its frames' scores. Values are means over the split's
videos; random and uniform baselines come from the same code.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from pld_core.config import EvaluateSettings
from pld_core.evaluate.predictions import Prediction
from pld_core.evaluate.protocols import BenchmarkResult, BenchmarkVideo, baselines, evaluate_benchmark

log = logging.getLogger(__name__)

METRICS: dict[str, tuple[str, str]] = {  # metric -> (protocol, key of its result)
    "spearman": ("correlation", "spearman"),
    "kendall": ("correlation", "kendall"),
    "map_top5": ("tvsum", "mAP"),
    "ap": ("youtube_highlights", "mAP"),
    "f1": ("rated_keyshot", "F1"),
}
SPLIT_GROUP = "all"


@dataclass(frozen=True)
class LabelledVideo:
    """One video's predicted frame scores beside its labels, all on the sampled-frame grid."""

    video_id: str
    category: str
    fps: float
    pred: np.ndarray           # [T] the model's frame scores
    consensus: np.ndarray      # [T] consensus target
    raters: np.ndarray         # [T, R] each rater's score per frame, NaN where not scored
    clip_of_frame: np.ndarray  # [T] clip index of each frame (0 .. n_clips - 1, non-decreasing)
    clip_binary: np.ndarray    # [n_clips] 0/1 clip label
    shots: np.ndarray          # [n_shots, 2] frame ranges (KTS)


def split_metrics(videos: list[LabelledVideo], cfg: EvaluateSettings) -> dict:
    """``{"metrics", "baselines": {"random", "uniform"}, "per_video"}`` for the labelled videos."""
    views = {protocol: _view(protocol, videos) for protocol, _ in METRICS.values()}
    results = {p: evaluate_benchmark(p, bvs, preds, cfg, where=p) for p, (bvs, preds) in views.items()}
    chance = {p: baselines(p, bvs, cfg) for p, (bvs, _) in views.items()}
    per_video = [{"video_id": v.video_id, "category": v.category, "n_frames": len(v.pred)} for v in videos]
    for metric, (protocol, key) in METRICS.items():
        for row, video_row in zip(per_video, results[protocol].per_video):
            row[metric] = video_row[key]
    return {
        "metrics": _pick(results),
        "baselines": {name: _pick({p: chance[p][name] for p in chance}) for name in ("random", "uniform")},
        "per_video": per_video,
    }


def _pick(results: dict[str, BenchmarkResult]) -> dict[str, float]:
    def value(result: BenchmarkResult, key: str) -> float:
        return result.value if key == result.metric else result.extras[key]

    return {metric: value(results[protocol], key) for metric, (protocol, key) in METRICS.items()}


def _view(protocol: str, videos: list[LabelledVideo]) -> tuple[list[BenchmarkVideo], dict[str, Prediction]]:
    """The videos as the protocol's units and references, with the matching predictions."""
    bvs, preds = [], {}
    for v in videos:
        frames = np.ones(len(v.pred), dtype=np.int64)
        if protocol in ("correlation", "rated_keyshot"):
            scores = v.consensus[:, None] if protocol == "correlation" else _complete_raters(v.raters, v)
            bvs.append(BenchmarkVideo(v.video_id, SPLIT_GROUP, scores, frames, v.fps, v.shots))
            preds[v.video_id] = Prediction(v.pred)
            continue
        sizes = np.bincount(v.clip_of_frame, minlength=len(v.clip_binary))
        clip_pred = np.bincount(v.clip_of_frame, weights=v.pred, minlength=len(sizes)) / np.maximum(sizes, 1)
        if protocol == "youtube_highlights":
            scores = v.clip_binary[:, None].astype(np.float64)
        else:  # tvsum: each rater's score at the middle frame of each clip, as Lighthouse's TVSum labels
            middle = np.cumsum(sizes) - sizes + sizes // 2
            scores = _complete_raters(v.raters, v)[np.minimum(middle, len(v.pred) - 1)]
        bvs.append(BenchmarkVideo(v.video_id, SPLIT_GROUP, scores, sizes, v.fps))
        preds[v.video_id] = Prediction(clip_pred)
    return bvs, preds


def _complete_raters(raters: np.ndarray, video: LabelledVideo) -> np.ndarray:
    """Raters who scored every frame; the consensus alone when none did (logged)."""
    complete = raters[:, ~np.isnan(raters).any(axis=0)]
    if complete.shape[1]:
        return complete
    log.warning("video %s: no rater scored every frame; per-rater metrics use the consensus", video.video_id)
    return video.consensus[:, None]
