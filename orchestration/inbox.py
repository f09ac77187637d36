"""The inbox: where new videos and annotation files arrive for the configured dataset.

A delivery is laid out like the dataset's source folder (for the demo's multirater format:
``videos/<id>.mp4`` plus the updated ``manifest.json`` and ``ratings.csv``; for a ``folder``
dataset just ``<id>.mp4``). The inbox sensor turns each new video into a partition (its id is
the file name without suffix) and each new annotation file into a relabeling run; ``raw_videos``
then moves the delivery into the source folder. Names starting with ``.`` are ignored, so copy
a file in under a dot-name and rename it when complete.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pld_core.atomic import atomic_path
from pld_core.data.video_files import is_video_file


@dataclass(frozen=True)
class Delivery:
    """The files waiting in the inbox, relative to it."""

    videos: tuple[Path, ...]
    annotations: tuple[Path, ...]

    @property
    def video_ids(self) -> list[str]:
        return [p.stem for p in self.videos]


def scan_inbox(inbox: Path) -> Delivery:
    """Every complete (not dot-named) file under ``inbox``, split into videos and the rest."""
    files = sorted(p for p in inbox.rglob("*") if p.is_file() and not _hidden(p.relative_to(inbox))) \
        if inbox.is_dir() else []
    videos = tuple(p.relative_to(inbox) for p in files if is_video_file(p))
    annotations = tuple(p.relative_to(inbox) for p in files if not is_video_file(p))
    return Delivery(videos, annotations)


def land_delivery(inbox: Path, source: Path) -> list[Path]:
    """Move every inbox file to the same relative place under ``source`` (atomically); returns them."""
    delivery = scan_inbox(inbox)
    landed = []
    for relative in delivery.videos + delivery.annotations:
        try:
            with atomic_path(source / relative) as tmp:
                shutil.copyfile(inbox / relative, tmp)
            (inbox / relative).unlink()
        except FileNotFoundError:  # landed meanwhile by a concurrent run
            continue
        landed.append(relative)
    return landed


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
