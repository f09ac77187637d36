"""Krippendorff's alpha (interval) and Fleiss' kappa from sums that pool across videos.

Each function returns the sufficient statistics of one video; ``alpha`` and ``kappa``
turn a sum of them (one video, or a whole dataset) into the coefficient. Units are grid
frames; a frame counts when at least two raters scored it (NaN marks a missing score).
"""
from __future__ import annotations

import numpy as np


def alpha_stats(scores: np.ndarray) -> dict[str, float]:
    """Sums for interval alpha: pairable values, their sum and sum of squares, observed disagreement."""
    scores = np.asarray(scores, dtype=np.float64)
    present = ~np.isnan(scores)
    m = present.sum(axis=0)
    pairable = m >= 2
    x = np.where(present, scores, 0.0)[:, pairable]
    m = m[pairable]
    s, ss = x.sum(axis=0), (x**2).sum(axis=0)
    # per unit: sum over ordered pairs of (x_i - x_j)^2 = 2 (m sum x^2 - (sum x)^2), over m - 1
    observed = float((2 * (m * ss - s**2) / np.maximum(m - 1, 1)).sum())
    return {"n": float(m.sum()), "sum": float(s.sum()), "sum_sq": float(ss.sum()), "observed": observed}


def alpha(stats: dict[str, float]) -> float:
    """Krippendorff's alpha, interval metric: 1 - D_o / D_e; NaN when the values do not vary."""
    n = stats["n"]
    expected = 2 * (n * stats["sum_sq"] - stats["sum"] ** 2)  # sum over all ordered pairs of values
    if n < 2 or expected <= 1e-12 * max(1.0, n * stats["sum_sq"]):
        return float("nan")
    return float(1 - (n - 1) * stats["observed"] / expected)


def kappa_stats(votes: np.ndarray, present: np.ndarray) -> dict[str, float]:
    """Sums for Fleiss' kappa of binary votes ``[R, T]`` (``present`` marks the cells that count)."""
    ones = np.where(present, votes, 0).sum(axis=0).astype(np.float64)
    m = present.sum(axis=0).astype(np.float64)
    rated = m >= 2
    ones, m = ones[rated], m[rated]
    zeros = m - ones
    agreement = (ones * (ones - 1) + zeros * (zeros - 1)) / (m * (m - 1))
    return {"units": float(rated.sum()), "agreement": float(agreement.sum()),
            "ones": float(ones.sum()), "ratings": float(m.sum())}


def kappa(stats: dict[str, float]) -> float:
    """Fleiss' kappa (raters per unit may vary); NaN when every vote is the same category."""
    if stats["units"] == 0:
        return float("nan")
    observed = stats["agreement"] / stats["units"]
    p1 = stats["ones"] / stats["ratings"]
    chance = p1**2 + (1 - p1) ** 2
    if chance >= 1 - 1e-12:
        return float("nan")
    return float((observed - chance) / (1 - chance))


def add_stats(items: list[dict[str, float]]) -> dict[str, float]:
    """Key-wise sum of statistics dicts (pooling videos)."""
    keys = items[0].keys() if items else ()
    return {k: float(sum(item[k] for item in items)) for k in keys}
