"""Inference folds batch norm into the convolutions: fewer passes, the same outputs."""
from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from pld_core.infer import fold_batchnorm
from pld_core.model import build_model


@pytest.mark.parametrize("variant, temporal", [("pld", "attention"), ("pld", "conv"), ("frame", "conv")])
def test_folded_network_gives_the_same_outputs_without_batch_norm(settings, variant, temporal):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = build_model(settings.model.model_copy(update={"variant": variant, "temporal": temporal,
                                                          "base_channels": 4, "heads": 2}))
    for module in model.modules():  # trained-looking statistics, so that folding has work to do
        if isinstance(module, nn.BatchNorm3d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    model.eval()
    folded = fold_batchnorm(copy.deepcopy(model))
    assert not any(isinstance(m, nn.BatchNorm3d) for m in folded.modules())
    x = torch.rand(2, 3, 8, 16, 16)
    with torch.inference_mode():
        expected, got = model(x), folded(x)
    assert expected.keys() == got.keys()
    for key in expected:
        assert torch.allclose(expected[key], got[key], atol=1e-5), key
