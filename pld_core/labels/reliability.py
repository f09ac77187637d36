"""How far each rater can be trusted: Kendall's tau-b with the consensus of the others."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pld_core.config import LabelSettings
from pld_core.labels.aggregate import aggregate, normalize_rows
from pld_core.labels.rank_correlation import kendall_tau_b


@dataclass(frozen=True)
class RaterReliability:
    """Per rater of one video (same order as the rater matrix)."""

    reliability: np.ndarray  # float [R]: tau-b with the leave-one-out consensus, NaN when undefined
    constant: np.ndarray     # bool [R]: the rater gave one score to every frame
    random_like: np.ndarray  # bool [R]: reliability below labels.min_rater_reliability
    weight: np.ndarray       # float [R]: the weight in the consensus when labels.weight_raters


def rater_reliability(scores: np.ndarray, cfg: LabelSettings) -> RaterReliability:
    """Each rater's agreement with the consensus of the other raters, and the weights it implies.

    Weights are the reliabilities clipped at 0, with raters that look random (or have no
    defined reliability) at 0; when that leaves nobody, every rater gets weight 1.
    """
    n_raters = len(scores)
    normalized = normalize_rows(scores, cfg.normalize)
    tau = np.full(n_raters, np.nan)
    for r in range(n_raters if n_raters > 1 else 0):
        others = np.delete(normalized, r, axis=0)
        tau[r] = kendall_tau_b(scores[r], aggregate(others, cfg.aggregate, cfg.trim_fraction))
    lo = np.min(np.where(np.isnan(scores), np.inf, scores), axis=1)
    hi = np.max(np.where(np.isnan(scores), -np.inf, scores), axis=1)
    constant = hi <= lo
    random_like = ~np.isnan(tau) & (tau < cfg.min_rater_reliability)
    weight = np.where(np.isnan(tau) | random_like, 0.0, np.clip(tau, 0.0, None))
    if weight.sum() <= 0:
        weight = np.ones(n_raters)
    return RaterReliability(tau, constant, random_like, weight)
