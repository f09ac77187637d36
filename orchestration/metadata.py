"""Turning pld_core results into Dagster metadata: numbers, paths, Markdown tables."""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg


def scalar_metadata(result: Any, prefix: str = "") -> dict[str, dg.MetadataValue]:
    """The scalar fields of a dataclass or mapping as metadata (numbers, text, paths).

    Nested mappings are flattened with dotted keys; lists and tables are left to the caller.
    """
    fields = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else dict(result)
    out: dict[str, dg.MetadataValue] = {}
    for key, value in fields.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            out[name] = dg.MetadataValue.bool(value)
        elif isinstance(value, int):
            out[name] = dg.MetadataValue.int(value)
        elif isinstance(value, float):
            out[name] = dg.MetadataValue.float(value) if math.isfinite(value) else dg.MetadataValue.text(str(value))
        elif isinstance(value, Path):
            out[name] = dg.MetadataValue.path(str(value))
        elif isinstance(value, str):
            out[name] = dg.MetadataValue.text(value)
        elif isinstance(value, Mapping):
            out.update(scalar_metadata(value, prefix=f"{name}."))
    return out


def markdown_table(rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> dg.MetadataValue:
    """A Markdown table of ``rows`` (floats to 4 digits), for the Dagster UI."""
    rows = list(rows)
    columns = columns or (list(rows[0]) if rows else [])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return dg.MetadataValue.md("\n".join(lines))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "" if value is None else str(value).replace("|", "\\|")
