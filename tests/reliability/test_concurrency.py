"""Two writers at once on one MLflow SQLite store and one DVC workspace; registering killed halfway.

- Two ``pld register`` processes on the same SQLite store: each succeeds or fails with one
  clean ``error:`` line; afterwards every alias points at a READY version that carries the
  gate's decision (a complete version), and the better model is champion whatever the order.
- ``pld register`` killed (SIGKILL) after its version exists but before the gate: the
  aliases still point at the previous complete version; the next registration works.
- Two processes running DVC commands in one workspace through ``DvcWorkspace``: both
  succeed (its lock serializes them, where plain ``dvc`` refuses a second command).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.reliability.conftest import write_params

PLD = [sys.executable, "-c", "from pld_core.cli import run; run()"]


def _training(settings, seed: int, folder: Path) -> tuple[Path, Path]:
    """A real tiny checkpoint with its MLflow run (train_result.json) and an evaluation.json."""
    import torch

    from pld_core.atomic import write_json
    from pld_core.model import build_model, save_checkpoint
    from pld_core.tracking import start_run
    from pld_core.train.result import TrainResult

    torch.manual_seed(seed)
    checkpoint = save_checkpoint(folder / "best.pt", {
        "model_state": build_model(settings.model).state_dict(), "epoch": 0, "step": 0,
        "settings": {"model": settings.model.model_dump(mode="json"),
                     "video": settings.video.model_dump(mode="json"), "label_mode": settings.labels.mode}})
    with start_run(settings, f"train-seed{seed}", tags={"data_version": "data-v1"}) as run:
        pass
    result = TrainResult(checkpoint=checkpoint, run_id=run.info.run_id, metrics={}, device="cpu").write(folder)
    spearman = 0.2 + 0.1 * seed
    evaluation = write_json(folder / "evaluation.json", {
        "model": "tiny", "split": "test", "data_version": "data-v1",
        "metrics": {"spearman": spearman, "kendall": spearman * 0.8}})
    return result, evaluation


def _register(params: Path, result: Path, evaluation: Path) -> subprocess.Popen:
    return subprocess.Popen([*PLD, "--params", str(params), "register", "--train-result", str(result),
                             "--evaluation", str(evaluation), "--out", str(result.parent / "registration.json")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _versions(settings) -> tuple[dict[str, str], dict[str, tuple[str, str | None, str | None]]]:
    """aliases -> version, and version -> (status, gate decision, spearman), read straight from the store."""
    import mlflow

    from pld_core.tracking import tracking_uri

    uri = tracking_uri(settings)
    client = mlflow.MlflowClient(uri, uri)
    name = settings.registry.model_name
    aliases = {a: str(v) for a, v in client.get_registered_model(name).aliases.items()}
    versions = {str(v.version): (v.status, v.tags.get("gate.decision"), v.tags.get("metric.spearman"))
                for v in client.search_model_versions(f"name = '{name}'")}
    return aliases, versions


def _assert_aliases_on_complete_versions(settings) -> dict[str, str]:
    aliases, versions = _versions(settings)
    for alias, number in aliases.items():
        status, gate, _ = versions[number]
        assert status == "READY" and gate in ("promoted", "not_promoted"), (alias, number, status, gate)
    return aliases


def test_two_registrations_at_once_on_one_sqlite_store(tiny, tmp_path):
    settings = tiny.with_overrides({"registry.example_seconds": 2.0})
    params = write_params(settings, tmp_path / "params.yaml")
    first = _training(settings, 0, tmp_path / "a")
    second = _training(settings, 1, tmp_path / "b")
    runs = [_register(params, *first), _register(params, *second)]
    outcomes = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for code, _, stderr in outcomes:
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert (code == 0 and not errors) or (code == 1 and len(errors) == 1 and "Traceback" not in stderr)
    assert any(code == 0 for code, _, _ in outcomes), [o[2][-500:] for o in outcomes]
    aliases = _assert_aliases_on_complete_versions(settings)
    assert set(aliases) == {"champion", "challenger"}
    if all(code == 0 for code, _, _ in outcomes):  # they took turns at the gate: the better one is champion
        assert float(_versions(settings)[1][aliases["champion"]][2]) == pytest.approx(0.3)


def test_registration_killed_halfway_leaves_the_aliases_on_a_complete_version(tiny, tmp_path):
    settings = tiny.with_overrides({"registry.example_seconds": 2.0})
    params = write_params(settings, tmp_path / "params.yaml")
    first = _training(settings, 0, tmp_path / "a")
    done = _register(params, *first)
    assert done.wait(timeout=300) == 0, done.communicate()[1][-1000:]
    before = _assert_aliases_on_complete_versions(settings)

    killed = _register(params, *_training(settings, 2, tmp_path / "b"))
    deadline = time.monotonic() + 240
    while len(_versions(settings)[1]) < 2:  # version 2 exists: the gate has not decided yet
        assert killed.poll() is None and time.monotonic() < deadline, killed.communicate()[1][-1000:]
        time.sleep(0.05)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    assert _assert_aliases_on_complete_versions(settings) == before

    again = _register(params, *_training(settings, 3, tmp_path / "c"))
    assert again.wait(timeout=300) == 0, again.communicate()[1][-1000:]
    record = json.loads((tmp_path / "c" / "registration.json").read_text())
    aliases = _assert_aliases_on_complete_versions(settings)
    assert aliases["challenger"] == record["version"] and record["decision"]["promoted"]


def test_two_processes_share_one_dvc_workspace(tmp_path):
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([sys.executable, "-m", "dvc", "init", "-q"], cwd=root, check=True,
                   env={**os.environ, "DVC_NO_ANALYTICS": "1"})
    code = ("import sys; from pld_core.data.dvc import DvcWorkspace; ws = DvcWorkspace(sys.argv[1]); "
            "[ws.run('add', f'data/{sys.argv[2]}{i}.bin') for i in range(2)]")
    for name in ("a", "b"):
        for i in range(2):
            (root / "data" / f"{name}{i}.bin").write_bytes(os.urandom(1 << 16))
    writers = [subprocess.Popen([sys.executable, "-c", code, str(root), name], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    for writer in writers:
        assert writer.wait(timeout=300) == 0, writer.communicate()[1][-1000:]
    assert sorted(p.name for p in (root / "data").glob("*.dvc")) == ["a0.bin.dvc", "a1.bin.dvc", "b0.bin.dvc",
                                                                      "b1.bin.dvc"]
    from pld_core.data.dvc import DvcWorkspace

    assert DvcWorkspace(root).status() == {}
