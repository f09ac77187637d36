"""Independent, deliberately plain re-implementations of the published metrics for the tests.

Written as loops over Python lists, the way the UMT / Lighthouse evaluation code reads, with
``statistics.median_low`` for torch's median, so that they share no code with pld_core.
"""
from __future__ import annotations

import statistics


def loop_ap(ranked_labels: list[float]) -> float:
    """UMT's interpolated AP of labels already in ranked order."""
    num_gt = sum(ranked_labels)
    if num_gt == 0:
        return 0.0
    hits = ap = rec = 0.0
    prc = 1.0
    for j, gt in enumerate(ranked_labels):
        hits += gt
        new_rec, new_prc = hits / num_gt, hits / (j + 1)
        ap += (new_rec - rec) * (prc + new_prc) / 2
        rec, prc = new_rec, new_prc
    return ap


def order(pred: list[float]) -> list[int]:
    """Indices by descending prediction, ties by index (Python's sort is stable)."""
    return sorted(range(len(pred)), key=lambda i: -pred[i])


def youtube_ap(pred: list[float], labels: list[float]) -> float:
    return loop_ap([1.0 if labels[i] > 0 else 0.0 for i in order(pred)])


def tvsum_ap(pred: list[float], clip_rater: list[list[float]], k: int = 5) -> float:
    aps = []
    for r in range(len(clip_rater[0])):
        column = [row[r] for row in clip_rater]
        median = statistics.median_low(column)
        aps.append(loop_ap([1.0 if column[i] > median else 0.0 for i in order(pred)][:k]))
    return sum(aps) / len(aps)


def knapsack_brute(values: list[float], weights: list[int], capacity: int) -> float:
    best = 0.0
    n = len(values)
    for mask in range(1 << n):
        w = sum(weights[i] for i in range(n) if mask >> i & 1)
        if w <= capacity:
            best = max(best, sum(values[i] for i in range(n) if mask >> i & 1))
    return best
