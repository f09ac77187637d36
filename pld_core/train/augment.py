"""Light, label-preserving augmentation of one window: flip, small crop, brightness.

Frames and saliency maps get the same geometric change, so the pixel targets built
from the maps afterwards still sit on the right pixels. The whole window is resized
in one OpenCV call (its frames stacked as channels), which costs well under a
millisecond at the training size.
"""
from __future__ import annotations

import numpy as np

CV_MAX_CHANNELS = 128  # cv2.resize (OpenCV 5) takes at most this many channels per call


def augment_window(frames: np.ndarray, maps: np.ndarray | None, rng: np.random.Generator, *, crop: float,
                   brightness: float) -> tuple[np.ndarray, np.ndarray | None]:
    """uint8 frames [T, H, W, 3] -> float32 [T, H, W, 3] in [0, 1]; maps [T, H, W] (or None) alike."""
    if rng.random() < 0.5:
        frames = frames[:, :, ::-1]
        maps = None if maps is None else maps[:, :, ::-1]
    if crop > 0:
        frames, maps = _random_crop(frames, maps, rng, crop)
    gain = float(rng.uniform(1 - brightness, 1 + brightness)) / 255.0
    out = frames.astype(np.float32) * gain
    np.clip(out, 0.0, 1.0, out=out)
    return out, None if maps is None else np.ascontiguousarray(maps, dtype=np.float32)


def _random_crop(frames: np.ndarray, maps: np.ndarray | None, rng: np.random.Generator,
                 crop: float) -> tuple[np.ndarray, np.ndarray | None]:
    """Crop up to ``crop`` of each side away (same box for frames and maps), resize back."""
    h, w = frames.shape[1:3]
    keep = 1 - float(rng.uniform(0, crop))
    ch, cw = max(1, round(h * keep)), max(1, round(w * keep))
    y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    frames = _resize_stack(frames[:, y0:y0 + ch, x0:x0 + cw], (h, w))
    maps = None if maps is None else _resize_stack(maps[:, y0:y0 + ch, x0:x0 + cw, None], (h, w))[..., 0]
    return frames, maps


def _resize_stack(stack: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """[T, h, w, C] -> [T, *size, C], bilinear, frames stacked as channels."""
    import cv2

    t, ch, cw, c = stack.shape
    flat = np.ascontiguousarray(stack.transpose(1, 2, 0, 3).reshape(ch, cw, t * c))
    parts = [cv2.resize(np.ascontiguousarray(part), (size[1], size[0]), interpolation=cv2.INTER_LINEAR)
             for part in np.array_split(flat, -(-flat.shape[-1] // CV_MAX_CHANNELS), axis=-1)]
    resized = np.concatenate([p.reshape(*size, -1) for p in parts], axis=-1)
    return resized.reshape(*size, t, c).transpose(2, 0, 1, 3)
