"""The fault corpus: awkward and broken videos and annotation files, generated on demand.

Every maker writes one file (or dataset folder) under a given path and returns it. Videos
are tiny (a few dozen frames) so the whole corpus takes about a second to write. Good
videos show a bright square drifting over a textured grey frame, so saliency and
highlights have something to find.
"""
from __future__ import annotations

import csv
import itertools
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np

FPS = 8


def frames(n: int, width: int = 96, height: int = 64) -> Iterator[np.ndarray]:
    """``n`` RGB frames (generated lazily): textured grey background, a bright square moving right."""
    rng = np.random.default_rng(n * 7919 + width)
    background = rng.integers(40, 90, (height, width, 3), dtype=np.uint8)
    side = max(2, min(width, height) // 4)
    for i in range(n):
        frame = background.copy()
        x = (i * 3) % max(1, width - side)
        frame[height // 2 - side // 2:height // 2 + side // 2, x:x + side] = (230, 200, 60)
        yield frame


def encode(path: Path, images: Iterable[np.ndarray], *, pts: list[int] | None = None,
           time_base: Fraction = Fraction(1, FPS), rate: int = FPS, pix_fmt: str = "yuv420p",
           rotation: int = 0, faststart: bool = False, with_audio: bool = False) -> Path:
    """Encode ``images`` with libx264; ``pts`` (in ``time_base``) default to one per frame.

    ``rotation`` writes a display matrix (PyAV >= 18: ``Stream.set_display_rotation``),
    ``faststart`` puts the index (moov) before the data, as streaming encoders do.
    """
    import av

    images = iter(images)
    first = next(images)
    images = itertools.chain([first], images)
    pts = itertools.count() if pts is None else pts
    height, width = first.shape[:2]
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), mode="w", format="mp4", options=options) as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.codec_context.time_base = time_base
        stream.options = {"preset": "ultrafast"}
        if rotation:
            stream.set_display_rotation(rotation)
        audio = container.add_stream("aac", rate=16000, layout="mono") if with_audio else None
        n = 0
        for image, t in zip(images, pts):
            n += 1
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = t, time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
        if audio is not None:
            _encode_silence(container, audio, seconds=n / rate)
    return path


def _encode_silence(container, stream, seconds: float) -> None:
    import av

    samples = int(seconds * stream.rate)
    for start in range(0, samples, 1024):
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate, frame.pts = stream.rate, start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)


# --- videos -----------------------------------------------------------------------------------

def good(path: Path, seconds: float = 5.0) -> Path:
    """A plain, valid video (the control)."""
    return encode(path, frames(int(seconds * FPS)))


def truncated(path: Path) -> Path:
    """A valid streaming-style MP4 (index first) cut at 60% of its bytes."""
    whole = encode(path.with_name(".whole-" + path.name), frames(6 * FPS), faststart=True)
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: int(len(data) * 0.6)])
    return path


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def text_as_mp4(path: Path) -> Path:
    path.write_text("this is a shopping list, not a video\n" * 40)
    return path


def audio_only(path: Path) -> Path:
    """An MP4 holding one AAC stream and no video."""
    import av

    with av.open(str(path), mode="w", format="mp4") as container:
        _encode_silence(container, container.add_stream("aac", rate=16000, layout="mono"), seconds=4.0)
    return path


def one_frame(path: Path) -> Path:
    return encode(path, frames(1))


def short(path: Path, n_frames: int = 5) -> Path:
    """Fewer frames than one window (at video.fps)."""
    return encode(path, frames(n_frames))


VFR_TIMES = np.r_[np.arange(20) * 0.25, 5.0 + np.arange(40) / 16]  # 20 frames at 4 fps, then 40 at 16 fps


def variable_rate(path: Path) -> Path:
    """A variable frame rate: 5 s at 4 fps, then 2.5 s at 16 fps (8 fps on average).

    Frame i carries its number: its top-left 8x8 block has grey level 4 i.
    """
    def numbered():
        for i, frame in enumerate(frames(len(VFR_TIMES))):
            frame[:8, :8] = 4 * i
            yield frame

    pts = np.round(VFR_TIMES * 16).astype(int).tolist()
    return encode(path, numbered(), pts=pts, time_base=Fraction(1, 16), rate=8)


def rotated(path: Path, degrees: int = 90) -> Path:
    """Coded 96x64 landscape with a display matrix turning it ``degrees`` counter-clockwise."""
    return encode(path, frames(4 * FPS), rotation=degrees)


def large(path: Path, width: int = 3840, height: int = 2160, n: int = 3) -> Path:
    """A 4K UHD video of a few frames (to be decoded at a reduced size)."""
    return encode(path, frames(n, width, height))


def odd_size(path: Path) -> Path:
    """A 95x63 video (odd width and height; 4:4:4 so H.264 accepts it)."""
    return encode(path, frames(5 * FPS, 95, 63), pix_fmt="yuv444p")


def with_audio(path: Path) -> Path:
    """A valid video with a silent audio track (clips are written without it)."""
    return encode(path, frames(5 * FPS), with_audio=True)


BAD_VIDEOS: dict[str, tuple[Callable[[Path], Path], str]] = {
    # name -> (maker, the problem the one-line error names)
    "truncated": (truncated, r"truncated|corrupt"),
    "zero_bytes": (zero_bytes, r"empty file \(0 bytes\)"),
    "text_as_mp4": (text_as_mp4, r"not a readable video file"),
    "audio_only": (audio_only, r"audio-only file"),
}
ODD_VIDEOS: dict[str, Callable[[Path], Path]] = {
    "one_frame": one_frame, "short": short, "variable_rate": variable_rate, "rotated": rotated,
    "odd_size": odd_size, "with_audio": with_audio,
}


# --- annotations (the multirater format of docs/data-format.md) ----------------------------------

def multirater(src: Path, out: Path, edit: Callable[[dict, list[list[str]]], None] | None = None) -> Path:
    """Copy the multirater dataset ``src`` to ``out`` (videos by absolute path), then ``edit`` it.

    ``edit(manifest, rows)`` changes the manifest dict and the ratings rows (header first) in place.
    """
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((src / "manifest.json").read_text())
    for video in manifest["videos"]:
        video["path"] = str((src / video["path"]).resolve())
    with (src / "ratings.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    if edit:
        edit(manifest, rows)
    (out / "manifest.json").write_text(json.dumps(manifest))
    with (out / "ratings.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return out


def _first_row(rows: list[list[str]], video_id: str, rater: str | None = None) -> int:
    return next(i for i, r in enumerate(rows) if i and r[0] == video_id and (rater is None or r[1] == rater))


def nan_score(manifest: dict, rows: list[list[str]]) -> None:
    rows[_first_row(rows, manifest["videos"][0]["id"]) + 3][4] = "nan"


def wrong_length(manifest: dict, rows: list[list[str]]) -> None:
    """One rater stops scoring at half the video."""
    video = manifest["videos"][0]["id"]
    mine = [i for i, r in enumerate(rows) if i and r[0] == video and r[1] == "rater_0"]
    del rows[mine[len(mine) // 2]:mine[-1] + 1]


def unknown_video(manifest: dict, rows: list[list[str]]) -> None:
    rows.append(["ghost_video", "rater_0", "0.0", "0.125", "3"])


def duplicate_rater(manifest: dict, rows: list[list[str]]) -> None:
    """rater_0's first row of the first video appears twice."""
    i = _first_row(rows, manifest["videos"][0]["id"], "rater_0")
    rows.insert(i + 1, list(rows[i]))


def empty_ratings(manifest: dict, rows: list[list[str]]) -> None:
    rows.clear()


BAD_ANNOTATIONS: dict[str, tuple[Callable, str]] = {
    # name -> (edit, where the error points, the problem it names)
    "nan_score": (nan_score, r"ratings.csv:\d+: score 'nan' is not a finite number"),
    "wrong_length": (wrong_length, r"per-rater lengths match the video.*rater_0"),
    "unknown_video": (unknown_video, r"every annotated video known.*ghost_video"),
    "duplicate_rater": (duplicate_rater, r"ratings.csv:\d+: duplicate rating: rater rater_0 already scored"),
    "empty_file": (empty_ratings, r"ratings.csv: empty or not a UTF-8 CSV file"),
}


def copy_videos(paths: Iterable[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copy2(path, folder / path.name)
    return folder
