"""What a training run writes to MLflow: params, per-epoch metrics, plots, the checkpoint."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pld_core.config import Settings
from pld_core.train.data import VideoRecord
from pld_core.train.loop import Validation
from pld_core.train import plots


def log_params(settings: Settings, extra: dict[str, object]) -> None:
    """The flattened settings (``section.key``) plus ``extra`` (model size, data sizes)."""
    import mlflow

    mlflow.log_params({**settings.flat(), **extra})


def log_epoch(metrics: dict[str, float], epoch: int) -> None:
    """One epoch's finite metrics at step ``epoch``."""
    import mlflow

    finite = {k: float(v) for k, v in metrics.items() if k != "epoch" and np.isfinite(v)}
    mlflow.log_metrics(finite, step=epoch)


def log_final(history: list[dict[str, float]], validation: Validation, records: list[VideoRecord], fps: float,
              checkpoint: Path) -> None:
    """Loss curves, predicted-vs-consensus curves and pixel maps of the best model, and its checkpoint."""
    import mlflow

    mlflow.log_figure(plots.loss_curves(history), "plots/loss_curves.png")
    mlflow.log_figure(plots.score_curves(validation.curves, fps), "plots/val_scores.png")
    frames = {r.video_id: r for r in records}
    for video_id, maps in validation.maps.items():
        scores = validation.curves[video_id][0]
        fig = plots.pixel_maps(frames[video_id].frames(), maps, scores, video_id)
        mlflow.log_figure(fig, f"plots/pixel_maps_{video_id}.png")
    mlflow.log_artifact(str(checkpoint), artifact_path="checkpoint")
