"""The auxiliary spatial (saliency) module: where in each frame a viewer looks.

It reads the encoder's two shallowest feature maps frame by frame (no temporal
fusion: saliency is a per-frame, appearance-and-motion cue), predicts a saliency
logit map supervised by the teacher's pseudo-labels, and gates the decoder's
features with it: ``features * (1 + sigmoid(saliency))``. The pixel map is thus
steered towards salient regions, which is how pixel-level distinction gets its
"which pixels of a highlight frame matter" prior.
"""
from __future__ import annotations

import torch
from torch import nn

from pld_core.model.decoder import upsample_to
from pld_core.model.layers import conv_bn


class SpatialSaliencyModule(nn.Module):
    """Saliency logits [B, 1, T, h, w] at the stem's resolution, and the gate they apply."""

    def __init__(self, *, stem_channels: int, next_channels: int):
        super().__init__()
        self.project = nn.Conv3d(next_channels, stem_channels, 1, bias=False)
        self.net = nn.Sequential(
            conv_bn(stem_channels, stem_channels, (1, 3, 3), padding=(0, 1, 1)),
            nn.Conv3d(stem_channels, 1, 1),
        )

    def forward(self, stem: torch.Tensor, nxt: torch.Tensor) -> torch.Tensor:
        return self.net(stem + upsample_to(self.project(nxt), stem))

    @staticmethod
    def gate(features: torch.Tensor, saliency_logits: torch.Tensor) -> torch.Tensor:
        """Amplify features where the saliency map is high (x1 .. x2)."""
        return features * (1 + torch.sigmoid(saliency_logits))


def create_spatial_module(*, channels: list[int]) -> SpatialSaliencyModule:
    """Saliency module over an encoder with feature ``channels`` (shallow first)."""
    return SpatialSaliencyModule(stem_channels=channels[0], next_channels=channels[1])
