"""Heads: per-pixel logits, frame scores pooled from them, and the frame-level-only head."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class PixelHead(nn.Module):
    """1x1 conv to one logit per pixel, upsampled (bilinear) to the input frame size."""

    def __init__(self, *, in_channels: int):
        super().__init__()
        self.proj = nn.Conv3d(in_channels, 1, 1)

    def forward(self, features: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
        return resize_maps(self.proj(features)[:, 0], size)


def resize_maps(maps: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """[B, T, h, w] -> [B, T, *size], bilinear."""
    if tuple(maps.shape[-2:]) == tuple(size):
        return maps
    return F.interpolate(maps, size=size, mode="bilinear", align_corners=False)


class TopKPool(nn.Module):
    """Frame logit = a * mean(top ``fraction`` of the frame's pixel logits) + b, with a, b learned.

    A highlight is decided by its most distinctive pixels, not by its area, so the
    mean of the top-k (not of all pixels) is pooled.
    """

    def __init__(self, *, fraction: float):
        super().__init__()
        self.fraction = fraction
        self.scale = nn.Parameter(torch.ones(()))
        self.bias = nn.Parameter(torch.zeros(()))

    def forward(self, pixel_logits: torch.Tensor) -> torch.Tensor:
        flat = pixel_logits.flatten(2)
        k = max(1, round(self.fraction * flat.shape[-1]))
        return self.scale * flat.topk(k, dim=-1).values.mean(-1) + self.bias


class FrameHead(nn.Module):
    """Frame-level-only head: spatial average pool, then a per-frame MLP to one logit."""

    def __init__(self, *, in_channels: int, dropout: float):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Conv1d(in_channels, in_channels, 1),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Conv1d(in_channels, 1, 1),
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.mlp(features.mean(dim=(-2, -1)))[:, 0]
