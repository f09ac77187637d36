"""Reliability fixtures: the fault corpus, tiny settings in a params file, an in-process ``pld``."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.reliability import corpus

# Tiny everything: 16x16 frames, windows of 8, a 4-channel network, 3-s clips.
TINY = {
    "video.height": 16, "video.width": 16, "video.window": 8, "video.stride": 4,
    "model.base_channels": 4, "model.heads": 2, "model.encoder_stages": 2, "model.dropout": 0.0,
    "train.batch_size": 8, "train.lr": 0.005, "train.num_workers": 0,
    "creative.seconds": 3.0, "saliency.preview_frames": 3,
}


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def error(self) -> str:
        """The one ``error:`` line (asserting there is exactly one and no traceback)."""
        lines = [line for line in self.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and "Traceback" not in self.stderr, self.stderr
        return lines[0]


def write_params(settings, path: Path, overrides: dict | None = None) -> Path:
    path.write_text(yaml.safe_dump(settings.with_overrides(overrides or {}).model_dump(mode="json")))
    return path


@pytest.fixture
def tiny(settings):
    """The conftest settings (every path in tmp) with TINY applied."""
    return settings.with_overrides(TINY)


@pytest.fixture
def params(tiny, tmp_path) -> Path:
    return write_params(tiny, tmp_path / "params.yaml")


@pytest.fixture
def pld(params, capsys, monkeypatch):
    """Run ``pld --params <tiny> ARGS`` in this process through the real entry point (``run``)."""
    from pld_core.cli import run

    def call(*args: str) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["pld", "--params", str(params), *map(str, args)])
        try:
            run()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return CliResult(code, out.out, out.err)

    return call


def pld_process(*args) -> CliResult:
    """``pld ARGS`` in a child process (the real exit status and stderr)."""
    done = subprocess.run([sys.executable, "-c", "from pld_core.cli import run; run()", *map(str, args)],
                          capture_output=True, text=True, timeout=300)
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def videos(tmp_path_factory) -> dict[str, Path]:
    """Every corpus video, written once: name -> path (``good`` and ``good_long`` are the controls)."""
    folder = tmp_path_factory.mktemp("corpus")
    made = {name: make(folder / f"{name}.mp4") for name, (make, _) in corpus.BAD_VIDEOS.items()}
    made |= {name: make(folder / f"{name}.mp4") for name, make in corpus.ODD_VIDEOS.items()}
    made["large"] = corpus.large(folder / "large.mp4")
    made["good"] = corpus.good(folder / "good.mp4")
    made["good_long"] = corpus.good(folder / "good_long.mp4", seconds=6.0)
    return made


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory) -> Path:
    """An (untrained, seeded) checkpoint of the TINY network: a real file for ``--model``."""
    import torch

    from pld_core.config import load_settings
    from pld_core.model import build_model, save_checkpoint
    from tests.conftest import REPO

    s = load_settings(REPO / "params.yaml").with_overrides(TINY)
    torch.manual_seed(0)
    model = build_model(s.model)
    return save_checkpoint(tmp_path_factory.mktemp("model") / "tiny.pt", {
        "model_state": model.state_dict(), "epoch": 0, "step": 0,
        "settings": {"model": s.model.model_dump(mode="json"), "video": s.video.model_dump(mode="json"),
                     "label_mode": s.labels.mode}})


@pytest.fixture(scope="session")
def stages(tiny_demo, tmp_path_factory) -> dict[str, Path]:
    """The real ingest, label and pseudo-label stages run once on the tiny demo with TINY settings."""
    from pld_core.config import load_settings
    from pld_core.data import ingest
    from pld_core.labels import build_labels
    from pld_core.saliency import build_pseudo_labels
    from tests.conftest import REPO

    root = tmp_path_factory.mktemp("stages")
    s = load_settings(REPO / "params.yaml").with_overrides({**TINY, "paths.cache": str(root / "cache")})
    dirs = {"ingested": root / "ingested", "labels": root / "labels", "pseudo": root / "pseudo"}
    ingest("multirater", tiny_demo, dirs["ingested"], s)
    build_labels(dirs["ingested"], dirs["labels"], s)
    build_pseudo_labels(dirs["ingested"], dirs["pseudo"], s)
    return dirs
