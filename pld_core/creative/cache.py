"""A video's analysis (frame scores, maps, shot scan), cached by the video's checksum.

``pld highlight`` run again on the same video with the same model (or the same saliency
fallback) skips scoring and scanning: only choosing, cropping and rendering run, so
another aspect, length or count costs a render, not an analysis. The key hashes the
video file's content, what drew the scores (the network's weights or the teacher), and
the settings that shape them.
"""
from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pld_core.atomic import atomic_path

if TYPE_CHECKING:
    from pld_core.config import Settings
    from pld_core.creative.highlights import VideoAnalysis

log = logging.getLogger(__name__)

FORMAT = "pld-analysis/1"


def analysis_key(video: Path, source: dict[str, Any], settings: "Settings") -> str:
    """Hash of the video's bytes, the source's identity and the sampling settings."""
    from pld_core.data.video_files import sha256_file

    parts = {"format": FORMAT, "video": sha256_file(Path(video)), "source": source,
             "video_settings": settings.video.model_dump(mode="json"),
             "cuts": settings.creative.model_dump(mode="json", include={"cut_threshold", "cut_peak_ratio"})}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def cache_file(settings: "Settings", key: str) -> Path:
    return settings.path(settings.paths.cache) / "analysis" / f"{key}.npz"


def save_analysis(path: Path, analysis: "VideoAnalysis") -> None:
    """Write the arrays and names of ``analysis`` to ``path``, atomically."""
    meta = {"fps": analysis.fps, "model_ref": analysis.model_ref, "map_source": analysis.map_source}
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez(tmp, scores=analysis.scores, maps=analysis.maps, cuts=analysis.scan.cuts,
                 distances=analysis.scan.distances, motion=analysis.scan.motion, meta=np.array(json.dumps(meta)))


def load_analysis(path: Path, video: Path, fallback_reason: str | None = None) -> "VideoAnalysis | None":
    """The analysis stored at ``path``, for ``video`` (probed again), or None when there is none."""
    from pld_core.creative.highlights import VideoAnalysis
    from pld_core.creative.shots import FrameScan
    from pld_core.video import probe

    if not path.is_file():
        return None
    try:
        with np.load(path) as archive:
            arrays = {name: archive[name] for name in ("scores", "maps", "cuts", "distances", "motion")}
            meta = json.loads(str(archive["meta"]))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("%s: unreadable cached analysis, analysing again (%s)", path, exc)
        return None
    scan = FrameScan(cuts=arrays["cuts"], distances=arrays["distances"], motion=arrays["motion"])
    log.info("%s: analysis from the cache (%s)", video.name, path.name)
    return VideoAnalysis(path=video, info=probe(video), fps=float(meta["fps"]), scores=arrays["scores"],
                         maps=arrays["maps"], scan=scan, model_ref=meta["model_ref"],
                         map_source=meta["map_source"], fallback_reason=fallback_reason)
