"""From a rater matrix to the training targets: a consensus in [0, 1] and a binary highlight flag."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pld_core.config import LabelSettings
from pld_core.errors import DataError
from pld_core.labels.aggregate import aggregate, normalize_rows
from pld_core.labels.grid import RaterMatrix


@dataclass(frozen=True)
class Targets:
    """Per-frame (or per-clip) targets of one video."""

    consensus: np.ndarray  # float32 [T] in [0, 1]
    binary: np.ndarray     # uint8 [T]
    n_raters: np.ndarray   # int16 [T], raters who scored the frame (0: filled from a neighbour)


def compute_targets(matrix: RaterMatrix, cfg: LabelSettings, score_range: tuple[float, float],
                    weights: np.ndarray | None = None) -> Targets:
    """Normalize, aggregate, scale to [0, 1] and binarize one video's raters as ``cfg`` says."""
    scores = matrix.scores
    where = f"video {matrix.video_id}"
    n_raters = (~np.isnan(scores)).sum(axis=0).astype(np.int16)
    pooled = aggregate(normalize_rows(scores, cfg.normalize), cfg.aggregate, cfg.trim_fraction, weights)
    pooled = fill_uncovered(pooled, where, cfg.max_uncovered_fraction)
    consensus = scale_unit(pooled, fallback=range_position(scores, score_range, weights))
    if cfg.binary_rule == "majority":
        votes = binarize(scores, cfg.rater_binary_rule, cfg, score_range).astype(np.float64)
        share = aggregate(np.where(np.isnan(scores), np.nan, votes), "mean", weights=weights)
        binary = fill_uncovered(share, where, cfg.max_uncovered_fraction) > 0.5
    else:
        binary = binarize(consensus[None, :], cfg.binary_rule, cfg, (0.0, 1.0))[0]
    return Targets(consensus.astype(np.float32), binary.astype(np.uint8), n_raters)


def binarize(rows: np.ndarray, rule: str, cfg: LabelSettings, score_range: tuple[float, float]) -> np.ndarray:
    """Each row's highlights (bool, False where NaN) by ``top_k``, ``threshold`` or ``above_median``.

    ``top_k`` keeps about the top ``top_k_fraction`` of a row's frames (frames tied at the cut
    are all kept or all left out, whichever is nearer the fraction);
    ``threshold`` compares the score placed in ``score_range`` (the row's own range when that
    is unknown) with ``cfg.threshold``. A constant row has no highlights except by threshold.
    """
    rows = np.asarray(rows, dtype=np.float64)
    present = ~np.isnan(rows)
    if rule == "threshold":
        lo, hi = score_range
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            lo, hi = _row_min(rows), _row_max(rows)
        with np.errstate(invalid="ignore", divide="ignore"):
            unit = np.where(hi > lo, (rows - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
        return present & (unit >= cfg.threshold - 1e-12)
    if rule == "top_k":
        n = present.sum(axis=1)
        k = np.maximum(1, np.ceil(cfg.top_k_fraction * n - 1e-9)).astype(int)
        descending = -np.sort(np.where(present, -rows, np.inf), axis=1)
        cut = descending[np.arange(len(rows)), np.minimum(k, rows.shape[1]) - 1][:, None]
        at_or_above, above = present & (rows >= cut), present & (rows > cut)
        # a tie at the cut: keep it or not, whichever count is nearer k (keep it when nothing else is left)
        n_at, n_above = at_or_above.sum(axis=1), above.sum(axis=1)
        drop_tie = (np.abs(n_above - k) < np.abs(n_at - k)) & (n_above > 0)
        return np.where(drop_tie[:, None], above, at_or_above) & (rows > _row_min(rows))
    if rule == "above_median":
        median = aggregate(rows.T, "median")[:, None]
        return present & (rows > median)
    raise ValueError(f"unknown binary rule {rule!r}")


def scale_unit(values: np.ndarray, fallback: float) -> np.ndarray:
    """Min-max scale to [0, 1]; a constant row becomes ``fallback`` everywhere."""
    lo, hi = float(np.min(values)), float(np.max(values))
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):
        return np.full(values.shape, fallback, dtype=np.float64)
    return (values - lo) / (hi - lo)


def range_position(scores: np.ndarray, score_range: tuple[float, float], weights: np.ndarray | None) -> float:
    """Where the raters' mean score sits in the declared range (0 when no range is declared)."""
    lo, hi = score_range
    if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
        return 0.0
    w = np.ones(len(scores)) if weights is None else np.asarray(weights, dtype=np.float64)
    cell_w = np.where(np.isnan(scores), 0.0, w[:, None])
    mean = float(np.nansum(scores * cell_w) / cell_w.sum()) if cell_w.sum() > 0 else lo
    return float(np.clip((mean - lo) / (hi - lo), 0.0, 1.0))


def fill_uncovered(values: np.ndarray, where: str, max_fraction: float) -> np.ndarray:
    """Give frames no rater scored the value of the nearest scored frame, if they are few enough."""
    missing = np.isnan(values)
    if not missing.any():
        return values
    n, fraction = int(missing.sum()), float(missing.mean())
    if fraction > max_fraction or n == len(values):
        first = int(np.argmax(missing))
        raise DataError(where, f"{n} of {len(values)} frames ({fraction:.1%}, first at frame {first}) have no "
                               f"rater's score; labels.max_uncovered_fraction is {max_fraction}")
    known = np.flatnonzero(~missing)
    pos = np.arange(len(values))
    right = np.clip(np.searchsorted(known, pos), 0, len(known) - 1)
    left = np.clip(right - 1, 0, len(known) - 1)
    nearest = np.where(np.abs(known[left] - pos) <= np.abs(known[right] - pos), known[left], known[right])
    return values[nearest]


def _row_min(rows: np.ndarray) -> np.ndarray:
    return np.min(np.where(np.isnan(rows), np.inf, rows), axis=1, keepdims=True)


def _row_max(rows: np.ndarray) -> np.ndarray:
    return np.max(np.where(np.isnan(rows), -np.inf, rows), axis=1, keepdims=True)
