"""Ranking metrics against plain re-implementations, on the real TVSum and YouTube Highlights files."""
from __future__ import annotations

import json

import numpy as np
import pytest

from pld_core.evaluate.ranking import interpolated_ap, lower_median, rank_correlations, top_k_map, youtube_ap
from tests.evaluate import reference


def _jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def tvsum_rows(shared_benchmarks):
    return _jsonl(shared_benchmarks / "tvsum" / "lighthouse" / "tvsum_val_release.jsonl")


@pytest.fixture(scope="module")
def youtube_rows(shared_benchmarks):
    return _jsonl(shared_benchmarks / "youtube_highlights" / "lighthouse" / "youtube_highlight_val_release.jsonl")


def test_interpolated_ap_known_values():
    assert interpolated_ap(np.array([1, 1, 0, 0])) == 1.0
    assert interpolated_ap(np.array([0, 0, 0])) == 0.0
    # one positive at rank 2: recall 0 -> 1 between precision 0 (rank 1) and 1/2 (rank 2)
    assert interpolated_ap(np.array([0, 1, 0])) == pytest.approx(0.25)
    assert interpolated_ap(np.array([1, 0, 1])) == pytest.approx(0.5 * 1 + 0.5 * (0.5 + 2 / 3) / 2)


def test_lower_median_is_torchs_median_not_the_upper_middle():
    x = np.array([4.0, 1.0, 3.0, 2.0])
    assert lower_median(x) == 2.0
    assert np.median(x) == 2.5 and sorted(x)[len(x) // 2] == 3.0
    assert lower_median(np.array([[1, 5], [2, 6], [9, 7]]), axis=0).tolist() == [2, 6]


def test_even_clip_count_median_changes_the_positives():
    # rater scores on 4 clips; the two middle values are 2 and 3
    rater = np.array([[1.0], [2.0], [3.0], [3.0]])
    pred = np.array([0.1, 0.9, 0.8, 0.2])  # ranks clip 1 (score 2) first, then clip 2 (score 3)
    ours = top_k_map(pred, rater, k=2)
    # lower median 2: positives are clips 2, 3 -> ranked [0, 1] -> AP 0.25 (one hit, at rank 2)
    assert ours == pytest.approx(0.25)
    # with the upper middle (sorted[n//2] = 3) nothing is positive: AP 0
    upper = rater[:, 0] > sorted(rater[:, 0])[2]
    assert not upper.any() and ours != 0.0


def test_youtube_ap_matches_loop_on_real_labels(youtube_rows):
    rng = np.random.default_rng(0)
    for row in youtube_rows:
        labels = [float(v[0]) for v in row["label"]]
        for pred in (labels, rng.random(len(labels)).tolist()):
            assert youtube_ap(np.array(pred), np.array(labels)) == reference.youtube_ap(pred, labels), row["vid"]


def test_youtube_oracle_is_the_upper_bound_and_random_is_chance(youtube_rows):
    rng = np.random.default_rng(1)
    oracle, chance, positive_rate = [], [], []
    for row in youtube_rows:
        labels = np.array([v[0] for v in row["label"]], dtype=float)
        oracle.append(youtube_ap(labels, labels))
        chance.append(np.mean([youtube_ap(rng.random(len(labels)), labels) for _ in range(5)]))
        positive_rate.append(labels.mean())
    assert np.allclose(oracle, 1.0)
    # random ranking's AP sits near the share of positives (a little above: the interpolation)
    assert abs(np.mean(chance) - np.mean(positive_rate)) < 0.06
    assert np.mean(chance) < 0.7


def test_tvsum_top5_matches_loop_on_real_labels(tvsum_rows):
    rng = np.random.default_rng(2)
    for row in tvsum_rows:
        scores = np.array(row["label"], dtype=float)
        for pred in (scores.mean(axis=1), rng.random(len(scores))):
            expected = reference.tvsum_ap(pred.tolist(), row["label"])
            assert top_k_map(pred, scores, k=5) == pytest.approx(expected, abs=1e-15), row["vid"]


def test_tvsum_oracle_beats_random(tvsum_rows):
    rng = np.random.default_rng(3)
    oracle = np.mean([top_k_map(np.array(r["label"]).mean(axis=1), np.array(r["label"]), 5) for r in tvsum_rows])
    chance = np.mean([top_k_map(rng.random(len(r["label"])), np.array(r["label"]), 5)
                      for r in tvsum_rows for _ in range(5)])
    # the raters' mean is a strong (not perfect: raters disagree) ranking; random ranking sits near 0.43
    assert 0.8 < oracle < 1.0
    assert 0.35 < chance < 0.5 and oracle - chance > 0.35
    # each rater's own scores are a perfect ranking for that rater
    own = [top_k_map(np.array(r["label"])[:, u], np.array(r["label"])[:, u:u + 1], 5)
           for r in tvsum_rows for u in range(20)]
    assert np.allclose(own, 1.0)


def test_rank_correlations_match_scipy_and_handle_constants():
    from scipy.stats import kendalltau, spearmanr

    rng = np.random.default_rng(4)
    raters = rng.integers(1, 6, size=(40, 3)).astype(float)
    pred = rng.random(40)
    got = rank_correlations(pred, raters)
    assert got["kendall"] == pytest.approx(np.mean([kendalltau(pred, raters[:, r])[0] for r in range(3)]))
    assert got["spearman"] == pytest.approx(np.mean([spearmanr(pred, raters[:, r])[0] for r in range(3)]))
    raters[:, 1] = 3.0  # a constant rater is left out
    assert rank_correlations(pred, raters)["n_raters"] == 2
    assert rank_correlations(np.ones(40), raters)["kendall"] == 0.0
    assert np.isnan(rank_correlations(pred, np.ones((40, 2)))["spearman"])
