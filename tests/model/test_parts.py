"""Every part of the network keeps the shapes the docstrings promise, for both variants."""
from __future__ import annotations

import pytest
import torch

from pld_core.errors import ConfigError
from pld_core.model import build_model, frames_to_input
from pld_core.model.decoder import create_decoder
from pld_core.model.encoder import create_encoder
from pld_core.model.heads import FrameHead, TopKPool
from pld_core.model.spatial import create_spatial_module
from pld_core.model.temporal import create_temporal_module

B, T, H, W = 2, 8, 16, 16


def test_encoder_halves_space_and_keeps_time():
    encoder = create_encoder(base_channels=4, stages=2)
    features = encoder(torch.rand(B, 3, T, H, W))
    assert [tuple(f.shape) for f in features] == [(B, 4, T, 8, 8), (B, 8, T, 4, 4), (B, 16, T, 2, 2)]
    assert encoder.channels == [4, 8, 16]


@pytest.mark.parametrize("kind", ["attention", "conv"])
def test_temporal_modules_keep_shape_and_mix_frames(kind):
    module = create_temporal_module(kind=kind, channels=16, layers=2, heads=4, dropout=0.0).eval()
    x = torch.rand(B, 16, T, 2, 2)
    y = module(x)
    assert y.shape == x.shape
    # Changing frame 3 changes the output at frame 0: time is fused (2 conv layers reach 3 frames).
    x2 = x.clone()
    x2[:, :, 3] += torch.randn_like(x2[:, :, 3])
    assert not torch.allclose(module(x2)[:, :, 0], y[:, :, 0])


def test_attention_needs_heads_that_divide_the_channels():
    with pytest.raises(ConfigError, match="model.heads"):
        create_temporal_module(kind="attention", channels=16, layers=1, heads=3, dropout=0.0)


def test_decoder_returns_stem_resolution_and_spatial_module_gates():
    encoder = create_encoder(base_channels=4, stages=2)
    features = encoder(torch.rand(B, 3, T, H, W))
    decoded = create_decoder(channels=encoder.channels)(features[-1], features[:-1])
    assert decoded.shape == (B, 4, T, 8, 8)
    spatial = create_spatial_module(channels=encoder.channels)
    saliency = spatial(features[0], features[1])
    assert saliency.shape == (B, 1, T, 8, 8)
    gated = spatial.gate(decoded, saliency)
    assert torch.all(gated.abs() >= decoded.abs() - 1e-6) and torch.all(gated.abs() <= 2 * decoded.abs() + 1e-6)


def test_top_k_pool_averages_the_highest_pixels():
    pool = TopKPool(fraction=0.25)
    logits = torch.zeros(1, 1, 2, 2)
    logits[0, 0, 0, 0] = 4.0  # top 25% of 4 pixels = the single highest
    assert pool(logits).item() == pytest.approx(4.0)
    head = FrameHead(in_channels=16, dropout=0.0)
    assert head(torch.rand(B, 16, T, 2, 2)).shape == (B, T)


@pytest.mark.parametrize("temporal", ["attention", "conv"])
def test_pld_variant_gives_frame_logits_pixel_and_saliency_maps(tiny_settings, temporal):
    model = build_model(tiny_settings.model.model_copy(update={"temporal": temporal}))
    out = model(torch.rand(B, 3, T, H, W))
    assert out["frame_logits"].shape == (B, T)
    assert out["pixel_logits"].shape == out["saliency_logits"].shape == (B, T, H, W)
    assert model.has_pixel_maps


def test_frame_variant_has_no_pixel_map_and_no_saliency_branch(tiny_settings):
    pld = build_model(tiny_settings.model)
    frame = build_model(tiny_settings.model.model_copy(update={"variant": "frame"}))
    out = frame(torch.rand(B, 3, T, H, W))
    assert set(out) == {"frame_logits"} and out["frame_logits"].shape == (B, T)
    assert not frame.has_pixel_maps and not hasattr(frame, "spatial") and not hasattr(frame, "decoder")
    # Same encoder and temporal module: identical parameter shapes there.
    shapes = lambda m: [p.shape for p in m.parameters()]  # noqa: E731
    assert shapes(frame.encoder) == shapes(pld.encoder) and shapes(frame.temporal) == shapes(pld.temporal)


def test_odd_frame_sizes_still_give_full_size_maps(tiny_settings):
    out = build_model(tiny_settings.model)(torch.rand(1, 3, T, 18, 22))
    assert out["pixel_logits"].shape == (1, T, 18, 22)


def test_frames_to_input_scales_and_moves_channels():
    frames = torch.full((B, T, H, W, 3), 255, dtype=torch.uint8)
    x = frames_to_input(frames)
    assert x.shape == (B, 3, T, H, W) and x.dtype == torch.float32 and torch.all(x == 1.0)
