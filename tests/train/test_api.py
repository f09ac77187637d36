"""train_model end to end on the real stages' output: files, MLflow run, resume, cache, CLI."""
from __future__ import annotations

import mlflow
import numpy as np
import pytest
from click.testing import CliRunner

from pld_core.data import data_version
from pld_core.errors import DataError
from pld_core.infer import load_scorer
from pld_core.model import load_checkpoint
from pld_core.train import TrainResult, train_model
from tests.model.conftest import TINY_MODEL, TINY_VIDEO
from tests.train.conftest import TINY_TRAIN


def _train(settings, stages, out, **kwargs):
    return train_model(settings, stages["ingested"], stages["labels"], stages["pseudo"], out, **kwargs)


def _client(settings):
    from pld_core.tracking import configure

    configure(settings)
    return mlflow.MlflowClient()


def test_train_log_resume_and_skip(tiny_settings, demo_stages, tmp_path):
    out = tmp_path / "models"
    first = _train(tiny_settings.with_overrides({"train.epochs": 1}), demo_stages, out)
    assert first.checkpoint == out / "best.pt" and (out / "last.pt").is_file()
    assert TrainResult.read(out) == first and first.device == "cpu"
    assert {"val_spearman", "best_epoch", "epochs", "windows_per_s", "peak_rss_mb"} <= set(first.metrics)
    steps_per_epoch = load_checkpoint(out / "last.pt")["step"]

    client = _client(tiny_settings)
    run = client.get_run(first.run_id)
    assert run.data.params["model.variant"] == "pld" and run.data.params["video.window"] == "8"
    assert run.data.tags["data_version"] == data_version(demo_stages["ingested"]) and "git_commit" in run.data.tags
    assert "val_spearman" in run.data.metrics and "train_pixel_loss" in run.data.metrics
    artifacts = {a.path for folder in ("checkpoint", "plots") for a in client.list_artifacts(first.run_id, folder)}
    assert {"checkpoint/best.pt", "plots/loss_curves.png", "plots/val_scores.png"} <= artifacts
    assert any(a.startswith("plots/pixel_maps_") for a in artifacts)

    second = _train(tiny_settings, demo_stages, out)  # train.epochs = 2: one more epoch
    ckpt = load_checkpoint(out / "last.pt")
    assert ckpt["epoch"] == 1 and ckpt["step"] == 2 * steps_per_epoch
    resumed = client.get_run(second.run_id)
    assert resumed.data.tags["resumed_from"].startswith(first.run_id)
    assert [m.step for m in client.get_metric_history(second.run_id, "train_loss")] == [0, 1]

    again = _train(tiny_settings, demo_stages, out)  # nothing left to do: the same result, no new run
    assert again == second
    fresh = _train(tiny_settings.with_overrides({"train.epochs": 1}), demo_stages, out, resume=False)
    assert fresh.run_id != second.run_id and "resumed_from" not in client.get_run(fresh.run_id).data.tags
    scores, maps = load_scorer(fresh.checkpoint, tiny_settings).score_frames(np.zeros((10, 16, 16, 3), np.uint8))
    assert scores.shape == (10,) and maps.shape == (10, 16, 16)


def test_frame_variant_needs_no_pseudo_labels(tiny_settings, demo_stages, tmp_path):
    settings = tiny_settings.with_overrides({"model.variant": "frame", "train.epochs": 1})
    result = train_model(settings, demo_stages["ingested"], demo_stages["labels"], tmp_path / "absent",
                         tmp_path / "frame")
    assert load_scorer(result.checkpoint, settings).has_maps is False


def test_missing_labels_are_a_data_error(tiny_settings, demo_stages, tmp_path):
    with pytest.raises(DataError, match="frame_labels.parquet: frame labels not found"):
        train_model(tiny_settings, demo_stages["ingested"], tmp_path / "nolabels", demo_stages["pseudo"], tmp_path)


def test_pld_train_prints_run_and_checkpoint(demo_stages, tmp_path, tracking_uri):
    from pld_core.cli import main

    overrides = {**TINY_MODEL, **TINY_VIDEO, **TINY_TRAIN, "train.epochs": 1,
                 "paths.cache": str(tmp_path / "cache"),
                 "registry.tracking_uri": tracking_uri}
    args = [a for k, v in overrides.items() for a in ("--set", f"{k}={v}")]
    result = CliRunner().invoke(main, [*args, "train", "--ingested", str(demo_stages["ingested"]),
                                       "--labels", str(demo_stages["labels"]), "--pseudo", str(demo_stages["pseudo"]),
                                       "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "run id: " in result.output and f"checkpoint: {tmp_path / 'm' / 'best.pt'}" in result.output


def test_a_split_without_videos_is_a_data_error(tiny_settings, demo_stages, tmp_path):
    import json
    import shutil

    ingested = tmp_path / "ingested"
    shutil.copytree(demo_stages["ingested"], ingested)
    splits = json.loads((ingested / "splits.json").read_text())
    (ingested / "splits.json").write_text(json.dumps({**splits, "train": splits["train"] + splits["val"], "val": []}))
    with pytest.raises(DataError, match="splits.json: no val videos with a video file and frame labels"):
        train_model(tiny_settings, ingested, demo_stages["labels"], demo_stages["pseudo"], tmp_path / "m")
