"""The ingested dataset on disk: ``videos.parquet``, ``annotations.parquet``, ``splits.json``."""
from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

import pandas as pd

from pld_core.atomic import atomic_path, json_text
from pld_core.data.sources import read_json, require_file
from pld_core.data.tables import CanonicalDataset
from pld_core.errors import DataError

VIDEOS = "videos.parquet"
ANNOTATIONS = "annotations.parquet"
SPLITS_FILE = "splits.json"
TABLE_FILES = (VIDEOS, ANNOTATIONS, SPLITS_FILE)


def has_tables(ingested_dir: Path) -> bool:
    return all((Path(ingested_dir) / name).is_file() for name in TABLE_FILES)


def write_tables(dataset: CanonicalDataset, out_dir: Path) -> None:
    """Write the three files as a set: all to temporaries first, renamed only when all are written.

    A reader never sees half a file, and a failure (disk full, a kill while writing) leaves
    the previous set whole rather than new annotations beside old videos.
    """
    out_dir = Path(out_dir)
    with contextlib.ExitStack() as stack:
        tmp = {name: stack.enter_context(atomic_path(out_dir / name)) for name in TABLE_FILES}
        dataset.annotations.to_parquet(tmp[ANNOTATIONS], index=False)
        dataset.videos.to_parquet(tmp[VIDEOS], index=False)
        tmp[SPLITS_FILE].write_text(json_text(dataset.splits))


def load_ingested(ingested_dir: str | Path) -> CanonicalDataset:
    """Read an ingested dataset back; DataError naming the file that is missing or unreadable."""
    folder = Path(ingested_dir)
    frames = {}
    for name in (VIDEOS, ANNOTATIONS):
        path = require_file(folder / name, "ingested table (run `pld ingest` first)")
        try:
            frames[name] = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise DataError(path, f"unreadable Parquet table ({str(exc).splitlines()[0][:120]})") from None
    splits = read_json(folder / SPLITS_FILE, "ingested splits.json (run `pld ingest` first)")
    if not isinstance(splits, dict) or not all(
            isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in splits.values()):
        raise DataError(folder / SPLITS_FILE, "expected {split: [video ids]}")
    try:
        return CanonicalDataset(videos=frames[VIDEOS], annotations=frames[ANNOTATIONS], splits=splits)
    except DataError as exc:
        raise DataError(folder, str(exc)) from None


def data_version(ingested_dir: str | Path) -> str:
    """Content hash of the ingested files: the data version runs and DVC stages are tagged with."""
    folder = Path(ingested_dir)
    digest = hashlib.sha256()
    for name in TABLE_FILES:
        path = require_file(folder / name, "ingested table (run `pld ingest` first)")
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
