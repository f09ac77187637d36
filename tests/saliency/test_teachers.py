"""The teacher interface and the weightless teachers, on frames made in memory."""
from __future__ import annotations

import numpy as np
import pytest

from pld_core.errors import ConfigError, DataError
from pld_core.saliency import TEACHERS, load_teacher


def moving_square(n: int = 10, size: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A bright square crossing a static textured background left to right; returns frames, centres (x)."""
    rng = np.random.default_rng(seed)
    background = rng.integers(60, 140, size=(size, size, 3)).astype(np.uint8)
    frames, xs = [], []
    for t in range(n):
        frame = background.copy()
        x = 8 + 4 * t
        frame[28:36, x - 4:x + 4] = (250, 40, 40)
        frames.append(frame)
        xs.append(x)
    return np.stack(frames), np.array(xs)


def test_registry_names_every_teacher(repo_settings):
    assert {"classical", "learned", "center"} <= set(TEACHERS)
    with pytest.raises(ConfigError, match="unknown teacher"):
        load_teacher(repo_settings, "nope")


@pytest.mark.parametrize("static", ["spectral_residual", "fine_grained"])
def test_classical_maps_follow_the_moving_object(repo_settings, static):
    frames, xs = moving_square()
    maps = load_teacher(repo_settings.with_overrides({"saliency.static": static}), "classical").predict(frames)
    assert maps.shape == frames.shape[:3] and maps.dtype == np.float32
    assert maps.min() >= 0 and np.allclose(maps.reshape(len(maps), -1).max(axis=1), 1)
    peak_x = np.array([np.unravel_index(m.argmax(), m.shape)[1] for m in maps])
    assert np.all(np.abs(peak_x[1:] - xs[1:]) <= 6)       # from the second frame (motion needs two) on
    assert np.corrcoef(peak_x[1:], xs[1:])[0, 1] > 0.95


def test_streaming_in_chunks_equals_one_call(repo_settings):
    frames, _ = moving_square()
    teacher = load_teacher(repo_settings, "classical")
    whole = teacher.predict(frames)
    teacher.reset()
    chunked = np.concatenate([teacher.predict(frames[:5]), teacher.predict(frames[5:])])
    np.testing.assert_allclose(chunked, whole, atol=1e-6)
    teacher.reset()
    assert not np.allclose(teacher.predict(frames[5:]), whole[5:])  # reset forgets the previous frames


def test_center_prior_is_one_fixed_gaussian(repo_settings):
    frames, _ = moving_square(n=3)
    maps = load_teacher(repo_settings, "center").predict(frames)
    assert np.unravel_index(maps[0].argmax(), maps[0].shape) in {(31, 31), (31, 32), (32, 31), (32, 32)}
    np.testing.assert_array_equal(maps[0], maps[2])


@pytest.mark.parametrize("frames", [np.zeros((2, 8, 8, 3), np.float32), np.zeros((8, 8, 3), np.uint8)])
def test_wrong_frames_raise_data_error(repo_settings, frames):
    with pytest.raises(DataError, match="uint8 frames"):
        load_teacher(repo_settings, "classical").predict(frames)


def test_empty_window_gives_no_maps(repo_settings):
    assert load_teacher(repo_settings, "classical").predict(np.zeros((0, 8, 8, 3), np.uint8)).shape == (0, 8, 8)
