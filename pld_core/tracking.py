"""The MLflow session every front door shares: where runs go, and what each run is tagged with.

The tracking URI is, in order: ``$MLFLOW_TRACKING_URI`` (a team's server), then
``registry.tracking_uri`` from params.yaml, then the embedded default
``sqlite:///<paths.mlruns>/mlflow.db`` with artifacts under ``<paths.mlruns>/artifacts``;
a team's database store (``postgresql+psycopg://...``) keeps them under ``$PLD_ARTIFACT_ROOT``.
Every run is tagged with the git commit, the data version of the configured dataset
(when it is ingested) and the Dagster run id (when there is one). A tracking server
that does not answer is reported at once as a RegistryError, not after minutes of retries.
mlflow is imported lazily.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pld_core.config import Settings
from pld_core.errors import RegistryError

if TYPE_CHECKING:
    import mlflow

DAGSTER_RUN_ENV = "PLD_DAGSTER_RUN_ID"
TRACKING_ENV = "MLFLOW_TRACKING_URI"
ARTIFACT_ENV = "PLD_ARTIFACT_ROOT"
DATABASE_SCHEMES = ("postgresql", "mysql", "mssql", "sqlite")


def tracking_uri(settings: Settings) -> str:
    """The MLflow tracking (and registry) URI in force."""
    if env := os.environ.get(TRACKING_ENV):
        return env
    if settings.registry.tracking_uri:
        return settings.registry.tracking_uri
    return f"sqlite:///{settings.path(settings.paths.mlruns) / 'mlflow.db'}"


def artifact_location(settings: Settings) -> str | None:
    """Where a new experiment keeps artifacts.

    ``$PLD_ARTIFACT_ROOT/<experiment>`` when set (a folder every host mounts, or an object store
    URL such as ``s3://bucket/prefix``); else ``artifacts/`` beside the embedded SQLite store;
    else the tracking server's choice (None). Any other database store needs the variable.
    """
    uri = tracking_uri(settings)
    if root := os.environ.get(ARTIFACT_ENV):
        base = root if "://" in root else Path(root).resolve().as_uri()
        return f"{base.rstrip('/')}/{settings.registry.experiment}"
    if uri.startswith("sqlite:///"):
        return (Path(uri.removeprefix("sqlite:///")).parent / "artifacts").as_uri()
    if uri.split(":", 1)[0].split("+", 1)[0] in DATABASE_SCHEMES:
        raise RegistryError(f"MLflow store {shown(uri)}: set ${ARTIFACT_ENV} to a folder every host mounts "
                            "or to s3://bucket/prefix, for the artifacts of a database store")
    return None


def configure(settings: Settings) -> str:
    """Point mlflow at the store, create it and the experiment once; returns the experiment id.

    Creation is serialized with a file lock beside a SQLite store, so parallel first
    runs do not race on the schema migration; on a shared database the loser of a race
    to create the experiment uses the winner's.
    """
    import mlflow

    uri = _use_store(settings)
    name = settings.registry.experiment
    with _store_lock(uri):
        try:
            client = mlflow.MlflowClient()
            if (experiment := client.get_experiment_by_name(name)) is not None:
                return experiment.experiment_id
            location = artifact_location(settings)
            try:
                return client.create_experiment(name, artifact_location=location)
            except Exception:
                if (experiment := client.get_experiment_by_name(name)) is None:
                    raise
                return experiment.experiment_id
        except RegistryError:
            raise
        except Exception as exc:  # MlflowException, connection and SQL errors alike
            raise RegistryError(f"MLflow store {shown(uri)}: {first_line(exc)}") from None


def client(settings: Settings) -> "mlflow.MlflowClient":
    """A client of an existing store (nothing is created); RegistryError when there is none."""
    import mlflow

    uri = tracking_uri(settings)
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).is_file():
        raise RegistryError(f"MLflow store {uri}: no such store yet (train and register a model first: "
                            "pld train, pld register)")
    _use_store(settings)
    return mlflow.MlflowClient(uri, uri)


def _use_store(settings: Settings) -> str:
    """Point mlflow's tracking and registry at the store in force, once it answers."""
    import mlflow

    uri = tracking_uri(settings)
    check_reachable(uri, settings.registry.connect_timeout_s)
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # pld shows its own progress
    # mlflow mirrors the URI into $MLFLOW_TRACKING_URI, which would then outrank params.yaml
    # for every later call in this process: put the variable back as the user left it.
    users = os.environ.get(TRACKING_ENV)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    if users is None:
        os.environ.pop(TRACKING_ENV, None)
    else:
        os.environ[TRACKING_ENV] = users
    return uri


def check_reachable(uri: str, timeout_s: float) -> None:
    """Raise RegistryError when an http(s) tracking server does not answer within ``timeout_s``."""
    if not uri.startswith(("http://", "https://")):
        return
    try:
        with urllib.request.urlopen(uri.rstrip("/") + "/health", timeout=timeout_s):
            pass
    except urllib.error.HTTPError:
        pass  # it answered: a proxy without /health is still a server that is up
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RegistryError(f"MLflow tracking server {shown(uri)}: unreachable ({reason})") from None


def shown(uri: str) -> str:
    """``uri`` with any password replaced by ``***``, for messages and logs."""
    return re.sub(r"(://[^/:@]+:)[^/@]+@", r"\1***@", uri)


def first_line(exc: BaseException) -> str:
    """An exception's message cut to its first line, for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


@contextlib.contextmanager
def start_run(settings: Settings, run_name: str, tags: dict[str, Any] | None = None) -> Iterator["mlflow.ActiveRun"]:
    """Start an MLflow run tagged with the git commit, the data version and the Dagster run id."""
    import mlflow

    experiment_id = configure(settings)
    all_tags = {"git_commit": git_commit(settings.root), **(tags or {})}
    if (version := dataset_version(settings)) is not None:
        all_tags.setdefault("data_version", version)
    if dagster_run := os.environ.get(DAGSTER_RUN_ENV):
        all_tags.setdefault("dagster_run_id", dagster_run)
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name,
                          tags={k: str(v) for k, v in all_tags.items()}) as run:
        yield run


def dataset_version(settings: Settings) -> str | None:
    """The content hash of the configured dataset's ingested tables, or None before ingestion."""
    ingested = settings.dataset_dir("ingested")
    if not (ingested / "videos.parquet").is_file():
        return None
    from pld_core.data import data_version

    return data_version(ingested)


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
def registry_lock(settings: Settings) -> Iterator[None]:
    """One promotion gate at a time among the processes sharing a SQLite store (a server: no lock)."""
    with _store_lock(tracking_uri(settings), ".mlflow-registry.lock"):
        yield


@contextlib.contextmanager
def _store_lock(uri: str, name: str = ".mlflow.lock") -> Iterator[None]:
    if not uri.startswith("sqlite:///"):
        yield
        return
    db = Path(uri.removeprefix("sqlite:///"))
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.parent / name, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
