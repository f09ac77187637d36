"""Longer real videos for the scaling runs: a real video played N times in a row.

The compressed packets are copied (remuxed, no re-encoding), so a 16x video takes a
fraction of a second to make and decodes exactly like the original N times over.
"""
from __future__ import annotations

from pathlib import Path


def concatenated(src: Path, times: int, out_dir: Path) -> Path:
    """``src``'s video stream ``times`` times in a row (no audio), cached in ``out_dir``."""
    import av

    from pld_core.atomic import atomic_path

    out = Path(out_dir) / f"{src.stem}_x{times}.mp4"
    if out.is_file():
        return out
    with atomic_path(out) as tmp, av.open(str(tmp), mode="w", format="mp4") as sink:
        stream, offset = None, 0
        for _ in range(times):
            with av.open(str(src)) as source:
                video = source.streams.video[0]
                if stream is None:
                    stream = sink.add_stream_from_template(video)
                end = offset
                for packet in source.demux(video):
                    if packet.size == 0:  # the demuxer's flush packet
                        continue
                    packet.pts += offset
                    packet.dts += offset
                    end = max(end, packet.pts + (packet.duration or 0))
                    packet.stream = stream
                    sink.mux(packet)
                offset = end
    return out
