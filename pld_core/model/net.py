"""The networks, assembled from the parts by keyword-only builders.

PLD (``model.variant: pld``)::

    frames [B,3,T,H,W] -> encoder -> [stem, ..., bottleneck]
        bottleneck -> temporal module -> decoder (+ skips) -> features [B,C,T,H/2,W/2]
        stem, stage 1 -> spatial saliency module -> saliency logits --gate--> features
        features -> pixel head -> pixel logits [B,T,H,W] -> top-k pool -> frame logits [B,T]

Frame-level ablation (``model.variant: frame``): the same encoder and temporal module,
then a frame head on spatially pooled bottleneck features; no pixel map, no saliency.

Both return a dict of tensors: ``frame_logits`` always, ``pixel_logits`` and
``saliency_logits`` for PLD only.
"""
from __future__ import annotations

import torch
from torch import nn

from pld_core.config import ModelSettings
from pld_core.errors import ConfigError
from pld_core.model.decoder import PixelDecoder, create_decoder
from pld_core.model.encoder import VideoEncoder, create_encoder
from pld_core.model.heads import FrameHead, PixelHead, TopKPool, resize_maps
from pld_core.model.spatial import SpatialSaliencyModule, create_spatial_module
from pld_core.model.temporal import create_temporal_module

MEAN = (0.45, 0.45, 0.45)
STD = (0.225, 0.225, 0.225)


def frames_to_input(frames: torch.Tensor) -> torch.Tensor:
    """uint8 frames [B, T, H, W, 3] -> float [B, 3, T, H, W] in [0, 1]."""
    return frames.permute(0, 4, 1, 2, 3).float().div_(255.0)


class Normalize(nn.Module):
    """Standardize [B, 3, T, H, W] inputs in [0, 1] with fixed per-channel mean and std."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor(MEAN).view(1, 3, 1, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(STD).view(1, 3, 1, 1, 1), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


class PLDNet(nn.Module):
    """Pixel-level distinction network: per-pixel highlight logits, frame logits pooled from them."""

    has_pixel_maps = True

    def __init__(self, *, encoder: VideoEncoder, temporal: nn.Module, decoder: PixelDecoder,
                 spatial: SpatialSaliencyModule, pixel_head: PixelHead, pool: TopKPool):
        super().__init__()
        self.normalize = Normalize()
        self.encoder = encoder
        self.temporal = temporal
        self.decoder = decoder
        self.spatial = spatial
        self.pixel_head = pixel_head
        self.pool = pool

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        size = tuple(x.shape[-2:])
        features = self.encoder(self.normalize(x))
        decoded = self.decoder(self.temporal(features[-1]), features[:-1])
        saliency = self.spatial(features[0], features[1])
        pixel_logits = self.pixel_head(self.spatial.gate(decoded, saliency), size)
        return {
            "frame_logits": self.pool(pixel_logits),
            "pixel_logits": pixel_logits,
            "saliency_logits": resize_maps(saliency[:, 0], size),
        }


class FrameNet(nn.Module):
    """Frame-level-only ablation: encoder, temporal module, frame head."""

    has_pixel_maps = False

    def __init__(self, *, encoder: VideoEncoder, temporal: nn.Module, head: FrameHead):
        super().__init__()
        self.normalize = Normalize()
        self.encoder = encoder
        self.temporal = temporal
        self.head = head

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        bottleneck = self.encoder(self.normalize(x))[-1]
        return {"frame_logits": self.head(self.temporal(bottleneck))}


def create_pld_net(*, base_channels: int, stages: int, temporal: str, temporal_layers: int, heads: int,
                   dropout: float, pool_top_fraction: float) -> PLDNet:
    """Assemble the PLD network."""
    encoder = create_encoder(base_channels=base_channels, stages=stages)
    return PLDNet(
        encoder=encoder,
        temporal=create_temporal_module(kind=temporal, channels=encoder.channels[-1], layers=temporal_layers,
                                        heads=heads, dropout=dropout),
        decoder=create_decoder(channels=encoder.channels),
        spatial=create_spatial_module(channels=encoder.channels),
        pixel_head=PixelHead(in_channels=encoder.channels[0]),
        pool=TopKPool(fraction=pool_top_fraction),
    )


def create_frame_net(*, base_channels: int, stages: int, temporal: str, temporal_layers: int, heads: int,
                     dropout: float) -> FrameNet:
    """Assemble the frame-level-only network from the same encoder and temporal module."""
    encoder = create_encoder(base_channels=base_channels, stages=stages)
    return FrameNet(
        encoder=encoder,
        temporal=create_temporal_module(kind=temporal, channels=encoder.channels[-1], layers=temporal_layers,
                                        heads=heads, dropout=dropout),
        head=FrameHead(in_channels=encoder.channels[-1], dropout=dropout),
    )


def build_model(model: ModelSettings) -> PLDNet | FrameNet:
    """The network ``model`` (the ``model:`` section of params.yaml) describes."""
    common = dict(base_channels=model.base_channels, stages=model.encoder_stages, temporal=model.temporal,
                  temporal_layers=model.temporal_layers, heads=model.heads, dropout=model.dropout)
    if model.variant == "pld":
        return create_pld_net(**common, pool_top_fraction=model.pool_top_fraction)
    if model.variant == "frame":
        return create_frame_net(**common)
    raise ConfigError(f"model.variant: unknown variant {model.variant!r} (pld | frame)")
