"""Where the highlights are: frame scores and pixel maps from the model, or from saliency.

``resolve_source(settings, model)`` picks the source once (a batch reuses it):
- a model (checkpoint path or ``models:/`` / ``runs:/`` URI) given: its scorer;
- none given: the registry's champion;
- none given and none registered: saliency only. Frame scores are then the motion
  where the saliency maps are high (``salient_motion_scores``), and the analysis
  says so (``fallback_reason``).
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.creative.shots import FrameScan, ShotScanner, scan_video
from pld_core.errors import ModelError, RegistryError
from pld_core.video import VideoInfo, probe

if TYPE_CHECKING:
    from pld_core.config import Settings
    from pld_core.infer import Scorer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VideoAnalysis:
    """Everything the clip planner needs about one video, indexed by sampled frame."""

    path: Path
    info: VideoInfo
    fps: float                 # rate of the sampled frames (video.fps)
    scores: np.ndarray         # float32 [T] in [0, 1]
    maps: np.ndarray           # float32 [T, h, w] >= 0, stretched over the frame
    scan: FrameScan            # cuts and motion
    model_ref: str             # what scored the frames
    map_source: str            # what drew the maps
    fallback_reason: str | None = None

    @property
    def fallback(self) -> bool:
        return self.fallback_reason is not None


class HighlightSource(ABC):
    """Turns a video file into a VideoAnalysis, cached by the video's checksum (``creative.cache``)."""

    fallback_reason: str | None = None

    def __init__(self, settings: "Settings"):
        self.settings = settings

    def analyze(self, path: Path) -> VideoAnalysis:
        """Score every sampled frame of ``path`` and draw its highlight maps, or read them from the cache."""
        from pld_core.creative.cache import analysis_key, cache_file, load_analysis, save_analysis

        path = Path(path)
        stored = cache_file(self.settings, analysis_key(path, self.identity(), self.settings))
        analysis = load_analysis(stored, path, self.fallback_reason)
        if analysis is None:
            analysis = self._analyze(path)
            save_analysis(stored, analysis)
        return analysis

    @abstractmethod
    def identity(self) -> dict:
        """What, besides the video and the video settings, shapes the analysis (the cache key)."""

    @abstractmethod
    def _analyze(self, path: Path) -> VideoAnalysis:
        """Score every sampled frame of ``path`` and draw its highlight maps."""

    def _teacher_identity(self) -> str:
        from pld_core.saliency import load_teacher
        from pld_core.saliency.pseudo import fingerprint

        return fingerprint("", load_teacher(self.settings), self.settings)

    def _saliency(self, path: Path) -> tuple[np.ndarray, str]:
        from pld_core.saliency import video_saliency

        return video_saliency(path, self.settings), f"saliency:{self.settings.saliency.teacher}"


class ModelHighlights(HighlightSource):
    """Scores and maps from a trained PLD model (``pld_core.infer``)."""

    def __init__(self, scorer: "Scorer", settings: "Settings"):
        super().__init__(settings)
        self.scorer = scorer

    def identity(self) -> dict:
        scorer = self.scorer
        return {"model": scorer.model_ref, "weights": weights_digest(scorer.model), "window": scorer.window,
                "stride": scorer.stride, "size": list(scorer.size), "amp": scorer.amp,
                "device": str(scorer.device), "saliency": None if scorer.has_maps else self._teacher_identity()}

    def _analyze(self, path: Path) -> VideoAnalysis:
        scorer, video = self.scorer, self.settings.video
        # The shot scan runs on the frames decoded for scoring when it wants the same ones.
        scanner = ShotScanner(self.settings) if (scorer.size, scorer.fps) == ((video.height, video.width),
                                                                            video.fps) else None
        result = scorer.score_video(path, with_maps=scorer.has_maps, on_frame=scanner.add if scanner else None)
        scores = np.clip(np.asarray(result.frame_scores, dtype=np.float32), 0.0, 1.0)
        if result.maps is not None:
            maps, map_source = np.asarray(result.maps, dtype=np.float32), result.model_ref
        else:  # a frame-level model has no pixel maps: crop by saliency instead
            maps, map_source = self._saliency(path)
        scan = scanner.result() if scanner else scan_video(path, self.settings)
        if len(scores) != scan.n_frames or len(maps) != scan.n_frames:
            raise ModelError(f"{path}: model {result.model_ref} gave {len(scores)} scores and {len(maps)} maps "
                             f"for {scan.n_frames} sampled frames")
        return VideoAnalysis(path=path, info=result.info, fps=float(result.fps), scores=scores, maps=maps,
                             scan=scan, model_ref=result.model_ref, map_source=map_source)


class SaliencyHighlights(HighlightSource):
    """No model: saliency maps for the crop, salient motion for the frame scores."""

    def __init__(self, settings: "Settings", reason: str):
        super().__init__(settings)
        self.reason = reason

    @property
    def fallback_reason(self) -> str:
        return self.reason

    def identity(self) -> dict:
        return {"saliency": self._teacher_identity()}

    def _analyze(self, path: Path) -> VideoAnalysis:
        info = probe(path)
        maps, map_source = self._saliency(path)
        scan = scan_video(path, self.settings, weights=maps)
        return VideoAnalysis(path=path, info=info, fps=self.settings.video.fps, scores=salient_motion_scores(scan),
                             maps=maps, scan=scan, model_ref=map_source, map_source=map_source,
                             fallback_reason=self.reason)


def weights_digest(model) -> str:
    """sha256 of a network's parameters and buffers, by name."""
    import hashlib

    import torch

    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def salient_motion_scores(scan: FrameScan) -> np.ndarray:
    """Frame scores in [0, 1] without a model: map-weighted motion, scaled by its peak.

    The jump across a hard cut is not motion: those frames (and frame 0, which has no
    predecessor) take values interpolated from their neighbours.
    """
    motion = scan.motion.astype(np.float64)
    invalid = np.zeros(len(motion), dtype=bool)
    invalid[0] = True
    invalid[scan.cuts] = True
    valid = np.flatnonzero(~invalid)
    if valid.size == 0:
        return np.zeros(len(motion), dtype=np.float32)
    motion = np.interp(np.arange(len(motion)), valid, motion[valid])
    peak = float(motion.max())
    return (motion / peak if peak > 0 else np.zeros_like(motion)).astype(np.float32)


def resolve_source(settings: "Settings", model: str | Path | None) -> HighlightSource:
    """The model's scorer, the champion's, or (none given, none registered) saliency alone."""
    if model is None:
        from pld_core.registry import champion_uri

        try:
            model = champion_uri(settings)
        except (RegistryError, ModelError) as exc:
            reason = f"no model given and no champion registered ({exc})"
            log.warning("ad clips fall back to saliency-only scores: %s", reason)
            return SaliencyHighlights(settings, reason)
    from pld_core.infer import load_scorer

    return ModelHighlights(load_scorer(pin_version(settings, model), settings), settings)


def pin_version(settings: "Settings", model: str | Path) -> str | Path:
    """``models:/name@alias`` -> ``models:/name/<version>``, so a batch uses one version throughout
    and the report names it; other references pass through."""
    if not str(model).startswith("models:/"):
        return model
    from pld_core.registry.resolve import resolve_version
    from pld_core.tracking import client

    version = resolve_version(client(settings), settings, str(model))
    pinned = f"models:/{version.name}/{version.version}"
    log.info("ad clips: %s is %s", model, pinned)
    return pinned
