"""Write silent H.264 MP4 files (yuv420p, even dimensions), atomically."""
from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.errors import VideoError


def write_mp4(path: str | Path, frames: Iterable[np.ndarray], fps: float, crf: int = 23,
              preset: str = "veryfast") -> int:
    """Encode RGB uint8 frames [H, W, 3] to ``path``; returns the number of frames written.

    The file has one video stream and no audio. Frame ``i`` is shown at ``i / fps``, so
    the duration is exactly ``n / fps``. Frames must all have the same even size.
    """
    import av

    rate = Fraction(fps).limit_denominator(1001)
    path = Path(path)
    n = 0
    with atomic_path(path) as tmp:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = None
            for frame in frames:
                if stream is None:
                    height, width = frame.shape[:2]
                    if height % 2 or width % 2:
                        raise VideoError(path, f"frame size {width}x{height} is odd; H.264 needs even dimensions")
                    stream = container.add_stream("libx264", rate=rate)
                    stream.width, stream.height = width, height
                    stream.pix_fmt = "yuv420p"
                    stream.codec_context.time_base = 1 / rate
                    stream.options = {"crf": str(crf), "preset": preset}
                elif frame.shape[:2] != (stream.height, stream.width):
                    raise VideoError(path, f"frame {n} is {frame.shape[1]}x{frame.shape[0]}, "
                                           f"expected {stream.width}x{stream.height}")
                video_frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame, dtype=np.uint8), format="rgb24")
                video_frame.pts = n
                video_frame.time_base = 1 / rate
                for packet in stream.encode(video_frame):
                    container.mux(packet)
                n += 1
            if stream is None:
                raise VideoError(path, "no frames to write")
            for packet in stream.encode(None):
                container.mux(packet)
    return n
