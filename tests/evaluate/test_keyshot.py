"""Knapsack, keyshot summaries, F-scores and KTS on small cases with known answers."""
from __future__ import annotations

import numpy as np
import pytest

from pld_core.evaluate.keyshot import f_scores, fixed_shots, keyshot_summary, knapsack, shot_scores
from pld_core.evaluate.kts import change_points
from tests.evaluate import reference


def test_knapsack_is_exact_against_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(0, 9))
        values, weights = rng.random(n), rng.integers(0, 12, n)
        capacity = int(rng.integers(0, 30))
        chosen = knapsack(values, weights, capacity)
        assert weights[chosen].sum() <= capacity
        assert values[chosen].sum() == pytest.approx(reference.knapsack_brute(values.tolist(), weights.tolist(),
                                                                               capacity))


def test_knapsack_rejects_bad_weights():
    with pytest.raises(ValueError):
        knapsack(np.ones(2), np.array([1, -1]), 3)


def test_keyshot_summary_respects_the_budget_and_prefers_high_scores():
    weights = np.ones(100, dtype=int)
    shots = fixed_shots(weights, 10)
    scores = np.zeros(100)
    scores[40:50] = 1.0
    summary = keyshot_summary(scores, weights, shots, budget=0.15)
    assert summary.sum() <= 15 and summary[40:50].all()
    assert shot_scores(scores, weights, shots)[4] == 1.0


def test_f_scores_count_frames():
    summary = np.array([1, 1, 0, 0], dtype=bool)
    refs = np.array([[1, 0], [0, 0], [1, 0], [0, 1]])
    weights = np.array([2, 1, 1, 4])
    # ref 0: overlap 2 frames, precision 2/3, recall 2/3 -> F 2/3; ref 1: no overlap -> 0
    assert f_scores(summary, refs, weights) == pytest.approx([2 / 3, 0.0])
    assert f_scores(np.zeros(4, bool), refs, weights).tolist() == [0.0, 0.0]


def test_kts_finds_planted_shots():
    rng = np.random.default_rng(1)
    lengths = [30, 50, 20, 40]
    means = rng.normal(size=(len(lengths), 24))
    features = np.concatenate([m + 0.15 * rng.normal(size=(n, 24)) for m, n in zip(means, lengths)])
    assert change_points(features, max_cp=10, vmax=1.0).tolist() == np.cumsum(lengths)[:-1].tolist()


def test_kts_on_noise_alone_cuts_little():
    rng = np.random.default_rng(2)
    cps = change_points(rng.normal(size=(120, 24)), max_cp=20, vmax=1.0)
    assert len(cps) <= 3
