"""``make ui``: the Dagster UI (webserver + daemon, via ``dagster dev``) and the MLflow UI, on localhost.

    python -m orchestration.ui [--dagster-port 3000] [--mlflow-port 5000]

The daemon runs the inbox sensor, the weekly schedule, the automation conditions and the run
queue. With ``MLFLOW_TRACKING_URI`` pointing at a team's server, no local MLflow UI is started.
Ctrl-C stops both.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from orchestration.resources import DEFAULT_MLFLOW_UI, MLFLOW_UI_ENV

PROJECT = Path(__file__).resolve().parent.parent   # holds pyproject.toml
HOST = "127.0.0.1"
DAGSTER_PORT = 3000
DAGSTER_URL = f"http://{HOST}:{DAGSTER_PORT}"
MLFLOW_URL = DEFAULT_MLFLOW_UI


def is_local_store(tracking_uri: str) -> bool:
    """True for the embedded SQLite/file store (then this machine serves its UI)."""
    return urlsplit(tracking_uri).scheme in ("sqlite", "file", "")


def commands(dagster_port: int, mlflow_port: int, tracking_uri: str) -> dict[str, list[str]]:
    """The processes to start: Dagster always, MLflow when the store is the local embedded one.

    Dagster finds the code location (``pld``) through ``[tool.dagster]`` in pyproject.toml,
    so it runs from the project folder.
    """
    procs = {"dagster": [sys.executable, "-m", "dagster", "dev", "-h", HOST, "-p", str(dagster_port)]}
    if is_local_store(tracking_uri):
        procs["mlflow"] = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", tracking_uri,
                           "--host", HOST, "--port", str(mlflow_port)]
    return procs


def main(argv: list[str] | None = None) -> int:
    from orchestration.instance import prepare_dagster_home
    from pld_core.config import load_settings
    from pld_core.tracking import tracking_uri

    parser = argparse.ArgumentParser(prog="python -m orchestration.ui", description=__doc__.splitlines()[0])
    parser.add_argument("--dagster-port", type=int, default=DAGSTER_PORT)
    parser.add_argument("--mlflow-port", type=int, default=urlsplit(MLFLOW_URL).port)
    args = parser.parse_args(argv)
    prepare_dagster_home()
    uri = tracking_uri(load_settings())
    mlflow_url = f"http://{HOST}:{args.mlflow_port}" if is_local_store(uri) else uri
    env = {**os.environ, MLFLOW_UI_ENV: mlflow_url}
    procs = {name: subprocess.Popen(cmd, env=env, cwd=PROJECT)
             for name, cmd in commands(args.dagster_port, args.mlflow_port, uri).items()}
    print(f"\nDagster UI: http://{HOST}:{args.dagster_port}\nMLflow UI:  {mlflow_url}\n(Ctrl-C stops both)",
          flush=True)
    try:
        while all(p.poll() is None for p in procs.values()):
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(timeout=30)
    exited = ", ".join(f"{name} (exit {p.returncode})" for name, p in procs.items() if p.returncode not in (None, -15))
    print(f"stopped: {exited} exited on its own", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
