"""dvc.yaml: stages that run real `pld` commands; `dvc repro ingest` from a clean state; one lock."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pld_core.config import load_settings
from pld_core.data import load_ingested
from pld_core.data.dvc import DvcWorkspace
from pld_core.errors import DataError
from tests.conftest import REPO


def test_every_stage_runs_a_pld_command_with_known_params():
    from pld_core.cli import main

    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["demo_data", "ingest", "labels", "pseudo_labels", "train", "evaluate", "register"]
    params = load_settings(REPO / "params.yaml").model_dump()
    for name, stage in stages.items():
        program, command, *_ = stage["cmd"].split()
        assert program == "pld" and command in main.commands, name
        for key in stage["params"]:
            section, _, field = key.partition(".")
            assert section in params and (not field or field in params[section]), (name, key)


def _workspace(tmp_path: Path) -> Path:
    """A fresh git + DVC repository holding the pipeline files, with a 2-video demo."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "pld_core", root / "pld_core", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dvc.yaml", ".gitignore", ".dvcignore", ".dvc/config", ".dvc/.gitignore"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, root / name)
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["demo"].update(n_videos=2, min_seconds=3, max_seconds=4)
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def test_repro_ingest_from_a_clean_state(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")  # `pld` on PATH
    root = _workspace(tmp_path)
    dvc = DvcWorkspace(root)
    out = dvc.repro("ingest")
    assert "Running stage 'demo_data'" in out and "Running stage 'ingest'" in out and "videos 2 |" in out
    assert dvc.is_clean("ingest")
    assert len(load_ingested(root / "data" / "ingested" / "demo").videos) == 2
    assert set(yaml.safe_load((root / "dvc.lock").read_text())["stages"]) == {"demo_data", "ingest"}
    assert "didn't change, skipping" in dvc.repro("ingest")
    dvc.push()
    assert any((root / ".dvc-storage").rglob("*"))  # the default remote is the local folder
    for path in ("data/raw/demo", "data/ingested/demo", ".dvc-storage"):  # outputs stay out of git
        assert subprocess.run(["git", "check-ignore", "-q", path], cwd=root).returncode == 0, path


def test_the_workspace_lock_serializes(tmp_path):
    first, second = DvcWorkspace(tmp_path), DvcWorkspace(tmp_path, timeout_s=0.3)
    with first.lock():
        with pytest.raises(DataError, match=r"pld-workspace.lock: DVC workspace busy for over 0.3 s"):
            with second.lock():
                pass
    with second.lock():  # free again once released
        pass


def test_dvc_failures_are_data_errors(tmp_path):
    with pytest.raises(DataError, match=r"dvc status --json \(in .*\): exit \d+: ERROR: .*"):
        DvcWorkspace(tmp_path).status()
