"""The decoder: upsample the fused bottleneck back to the stem's resolution, U-Net style.

    [stem, stage 1, ..., bottleneck] -> [B, C, T, H/2, W/2]

Each step projects the coarser map to the skip's width (1x1 conv, at the low
resolution, where it is cheap), upsamples it to the skip's exact size, adds the
encoder's feature map of that size and mixes them with a per-frame 3x3 conv, so the
per-pixel map keeps the encoder's spatial detail.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from pld_core.model.layers import conv_bn


def upsample_to(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Resize [B, C, T, h, w] frame by frame (bilinear) to ``like``'s spatial size."""
    if x.shape[-2:] == like.shape[-2:]:
        return x
    flat = F.interpolate(x.flatten(1, 2), size=like.shape[-2:], mode="bilinear", align_corners=False)
    return flat.unflatten(1, x.shape[1:3])


class UpBlock(nn.Module):
    """FPN-style step: project ``x`` to the skip's width (1x1), upsample, add the skip, conv 1x3x3."""

    def __init__(self, *, in_channels: int, skip_channels: int):
        super().__init__()
        self.project = nn.Conv3d(in_channels, skip_channels, 1, bias=False)
        self.mix = conv_bn(skip_channels, skip_channels, (1, 3, 3), padding=(0, 1, 1))

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.mix(upsample_to(self.project(x), skip) + skip)


class PixelDecoder(nn.Module):
    """Chain of UpBlocks from the bottleneck to the shallowest skip."""

    def __init__(self, *, blocks: nn.ModuleList, out_channels: int):
        super().__init__()
        self.blocks = blocks
        self.out_channels = out_channels

    def forward(self, bottleneck: torch.Tensor, skips: list[torch.Tensor]) -> torch.Tensor:
        """``skips`` shallow first (as the encoder returns them, without the bottleneck)."""
        x = bottleneck
        for block, skip in zip(self.blocks, reversed(skips), strict=True):
            x = block(x, skip)
        return x


def create_decoder(*, channels: list[int]) -> PixelDecoder:
    """Decoder for an encoder whose feature maps have ``channels`` (shallow first)."""
    blocks = nn.ModuleList(
        UpBlock(in_channels=channels[i + 1], skip_channels=channels[i])
        for i in reversed(range(len(channels) - 1))
    )
    return PixelDecoder(blocks=blocks, out_channels=channels[0])
