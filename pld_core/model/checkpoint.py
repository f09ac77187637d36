"""Checkpoint files: weights plus the settings the network was built with.

A checkpoint is a ``torch.save``d dict holding only tensors and plain values (so it
loads with ``weights_only=True``)::

    format          "pld-checkpoint/1"
    model_state     the network's state dict
    settings        {"model": <model: section>, "video": <video: section>, "label_mode": ...}
    epoch, step     the last finished epoch (0-based) and optimizer steps so far
    ...             training state (optimizer, scaler, history) when written by the trainer

``model_from_checkpoint`` rebuilds the network from the file alone.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from pydantic import ValidationError
from torch import nn

from pld_core.atomic import atomic_path
from pld_core.config import ModelSettings, VideoSettings
from pld_core.errors import ModelError
from pld_core.model.net import build_model

CHECKPOINT_FORMAT = "pld-checkpoint/1"
REQUIRED_KEYS = ("model_state", "settings", "epoch", "step")


def save_checkpoint(path: str | Path, payload: dict[str, Any]) -> Path:
    """Write ``payload`` (with the format tag added) to ``path`` atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        torch.save({"format": CHECKPOINT_FORMAT, **payload}, tmp)
    return path


def load_checkpoint(path: str | Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a pld checkpoint, or raise ModelError naming the file and what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: checkpoint not found")
    try:
        ckpt = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # pickle, zip and torch errors alike: the file is not a checkpoint
        raise ModelError(f"{path}: not a readable checkpoint ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0][:120] if str(exc) else ''})") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != CHECKPOINT_FORMAT:
        found = ckpt.get("format") if isinstance(ckpt, dict) else type(ckpt).__name__
        raise ModelError(f"{path}: not a {CHECKPOINT_FORMAT} checkpoint (found {found!r})")
    missing = [key for key in REQUIRED_KEYS if key not in ckpt]
    if missing:
        raise ModelError(f"{path}: checkpoint lacks {', '.join(missing)}")
    return ckpt


def checkpoint_settings(ckpt: dict[str, Any], where: str | Path) -> tuple[ModelSettings, VideoSettings]:
    """The ``model`` and ``video`` settings a checkpoint was trained with."""
    try:
        return (ModelSettings.model_validate(ckpt["settings"]["model"]),
                VideoSettings.model_validate(ckpt["settings"]["video"]))
    except (KeyError, TypeError, ValidationError) as exc:
        raise ModelError(f"{where}: checkpoint settings do not fit this version of pld "
                         f"({str(exc).splitlines()[0][:160]})") from None


def model_from_checkpoint(ckpt: dict[str, Any], where: str | Path) -> nn.Module:
    """Rebuild the network a checkpoint describes and load its weights (eval mode)."""
    model_settings, _ = checkpoint_settings(ckpt, where)
    model = build_model(model_settings)
    try:
        model.load_state_dict(ckpt["model_state"])
    except RuntimeError as exc:
        raise ModelError(f"{where}: weights do not fit the {model_settings.variant} network "
                         f"({str(exc).splitlines()[0][:160]})") from None
    return model.eval()
