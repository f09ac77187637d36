"""Checkpoints rebuild the network from the file alone; broken files are ModelErrors."""
from __future__ import annotations

import pytest
import torch

from pld_core.errors import ModelError
from pld_core.model import build_model, load_checkpoint, model_from_checkpoint, save_checkpoint


def _payload(settings, model):
    return {"model_state": model.state_dict(), "epoch": 0, "step": 3,
            "settings": {"model": settings.model.model_dump(mode="json"),
                         "video": settings.video.model_dump(mode="json"), "label_mode": "regression"}}


@pytest.mark.parametrize("variant", ["pld", "frame"])
def test_round_trip_rebuilds_the_same_network(tiny_settings, tmp_path, variant):
    settings = tiny_settings.with_overrides({"model.variant": variant})
    torch.manual_seed(1)
    model = build_model(settings.model).eval()
    path = save_checkpoint(tmp_path / "m.pt", _payload(settings, model))
    rebuilt = model_from_checkpoint(load_checkpoint(path), path)
    x = torch.rand(1, 3, 8, 16, 16)
    with torch.inference_mode():
        assert torch.equal(model(x)["frame_logits"], rebuilt(x)["frame_logits"])
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically, nothing left behind


def test_missing_corrupt_and_foreign_files(tiny_settings, tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_checkpoint(tmp_path / "nope.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError, match="junk.pt: not a readable checkpoint"):
        load_checkpoint(tmp_path / "junk.pt")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "foreign.pt")
    with pytest.raises(ModelError, match="not a pld-checkpoint/1"):
        load_checkpoint(tmp_path / "foreign.pt")


def test_weights_of_another_architecture_are_refused(tiny_settings, tmp_path):
    model = build_model(tiny_settings.model)
    payload = _payload(tiny_settings, model)
    payload["settings"]["model"]["base_channels"] = 8  # says 8 channels, holds weights of 4
    path = save_checkpoint(tmp_path / "m.pt", payload)
    with pytest.raises(ModelError, match="weights do not fit"):
        model_from_checkpoint(load_checkpoint(path), path)
    payload["settings"]["model"]["unknown_key"] = 1
    path = save_checkpoint(tmp_path / "m2.pt", payload)
    with pytest.raises(ModelError, match="settings do not fit"):
        model_from_checkpoint(load_checkpoint(path), path)
