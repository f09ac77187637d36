"""Training fixtures: synthetic windows records (no decoding) and the real stages on a tiny demo."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pld_core.train.data import VideoRecord
from tests.model.conftest import TINY_MODEL, TINY_VIDEO

torch.set_num_threads(1)

TINY_TRAIN = {"train.epochs": 2, "train.batch_size": 4, "train.num_workers": 0, "train.lr": 0.005}
SIZE = 16


@pytest.fixture(scope="session")
def tracking_uri(tmp_path_factory) -> str:
    """One MLflow store (in tmp) for the area: creating a SQLite store takes seconds."""
    return f"sqlite:///{tmp_path_factory.mktemp('mlruns') / 'mlflow.db'}"


@pytest.fixture
def tiny_settings(settings, tracking_uri):
    return settings.with_overrides({**TINY_MODEL, **TINY_VIDEO, **TINY_TRAIN, "registry.tracking_uri": tracking_uri})


def synthetic_record(folder: Path, video_id: str, n: int, highlight: tuple[int, int], seed: int) -> VideoRecord:
    """A grey noisy video whose square lights up during ``highlight``; maps peak on the square."""
    rng = np.random.default_rng(seed)
    frames = rng.integers(60, 100, (n, SIZE, SIZE, 3)).astype(np.uint8)
    maps = np.zeros((n, SIZE, SIZE), np.uint8)
    targets = np.zeros(n, np.float32)
    targets[highlight[0]:highlight[1]] = 1.0
    yy, xx = np.mgrid[:SIZE, :SIZE]
    for t in range(n):
        x, y = 3 + (t % 9), 4 + (t % 5)
        frames[t, y:y + 4, x:x + 4] = 240 if targets[t] else 120
        maps[t] = np.round(255 * np.exp(-((xx - x - 1.5) ** 2 + (yy - y - 1.5) ** 2) / 8))
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / f"{video_id}_frames.npy", frames)
    np.save(folder / f"{video_id}_maps.npy", maps)
    return VideoRecord(video_id, folder / f"{video_id}_frames.npy", targets, folder / f"{video_id}_maps.npy")


@pytest.fixture
def records(tmp_path) -> list[VideoRecord]:
    """Three videos: 24 and 20 frames, and one of 5 (shorter than a window)."""
    return [synthetic_record(tmp_path / "rec", "a", 24, (6, 14), 0),
            synthetic_record(tmp_path / "rec", "b", 20, (10, 18), 1),
            synthetic_record(tmp_path / "rec", "c", 5, (1, 3), 2)]


@pytest.fixture(scope="session")
def demo_stages(tiny_demo, tmp_path_factory) -> dict[str, Path]:
    """The real ingest, label and pseudo-label stages run once on the tiny demo at 16x16."""
    from pld_core.config import load_settings
    from pld_core.data import ingest
    from pld_core.labels import build_labels
    from pld_core.saliency import build_pseudo_labels
    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("stages")
    settings = load_settings(REPO / "params.yaml").with_overrides(
        {**TINY_VIDEO, **{f"paths.{k}": str(root / k) for k in ("cache", "mlruns")}})
    dirs = {"ingested": root / "ingested", "labels": root / "labels", "pseudo": root / "pseudo"}
    ingest("multirater", tiny_demo, dirs["ingested"], settings)
    build_labels(dirs["ingested"], dirs["labels"], settings)
    build_pseudo_labels(dirs["ingested"], dirs["pseudo"], settings)
    return dirs
