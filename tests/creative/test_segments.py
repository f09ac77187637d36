"""Window choice: prefix-sum means, shot snapping, K non-overlapping clips, source frames."""
import numpy as np
import pytest

from pld_core.creative.segments import choose_segments, source_frames, window_means
from pld_core.video import sample_indices


def test_window_means_match_a_direct_computation():
    scores = np.random.default_rng(0).random(50)
    means = window_means(scores, 7)
    assert means.shape == (44,)
    np.testing.assert_allclose(means, [scores[i:i + 7].mean() for i in range(44)])


def test_best_window_wins_without_cuts():
    scores = np.zeros(100)
    scores[40:60] = 1.0
    (segment,) = choose_segments(scores, 20, np.array([], int), 1, max_cost=0.05, min_shot=8)
    assert (segment.start, segment.length, segment.score) == (40, 20, 1.0)
    assert not segment.snapped and segment.interior_cuts == 0


def test_window_snaps_to_a_cut_when_it_costs_little():
    scores = np.full(100, 0.5)
    scores[40:60] = 1.0                      # best window: 40..59
    cuts = np.array([42])                    # a cut 2 frames in: a flash of the previous shot
    (segment,) = choose_segments(scores, 20, cuts, 1, max_cost=0.05, min_shot=8)
    assert segment.start == 42 and segment.starts_shot and segment.snapped
    assert segment.interior_cuts == 0
    assert segment.score >= (1 - 0.05) * segment.best_score


def test_window_stays_when_snapping_costs_too_much():
    scores = np.zeros(100)
    scores[40:60] = 1.0
    (segment,) = choose_segments(scores, 20, np.array([50]), 1, max_cost=0.05, min_shot=8)
    assert segment.start == 40 and not segment.snapped and segment.interior_cuts == 1


def test_window_ending_on_a_cut_is_preferred_to_one_with_a_flash_at_its_end():
    scores = np.full(100, 0.5)
    scores[40:60] = 1.0
    (segment,) = choose_segments(scores, 20, np.array([57]), 1, max_cost=0.2, min_shot=8)
    assert segment.stop == 57 and segment.ends_shot and segment.interior_cuts == 0


def test_k_best_windows_do_not_overlap_and_come_best_first():
    rng = np.random.default_rng(1)
    scores = rng.random(200)
    segments = choose_segments(scores, 30, np.array([], int), 4, max_cost=0.0, min_shot=8)
    assert len(segments) == 4
    assert [s.score for s in segments] == sorted((s.score for s in segments), reverse=True)
    spans = sorted((s.start, s.stop) for s in segments)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert segments[0].score == pytest.approx(window_means(scores, 30).max())


def test_fewer_windows_than_asked_when_the_video_is_short():
    segments = choose_segments(np.ones(50), 30, np.array([], int), 3, max_cost=0.05, min_shot=8)
    assert len(segments) == 1


def test_source_frames_align_on_the_refined_cut_and_keep_the_exact_length():
    index = sample_indices(250, 25.0, 8.0)          # sampled k -> source frame floor(k * 25 / 8)
    scores = np.zeros(len(index))
    scores[10:58] = 1.0
    (seg,) = choose_segments(scores, 48, np.array([10]), 1, max_cost=0.05, min_shot=8)
    asked = []

    def shot_start(low, high):
        asked.append((low, high))
        return high - 1                              # the "true" cut lies inside (low, high]

    first, stop = source_frames(seg, index, 250, 150, shot_start)
    assert asked == [(int(index[9]), int(index[10]))]
    assert (first, stop) == (int(index[10]) - 1, int(index[10]) - 1 + 150)


def test_source_frames_end_before_the_next_shot_and_stay_inside_the_video():
    index = sample_indices(250, 25.0, 8.0)
    scores = np.zeros(len(index))
    scores[20:40] = 1.0
    (seg,) = choose_segments(scores, 24, np.array([40]), 1, max_cost=0.2, min_shot=8)
    assert seg.ends_shot and seg.stop == 40 and not seg.starts_shot
    first, stop = source_frames(seg, index, 250, 75, lambda low, high: high)
    assert stop == int(index[40]) and stop - first == 75
    late = choose_segments(np.arange(len(index), dtype=float), 24, np.array([], int), 1, 0.0, 8)[0]
    first, stop = source_frames(late, index, 250, 100, lambda low, high: high)
    assert stop == 250 and first == 150
