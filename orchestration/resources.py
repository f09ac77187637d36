"""Dagster resources: thin, configurable handles over pld_core, chosen by environment.

- ``settings``: params.yaml plus per-run overrides (``section.key=value``) from Dagster config;
- ``mlflow``: the MLflow session of ``pld_core.tracking``, tagging every MLflow run opened during
  a Dagster run with its id, and building links into the MLflow UI for asset metadata;
- ``dvc``: DVC commands through ``pld_core.data.dvc`` (one workspace lock), recording what an
  asset built as its ``dvc.yaml`` stage;
- ``compute``: which device GPU work runs on (CUDA when present), resolved per call.

``PLD_PROFILE`` picks the profile: ``local`` (embedded SQLite MLflow, default executor) or
``team`` (the same resources, pointed at shared services by ``MLFLOW_TRACKING_URI`` and the
instance's ``dagster.yaml``; runs go through the Celery executor; see deploy/).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field, PrivateAttr

from pld_core.config import Settings, load_settings
from pld_core.errors import ConfigError
from pld_core.tracking import DAGSTER_RUN_ENV

PROFILE_ENV = "PLD_PROFILE"
PROFILES = ("local", "team")
MLFLOW_UI_ENV = "PLD_MLFLOW_UI_URL"
DEFAULT_MLFLOW_UI = "http://127.0.0.1:5000"
GPU_POOL = "gpu"                                  # limit 1 in dagster.yaml: one training per GPU
GPU_TAGS = {"dagster-celery/queue": "gpu"}       # team profile: only GPU workers take these steps


class SettingsResource(dg.ConfigurableResource):
    """params.yaml (``params_path``, default ``$PLD_PARAMS`` or ./params.yaml) plus ``overrides``."""

    params_path: str | None = None
    overrides: list[str] = Field(default_factory=list,
                                 description="section.key=value settings for this run, e.g. train.epochs=1")

    def load(self) -> Settings:
        """The validated settings for this run."""
        return load_settings(self.params_path, self.overrides)


class MlflowResource(dg.ConfigurableResource):
    """The MLflow session of pld_core.tracking, tagged with the Dagster run id."""

    ui_url: str = Field(default_factory=lambda: os.environ.get(MLFLOW_UI_ENV, DEFAULT_MLFLOW_UI),
                        description="Base URL of the MLflow UI, for links in asset metadata")
    _previous_run_id: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._previous_run_id = os.environ.get(DAGSTER_RUN_ENV)
        if context.dagster_run is not None:
            os.environ[DAGSTER_RUN_ENV] = context.dagster_run.run_id

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._previous_run_id is None:
            os.environ.pop(DAGSTER_RUN_ENV, None)
        else:
            os.environ[DAGSTER_RUN_ENV] = self._previous_run_id

    def log_files(self, settings: Settings, run_name: str, files: list[Path], tags: dict[str, str]) -> str:
        """One MLflow run (pld_core.tracking) holding ``files`` as artifacts; returns its id."""
        import mlflow

        from pld_core.tracking import start_run

        with start_run(settings, run_name, tags=tags) as run:
            for path in files:
                mlflow.log_artifact(str(path))
        return run.info.run_id

    def experiment_url(self, settings: Settings) -> str:
        """Link to the experiment (``registry.experiment``) in the UI."""
        from pld_core.tracking import configure

        return f"{self.ui_url.rstrip('/')}/#/experiments/{configure(settings)}"

    def run_url(self, settings: Settings, run_id: str) -> str:
        """Link to an MLflow run in the UI."""
        return f"{self.experiment_url(settings)}/runs/{run_id}"

    def model_version_url(self, name: str, version: str | int) -> str:
        """Link to a registered model version in the UI."""
        return f"{self.ui_url.rstrip('/')}/#/models/{name}/versions/{version}"


class DvcResource(dg.ConfigurableResource):
    """DVC commands through pld_core.data.dvc, serialized by its workspace lock."""

    timeout_s: float | None = Field(default=None, description="Give up waiting for the DVC lock after this long")

    def commit(self, settings: Settings, stage: str) -> str:
        """Record what an asset built as ``stage``'s outputs in dvc.lock and the DVC cache.

        Only when the settings root is a DVC workspace (dvc.yaml and .dvc/) and this run's
        settings are exactly its params.yaml (which DVC stages read), so that dvc.lock tells the
        truth; returns what was done, for the asset's metadata.
        """
        from pld_core.data.dvc import DvcWorkspace

        root = settings.root
        if not ((root / "dvc.yaml").is_file() and (root / ".dvc").is_dir()):
            return f"not recorded: {root} is not a DVC workspace"
        if load_settings(root / "params.yaml") != settings:
            return f"not recorded: this run's settings differ from {root / 'params.yaml'}, which DVC stages read"
        DvcWorkspace(settings.root, timeout_s=self.timeout_s).run("commit", "--force", stage)
        return f"recorded as DVC stage {stage}"


class ComputeResource(dg.ConfigurableResource):
    """Where GPU work runs: ``device`` auto|cpu|cuda (unset: ``train.device`` from params.yaml)."""

    device: str | None = None

    def resolve_device(self, settings: Settings) -> str:
        """``auto``: ``cuda`` when present, else ``cpu``; ``cuda`` without a GPU is a ModelError."""
        from pld_core.infer import resolve_device

        wanted = self.device or settings.train.device
        if wanted not in ("auto", "cpu", "cuda"):
            raise ConfigError(f"compute.device: {wanted!r} is not one of auto, cpu, cuda")
        return resolve_device(wanted).type

    def training_settings(self, settings: Settings) -> Settings:
        """``settings`` with ``train.device`` resolved for this machine."""
        return settings.with_overrides({"train.device": self.resolve_device(settings)})


def current_profile() -> str:
    """The profile named by ``$PLD_PROFILE`` (default ``local``)."""
    profile = os.environ.get(PROFILE_ENV, "local")
    if profile not in PROFILES:
        raise ConfigError(f"${PROFILE_ENV}: unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    return profile


def resources_from_env() -> dict[str, Any]:
    """The resources of every profile; services are reached through the environment, not paths."""
    return {
        "settings": SettingsResource(params_path=os.environ.get("PLD_PARAMS")),
        "mlflow": MlflowResource(),
        "dvc": DvcResource(),
        "compute": ComputeResource(),
    }
