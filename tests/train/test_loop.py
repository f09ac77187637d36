"""The loop: the loss falls, a resumed run is the run that never stopped, early stopping, CUDA."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from pld_core.model import build_model, load_checkpoint, save_checkpoint
from pld_core.train.loop import TrainState, Trainer, make_loader, validate
from pld_core.train.windows import Augmentation, WindowDataset

CPU = torch.device("cpu")


def _trainer(settings, device=CPU) -> Trainer:
    torch.manual_seed(settings.train.seed)
    return Trainer(build_model(settings.model), settings.train, device=device, binary=False)


def _loader(settings, records):
    ds = WindowDataset(records, window=8, stride=4, seed=settings.train.seed, augmentation=Augmentation(0.1, 0.1))
    return make_loader(ds, batch_size=4, num_workers=0, seed=settings.train.seed)


@pytest.mark.parametrize("variant", ["pld", "frame"])
def test_loss_falls_on_cpu(tiny_settings, records, variant):
    settings = tiny_settings.with_overrides({"model.variant": variant})
    trainer = _trainer(settings)
    ds = WindowDataset(records if variant == "pld" else [type(r)(r.video_id, r.frames_path, r.targets, None)
                                                         for r in records], window=8, stride=4, seed=0)
    batch = {k: torch.stack([ds[i][k] for i in range(4)]) for k in ds[0]}
    losses = [trainer.train_step(batch)["loss"] for _ in range(25)]
    assert trainer.step == 25
    assert losses[-1] < 0.7 * losses[0], losses


def test_resume_continues_at_the_same_step_with_the_same_optimizer_state(tiny_settings, records, tmp_path):
    straight = _trainer(tiny_settings)
    for epoch in range(2):
        straight.train_epoch(_loader(tiny_settings, records), epoch)

    first = _trainer(tiny_settings)
    first.train_epoch(_loader(tiny_settings, records), 0)
    path = save_checkpoint(tmp_path / "last.pt", {**first.state_dict(), "epoch": 0,
                                                   "settings": {"model": {}, "video": {}}})
    resumed = _trainer(tiny_settings.with_overrides({"train.seed": 99}))  # different init: all comes from the file
    resumed.load_state_dict(load_checkpoint(path))
    assert resumed.step == first.step == len(_loader(tiny_settings, records))
    saved, loaded = first.optimizer.state_dict(), resumed.optimizer.state_dict()
    assert saved["param_groups"] == loaded["param_groups"]
    for key, state in saved["state"].items():
        for name, value in state.items():
            assert torch.equal(value, loaded["state"][key][name]), (key, name)
    resumed.train_epoch(_loader(tiny_settings, records), 1)
    assert resumed.step == straight.step
    for (name, a), b in zip(straight.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.equal(a, b), name


def test_early_stopping_state():
    state = TrainState()
    assert state.record(0, {"val_spearman": 0.2}, 0.2, patience=2)
    assert not state.record(1, {"val_spearman": 0.1}, 0.1, patience=2) and not state.stopped
    assert state.record(2, {"val_spearman": 0.3}, 0.3, patience=2) and state.bad_epochs == 0
    assert not state.record(3, {}, float("nan"), patience=2)  # an undefined metric never improves
    assert not state.record(4, {}, 0.3, patience=2)           # equal is not better
    assert state.stopped and state.best_epoch == 2 and state.epoch == 4
    assert TrainState.from_dict(state.to_dict()) == state


def test_validation_ranks_frames_with_the_inference_path(tiny_settings, records):
    trainer = _trainer(tiny_settings)
    for epoch in range(6):
        trainer.train_epoch(_loader(tiny_settings, records), epoch)
    result = validate(trainer.model, records[:2], tiny_settings, CPU, keep_maps=1)
    assert set(result.curves) == {"a", "b"} and list(result.maps) == ["a"]
    assert result.maps["a"].shape == (24, 16, 16)
    assert result.spearman > 0.3  # the lit square is easy to find
    assert trainer.model.training  # validation leaves the mode as it found it


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_amp_channels_last_steps(tiny_settings, records):
    trainer = _trainer(tiny_settings.with_overrides({"train.amp": True}), device=torch.device("cuda"))
    assert trainer.amp and trainer.channels_last
    stats = trainer.train_epoch(_loader(tiny_settings, records), 0)
    assert np.isfinite(stats["train_loss"]) and trainer.step > 0
    assert next(trainer.model.parameters()).is_cuda
