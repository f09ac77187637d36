"""Saliency fixtures: synthetic gaze roots and an ingested table built from the tiny demo."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="session")
def repo_settings():
    from pld_core.config import load_settings

    return load_settings(REPO / "params.yaml")


@pytest.fixture(scope="session")
def gaze_roots(tiny_demo, repo_settings, tmp_path_factory) -> dict[str, Path]:
    """DHF1K-style train/val roots of synthetic gaze drawn from the tiny demo's ground truth."""
    from pld_core.saliency.gaze_data import make_synthetic_gaze

    return make_synthetic_gaze(tiny_demo, tmp_path_factory.mktemp("gaze"), repo_settings)


def write_ingested(tiny_demo: Path, out: Path, settings, video_ids: list[str], without_file: list[str] = ()) -> Path:
    """The tiny demo's canonical tables (docs/pipeline.md), cut down to ``video_ids``; the
    ``without_file`` ids keep their row but lose their video file (``path`` null)."""
    from pld_core.data import CanonicalDataset, read_dataset
    from pld_core.data.store import write_tables

    dataset = read_dataset("multirater", tiny_demo, settings)
    ids = [*video_ids, *without_file]
    videos = dataset.videos[dataset.videos["video_id"].isin(ids)].copy()
    videos.loc[videos["video_id"].isin(list(without_file)), "path"] = None
    annotations = dataset.annotations[dataset.annotations["video_id"].isin(ids)]
    write_tables(CanonicalDataset(videos, annotations, {"train": sorted(ids), "val": [], "test": []}), out)
    return out
