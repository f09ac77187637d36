import numpy as np
import pytest

from pld_core.errors import DataError
from pld_core.labels.grid import RaterMatrix
from pld_core.labels.targets import binarize, compute_targets, fill_uncovered

NAN = np.nan


def cfg(settings, **update):
    return settings.labels.model_copy(update=update)


def matrix(rows) -> RaterMatrix:
    rows = np.asarray(rows, dtype=float)
    return RaterMatrix("v1", [f"r{i}" for i in range(len(rows))], rows)


def test_consensus_is_in_unit_range_and_follows_the_raters(settings):
    t = compute_targets(matrix([[1, 2, 5, 5, 1], [2, 2, 4, 5, 1], [1, 1, 5, 4, 2]]), cfg(settings), (1, 5))
    assert t.consensus.dtype == np.float32 and t.consensus.min() == 0 and t.consensus.max() == 1
    assert set(np.flatnonzero(t.consensus > 0.5)) == {2, 3}
    np.testing.assert_array_equal(t.n_raters, 3)


@pytest.mark.parametrize("rule, expected", [
    ("top_k", [0, 0, 0, 0, 1, 1, 0, 0, 0, 0]),
    ("threshold", [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]),
    ("above_median", [0, 0, 0, 1, 1, 1, 1, 1, 0, 0]),
])
def test_binary_rules_on_the_consensus(settings, rule, expected):
    rows = [[1, 1, 2, 3, 5, 5, 4, 3, 2, 1]] * 2
    t = compute_targets(matrix(rows), cfg(settings, binary_rule=rule, top_k_fraction=0.2, threshold=0.7), (1, 5))
    np.testing.assert_array_equal(t.binary, expected)


def test_majority_of_raters_own_binarizations(settings):
    rows = [[5, 5, 1, 1, 1, 1], [5, 1, 5, 1, 1, 1], [5, 5, 1, 1, 1, 5]]
    c = cfg(settings, binary_rule="majority", rater_binary_rule="threshold", threshold=0.5)
    np.testing.assert_array_equal(compute_targets(matrix(rows), c, (1, 5)).binary, [1, 1, 0, 0, 0, 0])


def test_top_k_tie_at_the_cut_goes_the_way_nearer_k(settings):
    row = np.array([[5, 4, 4, 4, 4, 4, 1, 1, 1, 1]], dtype=float)
    np.testing.assert_array_equal(binarize(row, "top_k", cfg(settings, top_k_fraction=0.2), (1, 5))[0],
                                  [1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(binarize(row, "top_k", cfg(settings, top_k_fraction=0.5), (1, 5))[0],
                                  [1, 1, 1, 1, 1, 1, 0, 0, 0, 0])


def test_threshold_uses_the_rows_own_range_when_none_is_declared(settings):
    row = np.array([[10.0, 20.0, 30.0, NAN]])
    out = binarize(row, "threshold", cfg(settings, threshold=0.5), (NAN, NAN))[0]
    np.testing.assert_array_equal(out, [False, True, True, False])


def test_one_rater_is_its_own_consensus(settings):
    t = compute_targets(matrix([[1, 3, 5, 3]]), cfg(settings), (1, 5))
    np.testing.assert_allclose(t.consensus, [0, 0.5, 1, 0.5])


def test_a_constant_rater_does_not_move_the_zscore_consensus(settings):
    base = [[1, 2, 5, 2], [1, 3, 4, 1]]
    with_flat = compute_targets(matrix(base + [[3, 3, 3, 3]]), cfg(settings), (1, 5))
    without = compute_targets(matrix(base), cfg(settings), (1, 5))
    np.testing.assert_allclose(with_flat.consensus, without.consensus, atol=1e-6)


def test_all_constant_video_falls_back_to_its_place_in_the_declared_range(settings):
    t = compute_targets(matrix([[4, 4, 4], [4, 4, 4]]), cfg(settings), (1, 5))
    np.testing.assert_allclose(t.consensus, 0.75)
    np.testing.assert_array_equal(t.binary, 0)  # top_k: a flat video has no highlight
    t = compute_targets(matrix([[4, 4, 4]]), cfg(settings), (NAN, NAN))
    np.testing.assert_array_equal(t.consensus, 0.0)
    assert np.isfinite(t.consensus).all()


def test_a_short_tail_without_raters_is_filled_and_marked(settings):
    rows = np.full((2, 40), NAN)
    rows[:, :39] = np.tile(np.linspace(1, 5, 39), (2, 1))
    t = compute_targets(matrix(rows), cfg(settings, max_uncovered_fraction=0.05), (1, 5))
    assert t.n_raters[-1] == 0 and t.consensus[-1] == t.consensus[-2]
    assert np.isfinite(t.consensus).all()


def test_too_many_unscored_frames_is_an_error(settings):
    rows = np.full((2, 10), NAN)
    rows[:, :5] = [[1, 2, 3, 4, 5]] * 2
    with pytest.raises(DataError, match=r"video v1: 5 of 10 frames .*first at frame 5.*max_uncovered_fraction"):
        compute_targets(matrix(rows), cfg(settings, max_uncovered_fraction=0.1), (1, 5))


def test_fill_uses_the_nearest_scored_frame():
    values = np.array([NAN, 1.0, NAN, NAN, 4.0, NAN])
    np.testing.assert_array_equal(fill_uncovered(values, "v", 1.0), [1, 1, 1, 4, 4, 4])
