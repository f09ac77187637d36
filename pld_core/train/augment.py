"""Light, label-preserving augmentation of one window: flip, small crop, brightness.

Frames and saliency maps get the same geometric change, so the pixel targets built
from the maps afterwards still sit on the right pixels.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def augment_window(frames: torch.Tensor, maps: torch.Tensor | None, rng: np.random.Generator, *,
                   crop: float, brightness: float) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Augment frames [3, T, H, W] in [0, 1] and maps [T, H, W] (or None) with draws from ``rng``."""
    if rng.random() < 0.5:
        frames = frames.flip(-1)
        maps = None if maps is None else maps.flip(-1)
    if crop > 0:
        frames, maps = _random_crop(frames, maps, rng, crop)
    if brightness > 0:
        frames = (frames * float(rng.uniform(1 - brightness, 1 + brightness))).clamp_(0, 1)
    return frames, maps


def _random_crop(frames: torch.Tensor, maps: torch.Tensor | None, rng: np.random.Generator,
                 crop: float) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Crop up to ``crop`` of each side away (same box for frames and maps), resize back."""
    h, w = frames.shape[-2:]
    keep = 1 - float(rng.uniform(0, crop))
    ch, cw = max(1, round(h * keep)), max(1, round(w * keep))
    y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))

    def crop_resize(x: torch.Tensor) -> torch.Tensor:  # [C, T, H, W] -> same shape
        patch = x[..., y0:y0 + ch, x0:x0 + cw]
        return F.interpolate(patch, size=(h, w), mode="bilinear", align_corners=False)

    frames = crop_resize(frames)
    maps = None if maps is None else crop_resize(maps[None])[0]
    return frames, maps
