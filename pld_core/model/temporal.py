"""Temporal modules: fuse each location's features across the frames of the window.

Both keep the shape [B, C, T, h, w] and add their result to the input (residual):
``attention`` runs a Transformer encoder over time at every spatial location,
``conv`` a stack of dilated depthwise temporal convolutions.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from pld_core.errors import ConfigError


def sinusoidal_positions(length: int, channels: int, device: torch.device) -> torch.Tensor:
    """[length, channels] fixed sine/cosine position codes (Vaswani et al., 2017)."""
    position = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, channels, 2, device=device, dtype=torch.float32)
                     * (-math.log(10000.0) / channels))
    codes = torch.zeros(length, channels, device=device)
    codes[:, 0::2] = torch.sin(position * freq)
    codes[:, 1::2] = torch.cos(position * freq[: channels // 2])
    return codes


class TemporalSelfAttention(nn.Module):
    """Self-attention over the T frames at each of the h x w locations."""

    def __init__(self, *, channels: int, heads: int, layers: int, dropout: float):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=channels, nhead=heads, dim_feedforward=2 * channels,
                                           dropout=dropout, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, t, h, w = x.shape
        tokens = x.permute(0, 3, 4, 2, 1).reshape(b * h * w, t, c)
        tokens = tokens + sinusoidal_positions(t, c, x.device).to(tokens.dtype)
        fused = self.encoder(tokens)  # pre-norm layers are residual already
        return fused.reshape(b, h, w, t, c).permute(0, 4, 3, 1, 2).contiguous()


class TemporalConv(nn.Module):
    """Residual dilated depthwise temporal convolutions (dilation 1, 2, 4, ...)."""

    def __init__(self, *, channels: int, layers: int, dropout: float):
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Sequential(
                nn.Conv3d(channels, channels, (3, 1, 1), padding=(2 ** i, 0, 0), dilation=(2 ** i, 1, 1),
                          groups=channels, bias=False),
                nn.Conv3d(channels, channels, 1, bias=False),
                nn.BatchNorm3d(channels),
                nn.ReLU(inplace=True),
                nn.Dropout3d(dropout),
            )
            for i in range(layers)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = x + layer(x)
        return x


def create_temporal_module(*, kind: str, channels: int, layers: int, heads: int, dropout: float) -> nn.Module:
    """``attention`` or ``conv`` temporal fusion over ``channels``-wide features."""
    if kind == "attention":
        if channels % heads or channels % 2:
            raise ConfigError(f"model.heads: {heads} heads do not divide the {channels} bottleneck channels "
                              "(change model.heads or model.base_channels)")
        return TemporalSelfAttention(channels=channels, heads=heads, layers=layers, dropout=dropout)
    if kind == "conv":
        return TemporalConv(channels=channels, layers=layers, dropout=dropout)
    raise ConfigError(f"model.temporal: unknown temporal module {kind!r} (attention | conv)")
