"""Sliding-window scoring: the one inference path for ``pld score``, evaluation, the registry's
pyfunc model, validation during training and the ad-clip renderer.

    scorer = load_scorer("models/demo/best.pt", settings)     # or "models:/pld-vhd@champion"
    scores = scorer.score_video("video.mp4", with_maps=True)
    scores.frame_scores   # float32 [T] in [0, 1], one per frame sampled at video.fps
    scores.maps           # float32 [T, H, W] in [0, 1] (PLD models), H x W = the model's frame size

Windows of ``window`` frames start every ``stride`` frames (the last one is aligned to
the end); where windows overlap, their predictions are averaged. Decoding runs in a
background thread while the network scores the previous batch.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pld_core.config import Settings, VideoSettings
from pld_core.errors import ModelError
from pld_core.video import VideoInfo, Window, open_video, prefetch, window_starts, windows_from

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

REGISTRY_SCHEMES = ("models:/", "runs:/")
PREFETCH_BATCHES = 2


@dataclass
class VideoScores:
    """What a model says about one video, frame by frame."""

    frame_scores: np.ndarray        # float32 [T] in [0, 1]
    fps: float                      # sampling rate of the frames (video.fps)
    maps: np.ndarray | None         # float32 [T, H, W] in [0, 1], or None
    model_ref: str                  # checkpoint path or registry URI the scores came from
    info: VideoInfo

    @property
    def times_s(self) -> np.ndarray:
        """Time of each scored frame in seconds."""
        return np.arange(len(self.frame_scores)) / self.fps

    def to_dict(self, clip_seconds: float) -> dict[str, Any]:
        """The scores.json document: per-frame scores and times, per-clip means, the model."""
        return {
            "video": self.info.path,
            "model": self.model_ref,
            "fps": self.fps,
            "n_frames": len(self.frame_scores),
            "times_s": np.round(self.times_s, 4).tolist(),
            "frame_scores": np.round(self.frame_scores.astype(float), 6).tolist(),
            "clip_seconds": clip_seconds,
            "clips": clip_scores(self.frame_scores, self.fps, clip_seconds),
        }


class WindowMerger:
    """Averages the per-frame predictions of overlapping windows."""

    def __init__(self, n_frames: int, map_size: tuple[int, int] | None = None):
        self.score_sum = np.zeros(n_frames, dtype=np.float64)
        self.count = np.zeros(n_frames, dtype=np.int32)
        self.map_sum = np.zeros((n_frames, *map_size), dtype=np.float32) if map_size else None

    def add(self, start: int, n_valid: int, scores: np.ndarray, maps: np.ndarray | None = None) -> None:
        """Add one window's ``scores`` [window] (and ``maps`` [window, H, W]); frames past n_valid are padding."""
        stop = start + n_valid
        self.score_sum[start:stop] += scores[:n_valid]
        self.count[start:stop] += 1
        if self.map_sum is not None and maps is not None:
            self.map_sum[start:stop] += maps[:n_valid]

    def result(self) -> tuple[np.ndarray, np.ndarray | None]:
        """Mean scores [T] (and maps [T, H, W]) over the windows covering each frame."""
        if (self.count == 0).any():
            raise ModelError(f"frames {np.flatnonzero(self.count == 0)[:5].tolist()}... were not covered by any window")
        scores = (self.score_sum / self.count).astype(np.float32)
        if self.map_sum is None:
            return scores, None
        return scores, self.map_sum / self.count[:, None, None].astype(np.float32)


@dataclass
class Scorer:
    """A network plus the windowing it was trained with (build one with ``load_scorer``)."""

    model: "torch.nn.Module"
    size: tuple[int, int]          # (height, width) the network takes
    window: int
    stride: int
    fps: float                     # sampling rate of the scored frames
    batch_size: int                # windows per forward pass
    backend: str                   # video decoder
    device: "torch.device"
    model_ref: str
    amp: bool = False

    @property
    def has_maps(self) -> bool:
        """Whether the network gives pixel maps (PLD) or frame scores only (frame ablation)."""
        return bool(getattr(self.model, "has_pixel_maps", False))

    def score_video(self, path: str | Path, with_maps: bool = False,
                    on_frame: Callable[[np.ndarray], None] | None = None) -> VideoScores:
        """Score every frame of ``path`` sampled at ``fps``; ``with_maps`` also merges pixel maps.

        ``on_frame`` is handed every decoded frame, in order, in the decoding thread: another
        per-frame pass (e.g. the shot scan of ``pld highlight``) without decoding again.
        """
        if with_maps and not self.has_maps:
            raise ModelError(f"{self.model_ref}: a frame-level model has no pixel maps to return")
        with open_video(path, backend=self.backend, size=self.size, fps=self.fps) as reader:
            frames = reader.iter_frames() if on_frame is None else _tap(reader.iter_frames(), on_frame)
            windows = windows_from(frames, len(reader), self.window, self.stride)
            windows = prefetch(windows, PREFETCH_BATCHES * self.batch_size)
            scores, maps = self._score_windows(windows, len(reader), with_maps, desc=Path(path).name)
            info = reader.info
        return VideoScores(frame_scores=scores, fps=self.fps, maps=maps, model_ref=self.model_ref, info=info)

    def score_frames(self, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Scores [T] and maps [T, h, w] (None for a frame-level model) of in-memory uint8 frames [T, H, W, 3]."""
        frames = np.asarray(frames)
        if frames.ndim != 4 or frames.shape[-1] != 3 or len(frames) == 0:
            raise ModelError(f"score_frames expects uint8 frames [T, H, W, 3], got shape {frames.shape}")
        windows = windows_from(iter(frames), len(frames), self.window, self.stride)
        return self._score_windows(windows, len(frames), self.has_maps)

    def _score_windows(self, windows: Iterable[Window], n_frames: int, with_maps: bool,
                       desc: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        from tqdm import tqdm

        merger = WindowMerger(n_frames, self.size if with_maps else None)
        total = len(window_starts(n_frames, self.window, self.stride))
        with tqdm(total=total, desc=desc or "scoring", unit="window", disable=None, leave=False) as bar:
            for batch in _batches(windows, self.batch_size):
                scores, maps = self.predict(np.stack([w.frames for w in batch]), with_maps)
                for i, w in enumerate(batch):
                    merger.add(w.start, w.n_valid, scores[i], maps[i] if maps is not None else None)
                bar.update(len(batch))
        return merger.result()

    def predict(self, frames: np.ndarray, with_maps: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Scores [B, T] and maps [B, T, h, w] (or None) of a batch of windows, uint8 [B, T, H, W, 3]."""
        import torch
        import torch.nn.functional as F

        from pld_core.model import frames_to_input

        device = torch.device(self.device)
        with torch.inference_mode(), torch.autocast(device.type, enabled=self.amp and device.type == "cuda"):
            x = frames_to_input(torch.from_numpy(frames).to(device))
            if tuple(x.shape[-2:]) != tuple(self.size):
                x = F.interpolate(x.flatten(1, 2), size=self.size, mode="area").unflatten(1, x.shape[1:3])
            out = self.model(x)
            scores = torch.sigmoid(out["frame_logits"].float()).cpu().numpy()
            maps = None
            if with_maps and "pixel_logits" in out:
                maps = torch.sigmoid(out["pixel_logits"].float()).cpu().numpy()
        return scores, maps


def load_scorer(model: str | Path, settings: Settings) -> Scorer:
    """A Scorer for a checkpoint path or a ``models:/name@alias`` / ``runs:/`` URI.

    The network is rebuilt from the settings stored in the checkpoint (architecture,
    frame size, window, stride); sampling rate, decoder backend, batch size and device
    come from ``settings``.
    """
    from pld_core.model import checkpoint_settings, load_checkpoint, model_from_checkpoint

    ref = str(model)
    path = _resolve_checkpoint(ref, settings)
    ckpt = load_checkpoint(path)
    _, video = checkpoint_settings(ckpt, path)
    if abs(video.fps - settings.video.fps) > 1e-6:
        log.warning("%s was trained at %.3g fps; scoring at video.fps = %.3g", ref, video.fps, settings.video.fps)
    device = resolve_device(settings.train.device)
    _cap_threads()
    network = fold_batchnorm(model_from_checkpoint(ckpt, path))
    return make_scorer(network, video, settings, device, model_ref=ref)


def make_scorer(model: "torch.nn.Module", video: VideoSettings, settings: Settings, device: "torch.device",
                model_ref: str) -> Scorer:
    """A Scorer for a network in memory: frame size, window and stride from ``video`` (what it
    was trained with), sampling rate, backend and batch size from ``settings``."""
    return Scorer(model.to(device).eval(), size=(video.height, video.width), window=video.window,
                  stride=video.stride, fps=settings.video.fps,
                  batch_size=settings.model.infer_batch_size, backend=settings.video.backend, device=device,
                  model_ref=model_ref, amp=settings.train.amp and device.type == "cuda")


def resolve_device(kind: str) -> "torch.device":
    """``auto`` -> CUDA when present, else CPU; ``cuda`` without CUDA is a ModelError."""
    import torch

    if kind == "cuda" and not torch.cuda.is_available():
        raise ModelError("train.device: cuda was asked for but CUDA is not available here")
    if kind == "auto":
        kind = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(kind)


def clip_scores(frame_scores: np.ndarray, fps: float, clip_seconds: float) -> list[dict[str, Any]]:
    """Mean frame score per consecutive clip of ``clip_seconds`` (the last clip may be shorter)."""
    per_clip = max(1, int(round(clip_seconds * fps)))
    clips = []
    for k, start in enumerate(range(0, len(frame_scores), per_clip)):
        stop = min(start + per_clip, len(frame_scores))
        clips.append({"clip": k, "start_s": start / fps, "end_s": stop / fps,
                      "score": float(np.mean(frame_scores[start:stop]))})
    return clips


def _resolve_checkpoint(ref: str, settings: Settings) -> Path:
    if ref.startswith(REGISTRY_SCHEMES):
        from pld_core.registry import download_checkpoint

        return download_checkpoint(ref, settings)
    return Path(ref)


def fold_batchnorm(model: "torch.nn.Module") -> "torch.nn.Module":
    """Fold each eval-mode BatchNorm3d into the Conv3d before it, in place: the same outputs
    (to float rounding) from one pass instead of two (make bench: pld score ~10% faster on CPU)."""
    from torch import nn
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    for seq in model.modules():
        if isinstance(seq, nn.Sequential):
            for i in range(len(seq) - 1):
                if isinstance(seq[i], nn.Conv3d) and isinstance(seq[i + 1], nn.BatchNorm3d):
                    seq[i], seq[i + 1] = fuse_conv_bn_eval(seq[i], seq[i + 1]), nn.Identity()
    return model


def _cap_threads() -> None:
    """Never run more torch threads than the CPUs this process may use."""
    import torch

    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if torch.get_num_threads() > available:
        torch.set_num_threads(available)


def _tap(frames: Iterator[np.ndarray], on_frame: Callable[[np.ndarray], None]) -> Iterator[np.ndarray]:
    for frame in frames:
        on_frame(frame)
        yield frame


def _batches(items: Iterable[Window], size: int) -> Iterator[list[Window]]:
    batch: list[Window] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
