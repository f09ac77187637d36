"""The whole graph, materialized in-process on a tiny demo, the way `make demo` does it."""
import dagster as dg
import pytest
import torch

from orchestration.demo import demo_run_config, run_demo, where_to_look
from orchestration.partitions import videos
from pld_core.config import load_settings
from tests.orchestration.test_definitions import ASSETS, CHECKS

pytestmark = pytest.mark.slow
PARTITIONED = {"ingested_dataset", "saliency_pseudo_labels"}


def test_demo_materializes_every_asset_and_check_and_registers_a_champion(instance, tiny_params):
    torch.set_num_threads(1)
    runs = run_demo(instance, str(tiny_params), log_level="WARNING")
    assert runs.success

    keys = instance.get_dynamic_partitions(videos.name)
    assert len(keys) == load_settings(tiny_params).demo.n_videos
    materialized = {(e.asset_key.to_user_string(), e.partition)
                    for run in (runs.discover, runs.pipeline) for e in run.get_asset_materialization_events()}
    expected = {(a, None) for a in ASSETS - PARTITIONED} | {(a, k) for a in PARTITIONED for k in keys}
    assert materialized == expected
    evaluations = runs.pipeline.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == CHECKS
    failed = [(e.check_name, e.metadata) for e in evaluations if not e.passed]
    # Only the warning may fire: the demo plants a careless rater in every fifth video.
    assert all(e.passed or e.severity == dg.AssetCheckSeverity.WARN for e in evaluations), failed

    settings = load_settings(tiny_params)
    from pld_core.tracking import client

    mlflow = client(settings)
    champion = mlflow.get_model_version_by_alias(settings.registry.model_name, "champion")
    assert champion.tags["gate.decision"] == "promoted"
    [trained] = [e for e in runs.pipeline.get_asset_materialization_events() if e.asset_key.path == ["trained_model"]]
    training_run = mlflow.get_run(trained.materialization.metadata["mlflow_run_id"].value)
    assert training_run.data.tags["dagster_run_id"] == runs.pipeline.run_id
    assert champion.run_id == training_run.info.run_id
    clips = sorted((settings.path(settings.paths.clips) / settings.dataset.name).glob("*.mp4"))
    assert clips
    summary = where_to_look(instance, 1.0)
    assert f"models:/{settings.registry.model_name}" in summary and str(clips[0]) in summary

    # New labels make retraining (and what follows it) due; the data stages are not.
    from orchestration.definitions import defs

    definitions = defs()
    first = dg.evaluate_automation_conditions(defs=definitions, instance=instance)
    assert first.total_requested == 0
    relabeled = definitions.resolve_job_def("full_pipeline").execute_in_process(
        run_config=demo_run_config(str(tiny_params), log_level="WARNING"), instance=instance,
        asset_selection=[dg.AssetKey("consensus_labels")])
    assert relabeled.success
    second = dg.evaluate_automation_conditions(defs=definitions, instance=instance, cursor=first.cursor)
    assert second.get_num_requested(dg.AssetKey("trained_model")) == 1
    assert second.get_num_requested(dg.AssetKey("ingested_dataset")) == 0
