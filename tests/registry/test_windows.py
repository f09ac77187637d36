"""Frame ranges and the best highlight window."""
import numpy as np
import pytest

from pld_core.errors import VideoError
from pld_core.registry.windows import best_window, frame_range


def test_best_window_finds_the_highest_mean_run():
    scores = np.zeros(80, dtype=np.float32)
    scores[40:56] = 1.0
    start, stop, best = best_window(scores, fps=8.0, seconds=2.0)
    assert (start, stop) == (40, 56) and best == pytest.approx(1.0)


def test_best_window_shorter_range_is_returned_whole():
    start, stop, best = best_window(np.array([0.2, 0.4], dtype=np.float32), fps=8.0, seconds=6.0)
    assert (start, stop) == (0, 2) and best == pytest.approx(0.3)


def test_frame_range_is_half_open_in_seconds():
    assert frame_range(100, 8.0, None, None, "v.mp4") == (0, 100)
    assert frame_range(100, 8.0, 1.0, 2.0, "v.mp4") == (8, 16)
    assert frame_range(100, 8.0, 10.0, 99.0, "v.mp4") == (80, 100)


@pytest.mark.parametrize(("start", "end"), [(5.0, 5.0), (-1.0, 2.0), (20.0, 30.0)])
def test_frame_range_errors_name_the_video(start, end):
    with pytest.raises(VideoError, match="v.mp4"):
        frame_range(100, 8.0, start, end, "v.mp4")
