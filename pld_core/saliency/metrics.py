"""Saliency metrics as defined by Bylinskii et al., "What do different evaluation metrics
tell us about saliency models?" (TPAMI 2019), following the MIT benchmark's reference code.

``saliency`` is a predicted map [H, W]; ``fixations`` a binary map of fixated pixels;
``density`` a continuous fixation map (fixations blurred). All take maps of the same size.
Each raises DataError when its inputs make it undefined (no fixations, a flat map).
"""
from __future__ import annotations

import numpy as np

from pld_core.errors import DataError

EPS = np.finfo(np.float64).eps  # 2.2204e-16, as in the MIT benchmark code


def nss(saliency: np.ndarray, fixations: np.ndarray) -> float:
    """Normalized Scanpath Saliency: mean of the standardized map at fixated pixels."""
    s, fix = _pair(saliency, fixations, "nss")
    fix = fix > 0
    if not fix.any():
        raise DataError("nss", "the fixation map has no fixations")
    std = s.std()
    if std == 0:
        raise DataError("nss", "the saliency map is constant")
    return float(((s - s.mean()) / std)[fix].mean())


def cc(saliency: np.ndarray, density: np.ndarray) -> float:
    """Pearson's linear correlation coefficient between the map and the fixation density."""
    s, d = _pair(saliency, density, "cc")
    s, d = s - s.mean(), d - d.mean()
    denom = np.sqrt((s * s).sum() * (d * d).sum())
    if denom == 0:
        raise DataError("cc", "a map is constant")
    return float((s * d).sum() / denom)


def sim(saliency: np.ndarray, density: np.ndarray) -> float:
    """Similarity (histogram intersection) of the two maps, each normalized to sum 1."""
    s, d = _pair(saliency, density, "sim")
    return float(np.minimum(_distribution(s, "sim"), _distribution(d, "sim")).sum())


def kld(saliency: np.ndarray, density: np.ndarray) -> float:
    """Kullback-Leibler divergence of the map (Q) from the fixation density (P); lower is better."""
    s, d = _pair(saliency, density, "kld")
    q, p = _distribution(s, "kld"), _distribution(d, "kld")
    return float((p * np.log(EPS + p / (q + EPS))).sum())


def auc_judd(saliency: np.ndarray, fixations: np.ndarray) -> float:
    """AUC-Judd: thresholds at the map's values at fixations; true positives are fixations
    above the threshold, false positives the other pixels above it. No tie-breaking jitter."""
    s, fix = _pair(saliency, fixations, "auc_judd")
    fix = fix.ravel() > 0
    s = s.ravel()
    n_fix, n_pixels = int(fix.sum()), s.size
    if n_fix == 0 or n_fix == n_pixels:
        raise DataError("auc_judd", "needs some fixated and some non-fixated pixels")
    thresholds = np.sort(s[fix])[::-1]
    above = np.searchsorted(np.sort(s), thresholds, side="left")      # pixels strictly below each threshold
    n_above = n_pixels - above                                        # pixels >= threshold
    hits = np.arange(1, n_fix + 1)                                    # fixations >= threshold (sorted)
    tp = np.concatenate([[0.0], hits / n_fix, [1.0]])
    fp = np.concatenate([[0.0], (n_above - hits) / (n_pixels - n_fix), [1.0]])
    return float(np.trapezoid(tp, fp))


METRICS = {"nss": nss, "cc": cc, "sim": sim, "kld": kld, "auc_judd": auc_judd}
USES_FIXATIONS = {"nss", "auc_judd"}  # the others compare with the continuous density


def all_metrics(saliency: np.ndarray, fixations: np.ndarray, density: np.ndarray) -> dict[str, float]:
    """Every metric of one frame, keyed by name."""
    return {name: fn(saliency, fixations if name in USES_FIXATIONS else density) for name, fn in METRICS.items()}


def _pair(a: np.ndarray, b: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise DataError(metric, f"expected two maps [H, W] of one size, got {list(a.shape)} and {list(b.shape)}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise DataError(metric, "maps must be finite")
    return a, b


def _distribution(m: np.ndarray, metric: str) -> np.ndarray:
    """Min-max normalize then sum-normalize, as the reference code does for SIM and KLD."""
    if metric == "sim":
        low, high = m.min(), m.max()
        m = (m - low) / (high - low) if high > low else m - low
    total = m.sum()
    if total <= 0 or (m < 0).any():
        raise DataError(metric, "a map has no positive mass")
    return m / total
