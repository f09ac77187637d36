"""Data-layer fixtures: repository settings, editable copies of the tiny demo, a checked demo ingest."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="session")
def repo_settings():
    """params.yaml as committed (for reading annotation-only benchmarks: nothing is written)."""
    from pld_core.config import load_settings

    return load_settings(REPO / "params.yaml")


def demo_copy(tiny_demo: Path, dest: Path, keep: list[str] | None = None) -> Path:
    """An editable copy of the demo's manifest + ratings whose video paths point at the originals.

    ``keep``: only these video ids (manifest and ratings). The videos themselves are not copied.
    """
    manifest = json.loads((tiny_demo / "manifest.json").read_text())
    manifest["videos"] = [{**v, "path": str(tiny_demo / v["path"])} for v in manifest["videos"]
                          if keep is None or v["id"] in keep]
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "manifest.json").write_text(json.dumps(manifest))
    lines = (tiny_demo / "ratings.csv").read_text().splitlines(keepends=True)
    (dest / "ratings.csv").write_text(lines[0] + "".join(
        line for line in lines[1:] if keep is None or line.split(",")[0] in keep))
    return dest
