"""The four protocols on the real annotation files: oracle and seeded random predictions,
checked against plain re-implementations written here."""
from __future__ import annotations

import numpy as np
import pytest

from pld_core.errors import DataError
from pld_core.evaluate import Prediction, baselines, evaluate_benchmark
from pld_core.evaluate.keyshot import fixed_shots
from tests.evaluate import reference
from tests.evaluate.conftest import TVSUM_VAL, YOUTUBE_VAL


def _group_mean(values: dict[str, list[float]]) -> float:
    return float(np.mean([np.mean(v) for v in values.values()]))


def _reference_by_group(videos, metric) -> float:
    groups: dict[str, list[float]] = {}
    for video in videos:
        groups.setdefault(video.group, []).append(metric(video))
    return _group_mean(groups)


def test_tvsum_clips_from_the_frame_file_equal_the_lighthouse_clips(bench):
    clips = {v.video_id: v for v in bench("tvsum", "tvsum/lighthouse")}  # train + val lighthouse files
    frames = {v.video_id: v for v in bench("tvsum", "tvsum")}            # ydata-anno.tsv, per frame
    assert len(clips) == len(frames) == 50
    for vid, video in clips.items():
        assert video.group == frames[vid].group
        assert np.array_equal(video.scores, frames[vid].scores), vid


def test_youtube_oracle_random_and_uniform(bench, fast):
    videos = bench("youtube_highlights", YOUTUBE_VAL)
    assert len(videos) == 152 and len({v.group for v in videos}) == 6
    labels = {v.video_id: v.scores[:, 0] for v in videos}
    oracle = evaluate_benchmark("youtube_highlights", videos, {k: Prediction(v) for k, v in labels.items()},
                                fast.evaluate)
    assert oracle.value == 1.0 and set(oracle.per_group.values()) == {1.0}
    chance = baselines("youtube_highlights", videos, fast.evaluate)
    # the same seeded draws, scored by the plain loop
    rng = np.random.default_rng(fast.evaluate.seed)
    trials = []
    for _ in range(fast.evaluate.random_trials):
        draws = {v.video_id: rng.random(v.n_units).tolist() for v in videos}
        trials.append(_reference_by_group(videos, lambda v: reference.youtube_ap(draws[v.video_id],
                                                                                 labels[v.video_id].tolist())))
    assert chance["random"].value == pytest.approx(np.mean(trials), abs=1e-12)
    uniform = _reference_by_group(videos, lambda v: reference.youtube_ap([1.0] * v.n_units, labels[v.video_id].tolist()))
    assert chance["uniform"].value == pytest.approx(uniform, abs=1e-12)
    assert 0.4 < chance["random"].value < 0.6


def test_tvsum_oracle_and_random_against_the_loop(bench, fast):
    videos = bench("tvsum", TVSUM_VAL)
    assert sorted(v.group for v in videos) == sorted(["BK", "BT", "DS", "FM", "GA", "MS", "PK", "PR", "VT", "VU"])
    oracle = {v.video_id: Prediction(v.scores.mean(axis=1)) for v in videos}
    result = evaluate_benchmark("tvsum", videos, oracle, fast.evaluate)
    expected = _reference_by_group(videos, lambda v: reference.tvsum_ap(v.scores.mean(axis=1).tolist(),
                                                                        v.scores.tolist()))
    assert result.value == pytest.approx(expected, abs=1e-12)
    assert 0.8 < result.value < 1.0 and result.extras["spearman"] > 0.4
    chance = baselines("tvsum", videos, fast.evaluate)
    assert 0.3 < chance["random"].value < 0.55 and abs(chance["random"].extras["kendall"]) < 0.05
    assert chance["uniform"].extras == {"kendall": 0.0, "spearman": 0.0}


def _loop_keyshot_f1(scores: list[float], weights: list[int], shots, budget: float, references) -> list[float]:
    """Knapsack by a plain 2-D table over shots, then frame-overlap F-scores."""
    lengths = [sum(weights[a:b]) for a, b in shots]
    values = [sum(s * w for s, w in zip(scores[a:b], weights[a:b])) / sum(weights[a:b]) for a, b in shots]
    cap = int(budget * sum(weights))
    table = [[0.0] * (cap + 1) for _ in range(len(shots) + 1)]
    for i in range(1, len(shots) + 1):
        for c in range(cap + 1):
            table[i][c] = table[i - 1][c]
            if lengths[i - 1] <= c:
                table[i][c] = max(table[i][c], table[i - 1][c - lengths[i - 1]] + values[i - 1])
    picked, c = [0] * len(scores), cap
    for i in range(len(shots), 0, -1):
        if table[i][c] != table[i - 1][c]:
            a, b = shots[i - 1]
            picked[a:b] = [1] * (b - a)
            c -= lengths[i - 1]
    out = []
    for ref in references:
        overlap = sum(w for p, r, w in zip(picked, ref, weights) if p and r)
        chosen, wanted = sum(w for p, w in zip(picked, weights) if p), sum(w for r, w in zip(ref, weights) if r)
        prec, rec = (overlap / chosen if chosen else 0.0), (overlap / wanted if wanted else 0.0)
        out.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return out


def test_summe_oracle_f1_against_the_loop(bench, fast):
    videos = bench("summe", "summe")
    assert len(videos) == 25 and {v.group for v in videos} == {"all"}
    subset = videos[:4]
    rng = np.random.default_rng(6)  # the users' vote share, tie-free
    votes = {v.video_id: v.scores.mean(axis=1) + 1e-6 * rng.random(v.n_units) for v in subset}
    result = evaluate_benchmark("summe", subset, {k: Prediction(p) for k, p in votes.items()}, fast.evaluate)
    for video, row in zip(subset, result.per_video):
        shots = fixed_shots(video.unit_frames, round(fast.evaluate.fallback_shot_seconds * video.fps)).tolist()
        f1 = _loop_keyshot_f1(votes[video.video_id].tolist(), video.unit_frames.tolist(), shots,
                              fast.evaluate.summary_budget, (video.scores > 0).T.tolist())
        assert row["F1"] == pytest.approx(max(f1), abs=1e-9) and row["F1_mean_users"] == pytest.approx(np.mean(f1))
    assert 0.5 < result.value <= 1.0


def test_cosum_majority_reference_and_random_level(bench, fast):
    videos = bench("cosum", "cosum")
    assert len(videos) == 51 and len({v.group for v in videos}) == 10
    # the judges' vote share, with a little seeded noise so that no two shots tie in the knapsack
    rng = np.random.default_rng(5)
    votes = {v.video_id: v.scores.mean(axis=1) + 1e-3 * rng.random(v.n_units) for v in videos}
    result = evaluate_benchmark("cosum", videos, {k: Prediction(p) for k, p in votes.items()}, fast.evaluate)
    for video, row in zip(videos[:8], result.per_video):
        majority = [[int(sum(s > 0 for s in shot) >= 2) for shot in video.scores.tolist()]]
        shots = [[i, i + 1] for i in range(video.n_units)]
        f1 = _loop_keyshot_f1(votes[video.video_id].tolist(), video.unit_frames.tolist(), shots,
                              fast.evaluate.summary_budget, majority)
        assert row["F1"] == pytest.approx(f1[0], abs=1e-9)
    chance = baselines("cosum", videos, fast.evaluate)
    assert chance["random"].value < result.value - 0.2


@pytest.mark.parametrize("change", ["short", "missing"])
def test_bad_predictions_name_the_video(bench, fast, change):
    videos = bench("tvsum", TVSUM_VAL)
    preds = {v.video_id: Prediction(np.zeros(v.n_units)) for v in videos}
    victim = videos[3].video_id
    if change == "short":
        preds[victim] = Prediction(np.zeros(videos[3].n_units - 1))
    else:
        del preds[victim]
    with pytest.raises(DataError, match=victim):
        evaluate_benchmark("tvsum", videos, preds, fast.evaluate)


def test_unknown_benchmark_is_a_data_error(fast):
    with pytest.raises(DataError, match="unknown benchmark"):
        evaluate_benchmark("qvhighlights", [], {}, fast.evaluate)
