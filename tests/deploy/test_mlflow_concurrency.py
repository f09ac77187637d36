"""Four concurrent writers on the PostgreSQL-backed MLflow lose nothing; SQLite is compared."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

LOAD = REPO / "deploy" / "mlflow_load.py"


def run_load(uri: str, writers: int = 4, steps: int = 30) -> dict:
    out = subprocess.run([sys.executable, str(LOAD), "--uri", uri, "--writers", str(writers),
                          "--steps", str(steps)], capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_four_concurrent_runs_on_postgres_lose_no_run_or_metric(pg_url):
    result = run_load(pg_url)
    assert result["succeeded"] == 4 and result["complete_runs"] == 4 and result["lost_runs"] == 0


def test_sqlite_under_the_same_load_either_succeeds_or_fails_cleanly(tmp_path):
    """The embedded default: writers may be refused (database locked) but never half-written."""
    result = run_load(f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert result["lost_runs"] == 0
    assert result["succeeded"] + len(result["failed_cleanly"]) == 4
