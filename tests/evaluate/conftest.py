"""Fixtures of the evaluation tests: fast settings and the benchmark files as protocol videos."""
from __future__ import annotations

import pytest


@pytest.fixture
def fast(settings):
    """Test settings with few random trials (the baselines' code is the same at any count)."""
    return settings.with_overrides({"evaluate.random_trials": 3})


@pytest.fixture(scope="module")
def bench(shared_benchmarks):
    """``load(benchmark, relative source, split=None)``: the benchmark's protocol videos."""
    from pld_core.config import load_settings
    from pld_core.evaluate import load_benchmark
    from tests.conftest import REPO

    base = load_settings(REPO / "params.yaml")
    cache: dict = {}

    def load(benchmark: str, source: str, split: str | None = None):
        key = (benchmark, source, split)
        if key not in cache:
            cache[key] = load_benchmark(base, benchmark, shared_benchmarks / source, split)
        return cache[key]

    return load


TVSUM_VAL = "tvsum/lighthouse/tvsum_val_release.jsonl"
YOUTUBE_VAL = "youtube_highlights/lighthouse/youtube_highlight_val_release.jsonl"


TINY = {"model.base_channels": 4, "model.heads": 2, "model.encoder_stages": 2, "model.dropout": 0.0,
        "video.height": 16, "video.width": 16, "video.window": 8, "video.stride": 4}


@pytest.fixture(scope="session")
def demo_labelled(tiny_demo, tmp_path_factory):
    """The real ingest and label stages run once on the tiny demo: ``{"ingested", "labels"}`` folders."""
    from pld_core.config import load_settings
    from pld_core.data import ingest
    from pld_core.labels import build_labels
    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("eval_stages")
    settings = load_settings(REPO / "params.yaml").with_overrides(
        {**TINY, **{f"paths.{k}": str(root / k) for k in ("cache", "mlruns")}})
    dirs = {"ingested": root / "ingested", "labels": root / "labels"}
    ingest("multirater", tiny_demo, dirs["ingested"], settings)
    build_labels(dirs["ingested"], dirs["labels"], settings)
    return dirs


@pytest.fixture
def tiny_checkpoint(settings, tmp_path):
    """Settings with the tiny network, and an untrained (seeded) checkpoint of it."""
    import torch

    from pld_core.model import build_model, save_checkpoint

    torch.set_num_threads(1)
    tiny = settings.with_overrides({**TINY, "evaluate.random_trials": 3})
    torch.manual_seed(0)
    model = build_model(tiny.model).eval()
    path = save_checkpoint(tmp_path / "untrained.pt", {
        "model_state": model.state_dict(), "epoch": 0, "step": 0,
        "settings": {"model": tiny.model.model_dump(mode="json"), "video": tiny.video.model_dump(mode="json"),
                     "label_mode": tiny.labels.mode}})
    return tiny, path
