"""Kendall's tau-b and Spearman's rho between every pair of raters, vectorized.

Raters' scores are nearly always a few levels (a 1-5 scale, a 0/1 selection), so every
pair's joint distribution fits a small contingency table; both coefficients follow from
it exactly, with ties handled as scipy's ``kendalltau`` (variant b) and ``spearmanr`` do
(average ranks). Frames a rater did not score (NaN) are left out pair by pair.
Rows with more distinct levels than ``MAX_LEVELS`` fall back to scipy for each pair.
"""
from __future__ import annotations

import itertools

import numpy as np

MAX_LEVELS = 32


def pairwise_rank_correlations(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(kendall, spearman)``, each ``[R, R]``; NaN where a pair's coefficient is undefined."""
    scores = np.asarray(scores, dtype=np.float64)
    levels = np.unique(scores[~np.isnan(scores)])
    if len(levels) > MAX_LEVELS:
        return _pairwise_scipy(scores)
    joint = _joint_counts(scores, levels)
    return _kendall_from_joint(joint), _spearman_from_joint(joint)


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b over the frames where both are scored; NaN when undefined."""
    from scipy.stats import kendalltau

    both = ~(np.isnan(x) | np.isnan(y))
    if both.sum() < 2:
        return float("nan")
    xb, yb = x[both], y[both]
    if np.ptp(xb) == 0 or np.ptp(yb) == 0:
        return float("nan")
    return float(kendalltau(xb, yb).statistic)


def _joint_counts(scores: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """``joint[i, j, u, v]``: frames where rater i gave level u and rater j level v."""
    n_raters = len(scores)
    n_levels = len(levels)
    width = n_levels + 1  # an extra level for "not scored", dropped at the end
    codes = np.where(np.isnan(scores), n_levels, np.searchsorted(levels, np.nan_to_num(scores)))
    offset = np.arange(n_raters)[:, None] * width * width
    joint = np.empty((n_raters, n_raters, width, width))
    for i in range(n_raters):
        cells = (offset + codes[i][None, :] * width + codes).ravel()
        joint[i] = np.bincount(cells, minlength=n_raters * width * width).reshape(n_raters, width, width)
    return joint[:, :, :n_levels, :n_levels]


def _kendall_from_joint(joint: np.ndarray) -> np.ndarray:
    n = joint.sum(axis=(-2, -1))
    # frames strictly above in both levels / above in x, below in y, by 2-D suffix and prefix sums
    above_both = _shift(joint[..., ::-1, ::-1].cumsum(-2).cumsum(-1)[..., ::-1, ::-1], 1, 1)
    above_below = _shift(joint[..., ::-1, :].cumsum(-2)[..., ::-1, :].cumsum(-1), 1, -1)
    concordant = (joint * above_both).sum(axis=(-2, -1))
    discordant = (joint * above_below).sum(axis=(-2, -1))
    pairs = n * (n - 1) / 2
    tied_x = (joint.sum(-1) * (joint.sum(-1) - 1) / 2).sum(-1)
    tied_y = (joint.sum(-2) * (joint.sum(-2) - 1) / 2).sum(-1)
    denom = np.sqrt(np.maximum(pairs - tied_x, 0) * np.maximum(pairs - tied_y, 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (concordant - discordant) / np.where(denom > 0, denom, 1), np.nan)


def _spearman_from_joint(joint: np.ndarray) -> np.ndarray:
    n = joint.sum(axis=(-2, -1))
    a, b = joint.sum(-1), joint.sum(-2)  # level counts of rater i and of rater j within the pair
    rank_a = np.cumsum(a, -1) - a + (a + 1) / 2  # average rank of each level
    rank_b = np.cumsum(b, -1) - b + (b + 1) / 2
    mid = ((n + 1) / 2)[..., None]
    da, db = rank_a - mid, rank_b - mid
    cov = np.einsum("...uv,...u,...v->...", joint, da, db)
    var_a, var_b = (a * da**2).sum(-1), (b * db**2).sum(-1)
    denom = np.sqrt(var_a * var_b)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, cov / np.where(denom > 0, denom, 1), np.nan)


def _shift(table: np.ndarray, du: int, dv: int) -> np.ndarray:
    """``out[..., u, v] = table[..., u + du, v + dv]``, zero outside."""
    out = np.zeros_like(table)
    nu, nv = table.shape[-2:]
    src_u = slice(du, nu) if du >= 0 else slice(0, nu + du)
    dst_u = slice(0, nu - du) if du >= 0 else slice(-du, nu)
    src_v = slice(dv, nv) if dv >= 0 else slice(0, nv + dv)
    dst_v = slice(0, nv - dv) if dv >= 0 else slice(-dv, nv)
    out[..., dst_u, dst_v] = table[..., src_u, src_v]
    return out


def _pairwise_scipy(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from scipy.stats import spearmanr

    n_raters = len(scores)
    kendall = np.full((n_raters, n_raters), np.nan)
    spearman = np.full((n_raters, n_raters), np.nan)
    for i, j in itertools.combinations(range(n_raters), 2):
        x, y = scores[i], scores[j]
        kendall[i, j] = kendall[j, i] = kendall_tau_b(x, y)
        both = ~(np.isnan(x) | np.isnan(y))
        if not np.isnan(kendall[i, j]):
            spearman[i, j] = spearman[j, i] = spearmanr(x[both], y[both]).statistic
    return kendall, spearman
