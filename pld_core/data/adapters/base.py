"""One ABC for every source format, and the name registry ``--format`` looks formats up in."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from pld_core.config import Settings
from pld_core.data.tables import AnnotationBuilder, CanonicalDataset, annotation_checksums, splits_of, videos_frame
from pld_core.errors import DataError

log = logging.getLogger(__name__)


@dataclass
class Parsed:
    """What an adapter read: one dict per video (VIDEO_COLUMNS keys) and the raters' units."""

    videos: list[dict] = field(default_factory=list)
    annotations: AnnotationBuilder = field(default_factory=AnnotationBuilder)
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)   # video id -> why its file is unreadable

    def warn(self, message: str) -> None:
        log.warning(message)
        self.warnings.append(message)


class DatasetAdapter(ABC):
    """Reads one source format into the canonical dataset."""

    name: ClassVar[str]
    summary: ClassVar[str]

    def read(self, source: Path, settings: Settings) -> CanonicalDataset:
        """Parse ``source`` (a folder or a file, see docs/data-format.md) into canonical tables.

        A video whose file is missing or unreadable is left out, with its annotations, and
        recorded in ``skipped``; a source whose every video is unreadable is a DataError.
        """
        source = Path(source)
        if not source.exists():
            raise DataError(source, f"{self.name} source not found")
        parsed = self.parse(source, settings)
        if parsed.skipped and not parsed.videos:
            first = next(iter(parsed.skipped.items()))
            raise DataError(source, f"no readable video: all {len(parsed.skipped)} skipped (first: {first[0]}: "
                                    f"{first[1]})")
        annotations = parsed.annotations.frame()
        dropped = set(parsed.skipped) - {video["video_id"] for video in parsed.videos}
        annotations = annotations[~annotations["video_id"].isin(dropped)].reset_index(drop=True)
        checksums = annotation_checksums(annotations)
        for video in parsed.videos:
            video["source"] = self.name
            if not video.get("checksum"):
                video["checksum"] = checksums.get(video["video_id"])
        videos = videos_frame(parsed.videos)
        return CanonicalDataset(videos=videos, annotations=annotations, splits=splits_of(videos),
                                warnings=parsed.warnings, skipped=parsed.skipped)

    @abstractmethod
    def parse(self, source: Path, settings: Settings) -> Parsed:
        """Read the source's files; raise DataError naming file, line and rule on bad input."""


ADAPTERS: dict[str, type[DatasetAdapter]] = {}


def register(cls: type[DatasetAdapter]) -> type[DatasetAdapter]:
    """Class decorator: make ``cls`` available as ``--format <cls.name>``."""
    ADAPTERS[cls.name] = cls
    return cls


def get_adapter(fmt: str) -> DatasetAdapter:
    if fmt not in ADAPTERS:
        raise DataError(f"format {fmt!r}", f"unknown dataset format (known: {', '.join(sorted(ADAPTERS))})")
    return ADAPTERS[fmt]()
