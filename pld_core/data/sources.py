"""Reading annotation files with errors that name the file, the line and the rule broken."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pld_core.errors import DataError


def require_file(path: Path, what: str) -> Path:
    """``path`` if it is a file, else DataError saying which file is missing."""
    if not path.is_file():
        raise DataError(path, f"{what} not found")
    return path


def read_json(path: Path, what: str) -> Any:
    """A whole JSON file; DataError with the line of a syntax error."""
    require_file(path, what)
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}", f"malformed JSON ({exc.msg})") from None
    except UnicodeDecodeError:
        raise DataError(path, "not a UTF-8 text file") from None


def read_jsonl(path: Path, what: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSON-lines file."""
    require_file(path, what)
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{line_no}", f"malformed JSON line ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise DataError(f"{path}:{line_no}", "expected one JSON object per line")
            yield line_no, obj


def field(obj: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``obj[key]`` checked to be of ``kind``; DataError naming the place and key otherwise."""
    if key not in obj:
        raise DataError(where, f"missing key {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) and bool not in _as_tuple(kind):
        expected = "/".join(k.__name__ for k in _as_tuple(kind))
        raise DataError(where, f"key {key!r} must be {expected}, got {type(value).__name__}")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
