"""The training step as the external process of Dagster Pipes, e.g. on a GPU pod under torchrun:

    torchrun --standalone --nproc-per-node 4 deploy/pipes_train.py

Dagster starts it (``PipesK8sClient`` on a cluster, ``PipesSubprocessClient`` on one host; see
``orchestration/pipes_training.py``) with the Pipes context in its environment. The context's
extras name the settings: ``params_path`` (a params.yaml this process can read, e.g. on the
volume every pod mounts at the same path) and ``overrides`` (``section.key=value``). Every rank
trains (``pld_core.train``: DDP under torchrun, CUDA when present); rank 0 alone talks to
Dagster: it reports the ``trained_model`` materialization with the training metrics, the
checkpoint and the MLflow run id (that run is tagged with the Dagster run id). Only
``dagster_pipes`` and ``pld_core`` are imported.
"""
from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Mapping
from typing import Any

from dagster_pipes import PipesDefaultContextLoader, PipesEnvVarParamsLoader, open_dagster_pipes

from pld_core.config import Settings, load_settings
from pld_core.errors import ConfigError
from pld_core.tracking import DAGSTER_RUN_ENV


def settings_from(extras: Mapping[str, Any]) -> Settings:
    """The settings the extras name: ``params_path`` plus ``overrides``."""
    if "params_path" not in extras:
        raise ConfigError("Pipes extras: params_path is missing (the params.yaml this process reads)")
    return load_settings(extras["params_path"], list(extras.get("overrides") or []))


def train(settings: Settings):
    """``pld_core.train.train_model`` on the configured dataset's folders."""
    from pld_core.train import train_model

    s = settings
    return train_model(s, s.dataset_dir("ingested"), s.dataset_dir("labels"), s.dataset_dir("pseudo"),
                       s.dataset_dir("models"))


def materialization_metadata(result) -> dict[str, Any]:
    """Metrics (non-finite ones as text), checkpoint, device and MLflow run id, for Dagster."""
    metrics = {f"metrics.{k}": v if math.isfinite(v) else str(v) for k, v in result.metrics.items()}
    return {**metrics, "checkpoint": {"raw_value": str(result.checkpoint), "type": "path"},
            "device": result.device, "mlflow_run_id": result.run_id}


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    params = PipesEnvVarParamsLoader()
    if not params.is_dagster_pipes_process():
        print("pipes_train.py: not started by Dagster Pipes (to train by hand: pld train)", file=sys.stderr)
        return 2
    if int(os.environ.get("RANK", "0")) != 0:
        with PipesDefaultContextLoader().load_context(params.load_context_params()) as data:
            extras = data.get("extras") or {}
        train(settings_from(extras))
        return 0
    with open_dagster_pipes() as pipes:
        os.environ[DAGSTER_RUN_ENV] = pipes.run_id
        result = train(settings_from(pipes.extras))  # an error reaches Dagster as the step's failure
        pipes.report_asset_materialization(metadata=materialization_metadata(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
