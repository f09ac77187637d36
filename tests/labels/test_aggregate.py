import numpy as np
import pytest
from scipy.stats import rankdata, trim_mean

from pld_core.labels.aggregate import aggregate, normalize_rows

NAN = np.nan


def test_zscore_per_rater_ignores_missing_and_zeroes_constant_raters():
    scores = np.array([[1, 2, 3, NAN], [5, 5, 5, 5], [2, 4, NAN, 6]], dtype=float)
    z = normalize_rows(scores, "zscore")
    np.testing.assert_allclose(z[0, :3], (np.array([1, 2, 3]) - 2) / np.std([1, 2, 3]))
    np.testing.assert_array_equal(z[1], 0.0)
    assert np.isnan(z[0, 3]) and np.isnan(z[2, 2])
    np.testing.assert_allclose(np.nanmean(z[2]), 0.0, atol=1e-12)


def test_rank_normalization_is_average_rank_in_unit_range():
    scores = np.array([[3, 1, 1, 5, NAN], [2, 2, 2, 2, 2]], dtype=float)
    r = normalize_rows(scores, "rank")
    np.testing.assert_allclose(r[0, :4], (rankdata([3, 1, 1, 5]) - 1) / 3)
    np.testing.assert_array_equal(r[1], 0.5)  # a constant rater sits in the middle
    assert np.isnan(r[0, 4])


def test_none_keeps_raw_scores():
    scores = np.array([[1.0, NAN, 4.0]])
    np.testing.assert_array_equal(normalize_rows(scores, "none"), scores)


def test_mean_median_trimmed_match_numpy_and_scipy():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(7, 50))
    np.testing.assert_allclose(aggregate(values, "mean"), values.mean(axis=0))
    np.testing.assert_allclose(aggregate(values, "median"), np.median(values, axis=0))
    np.testing.assert_allclose(aggregate(values[:6], "median"), np.median(values[:6], axis=0))
    np.testing.assert_allclose(aggregate(values, "trimmed_mean", 0.2), trim_mean(values, 0.2, axis=0))


def test_missing_cells_are_left_out_and_empty_frames_are_nan():
    values = np.array([[1.0, NAN, NAN], [3.0, 2.0, NAN], [8.0, 4.0, NAN]])
    np.testing.assert_allclose(aggregate(values, "mean")[:2], [4.0, 3.0])
    np.testing.assert_allclose(aggregate(values, "median")[:2], [3.0, 3.0])
    assert np.isnan(aggregate(values, "mean")[2]) and np.isnan(aggregate(values, "median")[2])


def test_weights_shift_the_consensus_towards_trusted_raters():
    values = np.array([[0.0, 0.0], [1.0, 1.0], [10.0, 10.0]])
    weights = np.array([1.0, 1.0, 0.0])
    np.testing.assert_allclose(aggregate(values, "mean", weights=weights), [0.5, 0.5])
    np.testing.assert_allclose(aggregate(values, "median", weights=np.array([1.0, 3.0, 1.0])), [1.0, 1.0])
    np.testing.assert_allclose(aggregate(values, "trimmed_mean", 0.34, weights=weights), [1.0, 1.0])


def test_unknown_method_is_an_error():
    with pytest.raises(ValueError):
        aggregate(np.ones((2, 2)), "mode")
