"""Four concurrent writers on the PostgreSQL-backed MLflow lose nothing; SQLite under the same load."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

LOAD = REPO / "deploy" / "mlflow_load.py"
WRITERS, STEPS = 4, 30


def test_four_concurrent_runs_on_postgres_lose_nothing_and_sqlite_is_compared(pg_url, tmp_path):
    out = subprocess.run([sys.executable, str(LOAD), "--uri", pg_url, "--uri", f"sqlite:///{tmp_path / 'mlflow.db'}",
                          "--writers", str(WRITERS), "--steps", str(STEPS)],
                         capture_output=True, text=True, timeout=300, check=True)
    postgres, sqlite = (json.loads(line) for line in out.stdout.strip().splitlines()[-2:])
    assert postgres["uri_scheme"].startswith("postgresql") and sqlite["uri_scheme"] == "sqlite"
    assert postgres["succeeded"] == postgres["complete_runs"] == WRITERS and postgres["lost_runs"] == 0
    assert postgres["failed_cleanly"] == []
    # The embedded default: a writer may be refused ("database is locked") but is never half-written.
    assert sqlite["lost_runs"] == 0
    assert sqlite["succeeded"] + len(sqlite["failed_cleanly"]) == WRITERS
