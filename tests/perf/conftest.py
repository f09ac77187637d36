"""Fixtures of the performance tests: counting what a reader has decoded so far."""
from __future__ import annotations

import pytest

from pld_core.video import VideoReader


class DecodeCounter:
    """Counts the frames and windows every VideoReader has handed out (wrapping the real methods)."""

    def __init__(self):
        self.frames = 0
        self.windows = 0


@pytest.fixture
def decoded(monkeypatch) -> DecodeCounter:
    counter = DecodeCounter()
    iter_frames, iter_windows = VideoReader.iter_frames, VideoReader.iter_windows

    def counted_frames(self, *args, **kwargs):
        for frame in iter_frames(self, *args, **kwargs):
            counter.frames += 1
            yield frame

    def counted_windows(self, *args, **kwargs):
        for window in iter_windows(self, *args, **kwargs):
            counter.windows += 1
            yield window

    monkeypatch.setattr(VideoReader, "iter_frames", counted_frames)
    monkeypatch.setattr(VideoReader, "iter_windows", counted_windows)
    return counter
