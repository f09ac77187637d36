"""The 3D CNN encoder: a stride-2 stem and R(2+1)D residual stages that halve space and keep time.

    frames [B, 3, T, H, W] -> [stem [B, C, T, H/2, W/2], stage 1 [B, 2C, T, H/4, W/4], ...]

Every feature map keeps all T frames, so the decoder can give a map per frame.
"""
from __future__ import annotations

import torch
from torch import nn

from pld_core.model.layers import conv_bn


class R2Plus1dBlock(nn.Module):
    """Residual (2+1)D block: a 1x3x3 spatial conv, then a 3x1x1 temporal conv (Tran et al., 2018)."""

    def __init__(self, *, in_channels: int, out_channels: int, spatial_stride: int):
        super().__init__()
        stride = (1, spatial_stride, spatial_stride)
        self.spatial = conv_bn(in_channels, out_channels, (1, 3, 3), stride=stride, padding=(0, 1, 1))
        self.temporal = conv_bn(out_channels, out_channels, (3, 1, 1), padding=(1, 0, 0), relu=False)
        self.shortcut: nn.Module = nn.Identity()
        if in_channels != out_channels or spatial_stride != 1:
            self.shortcut = conv_bn(in_channels, out_channels, 1, stride=stride, relu=False)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.temporal(self.spatial(x)) + self.shortcut(x))


class VideoEncoder(nn.Module):
    """Runs ``stem`` then each of ``stages``; returns every intermediate feature map, shallow first."""

    def __init__(self, *, stem: nn.Module, stages: nn.ModuleList, channels: list[int]):
        super().__init__()
        self.stem = stem
        self.stages = stages
        self.channels = channels  # output channels of the stem and of each stage

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        features = [self.stem(x)]
        for stage in self.stages:
            features.append(stage(features[-1]))
        return features


def create_encoder(*, in_channels: int = 3, base_channels: int, stages: int) -> VideoEncoder:
    """Stem (C channels, space / 2) and ``stages`` R(2+1)D blocks (channels x 2, space / 2 each)."""
    stem = R2Plus1dBlock(in_channels=in_channels, out_channels=base_channels, spatial_stride=2)
    channels = [base_channels * 2 ** i for i in range(stages + 1)]
    blocks = nn.ModuleList(
        R2Plus1dBlock(in_channels=channels[i], out_channels=channels[i + 1], spatial_stride=2)
        for i in range(stages)
    )
    return VideoEncoder(stem=stem, stages=blocks, channels=channels)
