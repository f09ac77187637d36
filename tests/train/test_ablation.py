"""The ablation on demo data: PLD ranks held-out frames far better than random, and at least
as well as the frame-level-only variant; both numbers land in MLflow."""
from __future__ import annotations

import json

import mlflow
import pytest

from pld_core.train.ablation import compare_variants

# 32x32 frames, windows of 16: small enough for 2 CPU cores, large enough for the planted
# product to cover a few pixels.
ABLATION = {"video.height": 32, "video.width": 32, "video.window": 16, "video.stride": 8,
            "model.base_channels": 8, "model.heads": 4, "train.epochs": 5, "train.patience": 3,
            "train.batch_size": 8, "evaluate.split": "test", "evaluate.random_trials": 10}


@pytest.fixture(scope="module")
def demo12(tmp_path_factory):
    """The real stages on a 12-video demo (8 train, 2 val, 2 test videos of 12-16 s)."""
    from pld_core.config import load_settings
    from pld_core.data import ingest
    from pld_core.demo_data import make_demo_dataset
    from pld_core.labels import build_labels
    from pld_core.saliency import build_pseudo_labels
    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("demo12")
    settings = load_settings(REPO / "params.yaml").with_overrides(
        {**ABLATION, "paths.cache": str(root / "cache"), "paths.mlruns": str(root / "mlruns")})
    make_demo_dataset(root / "raw", settings.demo.model_copy(update={"min_seconds": 12, "max_seconds": 16}))
    dirs = {"ingested": root / "ingested", "labels": root / "labels", "pseudo": root / "pseudo"}
    ingest("multirater", root / "raw", dirs["ingested"], settings)
    build_labels(dirs["ingested"], dirs["labels"], settings)
    build_pseudo_labels(dirs["ingested"], dirs["pseudo"], settings)
    return dirs


@pytest.mark.slow
def test_pld_beats_random_and_matches_frame_variant(settings, demo12, tmp_path):
    settings = settings.with_overrides(ABLATION)
    report = compare_variants(settings, demo12["ingested"], demo12["labels"], demo12["pseudo"], tmp_path / "ab")
    pld, frame, rand = (report["results"][k]["spearman"] for k in ("pld", "frame", "random"))
    print(f"held-out spearman: pld {pld:.3f}, frame {frame:.3f}, random {rand:.3f}")
    assert abs(rand) < 0.1
    assert pld > rand + 0.3
    assert pld >= frame - 0.05
    assert json.loads((tmp_path / "ab" / "ablation.json").read_text())["results"]["pld"]["spearman"] == pld

    client = mlflow.MlflowClient()
    parent = client.get_run(report["run_id"])
    assert parent.data.metrics["pld_spearman"] == pytest.approx(pld)
    assert parent.data.metrics["frame_spearman"] == pytest.approx(frame)
    for run_id in report["train_runs"].values():
        assert client.get_run(run_id).data.tags["mlflow.parentRunId"] == report["run_id"]
