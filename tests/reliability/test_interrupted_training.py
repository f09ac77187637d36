"""SIGKILL during training, then ``pld train`` again: it resumes from ``last.pt``.

At most one epoch is lost (the one in progress), and the finished run equals an
uninterrupted run with the same seed: the same validation metrics (within 1e-6) and the
same weights (within 1e-5; CPU float sums are not bit-stable across processes).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from pld_core.model import load_checkpoint
from pld_core.train import TrainResult
from tests.conftest import REPO
from tests.reliability.conftest import write_params

EPOCHS = 2
METRIC_TOLERANCE, WEIGHT_TOLERANCE = 1e-6, 1e-5


def _train(params, stages, out):
    args = ["--params", params, "train", *(f"--{k}={v}" for k, v in stages.items()), "--out", out]
    return subprocess.Popen([sys.executable, "-c", "from pld_core.cli import run; run()", *map(str, args)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})


def test_sigkill_mid_epoch_loses_at_most_that_epoch_and_resumes_to_the_same_result(tiny, stages, tmp_path):
    settings = tiny.with_overrides({"train.epochs": EPOCHS, "train.patience": EPOCHS + 1,
                                    "registry.tracking_uri": f"sqlite:///{tmp_path / 'mlflow.db'}"})
    params = write_params(settings, tmp_path / "params.yaml")
    reference = _train(params, stages, tmp_path / "reference")  # uninterrupted, alongside
    killed = _train(params, stages, out := tmp_path / "interrupted")

    deadline = time.monotonic() + 240
    while not (out / "last.pt").is_file():  # epoch 1 of 2 is saved; epoch 2 starts at once
        assert killed.poll() is None, killed.communicate()[1][-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.2)  # into the second epoch (an epoch takes seconds)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    assert killed.returncode == -signal.SIGKILL
    saved = load_checkpoint(out / "last.pt")
    assert saved["epoch"] == 0  # killed in the middle of the second epoch: only it is lost
    assert not (out / "train_result.json").exists()

    resumed = subprocess.run([sys.executable, "-c", "from pld_core.cli import run; run()", "--params", str(params),
                              "train", *(f"--{k}={v}" for k, v in stages.items()), "--out", str(out)],
                             cwd=REPO, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resuming from" in resumed.stderr and "after epoch 1" in resumed.stderr
    _, stderr = reference.communicate(timeout=300)
    assert reference.returncode == 0, stderr[-2000:]

    a, b = TrainResult.read(tmp_path / "reference"), TrainResult.read(out)
    for key in ("val_spearman", "val_kendall", "best_epoch", "epochs", "train_loss"):
        assert b.metrics[key] == pytest.approx(a.metrics[key], abs=METRIC_TOLERANCE), key
    mine, theirs = load_checkpoint(out / "last.pt"), load_checkpoint(tmp_path / "reference" / "last.pt")
    assert mine["epoch"] == theirs["epoch"] == EPOCHS - 1 and mine["step"] == theirs["step"]
    worst = max(float(np.abs(mine["model_state"][k].numpy() - theirs["model_state"][k].numpy()).max())
                for k in theirs["model_state"])
    print(f"resumed vs uninterrupted: max weight difference {worst:.1e}, val_spearman "
          f"{b.metrics['val_spearman']:.6f} vs {a.metrics['val_spearman']:.6f}")
    assert worst <= WEIGHT_TOLERANCE
