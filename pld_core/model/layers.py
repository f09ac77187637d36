"""The one building block the parts share: a 3D convolution, batch norm and (optionally) ReLU."""
from __future__ import annotations

from torch import nn


def conv_bn(in_channels: int, out_channels: int, kernel: int | tuple[int, int, int], *,
            stride: int | tuple[int, int, int] = 1, padding: int | tuple[int, int, int] = 0,
            relu: bool = True) -> nn.Sequential:
    """Conv3d (no bias) -> BatchNorm3d -> ReLU (when ``relu``)."""
    layers: list[nn.Module] = [
        nn.Conv3d(in_channels, out_channels, kernel, stride=stride, padding=padding, bias=False),
        nn.BatchNorm3d(out_channels),
    ]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)
