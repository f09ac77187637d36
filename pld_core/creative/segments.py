"""Which S seconds to keep: the best windows of the frame scores, kept clear of cuts.

Every window of ``length`` sampled frames is scored by its mean frame score (prefix
sums, all windows at once). For each clip, the windows within ``max_cost`` (a fraction
of the best available score) of the best are ranked by, in order: fewer hard cuts
inside, fewer "flashes" (a shot fragment shorter than ``min_shot`` frames at either
end), higher score. So a window is moved onto a shot boundary when that costs little,
and the best window is kept when it already lies within one shot.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_FAR = 1 << 40  # stands for "no cut on this side"


@dataclass(frozen=True)
class Segment:
    """A window of sampled frames ``start`` .. ``start + length`` - 1 chosen for a clip."""

    start: int
    length: int
    score: float          # mean frame score inside
    best_start: int       # the best-scoring window still available when this one was chosen
    best_score: float
    interior_cuts: int    # hard cuts strictly inside
    flashes: int          # shot fragments shorter than min_shot at the start and end (0-2)
    starts_shot: bool     # starts on a cut or at the video's start
    ends_shot: bool       # ends on a cut or at the video's end

    @property
    def stop(self) -> int:
        return self.start + self.length

    @property
    def snapped(self) -> bool:
        """True when the window was moved away from the best-scoring one to avoid cuts."""
        return self.start != self.best_start


def window_means(scores: np.ndarray, length: int) -> np.ndarray:
    """Mean of ``scores`` over every window of ``length`` frames: [T - length + 1]."""
    totals = np.concatenate([[0.0], np.cumsum(np.asarray(scores, dtype=np.float64))])
    return (totals[length:] - totals[:-length]) / length


def choose_segments(scores: np.ndarray, length: int, cuts: np.ndarray, count: int, max_cost: float,
                    min_shot: int) -> list[Segment]:
    """Up to ``count`` non-overlapping windows of ``length`` frames, best first.

    Fewer than ``count`` come back when the video holds fewer non-overlapping windows.
    """
    n = len(scores)
    length = max(1, min(length, n))
    means = window_means(scores, length)
    starts = np.arange(len(means))
    stops = starts + length
    cuts = np.unique(np.asarray(cuts, dtype=np.int64))
    cuts = cuts[(cuts > 0) & (cuts < n)]
    on_cut = np.zeros(n + 1, dtype=bool)
    on_cut[cuts] = True
    cuts_before = np.concatenate([[0], np.cumsum(on_cut[:n])])  # cuts_before[k] = cuts at indices < k
    interior = cuts_before[stops] - cuts_before[starts + 1]
    flashes = _flashes(starts, stops, cuts, min_shot)
    starts_shot = (starts == 0) | on_cut[starts]
    ends_shot = (stops == n) | on_cut[stops]

    available = np.ones(len(means), dtype=bool)
    segments: list[Segment] = []
    while len(segments) < count and available.any():
        best = int(np.argmax(np.where(available, means, -np.inf)))
        floor = means[best] - max_cost * abs(means[best])
        candidates = np.flatnonzero(available & (means >= floor))
        order = np.lexsort((-means[candidates], flashes[candidates], interior[candidates]))
        s = int(candidates[order[0]])
        segments.append(Segment(start=s, length=length, score=float(means[s]), best_start=best,
                                best_score=float(means[best]), interior_cuts=int(interior[s]),
                                flashes=int(flashes[s]), starts_shot=bool(starts_shot[s]),
                                ends_shot=bool(ends_shot[s])))
        available[max(0, s - length + 1):s + length] = False
    return segments


def _flashes(starts: np.ndarray, stops: np.ndarray, cuts: np.ndarray, min_shot: int) -> np.ndarray:
    """Per window: 1 for a too-short fragment before its first cut, 1 after its last."""
    if cuts.size == 0:
        return np.zeros(len(starts), dtype=np.int64)
    after = np.searchsorted(cuts, starts, side="right")
    first_cut = np.where(after < len(cuts), cuts[np.minimum(after, len(cuts) - 1)], _FAR)
    before = np.searchsorted(cuts, stops, side="left") - 1
    last_cut = np.where(before >= 0, cuts[np.maximum(before, 0)], -_FAR)
    head = (first_cut < stops) & (first_cut - starts < min_shot)
    tail = (last_cut > starts) & (stops - last_cut < min_shot)
    return head.astype(np.int64) + tail.astype(np.int64)


def source_frames(segment: Segment, index: np.ndarray, n_src: int, n_out: int,
                  shot_start: Callable[[int, int], int]) -> tuple[int, int]:
    """The ``n_out`` source frames [first, first + n_out) that render ``segment``.

    ``index[k]`` is the source frame of sampled frame k. A window that starts on a cut
    begins on the new shot's first frame, ``shot_start(low, high)`` (the cut lies in
    source frames (low, high]); one that ends on a cut finishes on the frame before the
    next shot; any other starts at its first sampled frame. The range is shifted to
    stay inside the video.
    """
    start, stop = segment.start, segment.stop
    if segment.starts_shot and start > 0:
        first = shot_start(int(index[start - 1]), int(index[start]))
    elif segment.ends_shot and stop < len(index):
        first = shot_start(int(index[stop - 1]), int(index[stop])) - n_out
    else:
        first = int(index[start])
    first = min(max(first, 0), n_src - n_out)
    return first, first + n_out
