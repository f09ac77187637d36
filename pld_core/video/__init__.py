"""Video I/O: probe, windowed reading (decord or PyAV), silent H.264 writing."""
from pld_core.video.prefetch import prefetch
from pld_core.video.probe import VideoInfo, check_file, probe
from pld_core.video.reader import VideoReader, Window, available_backends, open_video, windows_from
from pld_core.video.timing import n_sampled, sample_indices, window_starts
from pld_core.video.writer import write_mp4

__all__ = [
    "VideoInfo", "VideoReader", "Window", "available_backends", "check_file", "n_sampled",
    "open_video", "prefetch", "probe", "sample_indices", "window_starts", "windows_from", "write_mp4",
]
