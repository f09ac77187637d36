"""Per-rater normalization and the aggregation of raters into one consensus row.

Every function takes a rater matrix ``[R, T]`` with NaN where a rater scored nothing,
and ignores those cells. A rater with constant scores carries no ranking: zscore gives
it 0 everywhere, rank gives it 0.5 everywhere (see docs/labels.md).
"""
from __future__ import annotations

import numpy as np


def normalize_rows(scores: np.ndarray, method: str) -> np.ndarray:
    """Normalize each rater's row: ``zscore``, ``rank`` (average ranks scaled to [0, 1]) or ``none``."""
    scores = np.asarray(scores, dtype=np.float64)
    if method == "none":
        return scores.copy()
    present = ~np.isnan(scores)
    if method == "zscore":
        n = np.maximum(present.sum(axis=1, keepdims=True), 1)
        mean = np.nansum(scores, axis=1, keepdims=True) / n
        std = np.sqrt(np.nansum((scores - mean) ** 2, axis=1, keepdims=True) / n)
        spread = std > 1e-9 * np.maximum(1.0, np.abs(mean))  # float noise of a constant row is no spread
        return np.where(spread, (scores - mean) / np.where(spread, std, 1.0), np.where(present, 0.0, np.nan))
    if method == "rank":
        from scipy.stats import rankdata

        ranks = rankdata(scores, axis=1, nan_policy="omit")
        n = present.sum(axis=1, keepdims=True)
        return np.where(n > 1, (ranks - 1) / np.maximum(n - 1, 1), np.where(present, 0.5, np.nan))
    raise ValueError(f"unknown normalization {method!r}")


def aggregate(values: np.ndarray, method: str, trim_fraction: float = 0.0,
              weights: np.ndarray | None = None) -> np.ndarray:
    """One value per frame from the raters' rows: ``mean``, ``median`` or ``trimmed_mean`` (weighted).

    Frames no rater scored come out NaN; the caller decides what to do with them.
    """
    values = np.asarray(values, dtype=np.float64)
    w = np.ones(values.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    cell_w = np.where(np.isnan(values), 0.0, w[:, None])
    if method == "mean":
        return _weighted_mean(values, cell_w)
    order = np.argsort(np.where(np.isnan(values), np.inf, values), axis=0, kind="stable")
    sorted_v = np.take_along_axis(values, order, axis=0)
    sorted_w = np.take_along_axis(cell_w, order, axis=0)
    if method == "median":
        return _weighted_median(sorted_v, sorted_w)
    if method == "trimmed_mean":
        m = (~np.isnan(values)).sum(axis=0)
        cut = np.floor(trim_fraction * m).astype(int)
        pos = np.arange(values.shape[0])[:, None]
        kept = (pos >= cut) & (pos < m - cut)
        return _weighted_mean(sorted_v, np.where(kept, sorted_w, 0.0))
    raise ValueError(f"unknown aggregation {method!r}")


def _weighted_mean(values: np.ndarray, cell_w: np.ndarray) -> np.ndarray:
    total = cell_w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.nansum(values * cell_w, axis=0) / total, np.nan)


def _weighted_median(sorted_v: np.ndarray, sorted_w: np.ndarray) -> np.ndarray:
    """Median of each column of values sorted ascending (NaN last, weight 0); equal weights give np.median."""
    cum = np.cumsum(sorted_w, axis=0)
    total = cum[-1]
    half = total / 2
    tol = 1e-12 * np.maximum(total, 1.0)
    lower = np.argmax(cum >= half - tol, axis=0)
    upper = np.argmax(cum > half + tol, axis=0)  # past an exact half the median is the mean of two values
    cols = np.arange(sorted_v.shape[1])
    median = (sorted_v[lower, cols] + sorted_v[upper, cols]) / 2
    return np.where(total > 0, median, np.nan)
