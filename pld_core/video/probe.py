"""Probe a video file: duration, fps, frames, size, rotation; or a VideoError saying why not."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from pld_core.errors import VideoError


@dataclass(frozen=True)
class VideoInfo:
    """What pld needs to know about a video before decoding it."""

    path: str
    duration_s: float
    fps: float
    n_frames: int
    width: int          # coded width, before rotation
    height: int
    rotation: int       # degrees counter-clockwise to display upright: 0, 90, 180 or 270
    codec: str
    has_audio: bool
    variable_rate: bool = False  # frame gaps vary by over half a frame: sampling follows timestamps

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as shown, after rotation."""
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)

    def to_dict(self) -> dict:
        return asdict(self)


def check_file(path: str | Path) -> Path:
    """Raise VideoError when ``path`` is missing, not a file or empty."""
    path = Path(path)
    if not path.exists():
        raise VideoError(path, "file not found")
    if not path.is_file():
        raise VideoError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise VideoError(path, "empty file (0 bytes)")
    return path


def probe(path: str | Path) -> VideoInfo:
    """Read a video's metadata and check that all its frames are present.

    Packets are demuxed (not decoded) to count frames, so a truncated file is caught
    here, cheaply, rather than halfway through training.
    """
    import av

    path = check_file(path)
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise VideoError(path, f"not a readable video file ({_short(exc)})") from None
    try:
        with container:
            if not container.streams.video:
                kind = "audio-only file" if container.streams.audio else "no video stream"
                raise VideoError(path, f"{kind}: nothing to decode")
            stream = container.streams.video[0]
            has_audio = bool(container.streams.audio)
            rate = stream.average_rate or stream.guessed_rate or stream.base_rate
            if not rate or float(rate) <= 0:
                raise VideoError(path, "frame rate unavailable")
            fps = float(rate)
            header_frames = int(stream.frames or 0)
            first, pts = _first_frame_and_packet_pts(container, stream, path)
            n_packets = len(pts)
            variable = _is_variable(pts, stream.time_base, fps)
            rotation = int(round(getattr(first, "rotation", 0) or 0)) % 360
            width, height = stream.codec_context.width, stream.codec_context.height
            codec = stream.codec_context.name
    except VideoError:
        raise
    except av.error.FFmpegError as exc:
        raise VideoError(path, f"corrupt or truncated video stream ({_short(exc)})") from None
    if header_frames and n_packets < header_frames:
        raise VideoError(path, f"truncated: header says {header_frames} frames, only {n_packets} present")
    n_frames = n_packets or header_frames
    if n_frames <= 0:
        raise VideoError(path, "video stream has no frames")
    return VideoInfo(
        path=str(path),
        duration_s=n_frames / fps,
        fps=fps,
        n_frames=n_frames,
        width=width,
        height=height,
        rotation=rotation if rotation in (0, 90, 180, 270) else 0,
        codec=codec,
        has_audio=has_audio,
        variable_rate=variable,
    )


def frame_times(path: str | Path) -> np.ndarray:
    """Presentation time of every frame, in seconds from the first (one demux pass, no decoding)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        pts = [p.pts for p in container.demux(stream) if p.size and p.pts is not None]
        base = float(stream.time_base)
    times = np.sort(np.asarray(pts, dtype=np.float64)) * base
    return times - times[0] if len(times) else times


def _is_variable(pts: list[int | None], time_base, fps: float) -> bool:
    """True when the frames' timestamps stray over half a frame from a constant ``fps``."""
    if len(pts) < 3 or any(p is None for p in pts) or not time_base:
        return False
    times = np.sort(np.asarray(pts, dtype=np.float64)) * float(time_base)
    return bool(np.abs(times - times[0] - np.arange(len(times)) / fps).max() > 0.5 / fps)


def _first_frame_and_packet_pts(container, stream, path: Path):
    """Decode the first frame (proves the stream decodes); the pts of every video packet."""
    first = None
    pts = []
    for packet in container.demux(stream):
        if packet.size == 0:  # flush packet at the end
            continue
        pts.append(packet.pts)
        if first is None:
            for frame in packet.decode():
                first = frame
                break
    if first is None:
        # Some encoders delay output: flush the decoder once.
        for frame in stream.codec_context.decode(None):
            first = frame
            break
    if first is None:
        raise VideoError(path, "no decodable frame in the video stream")
    return first, pts


def _short(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text.lower()[:120]
