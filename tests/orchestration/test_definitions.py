"""The code location loads, and holds every asset, check, job, schedule, sensor and resource."""
import pytest

from orchestration.partitions import videos
from orchestration.resources import GPU_POOL

ASSETS = {"raw_videos", "ingested_dataset", "consensus_labels", "saliency_pseudo_labels", "trained_model",
          "benchmark_evaluation", "registered_model", "ad_clips"}
CHECKS = {"gx_videos_suite", "gx_annotations_suite", "gx_raters_suite", "gx_splits_suite", "raters_agree",
          "pseudo_labels_not_flat", "evaluation_above_chance"}
BLOCKING = {"gx_videos_suite", "gx_annotations_suite", "gx_raters_suite", "gx_splits_suite",
            "evaluation_above_chance"}


@pytest.fixture(scope="module")
def repo():
    from orchestration.definitions import defs

    return defs().get_repository_def()


def test_every_asset_check_job_schedule_sensor_is_defined(repo):
    graph = repo.asset_graph
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == ASSETS
    assert {k.name for k in graph.asset_check_keys} == CHECKS
    assert {"full_pipeline", "retrain", "video_pipeline", "relabel"} <= {j.name for j in repo.get_all_jobs()}
    assert {s.name for s in repo.schedule_defs} == {"weekly_retrain"}
    assert {"inbox_sensor", "follow_new_data"} == {s.name for s in repo.sensor_defs}
    assert set(repo.get_top_level_resources()) == {"settings", "mlflow", "dvc", "compute"}


def test_blocking_checks_guard_ingestion_and_registration(repo):
    graph = repo.asset_graph
    blocking = {k.name for k in graph.asset_check_keys if graph.get_check_spec(k).blocking}
    assert blocking == BLOCKING


def test_partitions_pools_and_automation(repo):
    graph = repo.asset_graph
    node = {k.to_user_string(): graph.get(k) for k in graph.get_all_asset_keys()}
    partitioned = {name for name, n in node.items() if n.partitions_def is not None}
    assert partitioned == {"ingested_dataset", "saliency_pseudo_labels"}
    assert all(node[name].partitions_def == videos for name in partitioned)
    assert node["trained_model"].pools == {GPU_POOL}
    assert node["trained_model"].automation_condition is not None
    retrain = repo.get_job("retrain")
    assert {k.to_user_string() for k in retrain.asset_layer.selected_asset_keys} == {
        "trained_model", "benchmark_evaluation", "registered_model"}


def test_team_profile_runs_steps_on_celery_workers(monkeypatch):
    from orchestration.definitions import defs

    monkeypatch.setenv("PLD_PROFILE", "team")
    team = defs().get_repository_def()
    assert team.get_job("retrain").executor_def.name == "celery"
    monkeypatch.setenv("PLD_PROFILE", "local")
    assert defs().get_repository_def().get_job("retrain").executor_def.name != "celery"
