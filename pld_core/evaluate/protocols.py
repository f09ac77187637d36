"""The four benchmark protocols, each a per-video metric plus the published way of averaging.

| benchmark | unit | per video | averaged |
|---|---|---|---|
| youtube_highlights | ~2 s clip | AP over all clips, positive = label > 0 | per domain, then over the 6 domains |
| tvsum | 2 s clip | top-5 AP per rater (above the lower median), mean over raters | per category, then over the 10 |
| cosum | shot | keyshot F1 vs the shots a majority of judges chose (>= 2 of 3) | per topic, then over topics |
| summe | frame | keyshot F1, max over users (nearest-neighbour F; also the mean) | over videos |

TVSum, CoSum and SumMe also report Kendall's tau and Spearman's rho against the raters
(Otani et al. 2019). Random (seeded, ``evaluate.random_trials``) and uniform (constant)
predictions go through the same code, so every number has its chance level beside it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pld_core.config import EvaluateSettings
from pld_core.errors import DataError
from pld_core.evaluate.keyshot import f_scores, fixed_shots, keyshot_summary, shots_from_boundaries
from pld_core.evaluate.predictions import Prediction
from pld_core.evaluate.ranking import rank_correlations, top_k_map, youtube_ap

log = logging.getLogger(__name__)

BENCHMARKS = ("youtube_highlights", "tvsum", "cosum", "summe")
CORRELATIONS = ("kendall", "spearman")


@dataclass(frozen=True)
class BenchmarkVideo:
    """One annotated video in the shape every protocol reads.

    ``scores`` is ``[n_units, n_raters]`` (a rater per column); ``unit_frames`` the length
    of each unit in frames (the knapsack's weights); ``shots`` the dataset's own shots as
    ``[n_shots, 2]`` unit ranges, or None when it has none; ``starts_s`` the units' start
    times, for turning a model's frame scores into unit scores (None when not needed).
    """

    video_id: str
    group: str
    scores: np.ndarray
    unit_frames: np.ndarray
    fps: float
    shots: np.ndarray | None = None
    starts_s: np.ndarray | None = None

    @property
    def n_units(self) -> int:
        return int(self.scores.shape[0])


@dataclass
class BenchmarkResult:
    """Per-video metrics and their published averages for one set of predictions."""

    benchmark: str
    metric: str
    value: float
    per_group: dict[str, float]
    extras: dict[str, float]
    per_video: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        """``{metric: value, "per_group": ..., "n_videos": n, **extras}`` (the CLI's JSON)."""
        return {self.metric: self.value, "per_group": self.per_group, "n_videos": len(self.per_video),
                **self.extras}


@dataclass(frozen=True)
class Protocol:
    metric: str
    per_video: Callable[[BenchmarkVideo, Prediction, EvaluateSettings], dict[str, float]]
    extras: tuple[str, ...]
    keyshots: bool = False  # summarizes by shots (needs the dataset's, the prediction's or fixed ones)


def _youtube(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> dict[str, float]:
    """A clip is positive when its label (any rater's, there is one: ``match``) is > 0."""
    return {"mAP": youtube_ap(pred.scores, video.scores.max(axis=1))}


def _tvsum(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> dict[str, float]:
    return {"mAP": top_k_map(pred.scores, video.scores, cfg.top_k), **rank_correlations(pred.scores, video.scores)}


def _cosum(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> dict[str, float]:
    judges = video.scores > 0
    majority = judges.sum(axis=1) >= judges.shape[1] // 2 + 1
    summary = _summary(video, pred, cfg)
    return {"F1": float(f_scores(summary, majority, video.unit_frames)[0]),
            **rank_correlations(pred.scores, video.scores)}


def _summe(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> dict[str, float]:
    f1 = f_scores(_summary(video, pred, cfg), video.scores > 0, video.unit_frames)
    return {"F1": float(f1.max()), "F1_mean_users": float(f1.mean()), **rank_correlations(pred.scores, video.scores)}


def _rated_keyshot(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> dict[str, float]:
    """TVSum's summarization convention: each rater's scores make a knapsack summary over the
    same shots; F1 against each, averaged over raters."""
    shots = video_shots(video, pred, cfg)
    references = np.stack([keyshot_summary(video.scores[:, r], video.unit_frames, shots, cfg.summary_budget)
                           for r in range(video.scores.shape[1])], axis=1)
    return {"F1": float(f_scores(_summary(video, pred, cfg), references, video.unit_frames).mean())}


def _correlation(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> dict[str, float]:
    return rank_correlations(pred.scores, video.scores)


PROTOCOLS: dict[str, Protocol] = {
    "youtube_highlights": Protocol("mAP", _youtube, ()),
    "tvsum": Protocol("mAP", _tvsum, CORRELATIONS),
    "cosum": Protocol("F1", _cosum, CORRELATIONS, keyshots=True),
    "summe": Protocol("F1", _summe, ("F1_mean_users", *CORRELATIONS), keyshots=True),
    # used by evaluate_model on pld's own datasets
    "rated_keyshot": Protocol("F1", _rated_keyshot, (), keyshots=True),
    "correlation": Protocol("spearman", _correlation, ("kendall",)),
}


def video_shots(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> np.ndarray:
    """The dataset's shots, else the prediction's change points, else fixed-length shots."""
    if video.shots is not None:
        return video.shots
    if pred.change_points is not None:
        return shots_from_boundaries(pred.change_points, video.n_units)
    return fixed_shots(video.unit_frames, max(1, round(cfg.fallback_shot_seconds * video.fps)))


def _summary(video: BenchmarkVideo, pred: Prediction, cfg: EvaluateSettings) -> np.ndarray:
    importance = pred.scores - min(0.0, float(pred.scores.min()))  # knapsack values must be >= 0
    return keyshot_summary(importance, video.unit_frames, video_shots(video, pred, cfg), cfg.summary_budget)


def evaluate_benchmark(benchmark: str, videos: list[BenchmarkVideo], predictions: dict[str, Prediction],
                       cfg: EvaluateSettings, where: str = "predictions") -> BenchmarkResult:
    """Score ``predictions`` on ``videos`` by the benchmark's published protocol.

    Every video needs a prediction of exactly one score per unit; otherwise DataError names
    the video (``where`` names the predictions' source in the message).
    """
    protocol = _protocol(benchmark)
    if not videos:
        raise DataError(where, f"no {benchmark} videos to evaluate")
    rows = []
    for video in videos:
        pred = predictions.get(video.video_id)
        if pred is None:
            raise DataError(where, f"video {video.video_id}: no prediction")
        if len(pred.scores) != video.n_units:
            raise DataError(where, f"video {video.video_id}: {len(pred.scores)} scores for {video.n_units} units")
        rows.append({"video_id": video.video_id, "group": video.group,
                     **protocol.per_video(video, pred, cfg)})
    return _aggregate(benchmark, protocol, rows)


def warn_fixed_shots(benchmark: str, videos: list[BenchmarkVideo], predictions: dict[str, Prediction],
                     cfg: EvaluateSettings) -> None:
    """Log once when a keyshot benchmark falls back to fixed-length shots for some videos."""
    fixed = [v.video_id for v in videos if v.shots is None and v.video_id in predictions
             and predictions[v.video_id].change_points is None]
    if _protocol(benchmark).keyshots and fixed:
        log.warning("%s: %d video(s) have no shots in the dataset or the predictions (change_points); fixed "
                    "%.1f s shots used (the published protocol uses KTS shots)", benchmark, len(fixed),
                    cfg.fallback_shot_seconds)


def _aggregate(benchmark: str, protocol: Protocol, rows: list[dict]) -> BenchmarkResult:
    groups: dict[str, list[float]] = {}
    for row in rows:
        if not np.isnan(row[protocol.metric]):
            groups.setdefault(row["group"], []).append(row[protocol.metric])
    per_group = {g: float(np.mean(v)) for g, v in sorted(groups.items())}
    extras = {key: _defined_mean([row[key] for row in rows], benchmark, key) for key in protocol.extras}
    value = _defined_mean(list(per_group.values()), benchmark, protocol.metric)  # the mean over groups
    return BenchmarkResult(benchmark, protocol.metric, value, per_group, extras, rows)


def _defined_mean(values: list[float], benchmark: str, key: str) -> float:
    """Mean over the videos where ``key`` is defined (correlations need raters whose scores vary)."""
    kept = [v for v in values if not np.isnan(v)]
    if not kept:
        raise DataError(benchmark, f"{key}: undefined for every video (no rater's scores vary)")
    return float(np.mean(kept))


def baselines(benchmark: str, videos: list[BenchmarkVideo], cfg: EvaluateSettings,
              shots_from: dict[str, Prediction] | None = None) -> dict[str, BenchmarkResult]:
    """Chance levels by the same code: ``random`` (mean of seeded trials) and ``uniform``.

    ``shots_from`` lends the change points of the real predictions, so baselines and the
    model are summarized over the same shots.
    """
    rng = np.random.default_rng(cfg.seed)
    lent = shots_from or {}
    points = {v.video_id: lent[v.video_id].change_points if v.video_id in lent else None for v in videos}

    def run(make: Callable[[int], np.ndarray]) -> BenchmarkResult:
        preds = {v.video_id: Prediction(make(v.n_units), points[v.video_id]) for v in videos}
        return evaluate_benchmark(benchmark, videos, preds, cfg, where=f"{benchmark} baseline")

    trials = [run(lambda n: rng.random(n)) for _ in range(cfg.random_trials)]
    return {"random": mean_result(trials), "uniform": run(np.ones)}


def mean_result(results: list[BenchmarkResult]) -> BenchmarkResult:
    """Average of results over trials (same videos, same groups)."""
    first = results[0]
    per_video = [{key: (float(np.mean([r.per_video[i][key] for r in results])) if isinstance(val, float) else val)
                  for key, val in row.items()} for i, row in enumerate(first.per_video)]
    return BenchmarkResult(
        first.benchmark, first.metric, float(np.mean([r.value for r in results])),
        {g: float(np.mean([r.per_group[g] for r in results])) for g in first.per_group},
        {k: float(np.mean([r.extras[k] for r in results])) for k in first.extras}, per_video)


def _protocol(benchmark: str) -> Protocol:
    if benchmark not in PROTOCOLS:
        raise DataError(benchmark, f"unknown benchmark; expected one of {', '.join(BENCHMARKS)}")
    return PROTOCOLS[benchmark]
