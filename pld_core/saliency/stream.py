"""Saliency for whole videos, streamed chunk by chunk so memory stays bounded.

The teacher runs at a working size (the size asked for, shrunk so its longer side is
at most ``saliency.max_side``); maps are resized to the size asked for.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.atomic import atomic_path, reserved_memmap
from pld_core.saliency.base import SaliencyTeacher, load_teacher, unit_max
from pld_core.video import VideoReader, open_video, prefetch

if TYPE_CHECKING:
    from pld_core.config import Settings


def working_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``size`` (height, width) scaled down so that its longer side is at most ``max_side``."""
    height, width = size
    scale = min(1.0, max_side / max(height, width))
    return max(8, round(height * scale)), max(8, round(width * scale))


def open_for_saliency(path: str | Path, settings: "Settings", size: tuple[int, int], native_rate: bool) -> VideoReader:
    """A reader at the teacher's working size, at video.fps (or every frame when ``native_rate``)."""
    return open_video(path, backend=settings.video.backend, size=working_size(size, settings.saliency.max_side),
                      fps=None if native_rate else settings.video.fps)


def iter_saliency(reader: VideoReader, teacher: SaliencyTeacher, size: tuple[int, int],
                  chunk: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield ``(start, frames, maps)`` for consecutive chunks of ``reader``'s frames.

    ``frames`` are the decoded frames (working size); ``maps`` float32 [n, *size], max 1 each.
    The next chunk is decoded in a background thread while the teacher works on this one.
    """
    teacher.reset(reader.fps)
    start, batch = 0, []
    for frame in prefetch(reader.iter_frames(), chunk):
        batch.append(frame)
        if len(batch) == chunk:
            yield start, np.stack(batch), unit_max(resize_maps(teacher.predict(np.stack(batch)), size))
            start, batch = start + len(batch), []
    if batch:
        yield start, np.stack(batch), unit_max(resize_maps(teacher.predict(np.stack(batch)), size))


def resize_maps(maps: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Maps [T, h, w] resized to ``size`` (height, width) bilinearly; float32, >= 0."""
    import cv2

    if maps.shape[1:] == tuple(size):
        return maps.astype(np.float32, copy=False)
    out = np.empty((len(maps), *size), dtype=np.float32)
    for i, m in enumerate(maps):
        out[i] = cv2.resize(m, (size[1], size[0]), interpolation=cv2.INTER_LINEAR)
    return np.maximum(out, 0, out=out)


def video_saliency(path: str | Path, settings: "Settings", size: tuple[int, int] | None = None, *,
                   native_rate: bool = False, teacher: SaliencyTeacher | None = None) -> np.ndarray:
    """Saliency maps of a video: float32 [T, h, w], T sampled frames at video.fps.

    ``size`` defaults to (video.height, video.width); ``native_rate`` keeps every frame
    of the video instead; ``teacher`` defaults to ``load_teacher(settings)``.
    """
    size = size or (settings.video.height, settings.video.width)
    teacher = teacher or load_teacher(settings)
    with open_for_saliency(path, settings, size, native_rate) as reader:
        out = np.empty((len(reader), *size), dtype=np.float32)
        for start, _, maps in iter_saliency(reader, teacher, size, settings.video.window):
            out[start:start + len(maps)] = maps
    return out


def save_video_saliency(path: str | Path, out: str | Path, settings: "Settings", size: tuple[int, int] | None = None,
                        *, native_rate: bool = True) -> tuple[int, int, int]:
    """Write a video's maps to ``out`` (.npy, float32 [T, H, W]) without holding them in memory.

    Returns the array's shape. By default T is the video's frame count (every frame).
    """
    from tqdm import tqdm

    size = size or (settings.video.height, settings.video.width)
    teacher = load_teacher(settings)
    with open_for_saliency(path, settings, size, native_rate) as reader, atomic_path(out, suffix=".npy") as tmp:
        shape = (len(reader), *size)
        array = reserved_memmap(tmp, np.float32, shape)
        with tqdm(total=len(reader), desc=f"saliency {Path(path).name}", unit="frame", leave=False,
                  disable=None) as bar:
            for start, _, maps in iter_saliency(reader, teacher, size, settings.video.window):
                array[start:start + len(maps)] = maps
                bar.update(len(maps))
        array.flush()
        del array
    return shape


@dataclass(frozen=True)
class Throughput:
    """Frames per second of decoding alone and of decoding plus saliency, in one run."""

    video: str
    teacher: str
    frames: int
    decode_fps: float
    saliency_fps: float

    @property
    def ratio(self) -> float:
        """saliency_fps / decode_fps: 1.0 means the teacher costs nothing next to decoding."""
        return self.saliency_fps / self.decode_fps

    def to_dict(self) -> dict:
        """The fields and the ratio, for a benchmark report."""
        return {**asdict(self), "ratio": self.ratio}


def throughput(path: str | Path, settings: "Settings", size: tuple[int, int] | None = None) -> Throughput:
    """Time decode-only and decode+saliency passes over the same video at video.fps."""
    size = size or (settings.video.height, settings.video.width)
    teacher = load_teacher(settings)
    with open_for_saliency(path, settings, size, native_rate=False) as reader:
        tic = time.perf_counter()
        n = sum(1 for _ in reader.iter_frames())
        decode_s = time.perf_counter() - tic
    with open_for_saliency(path, settings, size, native_rate=False) as reader:
        tic = time.perf_counter()
        for _ in iter_saliency(reader, teacher, size, settings.video.window):
            pass
        saliency_s = time.perf_counter() - tic
    return Throughput(video=str(path), teacher=teacher.name, frames=n,
                      decode_fps=n / max(decode_s, 1e-9), saliency_fps=n / max(saliency_s, 1e-9))
