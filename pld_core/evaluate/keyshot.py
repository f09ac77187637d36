"""Keyshot summaries and their F-score: the summarization protocol of SumMe, TVSum and CoSum.

A summary is the set of shots that maximizes the total shot score under a length budget
(15% of the video), chosen by an exact 0/1 knapsack; a shot's score is the mean importance
of its frames, capacity ``int(budget * n_frames)`` (mayu-ot/rethinking-evs, Otani et al.
CVPR 2019: ``src/tools/summarizer.py``; likewise Zhang et al. ECCV 2016 and Zhou et al.
AAAI 2018). The summary is compared with each reference summary by the F-score of their
overlap in frames (``src/summe_eval.py`` there).
"""
from __future__ import annotations

import numpy as np


def knapsack(values: np.ndarray, weights: np.ndarray, capacity: int) -> np.ndarray:
    """Exact 0/1 knapsack: the items (bool mask) of greatest total value within ``capacity``.

    Dynamic programming over integer capacities, one vectorized step per item, so the
    cost is O(items x capacity). On equal value the lighter, earlier choice wins.
    """
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.int64)
    if values.shape != weights.shape or (weights < 0).any() or capacity < 0:
        raise ValueError("knapsack needs one non-negative integer weight per value and capacity >= 0")
    best = np.zeros(capacity + 1)
    take = np.zeros((len(values), capacity + 1), dtype=bool)
    for i, (value, weight) in enumerate(zip(values, weights)):
        if weight > capacity:
            continue
        candidate = np.full(capacity + 1, -np.inf)
        candidate[weight:] = best[: capacity + 1 - weight] + value
        take[i] = candidate > best
        best = np.maximum(best, candidate)
    chosen = np.zeros(len(values), dtype=bool)
    room = capacity
    for i in range(len(values) - 1, -1, -1):
        if take[i, room]:
            chosen[i] = True
            room -= int(weights[i])
    return chosen


def shot_scores(unit_scores: np.ndarray, unit_weights: np.ndarray, shots: np.ndarray) -> np.ndarray:
    """Mean score of each shot, units weighted by their length in frames.

    ``shots`` is ``[n_shots, 2]`` half-open unit ranges ``[start, end)`` covering the units.
    """
    weights = np.asarray(unit_weights, dtype=np.float64)
    mass = _span_sums(np.asarray(unit_scores, dtype=np.float64) * weights, shots)
    return mass / np.maximum(_span_sums(weights, shots), 1e-12)


def _span_sums(per_unit: np.ndarray, shots: np.ndarray) -> np.ndarray:
    """Sum of ``per_unit`` over each half-open unit range of ``shots``.

    Summed shot by shot (not as differences of a running sum), so equal shots get exactly
    equal values and the knapsack's choice between them does not hang on rounding.
    """
    if len(shots) == 0:
        return np.zeros(0, dtype=per_unit.dtype)
    contiguous = shots[0, 0] == 0 and shots[-1, 1] == len(per_unit) and (shots[1:, 0] == shots[:-1, 1]).all()
    if contiguous and (shots[:, 1] > shots[:, 0]).all():
        return np.add.reduceat(per_unit, shots[:, 0])
    return np.array([per_unit[a:b].sum() for a, b in shots], dtype=per_unit.dtype)


def keyshot_summary(unit_scores: np.ndarray, unit_weights: np.ndarray, shots: np.ndarray,
                    budget: float) -> np.ndarray:
    """Per-unit 0/1 summary: the shots a knapsack picks within ``budget`` of the total frames."""
    unit_weights = np.asarray(unit_weights, dtype=np.int64)
    lengths = _span_sums(unit_weights, shots)
    capacity = int(np.floor(budget * unit_weights.sum()))
    chosen = knapsack(shot_scores(unit_scores, unit_weights, shots), lengths, capacity)
    summary = np.zeros(len(unit_weights), dtype=bool)
    for start, end in shots[chosen]:
        summary[start:end] = True
    return summary


def f_scores(summary: np.ndarray, references: np.ndarray, unit_weights: np.ndarray) -> np.ndarray:
    """F-score of a 0/1 ``summary`` [n] against each reference column of ``references`` [n, R].

    Overlap, precision and recall count frames (``unit_weights`` per unit). An empty
    summary or reference has F = 0.
    """
    w = np.asarray(unit_weights, dtype=np.float64)
    picked = np.asarray(summary, dtype=np.float64) * w
    refs = np.asarray(references, dtype=np.float64).reshape(len(w), -1)
    overlap = picked @ refs
    precision = np.divide(overlap, picked.sum(), out=np.zeros_like(overlap), where=picked.sum() > 0)
    ref_len = w @ refs
    recall = np.divide(overlap, ref_len, out=np.zeros_like(overlap), where=ref_len > 0)
    total = precision + recall
    return np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)


def shots_from_boundaries(boundaries: np.ndarray, n_units: int) -> np.ndarray:
    """``[n_shots, 2]`` unit ranges from sorted change points (first unit of each new shot)."""
    cuts = np.unique(np.clip(np.asarray(boundaries, dtype=np.int64), 1, n_units - 1)) if n_units > 1 else []
    edges = np.concatenate([[0], cuts, [n_units]]).astype(np.int64)
    return np.stack([edges[:-1], edges[1:]], axis=1)


def fixed_shots(unit_weights: np.ndarray, shot_frames: int) -> np.ndarray:
    """Consecutive shots of about ``shot_frames`` frames each (the fallback without KTS)."""
    weights = np.asarray(unit_weights, dtype=np.int64)
    starts = np.cumsum(weights) - weights
    cuts = np.searchsorted(starts, np.arange(shot_frames, weights.sum(), shot_frames), side="left")
    return shots_from_boundaries(cuts, len(weights))
