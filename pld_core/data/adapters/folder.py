"""``folder``: a plain folder of videos, no labels (for scoring and pseudo-labels only).

Videos directly in the folder go to the ``test`` split; videos in ``train/``, ``val/`` or
``test/`` subfolders go to that split. The video id is the file name without its suffix.
"""
from __future__ import annotations

from pathlib import Path

from pld_core.config import Settings
from pld_core.data.adapters.base import DatasetAdapter, Parsed, register
from pld_core.data.tables import SPLITS, UNSPLIT
from pld_core.data.video_files import VIDEO_SUFFIXES, VideoCatalog, is_video_file
from pld_core.errors import DataError


@register
class FolderAdapter(DatasetAdapter):
    name = "folder"
    summary = "a folder of videos without labels (optionally in train/ val/ test/ subfolders)"

    def parse(self, source: Path, settings: Settings) -> Parsed:
        if not source.is_dir():
            raise DataError(source, "folder source must be a directory of videos")
        found = [(path, UNSPLIT) for path in sorted(source.iterdir()) if is_video_file(path)]
        for split in SPLITS:
            if (source / split).is_dir():
                found += [(path, split) for path in sorted((source / split).iterdir()) if is_video_file(path)]
        if not found:
            raise DataError(source, f"no video files ({', '.join(VIDEO_SUFFIXES)}) found")
        parsed = Parsed()
        described = VideoCatalog.for_settings(settings).describe_all([(p.stem, p) for p, _ in found], source,
                                                                     parsed.skipped)
        for (path, split), description in zip(found, described):
            if description is not None:
                parsed.videos.append({"video_id": path.stem, "split": split, **description})
        return parsed
