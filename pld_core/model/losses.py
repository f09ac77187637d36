"""Losses: pixel-level (PLD targets), auxiliary saliency (pseudo-labels), frame-level.

Every loss is a binary cross-entropy on logits, averaged over pixels and then over
the valid frames of each window (``mask``: padded frames of a short video's window
do not count). In ``binary`` label mode the pixel targets are thresholded at 0.5; in
``regression`` mode they are soft targets in [0, 1] (soft BCE).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from pld_core.config import TrainSettings


def _masked_mean(per_frame: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weight = mask.to(per_frame.dtype)
    return (per_frame * weight).sum() / weight.sum().clamp_min(1.0)


def pixel_loss(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor, binary: bool) -> torch.Tensor:
    """BCE between pixel logits [B, T, H, W] and PLD targets [B, T, H, W]."""
    if binary:
        targets = (targets >= 0.5).to(logits.dtype)
    per_pixel = F.binary_cross_entropy_with_logits(logits.float(), targets.float(), reduction="none")
    return _masked_mean(per_pixel.mean(dim=(-2, -1)), mask)


def saliency_loss(logits: torch.Tensor, maps: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Soft BCE between saliency logits [B, T, H, W] and the teacher's maps in [0, 1]."""
    per_pixel = F.binary_cross_entropy_with_logits(logits.float(), maps.float(), reduction="none")
    return _masked_mean(per_pixel.mean(dim=(-2, -1)), mask)


def frame_loss(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """BCE between frame logits [B, T] and frame targets [B, T] in [0, 1]."""
    per_frame = F.binary_cross_entropy_with_logits(logits.float(), targets.float(), reduction="none")
    return _masked_mean(per_frame, mask)


def total_loss(outputs: dict[str, torch.Tensor], batch: dict[str, torch.Tensor], train: TrainSettings,
               binary: bool) -> tuple[torch.Tensor, dict[str, float]]:
    """Weighted sum of the losses the model's outputs allow; also each part as a float."""
    mask = batch["mask"]
    parts = {"frame": frame_loss(outputs["frame_logits"], batch["frame_targets"], mask)}
    weights = {"frame": train.frame_loss_weight}
    if "pixel_logits" in outputs:
        parts["pixel"] = pixel_loss(outputs["pixel_logits"], batch["pixel_targets"], mask, binary)
        parts["saliency"] = saliency_loss(outputs["saliency_logits"], batch["maps"], mask)
        weights.update(pixel=train.pixel_loss_weight, saliency=train.saliency_loss_weight)
    loss = sum(weights[name] * value for name, value in parts.items())
    return loss, {name: float(value.detach()) for name, value in parts.items()}
