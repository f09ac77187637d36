"""Render a clip: decode a source interval at its native size and rate, crop, encode.

The output is silent H.264 (``pld_core.video.write_mp4``: yuv420p, even sides, frame i
at i / fps), written to a temporary file and renamed, so a failure halfway leaves
nothing at the output path.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.video import open_video, prefetch, write_mp4

if TYPE_CHECKING:
    from pld_core.config import Settings

PREFETCH_FRAMES = 4  # native-size frames decoded ahead of the encoder


def render_clip(video: Path, out: Path, first: int, boxes: np.ndarray, settings: "Settings",
                keep: np.ndarray) -> dict[int, np.ndarray]:
    """Write source frames ``first`` .. ``first + len(boxes)`` - 1, frame j cropped to ``boxes[j]``.

    Returns the uncropped source frames at output positions ``keep`` (for the preview).
    """
    kept: dict[int, np.ndarray] = {}
    wanted = {int(j) for j in keep}

    def cropped(frames: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        for j, frame in enumerate(frames):
            if j in wanted:
                kept[j] = frame
            x, y, w, h = (int(v) for v in boxes[j])
            yield frame[y:y + h, x:x + w]

    with open_video(video, backend=settings.video.backend) as reader:
        frames = prefetch(reader.iter_frames(first, first + len(boxes)), PREFETCH_FRAMES)  # decode while encoding
        write_mp4(out, cropped(frames), fps=reader.info.fps)
    return kept
