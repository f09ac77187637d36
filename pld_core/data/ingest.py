"""Ingestion: read a source, validate it, and write the canonical tables, idempotently.

Re-ingesting the same source leaves the files untouched (not even rewritten); a changed or
new video changes only its own rows. Each video is fingerprinted by its row (with the file's
checksum) and its annotations' checksum, which is how the summary tells what changed.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from pld_core.config import Settings
from pld_core.data.adapters import get_adapter
from pld_core.data.store import data_version, has_tables, load_ingested, write_tables
from pld_core.data.tables import CanonicalDataset, annotation_checksums
from pld_core.errors import DataError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestSummary:
    """What one ``ingest`` call found and did."""

    format: str
    source: str
    out_dir: str
    n_videos: int
    n_rater_tracks: int         # (video, rater) sequences
    max_raters_per_video: int
    n_units: int                # annotation rows
    splits: dict[str, int]
    added: list[str]
    updated: list[str]
    removed: list[str]
    n_unchanged: int
    written: bool               # False when the tables on disk already held exactly this
    data_version: str
    warnings: list[str]
    skipped: dict[str, str]     # video id -> why its file was left out (missing, unreadable)

    def lines(self) -> list[str]:
        """A short human summary (what ``pld ingest`` prints)."""
        splits = ", ".join(f"{k} {v}" for k, v in self.splits.items())
        return [
            f"ingested {self.format} from {self.source} -> {self.out_dir}",
            f"  videos {self.n_videos} | raters {self.n_rater_tracks} tracks (up to {self.max_raters_per_video} "
            f"per video) | units {self.n_units:,} | splits: {splits}",
            f"  {len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.n_unchanged} unchanged ({'written' if self.written else 'nothing to write'}) "
            f"| data version {self.data_version}",
            *(f"  note: {w}" for w in self.warnings),
            *(f"  skipped video {k}: {v}" for k, v in self.skipped.items()),
        ]

    def to_dict(self) -> dict:
        return asdict(self)


def read_dataset(fmt: str, source: Path, settings: Settings) -> CanonicalDataset:
    """Parse ``source`` in format ``fmt`` into canonical tables (not validated; see ``ingest``)."""
    return get_adapter(fmt).read(settings.path(source), settings)


def ingest(fmt: str, source: Path, out_dir: Path, settings: Settings) -> IngestSummary:
    """Read, validate (Great Expectations) and write ``out_dir``'s tables; DataError on any broken rule."""
    from pld_core.data.validation import validate_dataset

    source, out_dir = settings.path(source), settings.path(out_dir)
    dataset = read_dataset(fmt, source, settings)
    report = validate_dataset(dataset)
    if not report.success:
        raise DataError(source, report.message())
    previous = _previous(out_dir)
    old, new = fingerprints(previous), fingerprints(dataset)
    written = previous is None or not previous.same_content(dataset)
    if written:
        write_tables(dataset, out_dir)
    annotations = dataset.annotations
    tracks = annotations.groupby(["video_id", "rater_id"]).size()
    summary = IngestSummary(
        format=fmt, source=str(source), out_dir=str(out_dir), n_videos=len(dataset.videos),
        n_rater_tracks=len(tracks),
        max_raters_per_video=int(tracks.groupby(level=0).size().max()) if len(tracks) else 0,
        n_units=len(annotations), splits={k: len(v) for k, v in dataset.splits.items()},
        added=sorted(new.keys() - old.keys()), removed=sorted(old.keys() - new.keys()),
        updated=sorted(k for k in new.keys() & old.keys() if new[k] != old[k]),
        n_unchanged=sum(1 for k in new.keys() & old.keys() if new[k] == old[k]),
        written=written, data_version=data_version(out_dir), warnings=dataset.warnings, skipped=dataset.skipped,
    )
    log.debug("ingested %s: %d videos, %d added, %d updated, %d removed", fmt, summary.n_videos,
             len(summary.added), len(summary.updated), len(summary.removed))
    return summary


def fingerprints(dataset: CanonicalDataset | None) -> dict[str, str]:
    """video id -> its videos row (checksum included) joined with its annotations' checksum."""
    if dataset is None:
        return {}
    annotations = annotation_checksums(dataset.annotations)
    return {row.video_id: f"{tuple(row)!r}|{annotations.get(row.video_id, '')}"
            for row in dataset.videos.itertuples(index=False)}


def _previous(out_dir: Path) -> CanonicalDataset | None:
    """The tables already in ``out_dir``, or None (an unreadable old copy is replaced, with a warning)."""
    if not has_tables(out_dir):
        return None
    try:
        return load_ingested(out_dir)
    except DataError as exc:
        log.warning("replacing the unreadable ingested tables: %s", exc)
        return None
