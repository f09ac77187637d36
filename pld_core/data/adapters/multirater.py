"""``multirater``: the project's own format (what a product team delivers; the demo uses it).

    <source>/manifest.json   {"format": "pld-multirater/1", "name", "score_min", "score_max",
                              "videos": [{"id", "path", "split", "category"}], "ratings": "ratings.csv"}
    <source>/ratings.csv     video_id, rater_id, start_s, end_s, score   (per frame or per segment)

Video paths are relative to the manifest (or absolute); videos are referenced, not copied.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pld_core.config import Settings
from pld_core.data.adapters.base import DatasetAdapter, Parsed, register
from pld_core.data.sources import field, read_json, require_file
from pld_core.data.tables import SPLITS
from pld_core.data.video_files import VideoCatalog
from pld_core.errors import DataError

FORMAT_TAG = "pld-multirater/"
RATING_COLUMNS = ("video_id", "rater_id", "start_s", "end_s", "score")


@register
class MultiRaterAdapter(DatasetAdapter):
    name = "multirater"
    summary = "manifest.json + ratings.csv: videos scored by several raters, per frame or per segment"

    def parse(self, source: Path, settings: Settings) -> Parsed:
        manifest_path = source / "manifest.json" if source.is_dir() else source
        manifest = read_json(manifest_path, "multirater manifest.json")
        if not isinstance(manifest, dict):
            raise DataError(manifest_path, "expected a JSON object")
        tag = str(manifest.get("format", ""))
        if not tag.startswith(FORMAT_TAG):
            raise DataError(manifest_path, f"format is {tag!r}, expected {FORMAT_TAG}<version>")
        score_min = float(field(manifest, "score_min", (int, float), str(manifest_path)))
        score_max = float(field(manifest, "score_max", (int, float), str(manifest_path)))
        if score_min >= score_max:
            raise DataError(manifest_path, f"score_min {score_min} must be below score_max {score_max}")
        entries = [_video_entry(manifest_path, i, e) for i, e in
                   enumerate(field(manifest, "videos", list, str(manifest_path)))]
        parsed = Parsed()
        described = VideoCatalog.for_settings(settings).describe_all(
            [(record["video_id"], file) for record, file in entries], manifest_path, parsed.skipped)
        for (record, _), description in zip(entries, described):
            if description is not None:
                parsed.videos.append({**record, **description, "score_min": score_min, "score_max": score_max})
        ratings_name = manifest.get("ratings", "ratings.csv")
        ratings = _read_ratings(require_file(manifest_path.parent / str(ratings_name), "multirater ratings file"))
        parsed.annotations.add(ratings["video_id"].to_numpy(), ratings["rater_id"].to_numpy(),
                               ratings["start_s"], ratings["end_s"], ratings["score"])
        return parsed


def _video_entry(manifest_path: Path, index: int, entry: object) -> tuple[dict, Path]:
    """(videos-table fields, video file) of one manifest entry."""
    where = f"{manifest_path}: videos[{index}]"
    if not isinstance(entry, dict):
        raise DataError(where, "expected an object with id, path, split")
    video_id = field(entry, "id", str, where).strip()
    if not video_id:
        raise DataError(where, "empty video id")
    split = field(entry, "split", str, f"{where} ({video_id})")
    if split not in SPLITS:
        raise DataError(f"{where} ({video_id})", f"split {split!r} is not one of {', '.join(SPLITS)}")
    file = Path(field(entry, "path", str, f"{where} ({video_id})"))
    category = entry.get("category")
    record = {"video_id": video_id, "split": split, "category": None if category is None else str(category)}
    return record, file if file.is_absolute() else manifest_path.parent / file


def _read_ratings(path: Path) -> pd.DataFrame:
    """ratings.csv with every value checked; errors name the line (the header is line 1)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        raise DataError(path, f"malformed CSV ({str(exc).strip().splitlines()[-1]})") from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError):
        raise DataError(path, "empty or not a UTF-8 CSV file") from None
    missing = [c for c in RATING_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)} (expected {', '.join(RATING_COLUMNS)})")
    lines = frame.index.to_numpy() + 2
    for column in ("video_id", "rater_id"):
        frame[column] = frame[column].str.strip()
        empty = np.flatnonzero(frame[column].to_numpy() == "")
        if len(empty):
            raise DataError(f"{path}:{lines[empty[0]]}", f"empty {column}")
    for column in ("start_s", "end_s", "score"):
        text = frame[column]
        values = pd.to_numeric(text, errors="coerce").to_numpy(np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            row = bad[0]
            raise DataError(f"{path}:{lines[row]}", f"{column} {text.iloc[row]!r} is not a finite number")
        frame[column] = values
    dup = np.flatnonzero(frame.duplicated(["video_id", "rater_id", "start_s"]).to_numpy())
    if len(dup):
        row = frame.iloc[dup[0]]
        raise DataError(f"{path}:{lines[dup[0]]}", f"duplicate rating: rater {row['rater_id']} already scored "
                                                    f"video {row['video_id']} from {row['start_s']} s")
    return frame
