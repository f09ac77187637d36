"""``make demo``: the whole pipeline on the demo dataset, in-process, recorded in ``$DAGSTER_HOME``.

    python -m orchestration.demo [--params params.yaml] [--set section.key=value ...]

Two runs of ``full_pipeline``: first ``raw_videos`` (the demo data, one partition per video),
then everything over all video partitions. ``make ui`` shows both runs, the asset graph and
every materialization's metadata afterwards. With ``PLD_PROFILE=team`` each run's steps go
through the team's executor (Celery workers, deploy/README.md) instead of this process.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import dagster as dg

from orchestration.partitions import RANGE_END, RANGE_START, videos

JOB = "full_pipeline"


@dataclass
class DemoRuns:
    """The two runs of the demo (in process, or with the team profile through its executor)."""

    discover: dg.ExecuteInProcessResult | dg.JobExecutionResult
    pipeline: dg.ExecuteInProcessResult | dg.JobExecutionResult | None   # None when discovery failed

    @property
    def success(self) -> bool:
        return self.discover.success and self.pipeline is not None and self.pipeline.success


def run_demo(instance: dg.DagsterInstance, params_path: str | None = None, overrides: list[str] | None = None,
             log_level: str = "INFO") -> DemoRuns:
    """Materialize every asset and check of the code location on ``instance``."""
    run_config = demo_run_config(params_path, overrides, log_level)
    print("pld demo: run 1/2, raw_videos: the demo data and one partition per video", flush=True)
    discover = _execute(instance, run_config, asset_selection=[dg.AssetKey("raw_videos")])
    if not discover.success:
        return DemoRuns(discover, None)
    keys = instance.get_dynamic_partitions(videos.name)
    print(f"pld demo: run 2/2, {JOB} over {len(keys)} video partitions", flush=True)
    pipeline = _execute(instance, run_config, tags={RANGE_START: keys[0], RANGE_END: keys[-1]})
    return DemoRuns(discover, pipeline)


def full_pipeline_job() -> dg.JobDefinition:
    """``full_pipeline`` of the code location; Celery workers rebuild the job through this function."""
    from orchestration.definitions import defs

    return defs().resolve_job_def(JOB)


def _execute(instance: dg.DagsterInstance, run_config: dict, **selection):
    """One run: in this process, or (team profile) here with its steps on the profile's executor."""
    from orchestration.resources import current_profile

    if current_profile() == "team":
        job = dg.build_reconstructable_job("orchestration.demo", "full_pipeline_job")  # also under python -m
        return dg.execute_job(job, instance, run_config=run_config, raise_on_error=False, **selection)
    return full_pipeline_job().execute_in_process(run_config=run_config, instance=instance, raise_on_error=False,
                                                  **selection)


def demo_run_config(params_path: str | None, overrides: list[str] | None = None, log_level: str = "INFO") -> dict:
    """Run config naming the settings file and overrides of the ``settings`` resource."""
    return {"resources": {"settings": {"config": {"params_path": params_path, "overrides": overrides or []}}},
            "loggers": {"console": {"config": {"log_level": log_level}}}}


def where_to_look(instance: dg.DagsterInstance, seconds: float) -> str:
    """The closing summary: UIs, folders, the champion, the rendered clip."""
    from orchestration.ui import DAGSTER_URL, MLFLOW_URL

    def meta(asset: str) -> dict:
        event = instance.get_latest_materialization_event(dg.AssetKey(asset))
        return {k: v.value for k, v in event.asset_materialization.metadata.items()} if event else {}

    ingested, labels, pseudo = meta("ingested_dataset"), meta("consensus_labels"), meta("saliency_pseudo_labels")
    trained, evaluation, registered, clips = (meta(a) for a in ("trained_model", "benchmark_evaluation",
                                                                "registered_model", "ad_clips"))
    return "\n".join([
        f"\npld demo finished in {seconds:.0f} s. Where to look:",
        f"  Dagster UI   make ui, then {DAGSTER_URL}  (asset graph, the two runs, metadata, checks)",
        f"  MLflow UI    make ui, then {MLFLOW_URL}  (training run, registered model {registered.get('model_name')})",
        f"  MLflow run   {trained.get('mlflow_run')}",
        f"  tables       {ingested.get('tables')}",
        f"  labels       {labels.get('folder')}",
        f"  saliency     {pseudo.get('folder')}",
        f"  checkpoint   {trained.get('checkpoint')}",
        f"  evaluation   {evaluation.get('report')}",
        f"  champion     models:/{registered.get('model_name')}@champion = version "
        f"{registered.get('aliases.champion')} (gate: {registered.get('decision.reason')})",
        f"  ad clip      {clips.get('first_clip')}  (preview {clips.get('first_preview')})",
    ])


def main(argv: list[str] | None = None) -> int:
    from orchestration.instance import prepare_dagster_home

    parser = argparse.ArgumentParser(prog="python -m orchestration.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--params", default=None, help="settings file (default: $PLD_PARAMS or ./params.yaml)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = parser.parse_args(argv)
    home = prepare_dagster_home()
    print(f"pld demo: Dagster instance in {home}", flush=True)
    start = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        runs = run_demo(instance, args.params, args.overrides)
        if not runs.success:
            print("pld demo: a step failed; see the log above or the run in the Dagster UI", file=sys.stderr)
            return 1
        print(where_to_look(instance, time.perf_counter() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
