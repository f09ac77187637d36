"""One pass over a video's sampled frames: hard cuts (HSV histograms) and motion.

A hard cut is a jump in the colour histogram between two sampled frames that is both
large (``creative.cut_threshold``, a total-variation distance in [0, 1]) and isolated
(``creative.cut_peak_ratio`` times the jump to either neighbour), so a fast hand-held
pan, whose histogram drifts over several frames, is not taken for a cut.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.errors import ModelError
from pld_core.video import open_video, prefetch

if TYPE_CHECKING:
    from pld_core.config import Settings

log = logging.getLogger(__name__)

PREFETCH_FRAMES = 32  # decoded ahead in a background thread while histograms and motion are computed
HSV_BINS = (16, 4, 4)  # hue carries most of a shot's identity; coarse saturation and value tolerate lighting


@dataclass(frozen=True)
class FrameScan:
    """Per sampled frame: where shots start and how much the picture changes."""

    cuts: np.ndarray       # int64 sampled indices k where a new shot starts (cut between k-1 and k)
    distances: np.ndarray  # float32 [T-1] histogram distance between frames k and k+1
    motion: np.ndarray     # float32 [T] mean absolute grey change from frame k-1 (0 at k=0), weighted by maps

    @property
    def n_frames(self) -> int:
        return len(self.motion)


def hsv_histogram(frame: np.ndarray) -> np.ndarray:
    """Joint HSV histogram of an RGB uint8 frame, normalised to sum 1."""
    import cv2

    hsv = cv2.cvtColor(frame, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, list(HSV_BINS), [0, 180, 0, 256, 0, 256]).ravel()
    return hist / max(float(hist.sum()), 1.0)


def detect_cuts(distances: np.ndarray, threshold: float, peak_ratio: float) -> np.ndarray:
    """Sampled indices where a new shot starts, from consecutive-frame histogram distances."""
    distances = np.asarray(distances, dtype=np.float64)
    if distances.size == 0:
        return np.zeros(0, dtype=np.int64)
    padded = np.concatenate([[0.0], distances, [0.0]])
    neighbours = np.maximum(padded[:-2], padded[2:])
    is_cut = (distances >= threshold) & (distances >= peak_ratio * neighbours)
    return (np.flatnonzero(is_cut) + 1).astype(np.int64)


def refine_cuts(path: str | Path, settings: "Settings", spans: list[tuple[int, int]]) -> list[int]:
    """The exact first source frame of each new shot, one per span ``(low, high)`` of source frames.

    A cut found between sampled frames lies somewhere in (low, high]; the frames of
    the span are decoded at full rate (small) and the largest histogram jump wins.
    """
    if not spans:
        return []
    size = (settings.video.height, settings.video.width)
    starts = []
    with open_video(path, backend=settings.video.backend, size=size) as reader:
        for low, high in spans:
            hists = np.stack([hsv_histogram(frame) for frame in reader.iter_frames(low, high + 1)])
            starts.append(low + 1 + int(np.argmax(np.abs(np.diff(hists, axis=0)).sum(axis=1))))
    return starts


def scan_video(path: str | Path, settings: "Settings", weights: np.ndarray | None = None) -> FrameScan:
    """Decode ``path`` at video.fps once; find its cuts and its (map-weighted) motion.

    ``weights`` (float [T, h, w], e.g. saliency maps) turn motion into motion where the
    maps are high; frames are decoded at the maps' size, else at (video.height, video.width).
    """
    from tqdm import tqdm

    size = tuple(weights.shape[1:]) if weights is not None else (settings.video.height, settings.video.width)
    with open_video(path, backend=settings.video.backend, size=size, fps=settings.video.fps) as reader:
        n = len(reader)
        if weights is not None and len(weights) != n:
            raise ModelError(f"{path}: {len(weights)} maps for {n} sampled frames")
        scanner = ShotScanner(settings, weights)
        frames = tqdm(prefetch(reader.iter_frames(), PREFETCH_FRAMES), total=n, desc=f"shots {Path(path).name}",
                      unit="frame", leave=False, disable=None)
        for frame in frames:
            scanner.add(frame)
    scan = scanner.result()
    log.debug("%s: %d sampled frames, cuts at %s", path, n, scan.cuts.tolist())
    return scan


class ShotScanner:
    """The per-frame work of ``scan_video``, fed one sampled frame at a time (by any decoding pass)."""

    def __init__(self, settings: "Settings", weights: np.ndarray | None = None):
        self.creative = settings.creative
        self.weights = weights
        self.hists: list[np.ndarray] = []
        self.motion: list[float] = []
        self.previous: np.ndarray | None = None

    def add(self, frame: np.ndarray) -> None:
        """Histogram of the next frame, and its motion since the previous one (weighted by its map)."""
        import cv2

        k = len(self.hists)
        self.hists.append(hsv_histogram(frame))
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
        self.motion.append(0.0 if self.previous is None else
                           _weighted_mean(np.abs(grey - self.previous), None if self.weights is None else self.weights[k]))
        self.previous = grey

    def result(self) -> FrameScan:
        """Cuts, consecutive-frame distances and motion of the frames added so far."""
        hists = np.array(self.hists, dtype=np.float32).reshape(len(self.hists), int(np.prod(HSV_BINS)))
        distances = 0.5 * np.abs(np.diff(hists, axis=0)).sum(axis=1)
        cuts = detect_cuts(distances, self.creative.cut_threshold, self.creative.cut_peak_ratio)
        return FrameScan(cuts=cuts, distances=distances.astype(np.float32), motion=np.array(self.motion, np.float32))


def _weighted_mean(values: np.ndarray, weights: np.ndarray | None) -> float:
    if weights is None:
        return float(values.mean())
    total = float(weights.sum())
    return float((values * weights).sum() / total) if total > 0 else float(values.mean())
