"""The Dagster assets meet broken inputs and a killed run.

- A broken video among good ones: ``raw_videos`` makes partitions for the good ones only and
  records the broken one under ``skipped``; a run over every partition ingests and
  pseudo-labels the good ones.
- Broken annotations: the step fails with the same one-line ``DataError`` as ``pld ingest``.
- A run killed with SIGKILL halfway, marked failed (what run monitoring does), then
  re-executed from failure: only the steps that had not finished run again.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import dagster as dg
import pytest

from tests.conftest import REPO
from tests.reliability import dagster_runs
from tests.reliability.conftest import write_params
from tests.reliability.corpus import BAD_ANNOTATIONS, copy_videos, multirater


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A persistent Dagster instance (SQLite in tmp_path) that child processes share."""
    path = tmp_path / "dagster_home"
    path.mkdir()
    (path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(path))
    with dg.DagsterInstance.get() as instance:
        yield instance


def _metadata(instance, asset: str) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey(asset))
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def _materialized(instance, run_id: str) -> set[tuple[str, str | None]]:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    return {(r.event_log_entry.dagster_event.asset_key.to_user_string(), r.event_log_entry.dagster_event.partition)
            for r in records}


def _data_error(failure) -> str:
    """The one-line DataError under Dagster's step error."""
    error = failure.step_failure_data.error
    while error is not None and error.cls_name != "DataError":
        error = error.cause
    message = error.message.strip()
    assert message.startswith("pld_core.errors.DataError: ") and len(message.splitlines()) == 1
    return message


def test_a_broken_video_is_skipped_and_recorded_the_good_ones_go_on(home, tiny, videos, tmp_path):
    from orchestration.definitions import defs
    from orchestration.partitions import videos as video_partitions

    folder = copy_videos([videos["good"], videos["truncated"], videos["good_long"]], tmp_path / "src")
    params = write_params(tiny, tmp_path / "params.yaml", {"dataset.name": "rel", "dataset.format": "folder",
                                                           "dataset.source": str(folder)})
    assert dagster_runs.discover(home, str(params)).success
    assert home.get_dynamic_partitions(video_partitions.name) == ["good", "good_long"]
    skipped = _metadata(home, "raw_videos")["skipped"]
    assert list(skipped) == ["truncated"] and "truncated.mp4: truncated: header says" in skipped["truncated"]

    job = defs().resolve_job_def("video_pipeline")
    result = job.execute_in_process(run_config=dagster_runs.run_config(str(params)), instance=home,
                                    tags=dagster_runs.all_videos(home), raise_on_error=False)
    assert result.success
    assert _metadata(home, "ingested_dataset")["skipped"] == skipped
    assert sorted(p.name for p in (tmp_path / "pseudo" / "rel").glob("*.npz")) == ["good.npz", "good_long.npz"]

    home.add_dynamic_partitions(video_partitions.name, ["truncated"])  # as the inbox sensor does for a delivery
    alone = job.execute_in_process(run_config=dagster_runs.run_config(str(params)), instance=home,
                                   partition_key="truncated", raise_on_error=False)
    (failure,) = alone.get_step_failure_events()
    assert failure.step_key == "ingested_dataset"
    assert f"video truncated: {folder / 'truncated.mp4'}: truncated: header says" in _data_error(failure)


@pytest.mark.parametrize("name, step", [("nan_score", "raw_videos"), ("unknown_video", "ingested_dataset")])
def test_broken_annotations_fail_the_step_with_the_cli_message(home, tiny, tiny_demo, tmp_path, name, step):
    from orchestration.definitions import defs

    edit, problem = BAD_ANNOTATIONS[name]
    source = multirater(tiny_demo, tmp_path / "src", edit)
    params = str(write_params(tiny, tmp_path / "params.yaml", {"dataset.source": str(source)}))
    result = dagster_runs.discover(home, params)
    if step != "raw_videos":
        assert result.success
        result = defs().resolve_job_def("relabel").execute_in_process(
            run_config=dagster_runs.run_config(params), instance=home, tags=dagster_runs.all_videos(home),
            raise_on_error=False)
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert failure.step_key == step
    message = _data_error(failure)
    assert str(source) in message and re.search(problem, message), message


def _finished_steps(instance, run_id: str) -> set[str]:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS).records
    return {r.event_log_entry.step_key for r in records}


def test_a_killed_run_reexecuted_from_failure_recomputes_only_what_is_missing(home, tiny, tiny_demo, tmp_path):
    """The run's process group (run worker and step workers) dies as a pod or machine would."""
    params = str(write_params(tiny, tmp_path / "params.yaml", {"dataset.source": str(tiny_demo)}))
    assert dagster_runs.discover(home, params).success
    keys = home.get_dynamic_partitions("videos")
    child = subprocess.Popen([sys.executable, "-m", "tests.reliability.dagster_runs", params], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 240
    while not (runs := home.get_run_records(dg.RunsFilter(job_name="relabel"))) or \
            "ingested_dataset" not in _finished_steps(home, runs[0].dagster_run.run_id):
        assert child.poll() is None, child.communicate()[1][-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)  # ingestion done; labels and pseudo-labels under way
    child.wait()
    killed = runs[0].dagster_run
    done_before = _materialized(home, killed.run_id)
    assert _finished_steps(home, killed.run_id) == {"raw_videos", "ingested_dataset"}
    assert home.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.STARTED  # nobody told Dagster
    home.report_run_failed(killed)  # what run monitoring does for a run whose worker died

    options = dg.ReexecutionOptions.from_failure(killed.run_id, home)
    run_id, success = dagster_runs.relabel(home, params, reexecution_options=options)
    assert success
    redone = _materialized(home, run_id)
    ingestion = {("raw_videos", None)} | {("ingested_dataset", k) for k in keys}
    assert done_before == ingestion
    assert redone == {("consensus_labels", None)} | {("saliency_pseudo_labels", k) for k in keys}
    assert _finished_steps(home, run_id) >= {"consensus_labels", "saliency_pseudo_labels"}
    assert not _finished_steps(home, run_id) & {"raw_videos", "ingested_dataset"}  # not run again
