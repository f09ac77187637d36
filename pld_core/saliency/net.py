"""A compact video-saliency network: a few frames in, a distribution over pixels out.

Input: the current frame and its differences to the ``frames - 1`` previous ones
(motion), plus two coordinate channels so the net can learn a centre bias.
A small dilated encoder at 1/4 resolution predicts one logit per pixel, upsampled to
the input size; a softmax over pixels gives the gaze distribution. Fully
convolutional, so it runs at any frame size.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def _block(c_in: int, c_out: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class SaliencyNet(nn.Module):
    """``forward(clips [B, frames, 3, H, W] in [0, 1]) -> logits [B, H, W]``."""

    def __init__(self, frames: int, channels: int):
        super().__init__()
        self.frames = frames
        self.arch = {"frames": frames, "channels": channels}
        c = channels
        self.encoder = nn.Sequential(
            _block(3 * frames + 2, c), _block(c, c), nn.MaxPool2d(2),
            _block(c, 2 * c), _block(2 * c, 2 * c), nn.MaxPool2d(2),
            _block(2 * c, 4 * c), _block(4 * c, 4 * c, dilation=2), _block(4 * c, 4 * c, dilation=4),
        )
        self.head = nn.Conv2d(4 * c, 1, 1)

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        b, k, _, h, w = clips.shape
        current = clips[:, -1]
        motion = current[:, None] - clips[:, :-1]                       # [B, k-1, 3, H, W]
        ys = torch.linspace(-1, 1, h, device=clips.device).view(1, 1, h, 1).expand(b, 1, h, w)
        xs = torch.linspace(-1, 1, w, device=clips.device).view(1, 1, 1, w).expand(b, 1, h, w)
        x = torch.cat([current - 0.5, motion.reshape(b, 3 * (k - 1), h, w), ys, xs], dim=1)
        logits = self.head(self.encoder(x))
        return F.interpolate(logits, size=(h, w), mode="bilinear", align_corners=False)[:, 0]


def stack_clips(history: torch.Tensor, frames: torch.Tensor, k: int) -> torch.Tensor:
    """Clips [T, k, 3, H, W] ending at each of ``frames`` [T, 3, H, W], preceded by ``history``.

    Before the first frame of a video the first frame repeats, so ``history`` is
    ``k - 1`` frames long (possibly copies of ``frames[0]``).
    """
    sequence = torch.cat([history, frames], dim=0)                     # [k-1+T, 3, H, W]
    return sequence.unfold(0, k, 1).permute(0, 4, 1, 2, 3)              # [T, k, 3, H, W]
