"""PNG files and overlay strips for looking at saliency maps.

PNGs go through PIL, not cv2: once decord is loaded before cv2 in a process, cv2's PNG
decoder fails ("bad parameters to zlib"), and the reader loads decord.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.errors import DataError

TILE_HEIGHT = 128   # preview tiles are upscaled to this height so 64x64 maps stay legible
GAP = 2             # pixels of white between tiles


def read_png(path: str | Path) -> np.ndarray:
    """A PNG as greyscale uint8 [H, W]; DataError naming the file when it is missing or unreadable."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise DataError(path, "missing annotation frame")
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("L"))
    except (UnidentifiedImageError, OSError) as exc:
        raise DataError(path, f"not a readable PNG ({exc.__class__.__name__})") from None


def write_png(path: str | Path, image: np.ndarray) -> Path:
    """Write a uint8 greyscale [H, W] or RGB [H, W, 3] image as PNG, atomically."""
    from PIL import Image

    with atomic_path(path) as tmp:
        Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8)).save(tmp, format="PNG")
    return Path(path)


def overlay(frame: np.ndarray, saliency: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """``frame`` (uint8 RGB) with ``saliency`` (in [0, 1], any size) drawn over it as a heat map."""
    import cv2

    height, width = frame.shape[:2]
    heat = cv2.resize(np.clip(saliency, 0, 1).astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)
    colored = cv2.applyColorMap((heat * 255).astype(np.uint8), cv2.COLORMAP_JET)[..., ::-1]
    return (frame * (1 - alpha) + colored * alpha).astype(np.uint8)


def preview_strip(frames: np.ndarray, maps: np.ndarray) -> np.ndarray:
    """Frames [N, H, W, 3] with their maps [N, h, w] overlaid, upscaled and side by side."""
    import cv2

    height, width = frames.shape[1:3]
    scale = max(1, TILE_HEIGHT // height)
    tiles = [cv2.resize(overlay(f, m), (width * scale, height * scale), interpolation=cv2.INTER_NEAREST)
             for f, m in zip(frames, maps)]
    gap = np.full((height * scale, GAP, 3), 255, dtype=np.uint8)
    return np.concatenate([part for tile in tiles for part in (tile, gap)][:-1], axis=1)
