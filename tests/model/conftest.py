"""Tiny model settings: 16x16 frames, windows of 8, 4 base channels."""
from __future__ import annotations

import pytest
import torch

torch.set_num_threads(1)

TINY_MODEL = {"model.base_channels": 4, "model.heads": 2, "model.encoder_stages": 2, "model.dropout": 0.0}
TINY_VIDEO = {"video.height": 16, "video.width": 16, "video.window": 8, "video.stride": 4}


@pytest.fixture
def tiny_settings(settings):
    return settings.with_overrides({**TINY_MODEL, **TINY_VIDEO})
