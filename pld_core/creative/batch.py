"""Ad clips for many videos: a folder, a list, or a split of the ingested dataset.

The highlight source (model, champion or saliency fallback) is resolved once; a video
that fails (corrupt, too short, wrong shape) is logged and recorded with its error, and
the others are still cut.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pld_core.atomic import write_json
from pld_core.creative.clips import ClipRequest, clips_for_video, prepare_video
from pld_core.creative.highlights import resolve_source
from pld_core.creative.result import ClipResult
from pld_core.errors import DataError, PldError, VideoError

if TYPE_CHECKING:
    from pld_core.config import Settings

log = logging.getLogger(__name__)

BATCH_REPORT = "batch.json"


@dataclass(frozen=True)
class BatchItem:
    """The outcome for one video of a batch: its clips, or why it has none."""

    video: Path
    clips: list[ClipResult] = field(default_factory=list)
    report: Path | None = None
    preview: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"video": str(self.video), "ok": self.ok, "error": self.error,
                "clips": [str(c.path) for c in self.clips], "report": _optional_str(self.report),
                "preview": _optional_str(self.preview)}


def make_ad_clips_batch(videos: Path | Iterable[Path], out_dir: Path, settings: "Settings",
                        model: str | Path | None = None, *, seconds: float | None = None,
                        aspect: str | None = None, count: int | None = None) -> list[BatchItem]:
    """Clips, report and preview for each video (a folder or a list) into ``out_dir``.

    Writes ``<stem>.mp4``, ``<stem>.json``, ``<stem>.png`` per video and ``batch.json``.
    A video that fails (corrupt, too short, wrong shape) is logged and recorded with its
    error; the others are still processed.
    """
    from tqdm import tqdm

    paths = list_videos(videos) if isinstance(videos, (str, Path)) else [Path(v) for v in videos]
    request = ClipRequest.resolve(settings, seconds, aspect, count)
    source = resolve_source(settings, model)
    out_dir = Path(out_dir)
    items: list[BatchItem] = []
    for video, stem in tqdm(list(zip(paths, _unique_stems(paths))), desc="ad clips", unit="video"):
        report, preview = out_dir / f"{stem}.json", out_dir / f"{stem}.png"
        try:
            job = prepare_video(video, out_dir / f"{stem}.mp4", request, settings)
            clips = clips_for_video(job, source, settings, report=report, preview=preview)
        except PldError as exc:
            log.error("ad clips: skipping %s", exc)
            items.append(BatchItem(video=video, error=str(exc)))
            continue
        items.append(BatchItem(video=video, clips=clips, report=report, preview=preview))
    write_json(out_dir / BATCH_REPORT, {"request": request.to_dict(), "videos": [i.to_dict() for i in items],
                                        "failed": sum(not i.ok for i in items)})
    return items


def list_videos(folder: Path) -> list[Path]:
    """The video files directly inside ``folder``, sorted by name."""
    from pld_core.data.video_files import VIDEO_SUFFIXES, is_video_file

    folder = Path(folder)
    if not folder.is_dir():
        raise VideoError(folder, "not a folder of videos")
    videos = sorted(p for p in folder.iterdir() if is_video_file(p))
    if not videos:
        raise VideoError(folder, f"no video files ({', '.join(VIDEO_SUFFIXES)}) in this folder")
    return videos


def split_videos(settings: "Settings", split: str | None = None) -> list[Path]:
    """The video files of one split (default ``evaluate.split``) of the ingested dataset."""
    from pld_core.data import load_ingested

    split = split or settings.evaluate.split
    videos = load_ingested(settings.dataset_dir("ingested")).videos
    chosen = videos[(videos["split"] == split) & videos["path"].notna()]
    if chosen.empty:
        raise DataError(settings.dataset_dir("ingested"), f"no video files in the {split!r} split")
    return [Path(p) for p in chosen["path"]]


def _unique_stems(paths: list[Path]) -> list[str]:
    seen: set[str] = set()
    stems = []
    for path in paths:
        stem = path.stem if path.stem not in seen else f"{path.stem}_{path.suffix.lstrip('.')}"
        seen.add(stem)
        stems.append(stem)
    return stems


def _optional_str(path: Path | None) -> str | None:
    return None if path is None else str(path)
