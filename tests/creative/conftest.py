"""Creative fixtures: settings in tmp, and small synthetic videos written with write_mp4."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pld_core.video import write_mp4

SUBJECT_RADIUS = 12


def moving_subject_video(path: Path, seconds: float = 8.0, fps: int = 12, size: tuple[int, int] = (192, 108),
                         start_x: float = 24.0) -> np.ndarray:
    """A red disc crossing a plain grey frame from left to right; returns its x per frame."""
    width, height = size
    n = int(round(seconds * fps))
    xs = np.linspace(start_x, width - start_x, n)
    yy, xx = np.mgrid[0:height, 0:width]

    def frames():
        for x in xs:
            frame = np.full((height, width, 3), 60, np.uint8)
            frame[(xx - x) ** 2 + (yy - height / 2) ** 2 <= SUBJECT_RADIUS ** 2] = (230, 40, 40)
            yield frame

    write_mp4(path, frames(), fps)
    return xs


def plain_video(path: Path, seconds: float, fps: int = 8, size: tuple[int, int] = (96, 64)) -> Path:
    """A short video of a slowly brightening frame with a square drifting right."""
    width, height = size
    n = int(round(seconds * fps))
    frames = []
    for i in range(n):
        frame = np.full((height, width, 3), 50 + i % 50, np.uint8)
        x = (i * 2) % (width - 16)
        frame[height // 2 - 8:height // 2 + 8, x:x + 16] = 220
        frames.append(frame)
    write_mp4(path, frames, fps)
    return path


@pytest.fixture
def creative_settings(settings):
    """The conftest settings (paths and MLflow in tmp), maps at 32x32 to keep tests quick."""
    return settings.with_overrides({"video.height": 32, "video.width": 32})


@pytest.fixture(scope="module")
def moving_subject(tmp_path_factory) -> tuple[Path, np.ndarray]:
    path = tmp_path_factory.mktemp("moving") / "moving.mp4"
    return path, moving_subject_video(path)


# the registry fixtures, reused for the champion test
from tests.registry.conftest import empty_store, make_training, reg_settings  # noqa: E402,F401
