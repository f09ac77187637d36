"""Video files referenced by a dataset: metadata and sha256, cached so re-ingestion skips them.

Videos are referenced by absolute path, never copied. The cache (``paths.cache/ingest/videos.json``)
is keyed by path and trusted while the file's size and modification time are unchanged.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from tqdm import tqdm

from pld_core.atomic import write_json
from pld_core.config import Settings
from pld_core.errors import VideoError
from pld_core.video import check_file, probe

log = logging.getLogger(__name__)
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi")
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class VideoCatalog:
    """Describes video files for the videos table, remembering what it already measured."""

    def __init__(self, cache_file: Path):
        self.cache_file = cache_file
        self._entries: dict[str, dict] = {}
        self._dirty = False
        if cache_file.is_file():
            try:
                self._entries = json.loads(cache_file.read_text())
            except (json.JSONDecodeError, UnicodeDecodeError):
                log.warning("%s: unreadable video cache, measuring every video again", cache_file)

    @classmethod
    def for_settings(cls, settings: Settings) -> VideoCatalog:
        return cls(settings.path(settings.paths.cache) / "ingest" / "videos.json")

    def describe(self, path: Path) -> dict:
        """path, duration_s, fps, n_frames, width, height (upright) and checksum of one video."""
        path = check_file(path).resolve()
        stat = path.stat()
        key = str(path)
        entry = self._entries.get(key)
        if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
            return dict(entry["row"])
        info = probe(path)
        width, height = info.display_size
        row = {"path": key, "duration_s": info.duration_s, "fps": info.fps, "n_frames": info.n_frames,
               "width": width, "height": height, "checksum": sha256_file(path)}
        self._entries[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "row": row}
        self._dirty = True
        return dict(row)

    def describe_all(self, items: Iterable[tuple[str, Path]], where: str | Path,
                     skipped: dict[str, str]) -> list[dict | None]:
        """Descriptions of (video id, file) items, in order.

        A missing or unreadable file gets None, and its id and problem go into ``skipped``
        (logged as a warning naming ``where``): one bad video never stops the others.
        """
        items = list(items)
        out: list[dict | None] = []
        for video_id, path in tqdm(items, desc="videos", unit="video", disable=len(items) < 2, leave=False):
            try:
                out.append(self.describe(path))
                continue
            except VideoError as exc:
                problem = str(exc)
            except OSError as exc:
                problem = f"{path}: {exc.strerror or exc}"
            log.warning("%s: skipping video %s: %s", where, video_id, problem)
            skipped[video_id] = problem
            out.append(None)
        self.save()
        return out

    def save(self) -> None:
        if self._dirty:
            write_json(self.cache_file, self._entries)
            self._dirty = False


def is_video_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES and not path.name.startswith(".")
