"""Decode videos as frames or windows of N frames, at a target size and frame rate.

    with open_video(path, size=(64, 64), fps=8) as reader:
        for window in reader.iter_windows(32, 16):
            window.frames   # uint8 [32, 64, 64, 3], RGB

Two backends sit behind one interface: decord (fast random access, decodes at the
reduced size directly) and PyAV (always there). ``open_video(backend="auto")`` takes
decord and falls back to PyAV when decord is missing or fails; the fallback is logged
and recorded on the reader (``fallback_reason``), never silent.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from pld_core.errors import VideoError
from pld_core.video.probe import VideoInfo, probe
from pld_core.video.timing import sample_indices, window_starts

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 64


@dataclass(frozen=True)
class Window:
    """``frames[i]`` is sampled frame ``start + i``; frames past ``n_valid`` repeat the last one."""

    start: int
    frames: np.ndarray
    n_valid: int


class VideoReader(ABC):
    """Frames of one video, sampled at ``fps`` and resized to ``size`` = (height, width)."""

    BACKEND_NAME: ClassVar[str]

    def __init__(self, path: str | Path, size: tuple[int, int] | None = None, fps: float | None = None,
                 info: VideoInfo | None = None):
        self.path = Path(path)
        self.info = info or probe(path)
        self.size = size
        self.fps = fps or self.info.fps
        self.indices = sample_indices(self.info.n_frames, self.info.fps, fps)
        self.fallback_reason: str | None = None

    def __len__(self) -> int:
        return len(self.indices)

    def __enter__(self) -> "VideoReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the decoder."""

    @property
    def frame_size(self) -> tuple[int, int]:
        """(height, width) of the frames this reader yields."""
        if self.size:
            return self.size
        w, h = self.info.display_size
        return h, w

    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[np.ndarray]:
        """Yield sampled frames ``start`` .. ``stop`` - 1 one by one (uint8 HxWx3 RGB)."""
        stop = len(self) if stop is None else min(stop, len(self))
        wanted = self.indices[start:stop]
        if len(wanted) == 0:
            return
        got = 0
        for frame in self._decode(wanted):
            got += 1
            yield self._orient(frame)
        if got < len(wanted):
            raise VideoError(self.path, f"decoding stopped after {start + got} of {stop} frames (truncated or corrupt)")

    def read(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Sampled frames ``start`` .. ``stop`` - 1 as one array [n, H, W, 3]."""
        frames = list(self.iter_frames(start, stop))
        if not frames:
            return np.zeros((0, *self.frame_size, 3), dtype=np.uint8)
        return np.stack(frames)

    def iter_windows(self, window: int, stride: int) -> Iterator[Window]:
        """Yield windows covering the whole video, decoding each frame once.

        Frames shared by overlapping windows are kept in a buffer of at most
        ``window`` frames, so memory stays bounded whatever the video's length.
        """
        n = len(self)
        starts = window_starts(n, window, stride)
        buffer: deque[np.ndarray] = deque(maxlen=window)
        buffer_start = 0  # sampled index of buffer[0]
        frames = self.iter_frames()
        next_index = 0
        for start in starts:
            end = min(start + window, n)
            while next_index < end:
                frame = next(frames)
                if len(buffer) == window:
                    buffer_start += 1
                buffer.append(frame)
                next_index += 1
            offset = start - buffer_start
            chunk = list(buffer)[offset:offset + (end - start)]
            n_valid = len(chunk)
            chunk.extend([chunk[-1]] * (window - n_valid))
            yield Window(start=start, frames=np.stack(chunk), n_valid=n_valid)

    @abstractmethod
    def _decode(self, source_indices: np.ndarray) -> Iterator[np.ndarray]:
        """Yield the frames at these sorted source indices, at the decode size."""

    def _decode_size(self) -> tuple[int, int] | None:
        """(height, width) to ask the decoder for: the target size before rotation."""
        if not self.size:
            return None
        h, w = self.size
        return (w, h) if self.info.rotation in (90, 270) else (h, w)

    def _orient(self, frame: np.ndarray) -> np.ndarray:
        if self.info.rotation:
            frame = np.ascontiguousarray(np.rot90(frame, k=self.info.rotation // 90))
        return frame


class PyAVReader(VideoReader):
    """Sequential decoding with PyAV (libav); scales with swscale while converting to RGB."""

    BACKEND_NAME = "pyav"

    def _decode(self, source_indices: np.ndarray) -> Iterator[np.ndarray]:
        import av

        size = self._decode_size()
        try:
            container = av.open(str(self.path))
        except av.error.FFmpegError as exc:
            raise VideoError(self.path, f"cannot open: {exc}") from None
        with container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            pos = 0
            i = -1
            try:
                for frame in container.decode(stream):
                    i += 1
                    if i < source_indices[pos]:
                        continue
                    if size:
                        image = frame.to_ndarray(format="rgb24", width=size[1], height=size[0],
                                                 interpolation="AREA")
                    else:
                        image = frame.to_ndarray(format="rgb24")
                    while pos < len(source_indices) and source_indices[pos] == i:
                        yield image
                        pos += 1
                    if pos == len(source_indices):
                        return
            except av.error.FFmpegError as exc:
                raise VideoError(self.path, f"decode failed at frame {i + 1}: {exc}") from None


class DecordReader(VideoReader):
    """Random-access decoding with decord; decodes at the reduced size directly."""

    BACKEND_NAME = "decord"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = self._decode_size()
        self._resize_to: tuple[int, int] | None = None
        self._vr = self._open(size)
        if size and not self._decodes_at_size():
            # decord's scaler rejects some sizes (a copy-size check fails): decode at the
            # native size and resize here instead.
            self._vr, self._resize_to = self._open(None), size
        if len(self._vr) < self.info.n_frames:
            raise VideoError(self.path, f"decord sees {len(self._vr)} frames, probe {self.info.n_frames}")

    def _open(self, size: tuple[int, int] | None):
        decord = _import_decord()

        dims = {"height": size[0], "width": size[1]} if size else {}
        try:
            return decord.VideoReader(str(self.path), ctx=decord.cpu(0), num_threads=2, **dims)
        except Exception as exc:  # decord raises its own DECORDError and RuntimeError
            raise VideoError(self.path, f"decord cannot open: {str(exc).splitlines()[0][:160]}") from None

    def _decodes_at_size(self) -> bool:
        try:
            self._vr.get_batch([0]).asnumpy()
            return True
        except Exception:
            return False

    def _decode(self, source_indices: np.ndarray) -> Iterator[np.ndarray]:
        import cv2

        for lo in range(0, len(source_indices), DEFAULT_CHUNK):
            chunk = source_indices[lo:lo + DEFAULT_CHUNK]
            unique, inverse = np.unique(chunk, return_inverse=True)
            try:
                batch = self._vr.get_batch(unique.tolist()).asnumpy()
            except Exception as exc:
                raise VideoError(self.path, f"decord failed near frame {int(unique[0])}: "
                                            f"{str(exc).splitlines()[0][:160]}") from None
            if self._resize_to:
                h, w = self._resize_to
                batch = np.stack([cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA) for f in batch])
            for k in inverse:
                yield batch[k]

    def close(self) -> None:
        self._vr = None


def _import_decord():
    """Import decord, with cv2 first: decord's bundled zlib otherwise breaks cv2's PNG codec."""
    import cv2  # noqa: F401
    import decord

    return decord


def available_backends() -> dict[str, type[VideoReader]]:
    """Backends that import here, by name; PyAV is always present."""
    backends: dict[str, type[VideoReader]] = {}
    try:
        _import_decord()
        backends["decord"] = DecordReader
    except ImportError:
        pass
    backends["pyav"] = PyAVReader
    return backends


def open_video(path: str | Path, backend: str = "auto", size: tuple[int, int] | None = None,
               fps: float | None = None) -> VideoReader:
    """Open ``path`` with ``backend`` ("auto", "decord" or "pyav"); the one factory for readers."""
    info = probe(path)
    backends = available_backends()
    if backend != "auto":
        if backend not in backends:
            raise VideoError(path, f"video backend {backend!r} is not installed (have: {', '.join(backends)})")
        return backends[backend](path, size=size, fps=fps, info=info)
    if "decord" in backends:
        try:
            return DecordReader(path, size=size, fps=fps, info=info)
        except VideoError as exc:
            log.warning("falling back to PyAV for %s: %s", path, exc.problem)
            reader = PyAVReader(path, size=size, fps=fps, info=info)
            reader.fallback_reason = exc.problem
            return reader
    reader = PyAVReader(path, size=size, fps=fps, info=info)
    reader.fallback_reason = "decord not installed"
    return reader
