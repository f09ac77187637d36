"""Resource limits: long videos in bounded memory; read-only or full output folders.

- Memory (structural): scoring and saliency hold a few windows of decoded frames at a time,
  whatever the video's length; counted by following every frame the reader yields until
  it is freed.
- A read-only output folder, or a full disk, is one ``error:`` line naming the output
  file and the reason (``OutputError``), exit 1, and nothing half-written left behind.
  The folder is a real tmpfs, mounted read-only or tiny in a private mount namespace.
"""
from __future__ import annotations

import re
import threading
import weakref

import pytest

from pld_core.video import VideoReader
from tests.reliability import corpus
from tests.reliability.confined import run_confined

LONG_SECONDS = 75  # 600 frames at video.fps = 8


@pytest.fixture(scope="module")
def long_video(tmp_path_factory):
    return corpus.good(tmp_path_factory.mktemp("long") / "long.mp4", seconds=LONG_SECONDS)


@pytest.fixture
def live_frames(monkeypatch):
    """Counts decoded frames alive at once: {'now', 'peak', 'total'}."""
    counts = {"now": 0, "peak": 0, "total": 0}
    lock = threading.Lock()
    original = VideoReader.iter_frames

    def freed() -> None:
        with lock:
            counts["now"] -= 1

    def spied(self, *args, **kwargs):
        for frame in original(self, *args, **kwargs):
            with lock:
                counts["now"] += 1
                counts["total"] += 1
                counts["peak"] = max(counts["peak"], counts["now"])
            weakref.finalize(frame, freed)
            yield frame

    monkeypatch.setattr(VideoReader, "iter_frames", spied)
    return counts


def test_scoring_a_long_video_holds_a_few_windows(tiny, long_video, checkpoint, live_frames):
    from pld_core.infer import load_scorer

    scores = load_scorer(checkpoint, tiny).score_video(long_video)
    assert len(scores.frame_scores) == live_frames["total"] == LONG_SECONDS * 8
    assert live_frames["peak"] <= 4 * tiny.video.window  # 32 of 600


def test_saliency_of_a_long_video_holds_a_few_windows(tiny, long_video, live_frames, tmp_path):
    from pld_core.saliency import save_video_saliency

    shape = save_video_saliency(long_video, tmp_path / "maps.npy", tiny)
    assert shape[0] == live_frames["total"] == LONG_SECONDS * 8
    assert live_frames["peak"] <= 4 * tiny.video.window


def _confined(folder, options, commands):
    try:
        return run_confined(folder, options, commands)
    except OSError as exc:  # no user namespaces here: the kernel's answer cannot be produced
        pytest.skip(f"cannot mount a private tmpfs here: {exc}")


def _commands(params, videos, checkpoint, out):
    common = ["--params", str(params)]
    return {  # the file named by the error (a regex under ``out``) -> the command
        r"maps\.npy": [*common, "saliency", str(videos["good_long"]), "--out", str(out / "maps.npy")],
        r"clip\.(mp4|json|png)": [*common, "highlight", str(videos["good_long"]), "--model", str(checkpoint),
                     "-o", str(out / "clip.mp4")],
        r"ingested/\w+\.(parquet|json)": [*common, "ingest", "--format", "folder", "--source", str(videos["good"].parent),
                      "--out", str(out / "ingested")],
        r"scores\.json": [*common, "score", str(videos["good"]), "--model", str(checkpoint),
                        "--out", str(out / "scores.json")],
    }


@pytest.mark.parametrize("options, reason", [("ro", "read-only file system"),
                                             ("size=4k", "no space left on device")])
def test_unwritable_output_is_one_clear_line(params, videos, checkpoint, tmp_path, options, reason):
    out = tmp_path / "out"
    commands = _commands(params, videos, checkpoint, out)
    if options != "ro":
        del commands[r"scores\.json"]  # a few hundred bytes: it fits even there
    results, left = _confined(out, options, list(commands.values()))
    for (target, _), result in zip(commands.items(), results):
        errors = [line for line in result["stderr"].splitlines() if line.startswith("error:")]
        assert result["code"] == 1 and len(errors) == 1 and "Traceback" not in result["stderr"], result
        assert re.fullmatch(rf"error: {re.escape(str(out))}/{target}: cannot write \({reason}\)", errors[0]), errors[0]
    assert [name for name in left if "." in name] == []  # no file, not even a temporary
