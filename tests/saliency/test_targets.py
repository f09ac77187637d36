"""pixel_targets: frame consensus spread over the frame by saliency."""
from __future__ import annotations

import numpy as np
import pytest

from pld_core.errors import DataError
from pld_core.saliency import pixel_targets


def test_highlight_frames_get_normalized_saliency_scaled_by_the_target():
    maps = np.array([[[0.0, 2.0], [1.0, 4.0]], [[3.0, 3.0], [0.0, 6.0]], [[1.0, 0.0], [0.0, 0.0]]])
    out = pixel_targets(maps, np.array([1.0, 0.5, 0.0]))
    assert out.dtype == np.float32 and out.shape == maps.shape
    np.testing.assert_allclose(out[0], [[0.0, 0.5], [0.25, 1.0]])
    np.testing.assert_allclose(out[1], [[0.25, 0.25], [0.0, 0.5]])
    np.testing.assert_allclose(out[2], 0.0)             # not a highlight: zero everywhere


def test_a_frame_without_any_saliency_spreads_its_target_uniformly():
    out = pixel_targets(np.zeros((2, 3, 3), dtype=np.uint8), np.array([0.8, 0.0]))
    np.testing.assert_allclose(out[0], 0.8)
    np.testing.assert_allclose(out[1], 0.0)


def test_stored_uint8_maps_work_directly():
    maps = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    np.testing.assert_allclose(pixel_targets(maps, np.array([1.0]))[0], [[0.0, 1.0], [0.2, 0.4]], atol=1e-6)


@pytest.mark.parametrize("maps, targets", [
    (np.ones((3, 2, 2)), np.ones(2)),                  # lengths differ
    (np.ones((2, 2)), np.ones(2)),                     # not [T, H, W]
    (-np.ones((1, 2, 2)), np.ones(1)),                 # negative map
    (np.ones((1, 2, 2)), np.array([1.5])),             # target outside [0, 1]
    (np.ones((1, 2, 2)), np.array([np.nan])),          # not finite
])
def test_bad_inputs_raise_data_error(maps, targets):
    with pytest.raises(DataError):
        pixel_targets(maps, targets)
