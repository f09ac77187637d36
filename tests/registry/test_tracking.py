"""The MLflow session: which store wins, and what every run is tagged with."""
import shutil

import mlflow

from pld_core.tracking import DAGSTER_RUN_ENV, TRACKING_ENV, configure, start_run, tracking_uri


def test_params_yaml_store_is_not_overridden_by_mlflows_own_env_mirror(reg_settings, tmp_path, monkeypatch):
    monkeypatch.delenv(TRACKING_ENV, raising=False)
    configure(reg_settings)  # mlflow.set_tracking_uri mirrors the URI into the environment
    other = reg_settings.with_overrides({"registry.tracking_uri": f"sqlite:///{tmp_path / 'other.db'}"})
    assert tracking_uri(other) == f"sqlite:///{tmp_path / 'other.db'}"


def test_a_users_tracking_env_wins_and_survives(reg_settings, tmp_path, monkeypatch):
    users = f"sqlite:///{tmp_path / 'mlruns' / 'mlflow.db'}"
    monkeypatch.setenv(TRACKING_ENV, users)
    elsewhere = reg_settings.with_overrides({"registry.tracking_uri": "http://127.0.0.1:9"})
    assert tracking_uri(elsewhere) == users
    configure(elsewhere)
    assert mlflow.get_tracking_uri() == users and tracking_uri(elsewhere) == users


def test_runs_carry_git_commit_data_version_and_dagster_run(reg_settings, demo_stages, monkeypatch):
    from pld_core.data import data_version

    monkeypatch.setenv(DAGSTER_RUN_ENV, "dagster-run-7")
    with start_run(reg_settings, "before-ingest") as run:
        pass
    tags = mlflow.MlflowClient(tracking_uri(reg_settings)).get_run(run.info.run_id).data.tags
    assert tags["git_commit"] and "data_version" not in tags

    shutil.copytree(demo_stages["ingested"], reg_settings.dataset_dir("ingested"))
    with start_run(reg_settings, "after-ingest") as run:
        pass
    tags = mlflow.MlflowClient(tracking_uri(reg_settings)).get_run(run.info.run_id).data.tags
    assert tags["data_version"] == data_version(demo_stages["ingested"])
    assert tags["dagster_run_id"] == "dagster-run-7"
