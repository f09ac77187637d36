"""The teacher interface: a window of frames in, one saliency map per frame out.

    teacher = load_teacher(settings)            # saliency.teacher from params.yaml
    teacher.reset(fps=8.0)                      # a new video starts, sampled at 8 frames/s
    for window in reader.iter_windows(...):
        maps = teacher.predict(window.frames)   # float32 [T, H, W], >= 0, max 1 per frame

A teacher may keep state between calls (the previous frame for motion, the previous
map for temporal smoothing): consecutive ``predict`` calls continue one video, and
``reset`` starts the next. Teachers register by name; ``saliency.teacher`` picks one.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from pld_core.errors import ConfigError, DataError

if TYPE_CHECKING:
    from pld_core.config import Settings

TEACHERS: dict[str, Callable[["Settings"], "SaliencyTeacher"]] = {}


class SaliencyTeacher(ABC):
    """Predicts where a viewer looks, frame by frame, from RGB uint8 frames."""

    name: ClassVar[str]

    def __init__(self, settings: "Settings"):
        self.reference_fps = settings.video.fps
        self.fps = settings.video.fps

    def reset(self, fps: float | None = None) -> None:
        """Forget the previous video; the next frames are sampled at ``fps`` (default video.fps)."""
        self.fps = fps or self.reference_fps

    def predict(self, frames: np.ndarray) -> np.ndarray:
        """Maps for ``frames`` (uint8 [T, H, W, 3] RGB): float32 [T, H, W], >= 0, max 1 per frame."""
        frames = np.asarray(frames)
        if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
            raise DataError(f"teacher {self.name}", f"expected uint8 frames [T, H, W, 3], got {frames.dtype} "
                                                    f"{list(frames.shape)}")
        if len(frames) == 0:
            return np.zeros((0, *frames.shape[1:3]), dtype=np.float32)
        return unit_max(self._predict(frames))

    @abstractmethod
    def _predict(self, frames: np.ndarray) -> np.ndarray:
        """Non-negative maps [T, H, W] for validated, non-empty frames."""

    @property
    def rate_ratio(self) -> float:
        """How many pipeline-rate frame intervals one interval of the current video spans."""
        return self.reference_fps / self.fps


def register_teacher(cls: type[SaliencyTeacher]) -> type[SaliencyTeacher]:
    """Class decorator: make ``cls`` loadable as ``saliency.teacher: <cls.name>``."""
    TEACHERS[cls.name] = cls
    return cls


def load_teacher(settings: "Settings", name: str | None = None) -> SaliencyTeacher:
    """The teacher named ``name`` (default ``saliency.teacher``), built from settings."""
    name = name or settings.saliency.teacher
    if name not in TEACHERS:
        raise ConfigError(f"saliency.teacher: unknown teacher {name!r} (have: {', '.join(sorted(TEACHERS))})")
    return TEACHERS[name](settings)


def unit_max(maps: np.ndarray) -> np.ndarray:
    """Each map scaled so its maximum is 1 (all-zero maps stay zero); float32, negatives clipped."""
    maps = np.maximum(np.asarray(maps, dtype=np.float32), 0)
    peak = maps.reshape(len(maps), -1).max(axis=1) if maps.size else np.zeros(len(maps), np.float32)
    scale = np.divide(1.0, peak, out=np.zeros_like(peak), where=peak > 0)
    return maps * scale[:, None, None]


def center_prior(height: int, width: int, sigma: float) -> np.ndarray:
    """Isotropic Gaussian at the frame centre, std ``sigma`` times each side; float32 [H, W], max 1."""
    y = (np.arange(height, dtype=np.float32) + 0.5) / height - 0.5
    x = (np.arange(width, dtype=np.float32) + 0.5) / width - 0.5
    return np.exp(-(y[:, None] ** 2 + x[None, :] ** 2) / (2 * sigma ** 2)).astype(np.float32)
