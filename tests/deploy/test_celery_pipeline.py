"""The team profile end to end: a Dagster instance on PostgreSQL (deploy/dagster.yaml), MLflow on
PostgreSQL, and the whole pipeline on a tiny demo executed by two Celery workers over RabbitMQ,
started here with the documented command: one on the default queue, one on the `gpu` queue."""
import os
import shutil

import dagster as dg
import pytest

from orchestration.demo import full_pipeline_job, run_demo
from pld_core.config import load_settings
from tests.conftest import REPO
from tests.deploy.conftest import VENV_BIN
from tests.orchestration.conftest import TINY, write_params

pytestmark = [pytest.mark.slow, pytest.mark.services,
              # dagster-celery registers its task again for every step it sends: harmless, and not ours
              pytest.mark.filterwarnings("ignore:Task name 'execute_plan' is already registered")]

DEPLOY = REPO / "deploy"
# The orchestration tests' tiny demo (6 videos: 4 train, 1 val, 1 test) with shorter videos (8-10 s).
# Its training must beat chance (evaluation_above_chance blocks registration): 16x16 frames with
# 2 epochs did not, reliably, once the decoder changed.
TEAM_TINY = {**TINY, "demo.min_seconds": 8, "demo.max_seconds": 10, "evaluate.random_trials": 2}


def worker_command(name: str, queue: str) -> list[str]:
    """deploy/README.md's worker command, with one process per worker (2 cores here)."""
    return [str(VENV_BIN / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app",
            "-y", str(DEPLOY / "celery.yaml"), "-q", queue, "-n", name, "--", "--concurrency=1"]


def test_pipeline_runs_on_two_celery_workers_against_postgres(settings, tmp_path, pg_database, amqp_url, spawn,
                                                               monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    team = {"PLD_PROFILE": "team", "DAGSTER_HOME": str(home),
            "PLD_DAGSTER_PG_URL": pg_database("psycopg2"),
            "MLFLOW_TRACKING_URI": pg_database(), "PLD_ARTIFACT_ROOT": str(tmp_path / "artifacts"),
            "PLD_CELERY_BROKER": amqp_url, "PLD_CELERY_BACKEND": "rpc://",
            "OMP_NUM_THREADS": "1", "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    for key, value in team.items():
        monkeypatch.setenv(key, value)
    spawn("worker-cpu", worker_command("cpu", "dagster"), dict(os.environ))
    spawn("worker-gpu", worker_command("gpu", "gpu"), dict(os.environ))
    params = write_params(settings, tmp_path / "params.yaml", TEAM_TINY)

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        runs = run_demo(instance, str(params), log_level="WARNING")
        assert runs.success
        workers = {}
        for run in (runs.discover, runs.pipeline):
            for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
                meta = record.dagster_event.engine_event_data.metadata
                if "Celery worker" in meta:
                    workers[record.step_key] = meta["Celery worker"].value.split("@")[0]
            failed = [e.step_key for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE)]
            assert not failed
        steps = {e.step_key for run in (runs.discover, runs.pipeline)
                 for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)}
    assert steps == {node.name for node in full_pipeline_job().graph.nodes}   # not one skipped
    assert set(workers) == steps                                # every step ran on a Celery worker
    assert workers.pop("trained_model") == "gpu"                # training went to the gpu queue alone
    assert set(workers.values()) == {"cpu"}

    from pld_core.tracking import client

    s = load_settings(params)
    champion = client(s).get_model_version_by_alias(s.registry.model_name, "champion")
    assert champion.tags["gate.decision"] == "promoted"
