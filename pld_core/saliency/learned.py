"""The learned teacher: a SaliencyNet loaded from a local weights file (never a hub).

A weights file is a ``torch.save`` dict: ``format``, ``arch`` (``frames``, ``channels``:
enough to rebuild the net), ``state_dict`` and what training recorded (``losses``,
``data``). ``pld saliency-train`` writes one; ``saliency.weights`` points at it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.errors import ConfigError, ModelError
from pld_core.saliency.base import SaliencyTeacher, register_teacher

if TYPE_CHECKING:
    from torch import nn

    from pld_core.config import Settings

WEIGHTS_FORMAT = "pld-saliency-teacher/1"


def save_weights(net: "nn.Module", path: str | Path, **extra: Any) -> Path:
    """Write ``net``'s weights and architecture to ``path`` atomically."""
    import torch

    payload = {"format": WEIGHTS_FORMAT, "arch": net.arch,
               "state_dict": {k: v.detach().cpu() for k, v in net.state_dict().items()}, **extra}
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)
    return Path(path)


def load_weights(path: str | Path | None) -> tuple["nn.Module", dict]:
    """Rebuild the net from a local weights file; returns (net in eval mode, the file's dict)."""
    import torch

    from pld_core.saliency.net import SaliencyNet

    if path is None:
        raise ModelError("saliency.weights is not set: the learned teacher needs a local weights file "
                         "(train one with `pld saliency-train`)")
    if "://" in str(path):
        raise ConfigError(f"saliency.weights: {path}: only local files are loaded, never URLs")
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: saliency weights file not found")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        if payload.get("format") != WEIGHTS_FORMAT:
            raise ModelError(f"{path}: not a pld saliency teacher (format {payload.get('format')!r})")
        net = SaliencyNet(**payload["arch"])
        net.load_state_dict(payload["state_dict"])
    except ModelError:
        raise
    except Exception as exc:  # unpickling, missing keys, shape mismatches
        raise ModelError(f"{path}: cannot load saliency weights ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0][:160] if str(exc) else ''})") from None
    return net.eval(), payload


@register_teacher
class LearnedTeacher(SaliencyTeacher):
    """Runs the SaliencyNet over each frame with its ``frames - 1`` predecessors."""

    name = "learned"

    def __init__(self, settings: "Settings"):
        super().__init__(settings)
        self.net, _ = load_weights(settings.path(settings.saliency.weights) if settings.saliency.weights else None)
        self.reset()

    def reset(self, fps: float | None = None) -> None:
        super().reset(fps)
        self._history = None

    def _predict(self, frames: np.ndarray) -> np.ndarray:
        import torch

        from pld_core.saliency.net import stack_clips

        x = torch.from_numpy(frames).permute(0, 3, 1, 2).float().div_(255)
        k = self.net.frames
        if self._history is None or self._history.shape[-2:] != x.shape[-2:]:
            self._history = x[:1].expand(k - 1, -1, -1, -1)
        with torch.inference_mode():
            clips = stack_clips(self._history, x, k)
            maps = torch.softmax(self.net(clips).flatten(1), dim=1).view(len(x), *x.shape[-2:])
        self._history = torch.cat([self._history, x], dim=0)[len(x):]
        return maps.numpy()
