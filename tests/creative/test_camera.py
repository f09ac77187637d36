"""The virtual camera: mass centroid targets, dead zone, speed limit, restart at cuts."""
import numpy as np
import pytest

from pld_core.creative.camera import (camera_path, crop_boxes, gaussian_smooth, local_linear_smooth, map_targets,
                                      shot_camera_path)

FRAME = (640, 360)
CROP = (202, 360)


def blob(x: float, y: float, size=(36, 64), sigma=2.0, frame=FRAME) -> np.ndarray:
    """A Gaussian map [h, w] peaking at source pixel (x, y)."""
    h, w = size
    cx, cy = x * w / frame[0] - 0.5, y * h / frame[1] - 0.5
    yy, xx = np.mgrid[0:h, 0:w]
    return np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * sigma ** 2)).astype(np.float32)


def test_target_is_the_mass_centroid_not_the_arg_max():
    big = blob(450, 180, sigma=4.0)              # a large salient region on the right
    spike = np.zeros_like(big)
    spike[18, 5] = 1.2                           # a single hot pixel on the left: the arg-max
    target = map_targets((big + spike)[None], FRAME, threshold=0.3)[0]
    assert abs(target[0] - 450) < 60 and abs(target[1] - 180) < 20


def test_empty_maps_take_their_neighbours_targets_or_the_centre():
    maps = np.stack([blob(100, 180), np.zeros((36, 64), np.float32), blob(300, 180)])
    targets = map_targets(maps, FRAME, 0.5)
    assert targets[1, 0] == pytest.approx((targets[0, 0] + targets[2, 0]) / 2)
    np.testing.assert_allclose(map_targets(np.zeros((3, 36, 64), np.float32), FRAME, 0.5), [[320, 180]] * 3)


def test_camera_holds_still_while_the_subject_jitters_inside_the_dead_zone(creative_settings):
    rng = np.random.default_rng(0)
    targets = np.column_stack([300 + rng.normal(0, 4, 120), np.full(120, 180.0)])
    path = camera_path(targets, FRAME, CROP, 20.0, creative_settings.creative)
    assert np.ptp(path[:, 0]) < 3.0
    assert (path[:, 1] == 180).all()             # the crop spans the full height: y never moves


def test_camera_follows_a_moving_subject_smoothly_within_the_speed_limit(creative_settings):
    fps = 20.0
    xs = np.linspace(150, 500, 160)             # 350 px in 8 s
    path = camera_path(np.column_stack([xs, np.full(160, 180.0)]), FRAME, CROP, fps, creative_settings.creative)
    limit = creative_settings.creative.max_pan_fraction_per_s * FRAME[0] / fps
    assert np.abs(np.diff(path[:, 0])).max() <= limit + 1e-9
    assert np.abs(path[:, 0] - xs).max() < 0.1 * CROP[0] + 2
    assert (path[:, 0] >= CROP[0] / 2).all() and (path[:, 0] <= FRAME[0] - CROP[0] / 2).all()


def test_camera_never_leaves_the_frame_even_when_the_target_does(creative_settings):
    targets = np.column_stack([np.linspace(-200, 900, 100), np.full(100, 180.0)])
    boxes = crop_boxes(camera_path(targets, FRAME, CROP, 10.0, creative_settings.creative), FRAME, CROP)
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 0] + boxes[:, 2] <= FRAME[0]).all()
    assert (boxes[:, 2:] == CROP).all()


def test_camera_restarts_at_a_cut_instead_of_panning_across_it(creative_settings):
    sample_frames = np.arange(0, 200, 5)
    targets = np.where(sample_frames[:, None] < 100, [[150.0, 180.0]], [[500.0, 180.0]])
    followed, centres = shot_camera_path(targets, sample_frames, 0, 200, [100], FRAME, CROP, 25.0,
                                         creative_settings.creative)
    assert np.abs(centres[:100, 0] - 150).max() < 5 and np.abs(centres[100:, 0] - 500).max() < 5
    assert followed.shape == (200, 2)


def test_smoothers_keep_constants_and_the_local_linear_one_keeps_trends():
    ramp = np.arange(50, dtype=float)
    np.testing.assert_allclose(local_linear_smooth(ramp, 4.0), ramp, atol=1e-9)
    np.testing.assert_allclose(gaussian_smooth(np.full(20, 3.0), 2.0), 3.0)
    assert abs(gaussian_smooth(ramp, 4.0)[-1] - 49) > 1     # a plain Gaussian lags at the end
