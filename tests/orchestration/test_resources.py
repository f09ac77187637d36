"""Resources: settings with per-run overrides, device choice, profile, MLflow run tagging, DVC records."""
import os
import subprocess
import sys

import dagster as dg
import pytest
import yaml

from orchestration.resources import ComputeResource, DvcResource, MlflowResource, SettingsResource, current_profile
from pld_core.config import load_settings
from pld_core.errors import ConfigError, ModelError
from pld_core.tracking import DAGSTER_RUN_ENV
from tests.orchestration.conftest import write_params


def test_settings_resource_applies_per_run_overrides(settings, tmp_path):
    params = write_params(settings, tmp_path / "params.yaml")
    loaded = SettingsResource(params_path=str(params), overrides=["train.epochs=2"]).load()
    assert loaded.train.epochs == 2 and loaded.paths.models == settings.paths.models
    with pytest.raises(ConfigError, match="train.nope"):
        SettingsResource(params_path=str(params), overrides=["train.nope=1"]).load()


def test_compute_resource_resolves_without_changing_itself(settings):
    import torch

    compute = ComputeResource()
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert compute.resolve_device(settings) == expected
    assert compute.training_settings(settings).train.device == expected
    assert compute.device is None
    assert ComputeResource(device="cpu").resolve_device(settings) == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(ModelError, match="cuda"):
            ComputeResource(device="cuda").resolve_device(settings)
    with pytest.raises(ConfigError, match="tpu"):
        ComputeResource(device="tpu").resolve_device(settings)


def test_profile_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("PLD_PROFILE", raising=False)
    assert current_profile() == "local"
    monkeypatch.setenv("PLD_PROFILE", "staging")
    with pytest.raises(ConfigError, match="staging"):
        current_profile()


def test_mlflow_resource_tags_runs_with_the_dagster_run_id(monkeypatch):
    monkeypatch.delenv(DAGSTER_RUN_ENV, raising=False)
    seen = {}

    @dg.asset
    def probe(context: dg.AssetExecutionContext, mlflow: MlflowResource) -> None:
        seen["env"], seen["run"] = os.environ.get(DAGSTER_RUN_ENV), context.run_id

    assert dg.materialize([probe], resources={"mlflow": MlflowResource(ui_url="http://mlflow.test")}).success
    assert seen["env"] == seen["run"]
    assert DAGSTER_RUN_ENV not in os.environ
    assert MlflowResource(ui_url="http://m/").model_version_url("pld-vhd", 3) == "http://m/#/models/pld-vhd/versions/3"


def test_dvc_resource_records_a_stage_only_in_its_own_dvc_workspace(settings, tmp_path):
    assert "differ" in DvcResource().commit(settings, "ingest")   # the repo's stages, but tmp folders
    elsewhere = settings.model_copy(update={"root": tmp_path})
    assert "not a DVC workspace" in DvcResource().commit(elsewhere, "ingest")

    root = tmp_path / "workspace"
    (root / "data").mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "dvc", "init", "--no-scm", "-q"], cwd=root, check=True)
    (root / "dvc.yaml").write_text("stages:\n  make:\n    cmd: echo made\n    outs: [data]\n")
    (root / "data" / "table.parquet").write_bytes(b"rows")
    workspace = load_settings(write_params(settings.model_copy(update={"root": root}), root / "params.yaml"))

    assert DvcResource().commit(workspace, "make") == "recorded as DVC stage make"
    lock = yaml.safe_load((root / "dvc.lock").read_text())
    [out] = lock["stages"]["make"]["outs"]
    assert out["path"] == "data" and out["nfiles"] == 1 and out["md5"].endswith(".dir")
