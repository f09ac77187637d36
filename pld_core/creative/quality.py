"""How good a crop path is: highlight mass kept inside the crop, and camera jitter.

    quality = crop_quality(maps, boxes, frame_size)
    quality["mass_share"]          # share of each map's mass inside its box, mean over frames
    quality["centre_mass_share"]   # the same for a fixed centre crop of the same size
    quality["jitter_px"]           # mean |frame-to-frame shift| of the box centre, in pixels

Maps are stretched over the frame; a map pixel partly covered by a box counts for the
covered fraction. An all-zero map carries no information and counts as uniform.
"""
from __future__ import annotations

import numpy as np


def mass_share(maps: np.ndarray, boxes: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """Per frame, the share of ``maps[t]``'s mass inside ``boxes[t]`` = (x, y, w, h) in source pixels."""
    maps = np.asarray(maps, dtype=np.float64)
    boxes = np.asarray(boxes, dtype=np.float64)
    empty = maps.sum(axis=(1, 2)) <= 0
    maps = np.where(empty[:, None, None], 1.0, maps)
    width, height = frame_size
    cover_x = _coverage(boxes[:, 0], boxes[:, 0] + boxes[:, 2], width, maps.shape[2])
    cover_y = _coverage(boxes[:, 1], boxes[:, 1] + boxes[:, 3], height, maps.shape[1])
    inside = np.einsum("ti,tij,tj->t", cover_y, maps, cover_x)
    return inside / maps.sum(axis=(1, 2))


def centre_boxes(frame_size: tuple[int, int], crop: tuple[int, int], n: int) -> np.ndarray:
    """``n`` copies of the box of size ``crop`` centred in the frame: [n, 4]."""
    width, height = frame_size
    box = [(width - crop[0]) // 2, (height - crop[1]) // 2, crop[0], crop[1]]
    return np.tile(np.asarray(box, dtype=np.int64), (n, 1))


def path_jitter(boxes: np.ndarray, shot_starts: list[int] | np.ndarray = ()) -> float:
    """Mean absolute frame-to-frame shift of the box centre, in pixels (0 for one frame).

    The jumps into frames ``shot_starts`` (where a new shot begins) are cuts, not jitter.
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    steps = np.linalg.norm(np.diff(boxes[:, :2] + boxes[:, 2:] / 2.0, axis=0), axis=1)
    keep = np.ones(len(steps), dtype=bool)
    starts = np.asarray(shot_starts, dtype=np.int64)
    keep[starts[(starts > 0) & (starts <= len(steps))] - 1] = False
    return float(steps[keep].mean()) if keep.any() else 0.0


def crop_quality(maps: np.ndarray, boxes: np.ndarray, frame_size: tuple[int, int],
                 path_boxes: np.ndarray | None = None, shot_starts: list[int] | np.ndarray = ()) -> dict[str, float]:
    """Mass share of ``boxes`` vs a centre crop on ``maps``, and the jitter of ``path_boxes``.

    ``boxes[t]`` is the box shown with ``maps[t]``; ``path_boxes`` (default ``boxes``)
    is the box of every output frame, for the jitter, whose new shots start at ``shot_starts``.
    """
    boxes = np.asarray(boxes)
    crop = (int(boxes[0, 2]), int(boxes[0, 3]))
    ours = float(mass_share(maps, boxes, frame_size).mean())
    centre = float(mass_share(maps, centre_boxes(frame_size, crop, len(boxes)), frame_size).mean())
    return {"mass_share": ours, "centre_mass_share": centre,
            "jitter_px": path_jitter(boxes if path_boxes is None else path_boxes, shot_starts)}


def _coverage(low: np.ndarray, high: np.ndarray, side: int, cells: int) -> np.ndarray:
    """[N, cells]: the fraction of each map cell (cells stretched over ``side`` px) inside [low, high)."""
    edges = np.arange(cells + 1) * (side / cells)
    overlap = np.minimum(edges[None, 1:], high[:, None]) - np.maximum(edges[None, :-1], low[:, None])
    return np.clip(overlap, 0.0, None) / (side / cells)
