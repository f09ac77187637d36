"""The pld code location: every definition under ``orchestration/defs/``, found by dg.

    dagster-webserver -m orchestration.definitions      (or: make ui)
"""
from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
