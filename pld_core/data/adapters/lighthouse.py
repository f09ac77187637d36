"""The clip-level JSONL files of line/lighthouse (Moment-DETR style): ``<name>_<split>_release.jsonl``."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pld_core.data.sources import read_jsonl
from pld_core.data.tables import SPLITS
from pld_core.errors import DataError

_NAME = re.compile(r"_(train|val|test)_release\.jsonl$")


def lighthouse_files(source: Path) -> list[tuple[str, Path]]:
    """(split, file) of each lighthouse JSONL in folder ``source`` (or of ``source`` itself)."""
    files = [source] if source.is_file() else sorted(source.glob("*_release.jsonl"))
    out = []
    for path in files:
        match = _NAME.search(path.name)
        if not match:
            raise DataError(path, f"cannot tell the split: expected <name>_<{'|'.join(SPLITS)}>_release.jsonl")
        out.append((match.group(1), path))
    return out


def is_lighthouse(source: Path) -> bool:
    return bool(_NAME.search(source.name)) if source.is_file() else any(source.glob("*_release.jsonl"))


def read_lighthouse(source: Path, what: str) -> Iterator[tuple[str, str, dict]]:
    """(split, ``file:line``, object) for every video in the lighthouse files of ``source``."""
    files = lighthouse_files(source)
    if not files:
        raise DataError(source, f"no {what} lighthouse *_<split>_release.jsonl files")
    for split, path in files:
        for line_no, obj in read_jsonl(path, f"{what} lighthouse file"):
            yield split, f"{path}:{line_no}", obj


def split_by_video(source: Path, what: str) -> dict[str, str]:
    """video id -> split, from the lighthouse files of ``source``."""
    return {str(obj.get("vid")): split for split, _, obj in read_lighthouse(source, what)}
