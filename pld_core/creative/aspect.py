"""Aspect ratios ("9:16") and the largest even crop of that shape a frame can hold."""
from __future__ import annotations

import re
from pathlib import Path

from pld_core.errors import ConfigError, VideoError

_ASPECT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


def parse_aspect(text: str) -> float:
    """``"W:H"`` -> W / H; ConfigError unless both sides are positive numbers."""
    match = _ASPECT.match(str(text))
    if not match:
        raise ConfigError(f"aspect {text!r}: expected W:H with positive numbers, e.g. 9:16 or 1.91:1")
    width, height = float(match.group(1)), float(match.group(2))
    if width <= 0 or height <= 0:
        raise ConfigError(f"aspect {text!r}: both sides must be positive, e.g. 9:16 or 1:1")
    return width / height


def crop_size(frame_size: tuple[int, int], aspect: str, min_pixels: int, video: str | Path) -> tuple[int, int]:
    """(width, height) of the largest crop of ``aspect`` inside ``frame_size`` = (width, height).

    Both sides are even (H.264 with yuv420p needs it) and ``width / height`` is the
    requested ratio to within one pixel. A portrait source asked for a landscape clip,
    or a ratio so extreme that a side would fall below ``min_pixels``, raises VideoError.
    """
    ratio = parse_aspect(aspect)
    frame_w, frame_h = frame_size
    if frame_h > frame_w and ratio > 1:
        raise VideoError(video, f"vertical {frame_w}x{frame_h} source cannot give a landscape {aspect} clip "
                                f"(only a {frame_w}x{round(frame_w / ratio)} band would remain); "
                                f"ask for a vertical or square aspect such as 9:16, 4:5 or 1:1")
    height = _even_floor(min(frame_h, frame_w / ratio))
    while height > 0 and _even_round(height * ratio) > frame_w:  # rounding up may pass an odd width
        height -= 2
    width = _even_round(height * ratio)
    if min(width, height) < min_pixels:
        ideal_h = min(frame_h, frame_w / ratio)
        raise VideoError(video, f"aspect {aspect} leaves a {ideal_h * ratio:.0f}x{ideal_h:.0f} crop of this "
                                f"{frame_w}x{frame_h} frame; the short side must be at least {min_pixels} px")
    return width, height


def _even_floor(value: float) -> int:
    return 2 * int(value // 2)


def _even_round(value: float) -> int:
    return 2 * round(value / 2)
