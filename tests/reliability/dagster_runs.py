"""Dagster runs of the pld code location for the reliability tests, in this or a child process.

    DAGSTER_HOME=... python -m tests.reliability.dagster_runs PARAMS   # the relabel job, all videos

``relabel_job`` is module-level so that ``dg.reconstructable`` can rebuild it in another
process (what re-execution from failure needs).
"""
from __future__ import annotations

import sys

import dagster as dg


def relabel_job() -> dg.JobDefinition:
    from orchestration.definitions import defs

    return defs().resolve_job_def("relabel")


def run_config(params: str) -> dict:
    """The demo's run config, steps in the run's own process (one process to kill; fewer to start)."""
    from orchestration.demo import demo_run_config

    return {**demo_run_config(params, log_level="WARNING"), "execution": {"config": {"in_process": {}}}}


def discover(instance: dg.DagsterInstance, params: str) -> dg.ExecuteInProcessResult:
    """Materialize ``raw_videos`` alone: one ``videos`` partition per readable video."""
    from orchestration.definitions import defs

    return defs().resolve_job_def("full_pipeline").execute_in_process(
        run_config=run_config(params), instance=instance, raise_on_error=False,
        asset_selection=[dg.AssetKey("raw_videos")])


def all_videos(instance: dg.DagsterInstance) -> dict[str, str]:
    """Run tags that make one run cover every video partition."""
    from orchestration.partitions import RANGE_END, RANGE_START, videos

    keys = instance.get_dynamic_partitions(videos.name)
    return {RANGE_START: keys[0], RANGE_END: keys[-1]}


def relabel(instance: dg.DagsterInstance, params: str, **kwargs) -> tuple[str, bool]:
    """The relabel job over every video partition (a new run, or a re-execution with
    ``reexecution_options``); its run id and success."""
    with dg.execute_job(dg.reconstructable(relabel_job), instance, run_config=run_config(params),
                        tags=all_videos(instance), raise_on_error=False, **kwargs) as result:
        return result.run_id, result.success


def main() -> None:
    with dg.DagsterInstance.get() as instance:
        relabel(instance, sys.argv[1])


if __name__ == "__main__":
    main()
