"""Pseudo-labels for training: one saliency map per sampled frame of every ingested video.

For each video of ``videos.parquet`` with a file, writes ``<out>/<video_id>.npz`` with
``maps`` (uint8, 255 = 1.0, or float16, per ``saliency.dtype``) [T, video.height,
video.width] at video.fps, max 1 per frame, and ``previews/<video_id>.png``. Each
archive also stores a ``fingerprint`` of the video checksum, the teacher and the
settings that shaped the maps: a video whose archive has the same fingerprint is skipped.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.errors import DataError, VideoError
from pld_core.saliency.base import load_teacher
from pld_core.saliency.images import preview_strip, write_png
from pld_core.saliency.stream import iter_saliency, open_for_saliency

if TYPE_CHECKING:
    from pld_core.config import Settings
    from pld_core.saliency.base import SaliencyTeacher

log = logging.getLogger(__name__)

# saliency settings that only shape training or evaluation data, never a teacher's maps
TRAINING_ONLY = {"train_steps", "train_batch", "train_lr", "fixation_sigma", "synthetic_observers",
                 "synthetic_spread", "synthetic_wander"}


@dataclass(frozen=True)
class PseudoLabelSummary:
    """What a pseudo-label run did; ``frames_per_s`` counts decoding and saliency together."""

    out_dir: Path
    teacher: str
    videos: int
    written: int
    cached: int
    skipped: int
    frames: int
    seconds: float
    frames_per_s: float
    skipped_reasons: dict[str, str] = field(default_factory=dict)
    previews: list[Path] = field(default_factory=list)


def build_pseudo_labels(ingested_dir: str | Path, out_dir: str | Path, settings: "Settings",
                        video_ids: list[str] | None = None) -> PseudoLabelSummary:
    """Write maps and previews for ``video_ids`` (default: every ingested video) into ``out_dir``.

    A video without a file, or whose file has become unreadable, is skipped (``skipped_reasons``).
    """
    import pandas as pd
    from tqdm import tqdm

    from pld_core.data import load_ingested

    ingested_dir, out_dir = Path(ingested_dir), Path(out_dir)
    videos = load_ingested(ingested_dir).videos.set_index("video_id")
    wanted = list(videos.index) if video_ids is None else list(video_ids)
    unknown = [v for v in wanted if v not in videos.index]
    if unknown:
        raise DataError(ingested_dir / "videos.parquet", f"unknown video ids: {', '.join(unknown[:5])}")
    teacher = load_teacher(settings)
    tic, frames, written, cached, skipped = time.perf_counter(), 0, 0, 0, {}
    previews = []
    for video_id in tqdm(wanted, desc="pseudo-labels", unit="video", disable=None):
        row = videos.loc[video_id]
        if pd.isna(row["path"]):
            skipped[video_id] = "no video file"
            continue
        npz, preview = out_dir / f"{video_id}.npz", out_dir / "previews" / f"{video_id}.png"
        key = fingerprint(str(row["checksum"]), teacher, settings)
        if preview.is_file() and stored_fingerprint(npz) == key:
            cached += 1
        else:
            try:
                frames += write_video_pseudo_labels(Path(row["path"]), npz, preview, key, teacher, settings)
            except VideoError as exc:  # unreadable since ingestion: the others still get their maps
                log.warning("pseudo-labels: skipping %s: %s", video_id, exc)
                skipped[video_id] = str(exc)
                continue
            written += 1
        previews.append(preview)
    seconds = time.perf_counter() - tic
    log.info("pseudo-labels (%s): %d written, %d cached, %d skipped, %d frames in %.1f s",
             teacher.name, written, cached, len(skipped), frames, seconds)
    return PseudoLabelSummary(out_dir=out_dir, teacher=teacher.name, videos=len(wanted), written=written,
                              cached=cached, skipped=len(skipped), frames=frames, seconds=seconds,
                              frames_per_s=frames / seconds if frames else 0.0, skipped_reasons=skipped,
                              previews=previews)


def write_video_pseudo_labels(video: Path, npz: Path, preview: Path, key: str, teacher: "SaliencyTeacher",
                              settings: "Settings") -> int:
    """Compute one video's maps at the training size and rate; write archive and preview. Returns T."""
    size = (settings.video.height, settings.video.width)
    dtype = np.dtype(settings.saliency.dtype)
    with open_for_saliency(video, settings, size, native_rate=False) as reader:
        n = len(reader)
        maps = np.empty((n, *size), dtype=dtype)
        shown = np.unique(np.linspace(0, n - 1, min(n, settings.saliency.preview_frames)).round().astype(int))
        shown_frames = []
        for start, frames, unit in iter_saliency(reader, teacher, size, settings.video.window):
            maps[start:start + len(unit)] = np.round(unit * 255) if dtype == np.uint8 else unit
            picked = shown[(shown >= start) & (shown < start + len(unit))] - start
            shown_frames.extend(frames[picked])
    with atomic_path(npz, suffix=".npz") as tmp:
        np.savez_compressed(tmp, maps=maps, fingerprint=np.array(key))
    shown_maps = maps[shown].astype(np.float32) / (255.0 if dtype == np.uint8 else 1.0)
    write_png(preview, preview_strip(np.stack(shown_frames), shown_maps))
    return n


def fingerprint(checksum: str, teacher: "SaliencyTeacher", settings: "Settings") -> str:
    """Hash of everything that shapes a video's maps: its content, the teacher and its settings."""
    saliency = settings.saliency.model_dump(mode="json", exclude=TRAINING_ONLY)
    parts = {"checksum": checksum, "teacher": teacher.name, "saliency": saliency,
             "video": settings.video.model_dump(mode="json", include={"fps", "height", "width", "backend"})}
    if settings.saliency.teacher == "learned" and settings.saliency.weights:
        parts["weights"] = hashlib.sha256(settings.path(settings.saliency.weights).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def stored_fingerprint(npz: Path) -> str | None:
    """The fingerprint in an existing archive, or None when there is none (or it is unreadable)."""
    if not npz.is_file():
        return None
    try:
        with np.load(npz) as archive:
            return str(archive["fingerprint"]) if "fingerprint" in archive.files else None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None

