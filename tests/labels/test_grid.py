import numpy as np
import pandas as pd
import pytest

from pld_core.errors import DataError
from pld_core.labels.grid import frame_times, rater_matrix, video_timeline
from pld_core.video.timing import sample_indices
from tests.labels.conftest import units_frame, video_row


def test_frame_units_at_source_rate_map_to_the_frame_sample_indices_shows():
    src_fps, n_src = 29.97, 300
    scores = np.arange(n_src, dtype=float)  # score = source frame index
    units = units_frame("v", {"a": scores}, src_fps)
    matrix = rater_matrix("v", units, frame_times(n_src, src_fps, 8.0))
    np.testing.assert_array_equal(matrix.scores[0], sample_indices(n_src, src_fps, 8.0))


def test_every_source_frame_when_no_output_rate():
    units = units_frame("v", {"a": [3, 1, 2], "b": [1, 1, 5]}, 10.0)
    matrix = rater_matrix("v", units, frame_times(3, 10.0, None))
    assert matrix.raters == ["a", "b"]
    np.testing.assert_array_equal(matrix.scores, [[3, 1, 2], [1, 1, 5]])


def test_segments_gaps_and_overlaps():
    units = pd.DataFrame({
        "video_id": "v", "rater_id": ["a", "a", "b", "b"], "unit": [0, 1, 0, 1],
        "start_s": [0.0, 2.0, 0.0, 1.0], "end_s": [1.0, 3.0, 2.0, 3.0], "score": [4.0, 2.0, 1.0, 3.0],
    })
    matrix = rater_matrix("v", units, frame_times(12, 4.0, None))  # frames every 0.25 s, 3 s
    a, b = matrix.scores
    np.testing.assert_array_equal(a[:4], 4.0)
    assert np.isnan(a[4:8]).all()          # a gap in rater a: not scored, not zero
    np.testing.assert_array_equal(a[8:], 2.0)
    np.testing.assert_array_equal(b[:4], 1.0)
    np.testing.assert_array_equal(b[4:8], 2.0)  # overlap of b's two segments: their mean
    np.testing.assert_array_equal(b[8:], 3.0)


def test_a_shorter_rater_is_missing_at_the_end():
    units = units_frame("v", {"a": [1, 2, 3, 4], "b": [2, 2]}, 8.0)
    matrix = rater_matrix("v", units, frame_times(4, 8.0, None))
    assert np.isnan(matrix.scores[1, 2:]).all() and not np.isnan(matrix.scores[0]).any()


@pytest.mark.parametrize("column, value, problem", [
    ("score", np.nan, "score is NaN"),
    ("end_s", 0.0, "end_s is not after start_s"),
    ("start_s", np.inf, "start_s/end_s is NaN"),
])
def test_bad_units_name_video_rater_and_unit(column, value, problem):
    units = units_frame("vid7", {"r1": [1, 2, 3]}, 8.0)
    units.loc[1, column] = value
    with pytest.raises(DataError, match=rf"video vid7: rater r1 unit 1: {problem}"):
        rater_matrix("vid7", units, frame_times(3, 8.0, None))


def test_video_timeline_needs_frames_and_rate():
    assert video_timeline(pd.Series(video_row("v", 40, 8.0))) == (40, 8.0)
    with pytest.raises(DataError, match="video v: fps"):
        video_timeline(pd.Series(video_row("v", 40, float("nan"))))
    with pytest.raises(DataError, match="video v: n_frames"):
        video_timeline(pd.Series(video_row("v", 0, 8.0)))
