"""DHF1K-style gaze data: videos plus per-frame fixations, and a synthetic set from the demo.

Layout of a gaze root (docs/saliency.md):

    <root>/videos/<name>.mp4                     any container PyAV/decord read
    <root>/annotation/<name>/fixation/0001.png   fixated pixels (non-zero), one PNG per video frame
    <root>/annotation/<name>/maps/0001.png       optional: continuous fixation density, 0-255

PNG ``k`` (1-based, 4 digits) belongs to the video's frame ``k - 1`` at its native rate.
Without ``maps/`` the density is the fixations blurred by ``saliency.fixation_sigma``.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.errors import DataError
from pld_core.saliency.images import read_png, write_png
from pld_core.video import probe

if TYPE_CHECKING:
    from pld_core.config import Settings

VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".webm")


@dataclass(frozen=True)
class GazeVideo:
    """One video of a gaze root and its annotation folder."""

    name: str
    video: Path
    annotation: Path


def list_gaze_videos(root: str | Path) -> list[GazeVideo]:
    """Every video under ``root/videos`` with its annotation folder, sorted by name."""
    root = Path(root)
    videos_dir = root / "videos"
    if not videos_dir.is_dir():
        raise DataError(root, "not a gaze root: no videos/ folder (see docs/saliency.md)")
    found = []
    for video in sorted(videos_dir.iterdir()):
        if video.suffix.lower() not in VIDEO_SUFFIXES:
            continue
        annotation = root / "annotation" / video.stem
        if not (annotation / "fixation").is_dir():
            raise DataError(annotation, f"no fixation/ folder for video {video.name}")
        found.append(GazeVideo(video.stem, video, annotation))
    if not found:
        raise DataError(videos_dir, "no videos")
    return found


def load_gaze(annotation: str | Path, source_frames: np.ndarray, size: tuple[int, int],
              settings: "Settings") -> tuple[np.ndarray, np.ndarray]:
    """Fixations (bool) and density (float32, sum 1 or all zero) [T, *size] for these video frames."""
    import cv2

    annotation = Path(annotation)
    height, width = size
    fixations = np.zeros((len(source_frames), height, width), dtype=bool)
    density = np.zeros((len(source_frames), height, width), dtype=np.float32)
    has_maps = (annotation / "maps").is_dir()
    sigma = settings.saliency.fixation_sigma * width
    for t, k in enumerate(source_frames):
        points = read_png(annotation / "fixation" / f"{k + 1:04d}.png")
        ys, xs = np.nonzero(points)
        fixations[t, (ys * height) // points.shape[0], (xs * width) // points.shape[1]] = True
        if has_maps:
            dense = cv2.resize(read_png(annotation / "maps" / f"{k + 1:04d}.png").astype(np.float32),
                               (width, height), interpolation=cv2.INTER_AREA)
        else:
            dense = cv2.GaussianBlur(fixations[t].astype(np.float32), (0, 0), sigma)
        total = float(dense.sum())
        density[t] = dense / total if total > 0 else 0.0
    return fixations, density


def make_synthetic_gaze(demo_dir: str | Path, out_dir: str | Path, settings: "Settings") -> dict[str, Path]:
    """A tiny DHF1K-style set from the demo generator's ground truth (synthetic gaze, not eye tracking).

    Every frame gets ``synthetic_observers`` gazes around the product's true centre
    (std ``synthetic_spread`` x its radius); a ``synthetic_wander`` share land anywhere.
    Demo videos of the train split go to ``out/train``, the others to ``out/val``.
    Returns ``{"train": root, "val": root}``.
    """
    demo_dir, out_dir = Path(demo_dir), Path(out_dir)
    try:
        manifest = json.loads((demo_dir / "manifest.json").read_text())
        truth = json.loads((demo_dir / "truth.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(demo_dir, f"not a demo dataset ({exc.__class__.__name__}: manifest.json/truth.json)") from None
    cfg = settings.saliency
    rng = np.random.default_rng(settings.demo.seed)
    roots = {"train": out_dir / "train", "val": out_dir / "val"}
    for entry in manifest["videos"]:
        video_id, source = entry["id"], demo_dir / entry["path"]
        if video_id not in truth:
            raise DataError(demo_dir / "truth.json", f"no ground truth for video {video_id}")
        root = roots["train" if entry["split"] == "train" else "val"]
        with atomic_path(root / "videos" / f"{video_id}{source.suffix}") as tmp:
            shutil.copyfile(source, tmp)
        info = probe(source)
        height, width = info.height, info.width
        centers = np.asarray(truth[video_id]["centers"], dtype=np.float64)
        radii = np.asarray(truth[video_id]["radii"], dtype=np.float64)
        for k, (center, radius) in enumerate(zip(centers, radii)):
            gaze = center + rng.normal(0, cfg.synthetic_spread * radius, size=(cfg.synthetic_observers, 2))
            wander = rng.random(cfg.synthetic_observers) < cfg.synthetic_wander
            gaze[wander] = rng.uniform([0, 0], [width, height], size=(int(wander.sum()), 2))
            points = np.zeros((height, width), dtype=np.uint8)
            xs = np.clip(gaze[:, 0], 0, width - 1).astype(int)
            ys = np.clip(gaze[:, 1], 0, height - 1).astype(int)
            points[ys, xs] = 255
            write_png(root / "annotation" / video_id / "fixation" / f"{k + 1:04d}.png", points)
    return roots
