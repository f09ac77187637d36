"""The MLflow session every front door shares: where runs go, and what each run is tagged with.

The tracking URI is, in order: ``$MLFLOW_TRACKING_URI`` (a team's server), then
``registry.tracking_uri`` from params.yaml, then the embedded default
``sqlite:///<paths.mlruns>/mlflow.db`` with artifacts under ``<paths.mlruns>/artifacts``.
mlflow is imported lazily.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pld_core.config import Settings
from pld_core.errors import RegistryError

if TYPE_CHECKING:
    import mlflow

DAGSTER_RUN_ENV = "PLD_DAGSTER_RUN_ID"


def tracking_uri(settings: Settings) -> str:
    """The MLflow tracking (and registry) URI in force."""
    if env := os.environ.get("MLFLOW_TRACKING_URI"):
        return env
    if settings.registry.tracking_uri:
        return settings.registry.tracking_uri
    return f"sqlite:///{settings.path(settings.paths.mlruns) / 'mlflow.db'}"


def artifact_location(settings: Settings) -> str | None:
    """Where a new experiment keeps artifacts: under paths.mlruns for a local store."""
    uri = tracking_uri(settings)
    if uri.startswith("sqlite:///"):
        return (Path(uri.removeprefix("sqlite:///")).parent / "artifacts").as_uri()
    return None


def configure(settings: Settings) -> str:
    """Point mlflow at the store, create it and the experiment once; returns the experiment id.

    Creation is serialized with a file lock beside a SQLite store, so parallel first
    runs do not race on the schema migration.
    """
    import mlflow

    uri = tracking_uri(settings)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    with _store_lock(uri):
        try:
            client = mlflow.MlflowClient()
            experiment = client.get_experiment_by_name(settings.registry.experiment)
            if experiment is not None:
                return experiment.experiment_id
            return client.create_experiment(settings.registry.experiment,
                                            artifact_location=artifact_location(settings))
        except Exception as exc:  # MlflowException, connection and SQL errors alike
            raise RegistryError(f"MLflow store {uri}: {str(exc).splitlines()[0][:200]}") from None


@contextlib.contextmanager
def start_run(settings: Settings, run_name: str, tags: dict[str, Any] | None = None) -> Iterator["mlflow.ActiveRun"]:
    """Start an MLflow run tagged with the git commit and the Dagster run id (when there is one)."""
    import mlflow

    experiment_id = configure(settings)
    all_tags = {"git_commit": git_commit(settings.root), **(tags or {})}
    if dagster_run := os.environ.get(DAGSTER_RUN_ENV):
        all_tags.setdefault("dagster_run_id", dagster_run)
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name,
                          tags={k: str(v) for k, v in all_tags.items()}) as run:
        yield run


def git_commit(root: Path) -> str:
    """The checked-out commit of ``root``, with ``+dirty`` when it has local changes."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                             check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@contextlib.contextmanager
def _store_lock(uri: str) -> Iterator[None]:
    if not uri.startswith("sqlite:///"):
        yield
        return
    db = Path(uri.removeprefix("sqlite:///"))
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.parent / ".mlflow.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
