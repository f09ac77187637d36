"""Crop quality: map mass inside the box vs a centre crop, and camera jitter."""
import numpy as np
import pytest

from pld_core.creative.quality import centre_boxes, crop_quality, mass_share, path_jitter


def test_mass_share_counts_covered_fractions_of_map_cells():
    maps = np.zeros((1, 4, 4), np.float32)
    maps[0, :, 0] = 1.0                                   # all mass in the left column (source x 0..100)
    frame = (400, 400)
    assert mass_share(maps, np.array([[0, 0, 100, 400]]), frame)[0] == pytest.approx(1.0)
    assert mass_share(maps, np.array([[50, 0, 100, 400]]), frame)[0] == pytest.approx(0.5)
    assert mass_share(maps, np.array([[0, 0, 100, 200]]), frame)[0] == pytest.approx(0.5)
    assert mass_share(maps, np.array([[200, 0, 100, 400]]), frame)[0] == 0.0


def test_an_empty_map_counts_as_uniform():
    share = mass_share(np.zeros((1, 8, 8), np.float32), np.array([[0, 0, 200, 400]]), (400, 400))
    assert share[0] == pytest.approx(0.5)


def test_crop_on_the_subject_beats_the_centre_crop():
    maps = np.zeros((5, 9, 16), np.float32)
    maps[:, 4, 2] = 1.0                                   # subject at the left edge
    boxes = np.tile([0, 0, 202, 360], (5, 1))
    quality = crop_quality(maps, boxes, (640, 360))
    assert quality["mass_share"] == pytest.approx(1.0) and quality["centre_mass_share"] == 0.0
    assert quality["jitter_px"] == 0.0
    np.testing.assert_array_equal(centre_boxes((640, 360), (202, 360), 2), [[219, 0, 202, 360]] * 2)


def test_jitter_is_the_mean_centre_step_and_ignores_jumps_at_cuts():
    x = np.array([0, 2, 4, 100, 102])
    boxes = np.column_stack([x, np.zeros(5), np.full(5, 50), np.full(5, 50)])
    assert path_jitter(boxes) == pytest.approx((2 + 2 + 96 + 2) / 4)
    assert path_jitter(boxes, shot_starts=[3]) == pytest.approx(2.0)
    assert path_jitter(boxes[:1]) == 0.0
