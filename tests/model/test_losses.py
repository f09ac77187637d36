"""Losses: right targets score lower, padding is ignored, weights select the parts."""
from __future__ import annotations

import pytest
import torch

from pld_core.model import frame_loss, pixel_loss, saliency_loss, total_loss

B, T, H, W = 2, 6, 8, 8


def _targets():
    torch.manual_seed(0)
    targets = (torch.rand(B, T, H, W) > 0.7).float()
    return targets, torch.ones(B, T, dtype=torch.bool)


@pytest.mark.parametrize("binary", [True, False])
def test_pixel_loss_prefers_the_targets(binary):
    targets, mask = _targets()
    right = (targets * 2 - 1) * 5
    assert pixel_loss(right, targets, mask, binary) < pixel_loss(-right, targets, mask, binary)


def test_binary_mode_thresholds_soft_pixel_targets():
    soft = torch.full((1, 1, 2, 2), 0.6)
    mask = torch.ones(1, 1, dtype=torch.bool)
    logits = torch.full((1, 1, 2, 2), 8.0)
    # As binary targets 0.6 -> 1, so a confident positive is nearly free; as soft targets it is not.
    assert pixel_loss(logits, soft, mask, binary=True) < 0.01 < pixel_loss(logits, soft, mask, binary=False)


def test_padding_frames_do_not_count():
    targets, mask = _targets()
    mask[:, -2:] = False
    logits = torch.randn(B, T, H, W)
    changed = targets.clone()
    changed[:, -2:] = 1 - changed[:, -2:]
    assert pixel_loss(logits, targets, mask, True) == pytest.approx(float(pixel_loss(logits, changed, mask, True)))
    assert saliency_loss(logits, targets, mask) == pytest.approx(float(saliency_loss(logits, changed, mask)))
    frame_t, frame_l = targets.mean((-2, -1)), logits.mean((-2, -1))
    frame_c = frame_t.clone()
    frame_c[:, -2:] = 1 - frame_c[:, -2:]
    assert frame_loss(frame_l, frame_t, mask) == pytest.approx(float(frame_loss(frame_l, frame_c, mask)))


def test_total_loss_weights_and_parts(settings):
    targets, mask = _targets()
    outputs = {"frame_logits": torch.randn(B, T), "pixel_logits": torch.randn(B, T, H, W),
               "saliency_logits": torch.randn(B, T, H, W)}
    batch = {"mask": mask, "frame_targets": targets.mean((-2, -1)), "pixel_targets": targets, "maps": targets}
    loss, parts = total_loss(outputs, batch, settings.train, binary=False)
    t = settings.train
    expected = t.frame_loss_weight * parts["frame"] + t.pixel_loss_weight * parts["pixel"] \
        + t.saliency_loss_weight * parts["saliency"]
    assert float(loss) == pytest.approx(expected, rel=1e-5)
    only_frame = {"frame_logits": outputs["frame_logits"]}  # the frame-level variant
    loss_f, parts_f = total_loss(only_frame, batch, settings.train, binary=False)
    assert set(parts_f) == {"frame"} and float(loss_f) == pytest.approx(t.frame_loss_weight * parts["frame"])
