"""Training through Dagster Pipes: deploy/pipes_train.py under torchrun (two CPU ranks, gloo),
started by PipesSubprocessClient, the way PipesK8sClient starts it on a GPU pod."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.pipes_training import ENTRY_POINT, SubprocessTraining, pipes_trained_model
from orchestration.resources import DvcResource, MlflowResource, SettingsResource
from pld_core.errors import ConfigError
from tests.orchestration.conftest import write_params


def test_training_runs_under_torchrun_and_rank_zero_reports_the_materialization(staged_settings, tmp_path):
    params = write_params(staged_settings, tmp_path / "params.yaml")
    result = dg.materialize([pipes_trained_model], resources={
        "settings": SettingsResource(params_path=str(params), overrides=["train.seed=3"]),
        "trainer": SubprocessTraining(nproc=2), "mlflow": MlflowResource(ui_url="http://mlflow.test"),
        "dvc": DvcResource()})
    assert result.success

    [materialization] = result.asset_materializations_for_node("trained_model")   # rank 1 reported nothing
    meta = {key: value.value for key, value in materialization.metadata.items()}
    assert meta["device"] == "cpu x2 (ddp)" and meta["metrics.epochs"] == 1.0
    assert Path(meta["checkpoint"]).is_file()
    assert meta["mlflow_run"].endswith(f"/runs/{meta['mlflow_run_id']}")

    from pld_core.tracking import client

    run = client(staged_settings).get_run(meta["mlflow_run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.tags["dagster_run_id"] == result.run_id            # the Pipes context's run id
    assert run.data.params["train.seed"] == "3"                        # the overrides travelled as extras


def test_entry_point_needs_dagster_pipes_and_a_params_path():
    alone = subprocess.run([sys.executable, str(ENTRY_POINT)], capture_output=True, text=True, timeout=120)
    assert alone.returncode == 2 and "not started by Dagster Pipes" in alone.stderr

    spec = importlib.util.spec_from_file_location("pipes_train", ENTRY_POINT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(ConfigError, match="params_path"):
        module.settings_from({"overrides": []})
