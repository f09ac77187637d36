"""Fixtures for the Dagster code location: tiny settings in a params file, a test instance."""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

# Small enough for 2 cores, big enough that every stage has work and the model learns something.
TINY = {
    "demo.n_videos": 6, "demo.min_seconds": 10, "demo.max_seconds": 14,
    "video.width": 32, "video.height": 32, "video.window": 8, "video.stride": 4,
    "model.base_channels": 4, "model.heads": 2, "model.encoder_stages": 2, "model.dropout": 0.0,
    "train.epochs": 4, "train.batch_size": 8, "train.lr": 0.005, "evaluate.random_trials": 5,
    "registry.example_seconds": 2.0, "creative.seconds": 3.0,
}


def write_params(settings, path: Path, overrides: dict | None = None) -> Path:
    """``settings`` (plus ``overrides``) as a params.yaml that load_settings reads back identically."""
    resolved = settings.with_overrides(overrides or {})
    path.write_text(yaml.safe_dump(resolved.model_dump(mode="json"), sort_keys=False))
    return path


@pytest.fixture
def tiny_params(settings, tmp_path: Path) -> Path:
    """A params.yaml with every path under tmp_path and the TINY demo and training settings."""
    return write_params(settings, tmp_path / "params.yaml", TINY)


@pytest.fixture
def instance(tmp_path: Path):
    """A persistent Dagster instance in tmp_path (sensors need one)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as test_instance:
        yield test_instance
