"""Kernel temporal segmentation (KTS): shots for videos whose dataset gives none.

Potapov, Douze, Harchaoui & Schmid, "Category-specific video summarization", ECCV 2014:
with a kernel ``K`` between frame descriptors, the cost of a segment is its within-segment
scatter, ``sum_t K[t,t] - (1/len) sum_{s,t} K[s,t]``; dynamic programming finds the
``m`` change points of least total cost for every ``m`` up to a maximum, and the number of
change points minimizes ``cost_m / n + vmax * m / (2n) * (log(n / m) + 1)``. This is the
segmentation behind the community SumMe/TVSum shot files (Zhang et al. 2016). Written
here in numpy from the paper; O(max_cp x n^2) time and O(n^2) memory, so callers keep
``n`` to a few thousand descriptors.
"""
from __future__ import annotations

import numpy as np


def segment_costs(kernel: np.ndarray) -> np.ndarray:
    """``[n+1, n+1]`` scatter of every segment ``[a, b)``; ``inf`` where ``b <= a``."""
    n = kernel.shape[0]
    block = np.zeros((n + 1, n + 1))
    block[1:, 1:] = kernel.cumsum(axis=0).cumsum(axis=1)
    diag = np.concatenate([[0.0], np.cumsum(np.diag(kernel))])
    corner = np.diag(block)
    within = corner[None, :] + corner[:, None] - block - block.T  # sum of K over [a,b) x [a,b)
    length = np.arange(n + 1)[None, :] - np.arange(n + 1)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = (diag[None, :] - diag[:, None]) - within / length
    cost[length <= 0] = np.inf
    return cost


def change_points(features: np.ndarray, max_cp: int, vmax: float) -> np.ndarray:
    """Indices where a new segment starts (sorted, excluding 0), chosen by KTS.

    ``features`` is ``[n, d]``; a linear kernel of the L2-normalized rows is used.
    """
    x = np.asarray(features, dtype=np.float64)
    n = len(x)
    max_cp = int(min(max_cp, n - 1))
    if n < 2 or max_cp < 1:
        return np.zeros(0, dtype=np.int64)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    cost = segment_costs(x @ x.T)
    best = np.empty((max_cp + 1, n + 1))
    origin = np.zeros((max_cp + 1, n + 1), dtype=np.int64)
    best[0] = cost[0]
    for m in range(1, max_cp + 1):
        total = best[m - 1][:, None] + cost  # [a, b]: m-1 change points before a, last segment [a, b)
        origin[m] = np.argmin(total, axis=0)
        best[m] = total[origin[m], np.arange(n + 1)]
    m = np.arange(1, max_cp + 1)
    penalty = np.concatenate([[0.0], vmax * m / (2.0 * n) * (np.log(n / m) + 1)])
    n_cp = int(np.argmin(best[:, n] / n + penalty))
    cps, end = [], n
    for level in range(n_cp, 0, -1):
        end = int(origin[level, end])
        cps.append(end)
    return np.array(sorted(cps), dtype=np.int64)
