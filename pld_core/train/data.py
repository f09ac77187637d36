"""Training data: windows of decoded frames with their frame targets and saliency maps.

Each video is decoded once, at ``video.height`` x ``video.width`` and ``video.fps``,
window by window (``open_video(...).iter_windows``), into a ``.npy`` file under
``paths.cache`` keyed by the video's checksum and the decode settings; pseudo-label
maps are unpacked the same way, keyed by the ``.npz`` file's hash. Datasets open
these files memory-mapped, so a long video is never held in memory and re-runs
decode nothing.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pld_core.atomic import atomic_path, reserved_memmap
from pld_core.config import Settings
from pld_core.errors import DataError
from pld_core.video import open_video, window_starts

log = logging.getLogger(__name__)

FRAME_LABELS = "frame_labels.parquet"


@dataclass(frozen=True)
class VideoRecord:
    """One training or validation video, ready to cut into windows."""

    video_id: str
    frames_path: Path            # .npy, uint8 [N, H, W, 3]
    targets: np.ndarray          # float32 [N]: consensus (regression) or binary labels
    maps_path: Path | None       # .npy, uint8 or float16 [N, H, W] saliency maps, or None

    def frames(self) -> np.ndarray:
        """The decoded frames, memory-mapped."""
        return np.load(self.frames_path, mmap_mode="r")

    def maps(self) -> np.ndarray | None:
        """The stored saliency maps (see ``maps_to_unit``), memory-mapped, or None."""
        return None if self.maps_path is None else np.load(self.maps_path, mmap_mode="r")


def load_records(settings: Settings, ingested_dir: Path, labels_dir: Path, pseudo_dir: Path | None,
                 split: str) -> list[VideoRecord]:
    """The videos of ``split`` that have a file and frame labels, decoded and cached, with their
    targets and (when ``pseudo_dir`` is given) saliency maps; DataError naming the file when
    something is off. Videos without a file or without labels are skipped with a warning."""
    from pld_core.data import load_ingested

    dataset = load_ingested(Path(ingested_dir))
    wanted = set(dataset.splits.get(split, []))
    videos = dataset.videos[dataset.videos["video_id"].isin(wanted)]
    missing = videos[videos["path"].isna()]
    if len(missing):
        log.warning("%s split: %d videos have no file and are skipped (%s...)", split, len(missing),
                    ", ".join(missing["video_id"].head(3)))
    targets = frame_targets(Path(labels_dir) / FRAME_LABELS, settings.labels.mode == "binary")
    unlabeled = sorted(set(videos["video_id"]) - set(targets))
    if unlabeled:
        log.warning("%s split: %d videos have no frame labels and are skipped (%s...)", split, len(unlabeled),
                    ", ".join(unlabeled[:3]))
    records = []
    for row in videos[videos["path"].notna() & videos["video_id"].isin(targets)].itertuples():
        frames_path = cached_frames(settings, Path(row.path), row.checksum)
        n = len(np.load(frames_path, mmap_mode="r"))
        y = targets[row.video_id]
        if len(y) != n:
            raise DataError(Path(labels_dir) / FRAME_LABELS, f"video {row.video_id}: {len(y)} frame labels but "
                            f"{n} frames at {settings.video.fps:g} fps (rerun pld label)")
        maps_path = None
        if pseudo_dir is not None:
            maps_path = cached_maps(settings, Path(pseudo_dir) / f"{row.video_id}.npz", n)
        records.append(VideoRecord(row.video_id, frames_path, y, maps_path))
    return records


def frame_targets(path: Path, binary: bool) -> dict[str, np.ndarray]:
    """video id -> per-frame targets (binary labels or consensus) from frame_labels.parquet."""
    if not path.is_file():
        raise DataError(path, "frame labels not found (run pld label first)")
    column = "binary" if binary else "consensus"
    table = pd.read_parquet(path, columns=["video_id", "frame", column])
    out = {}
    for video_id, rows in table.groupby("video_id", sort=False):
        rows = rows.sort_values("frame")
        frames = rows["frame"].to_numpy()
        if not np.array_equal(frames, np.arange(len(frames))):
            raise DataError(path, f"video {video_id}: frames are not 0..{len(frames) - 1} without gaps")
        values = rows[column].to_numpy(dtype=np.float32)
        if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
            raise DataError(path, f"video {video_id}: {column} must be finite and in [0, 1]")
        out[str(video_id)] = values
    return out


def cached_frames(settings: Settings, path: Path, checksum: str) -> Path:
    """Decode ``path`` at the training size and rate into the cache once; returns the .npy path."""
    v = settings.video
    key = hashlib.sha256(f"{checksum}|{v.height}x{v.width}|{v.fps}|{v.backend}".encode()).hexdigest()[:24]
    out = settings.path(settings.paths.cache) / "frames" / f"{key}.npy"
    if out.is_file():
        return out
    log.info("decoding %s at %dx%d, %g fps into the cache", path.name, v.width, v.height, v.fps)
    with open_video(path, backend=v.backend, size=(v.height, v.width), fps=v.fps) as reader:
        n = len(reader)
        with atomic_path(out) as tmp:
            array = reserved_memmap(tmp, np.uint8, (n, v.height, v.width, 3))
            for window in reader.iter_windows(v.window, v.stride):
                array[window.start:window.start + window.n_valid] = window.frames[:window.n_valid]
            array.flush()
            del array
    return out


def cached_maps(settings: Settings, npz: Path, n_frames: int) -> Path:
    """Unpack a pseudo-label ``.npz`` (key ``maps``) into a memory-mappable .npy in the cache."""
    if not npz.is_file():
        raise DataError(npz, "saliency pseudo-labels not found (run pld pseudo-labels first)")
    digest = hashlib.sha256(npz.read_bytes()).hexdigest()[:24]
    out = settings.path(settings.paths.cache) / "maps" / f"{digest}.npy"
    if out.is_file():
        return out
    try:
        with np.load(npz) as archive:
            maps = archive["maps"]
    except (KeyError, ValueError, OSError) as exc:
        raise DataError(npz, f"not a pseudo-label archive with key 'maps' ({exc})") from None
    expected = (n_frames, settings.video.height, settings.video.width)
    if maps.shape != expected:
        raise DataError(npz, f"maps have shape {maps.shape}, expected {expected} (rerun pld pseudo-labels)")
    if maps.dtype not in (np.uint8, np.float16, np.float32):
        raise DataError(npz, f"maps have dtype {maps.dtype}, expected uint8 or float16")
    with atomic_path(out) as tmp:
        np.save(tmp, maps)
    return out


def maps_to_unit(maps: np.ndarray) -> np.ndarray:
    """Stored maps (uint8: 255 = 1.0, or float) as float32 in [0, 1]."""
    if maps.dtype == np.uint8:
        return maps.astype(np.float32) / 255.0
    return np.clip(maps.astype(np.float32), 0.0, 1.0)


def window_index(records: list[VideoRecord], window: int, stride: int) -> list[tuple[int, int]]:
    """(record index, start frame) of every window of every record."""
    return [(i, start) for i, rec in enumerate(records) for start in window_starts(len(rec.targets), window, stride)]
