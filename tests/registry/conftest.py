"""Registry fixtures: tiny settings with a fresh MLflow store in tmp, real tiny checkpoints as training runs."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.model.conftest import TINY_MODEL, TINY_VIDEO
from tests.train.conftest import demo_stages  # noqa: F401 - the real ingest/label/pseudo-label stages, once

TINY = {**TINY_MODEL, **TINY_VIDEO, "registry.example_seconds": 2.0}


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory) -> Path:
    """An empty MLflow SQLite store, migrated once per session (the migration takes seconds)."""
    import mlflow

    db = tmp_path_factory.mktemp("mlflow_template") / "mlflow.db"
    mlflow.MlflowClient(f"sqlite:///{db}").search_experiments()
    return db


@pytest.fixture
def reg_settings(settings, empty_store):
    """The conftest settings (all paths and MLflow in tmp) with a tiny network and example clip,
    and a fresh copy of the empty store at their tracking URI."""
    import shutil

    from pld_core.tracking import tracking_uri

    tiny = settings.with_overrides(TINY)
    db = Path(tracking_uri(tiny).removeprefix("sqlite:///"))
    db.parent.mkdir(parents=True)
    shutil.copyfile(empty_store, db)
    return tiny


@pytest.fixture
def make_training(reg_settings) -> Callable[..., object]:
    """``make_training(seed)``: a real (untrained) tiny PLD checkpoint and its MLflow run, as a TrainResult."""
    import torch

    from pld_core.model import build_model, save_checkpoint
    from pld_core.tracking import start_run
    from pld_core.train.result import TrainResult

    torch.set_num_threads(1)

    def make(seed: int, settings=None):
        settings = settings or reg_settings
        torch.manual_seed(seed)
        net = build_model(settings.model)
        folder = settings.dataset_dir("models") / f"seed{seed}"
        checkpoint = save_checkpoint(folder / "best.pt", {
            "model_state": net.state_dict(), "epoch": 0, "step": 0,
            "settings": {"model": settings.model.model_dump(mode="json"),
                         "video": settings.video.model_dump(mode="json"), "label_mode": settings.labels.mode}})
        with start_run(settings, f"train-seed{seed}", tags={"data_version": "data-v1"}) as run:
            pass
        result = TrainResult(checkpoint=Path(checkpoint), run_id=run.info.run_id, metrics={}, device="cpu")
        result.write(folder)
        return result

    return make


def evaluation(spearman: float, split: str = "test", data_version: str = "data-v1") -> dict:
    """An evaluation.json dict in the contract's format with the given primary metric."""
    return {"model": "tiny", "split": split, "data_version": data_version,
            "metrics": {"spearman": spearman, "kendall": spearman * 0.8, "map_top5": 0.5, "f1": 0.4},
            "baselines": {"random": {"spearman": 0.0}, "uniform": {"spearman": 0.0}}, "per_video": []}
