import itertools

import numpy as np
import pytest

from pld_core.labels.reliability_stats import add_stats, alpha, alpha_stats, kappa, kappa_stats


def alpha_by_coincidence_matrix(scores):
    """Krippendorff's alpha, interval, straight from the coincidence-matrix definition."""
    values = sorted({v for v in scores.ravel() if not np.isnan(v)})
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in scores.T:
        present = [v for v in unit if not np.isnan(v)]
        m = len(present)
        if m < 2:
            continue
        for a, b in itertools.permutations(range(m), 2):
            o[index[present[a]], index[present[b]]] += 1 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = np.subtract.outer(values, values) ** 2
    d_o = (o * delta).sum() / n
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    return 1 - d_o / d_e


def fleiss_textbook(votes):
    """Fleiss' kappa for a full [raters, units] 0/1 table (Fleiss 1971)."""
    m, n_units = votes.shape
    counts = np.stack([(votes == 0).sum(0), (votes == 1).sum(0)], axis=1)
    p_j = counts.sum(0) / (n_units * m)
    p_i = ((counts**2).sum(1) - m) / (m * (m - 1))
    return (p_i.mean() - (p_j**2).sum()) / (1 - (p_j**2).sum())


def test_alpha_matches_the_coincidence_matrix_with_missing_values():
    rng = np.random.default_rng(3)
    scores = np.clip(rng.integers(1, 6, size=30) + rng.integers(-1, 2, size=(4, 30)), 1, 5).astype(float)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    assert alpha(alpha_stats(scores)) == pytest.approx(alpha_by_coincidence_matrix(scores), abs=1e-12)


def test_alpha_of_krippendorffs_own_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", 4 observers x 12 units, interval 0.849
    nan = np.nan
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ])
    assert alpha(alpha_stats(data)) == pytest.approx(0.849, abs=5e-4)


def test_pooled_alpha_equals_alpha_of_the_concatenation():
    rng = np.random.default_rng(4)
    a, b = rng.integers(1, 6, size=(3, 20)).astype(float), rng.integers(1, 6, size=(3, 15)).astype(float)
    pooled = alpha(add_stats([alpha_stats(a), alpha_stats(b)]))
    assert pooled == pytest.approx(alpha(alpha_stats(np.concatenate([a, b], axis=1))))


def test_fleiss_kappa_matches_the_textbook_formula():
    rng = np.random.default_rng(5)
    truth = rng.random(60) < 0.3
    votes = (truth ^ (rng.random((5, 60)) < 0.2)).astype(int)
    assert kappa(kappa_stats(votes, np.ones_like(votes, bool))) == pytest.approx(fleiss_textbook(votes))


def test_undefined_coefficients_are_nan_not_zero():
    assert np.isnan(alpha(alpha_stats(np.full((3, 5), 2.0))))
    ones = np.ones((3, 5), int)
    assert np.isnan(kappa(kappa_stats(ones, ones.astype(bool))))
    assert np.isnan(kappa(kappa_stats(ones[:1], ones[:1].astype(bool))))  # one rater: no pairable unit
