"""A virtual camera that follows the highlight map, in the spirit of MediaPipe AutoFlip.

1. Target: per sampled frame, the centroid of the map's mass at or above
   ``map_threshold`` times its peak (the mass, not the arg-max), in source pixels.
2. The targets are resampled to every output frame and smoothed (a Gaussian-weighted
   local linear fit of ``smoothing_seconds``, which does not lag at the clip's ends).
3. Per axis, a follower holds still while the target stays within a dead zone
   (``dead_zone_fraction`` of the crop side) and otherwise pans towards it at most
   ``max_pan_fraction_per_s`` of the frame side per second. It runs forwards and
   backwards (the clip is known in advance, so the camera can anticipate) and the two
   paths are averaged, then smoothed once more. Averages and smoothing of paths that
   respect the speed limit and the frame bounds respect them too.
4. At a hard cut inside the clip the camera restarts on the new shot's targets.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pld_core.config import CreativeSettings

TARGET_CHUNK = 256  # maps thresholded at a time


def map_targets(maps: np.ndarray, frame_size: tuple[int, int], threshold: float) -> np.ndarray:
    """Centroid (x, y) in source pixels of each map's mass above ``threshold`` x its peak: [T, 2].

    Maps are stretched over the whole frame (``frame_size`` = (width, height)). A frame
    whose map is empty takes the target interpolated from its neighbours, or the
    frame centre when no map has any mass.
    """
    n, map_h, map_w = maps.shape
    width, height = frame_size
    xs = (np.arange(map_w) + 0.5) * width / map_w
    ys = (np.arange(map_h) + 0.5) * height / map_h
    targets = np.zeros((n, 2), dtype=np.float64)
    valid = np.zeros(n, dtype=bool)
    for lo in range(0, n, TARGET_CHUNK):  # chunks keep the thresholded copy small for long videos
        chunk = np.asarray(maps[lo:lo + TARGET_CHUNK], dtype=np.float32)
        peak = chunk.reshape(len(chunk), -1).max(axis=1)
        mass = np.where(chunk >= threshold * peak[:, None, None], chunk, 0.0)
        total = mass.sum(axis=(1, 2))
        valid[lo:lo + len(chunk)] = total > 0
        safe = np.where(total > 0, total, 1.0)
        targets[lo:lo + len(chunk)] = np.stack([mass.sum(axis=1) @ xs / safe, mass.sum(axis=2) @ ys / safe], axis=1)
    if not valid.any():
        return np.tile([width / 2.0, height / 2.0], (n, 1))
    good = np.flatnonzero(valid)
    for axis in range(2):
        targets[:, axis] = np.interp(np.arange(n), good, targets[good, axis])
    return targets


def resample_targets(targets: np.ndarray, sample_frames: np.ndarray, output_frames: np.ndarray) -> np.ndarray:
    """Targets known at source frames ``sample_frames``, linearly interpolated at ``output_frames``."""
    return np.stack([np.interp(output_frames, sample_frames, targets[:, axis]) for axis in range(2)], axis=1)


def shot_camera_path(targets: np.ndarray, sample_frames: np.ndarray, first: int, stop: int,
                     shot_starts: list[int], frame_size: tuple[int, int], crop: tuple[int, int], fps: float,
                     settings: "CreativeSettings") -> tuple[np.ndarray, np.ndarray]:
    """Targets followed and crop centres for source frames ``first`` .. ``stop`` - 1: both [N, 2].

    ``targets`` [T, 2] belong to the sampled frames at source frames ``sample_frames``.
    The camera restarts at every shot start (a cut is a jump, not a pan), and each
    shot follows only its own targets.
    """
    bounds = [first, *shot_starts, stop]
    followed = np.empty((stop - first, 2), dtype=np.float64)
    centres = np.empty_like(followed)
    for low, high in zip(bounds[:-1], bounds[1:]):
        inside = np.flatnonzero((sample_frames >= low) & (sample_frames < high))
        if inside.size == 0:  # a shot shorter than one sampled interval: its nearest sample
            inside = np.array([np.argmin(np.abs(sample_frames - (low + high) / 2))])
        piece = resample_targets(targets[inside], sample_frames[inside], np.arange(low, high))
        followed[low - first:high - first] = piece
        centres[low - first:high - first] = camera_path(piece, frame_size, crop, fps, settings)
    return followed, centres


def camera_path(targets: np.ndarray, frame_size: tuple[int, int], crop: tuple[int, int], fps: float,
                settings: "CreativeSettings") -> np.ndarray:
    """Crop centres [N, 2] following ``targets`` [N, 2] (one per output frame at ``fps``)."""
    sigma = settings.smoothing_seconds * fps
    centres = np.empty_like(targets, dtype=np.float64)
    for axis in range(2):
        side, crop_side = frame_size[axis], crop[axis]
        low, high = crop_side / 2.0, side - crop_side / 2.0
        if high <= low:
            centres[:, axis] = side / 2.0
            continue
        target = np.clip(local_linear_smooth(targets[:, axis], sigma), low, high)
        dead_zone = settings.dead_zone_fraction * crop_side
        max_step = settings.max_pan_fraction_per_s * side / fps
        forward = follow(target, dead_zone, max_step)
        backward = follow(target[::-1], dead_zone, max_step)[::-1]
        centres[:, axis] = np.clip(gaussian_smooth((forward + backward) / 2.0, sigma), low, high)
    return centres


def follow(target: np.ndarray, dead_zone: float, max_step: float) -> np.ndarray:
    """A camera that starts on ``target[0]``, holds inside the dead zone, else moves <= ``max_step``."""
    path = np.empty(len(target), dtype=np.float64)
    position = float(target[0]) if len(target) else 0.0
    for i, goal in enumerate(target):
        error = goal - position
        if abs(error) > dead_zone:
            position += np.copysign(min(abs(error) - dead_zone, max_step), error)
        path[i] = position
    return path


def gaussian_smooth(values: np.ndarray, sigma: float) -> np.ndarray:
    """``values`` smoothed by a normalised Gaussian of ``sigma`` samples, ends held (edge padding).

    A convex combination of neighbours: it keeps a path inside the bounds and under the
    speed limit that the path respected, and eases a pan in and out at the ends.
    """
    values = np.asarray(values, dtype=np.float64)
    radius = int(np.ceil(3 * sigma))
    if radius < 1 or len(values) < 2:
        return values.copy()
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    return np.convolve(np.pad(values, radius, mode="edge"), kernel / kernel.sum(), mode="valid")


def local_linear_smooth(values: np.ndarray, sigma: float) -> np.ndarray:
    """``values`` smoothed by a Gaussian-weighted local linear fit of ``sigma`` samples.

    Unlike a plain Gaussian it follows a steady trend up to the first and last sample,
    so a subject moving when the clip starts or ends is not lagged behind.
    """
    values = np.asarray(values, dtype=np.float64)
    radius = int(np.ceil(3 * sigma))
    if radius < 1 or len(values) < 3:
        return values.copy()
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(values, radius), 2 * radius + 1)
    present = np.lib.stride_tricks.sliding_window_view(np.pad(np.ones(len(values)), radius), 2 * radius + 1)
    weights = kernel * present
    s0, s1, s2 = weights.sum(1), (weights * offsets).sum(1), (weights * offsets ** 2).sum(1)
    t0, t1 = (weights * windows).sum(1), (weights * offsets * windows).sum(1)
    determinant = s0 * s2 - s1 ** 2
    fitted = np.divide(s2 * t0 - s1 * t1, determinant, out=t0 / s0, where=determinant > 1e-9 * s0 * s2)
    return fitted


def crop_boxes(centres: np.ndarray, frame_size: tuple[int, int], crop: tuple[int, int]) -> np.ndarray:
    """Integer boxes (x, y, width, height) [N, 4] centred on ``centres``, inside the frame."""
    width, height = frame_size
    crop_w, crop_h = crop
    x = np.clip(np.round(centres[:, 0] - crop_w / 2.0), 0, width - crop_w)
    y = np.clip(np.round(centres[:, 1] - crop_h / 2.0), 0, height - crop_h)
    sizes = np.broadcast_to([crop_w, crop_h], (len(centres), 2))
    return np.column_stack([x, y, sizes]).astype(np.int64)
