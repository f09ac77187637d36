import itertools

import numpy as np
import pytest
from scipy.stats import kendalltau, spearmanr

from pld_core.labels.rank_correlation import MAX_LEVELS, kendall_tau_b, pairwise_rank_correlations


def scipy_pairs(scores):
    n = len(scores)
    tau, rho = np.full((n, n), np.nan), np.full((n, n), np.nan)
    for i, j in itertools.combinations(range(n), 2):
        both = ~(np.isnan(scores[i]) | np.isnan(scores[j]))
        tau[i, j] = kendalltau(scores[i][both], scores[j][both]).statistic
        rho[i, j] = spearmanr(scores[i][both], scores[j][both]).statistic
    return tau, rho


@pytest.mark.parametrize("levels", [2, 5, MAX_LEVELS + 10])
def test_matches_scipy_with_ties_and_missing_frames(levels):
    rng = np.random.default_rng(levels)
    base = rng.integers(0, levels, size=400)
    scores = np.clip(base + rng.integers(-2, 3, size=(6, 400)), 0, levels - 1).astype(float)
    scores[rng.random(scores.shape) < 0.1] = np.nan
    tau, rho = pairwise_rank_correlations(scores)
    want_tau, want_rho = scipy_pairs(scores)
    upper = np.triu_indices(6, 1)
    np.testing.assert_allclose(tau[upper], want_tau[upper], atol=1e-12)
    np.testing.assert_allclose(rho[upper], want_rho[upper], atol=1e-12)
    np.testing.assert_allclose(tau, tau.T, equal_nan=True)


def test_constant_rater_gives_undefined_pairs():
    scores = np.array([[1, 2, 3, 4], [2, 2, 2, 2], [1, 3, 2, 4]], dtype=float)
    tau, rho = pairwise_rank_correlations(scores)
    assert np.isnan(tau[0, 1]) and np.isnan(rho[1, 2]) and np.isfinite(tau[0, 2])
    assert np.isnan(kendall_tau_b(scores[0], scores[1]))


def test_kendall_tau_b_on_shared_frames_only():
    x = np.array([1.0, 2.0, 3.0, np.nan, 5.0])
    y = np.array([1.0, 3.0, 2.0, 9.0, np.nan])
    assert kendall_tau_b(x, y) == pytest.approx(kendalltau([1, 2, 3], [1, 3, 2]).statistic)
