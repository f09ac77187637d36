"""The local Dagster instance home used by ``make demo`` and ``make ui``."""
from __future__ import annotations

import os
from pathlib import Path

from pld_core.atomic import write_text

TEMPLATE = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home() -> Path:
    """``$DAGSTER_HOME`` (default ``./.dagster``), created, with the local dagster.yaml when it has none."""
    home = Path(os.environ.get("DAGSTER_HOME") or Path.cwd() / ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        write_text(home / "dagster.yaml", TEMPLATE.read_text())
    os.environ["DAGSTER_HOME"] = str(home)
    return home
