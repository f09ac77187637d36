"""The few error types pld raises on bad input.

Every error carries a one-line message that names the file (or key, or video) and
the problem, so the CLI can print it as-is and exit 1.
"""
from __future__ import annotations

from pathlib import Path


class PldError(Exception):
    """Root of every error pld raises on purpose."""


class ConfigError(PldError):
    """params.yaml (or an override) has an unknown key or a wrong type."""


class VideoError(PldError):
    """A video is missing, empty, corrupt, audio-only or otherwise unreadable."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class DataError(PldError):
    """An annotation or dataset file breaks a rule (malformed row, bad range, unknown video)."""

    def __init__(self, where: str | Path, problem: str):
        self.where = str(where)
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class ModelError(PldError):
    """A checkpoint or registered model is missing, incomplete or incompatible."""


class RegistryError(PldError):
    """The MLflow tracking server or model registry cannot do what was asked."""


class OutputError(PldError):
    """An output location cannot be written (permissions, disk full)."""
