"""Ad clips: the best S seconds of a video, cropped to an aspect around its highlight.

    clips = make_ad_clips(Path("long.mp4"), Path("ad.mp4"), settings, model=None,
                          seconds=6, aspect="9:16", count=1,
                          report=Path("ad.json"), preview=Path("ad.png"))

``count`` > 1 writes ``ad_1.mp4`` .. ``ad_K.mp4``. A source shorter than ``seconds``
but at least ``creative.min_seconds`` long gives one clip of the whole video
(``shortened`` in the report); a shorter one is refused with a VideoError.
``pld_core.creative.batch`` does the same for many videos.
"""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pld_core.atomic import atomic_path, write_json
from pld_core.creative.aspect import crop_size, parse_aspect
from pld_core.creative.camera import crop_boxes, map_targets, shot_camera_path
from pld_core.creative.highlights import HighlightSource, VideoAnalysis, resolve_source
from pld_core.creative.preview import write_preview
from pld_core.creative.quality import crop_quality
from pld_core.creative.render import render_clip
from pld_core.creative.result import ClipResult, build_report
from pld_core.creative.segments import Segment, choose_segments, source_frames
from pld_core.creative.shots import refine_cuts
from pld_core.errors import ConfigError, OutputError, VideoError
from pld_core.video import VideoInfo, probe, sample_indices

if TYPE_CHECKING:
    from pld_core.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClipRequest:
    """What the user asked for, checked against the creative settings."""

    seconds: float
    aspect: str
    count: int

    @classmethod
    def resolve(cls, settings: "Settings", seconds: float | None = None, aspect: str | None = None,
                count: int | None = None) -> "ClipRequest":
        """The request with ``creative`` defaults filled in; ConfigError when out of range."""
        creative = settings.creative
        seconds = creative.seconds if seconds is None else float(seconds)
        if not creative.min_seconds <= seconds <= creative.max_seconds:
            raise ConfigError(f"seconds {seconds:g}: an ad clip lasts {creative.min_seconds:g} to "
                              f"{creative.max_seconds:g} s (creative.min_seconds, creative.max_seconds)")
        aspect = creative.aspect if aspect is None else str(aspect).strip()
        parse_aspect(aspect)
        count = creative.count if count is None else int(count)
        if count < 1:
            raise ConfigError(f"count {count}: ask for at least one clip")
        return cls(seconds=seconds, aspect=aspect, count=count)

    def to_dict(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "aspect": self.aspect, "count": self.count}


def make_ad_clips(video: Path, out: Path, settings: "Settings", model: str | Path | None = None,
                  seconds: float | None = None, aspect: str | None = None, count: int | None = None,
                  report: Path | None = None, preview: Path | None = None) -> list[ClipResult]:
    """Cut ``count`` clips of ``seconds`` from ``video``, cropped to ``aspect``, best first.

    ``model``: a checkpoint or model URI; None takes the registry's champion, or falls back
    to saliency-only scores when none is registered (the report says so).
    """
    request = ClipRequest.resolve(settings, seconds, aspect, count)
    job = prepare_video(Path(video), Path(out), request, settings)
    return clips_for_video(job, resolve_source(settings, model), settings, report=report, preview=preview)


def clip_paths(out: Path, count: int) -> list[Path]:
    """``out`` for one clip; ``<stem>_1<suffix>`` .. ``<stem>_K<suffix>`` for several."""
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}_{rank}{out.suffix}") for rank in range(1, count + 1)]


@dataclass(frozen=True)
class VideoJob:
    """One video checked against a request, before any decoding: what will be rendered."""

    video: Path
    out: Path
    request: ClipRequest
    info: VideoInfo
    crop: tuple[int, int]    # (width, height) of the clip
    n_frames: int            # frames per clip
    shortened: bool          # the video is shorter than asked: the clip is all of it


def prepare_video(video: Path, out: Path, request: ClipRequest, settings: "Settings") -> VideoJob:
    """Probe ``video`` and check that it can give the clip asked for (VideoError saying why not)."""
    info = probe(video)
    for path in clip_paths(out, request.count):
        if path.resolve() == video.resolve():
            raise OutputError(f"{path}: the clip would overwrite its own source video")
    crop = crop_size(info.display_size, request.aspect, settings.creative.min_crop_pixels, video)
    n_frames, shortened = _clip_frames(video, info, request.seconds, settings)
    return VideoJob(video=video, out=out, request=request, info=info, crop=crop, n_frames=n_frames,
                    shortened=shortened)


def clips_for_video(job: VideoJob, source: HighlightSource, settings: "Settings", report: Path | None = None,
                    preview: Path | None = None) -> list[ClipResult]:
    """Analyse the job's video, choose its windows, render them, write the report and preview.

    The clips are renamed into place only once the report and preview are written, so a
    failure (a full disk, say) leaves no clip without its report, nor replaces an old clip.
    """
    planner = _ClipPlanner(source.analyze(job.video), job.crop, settings)
    request = job.request
    length = len(planner.analysis.scores) if job.shortened else round(request.seconds * planner.analysis.fps)
    segments = planner.choose(length, request.count)
    with contextlib.ExitStack() as pending:
        clips = [planner.render(rank, segment, path, job.n_frames, job.shortened,
                                write_to=pending.enter_context(atomic_path(path)))
                 for rank, (segment, path) in enumerate(zip(segments, clip_paths(job.out, request.count)), start=1)]
        if report is not None:
            write_json(report, build_report(planner.analysis, clips, request.to_dict()))
        if preview is not None:
            write_preview(Path(preview), planner.analysis, clips)
    return clips


class _ClipPlanner:
    """Chooses windows of one analysed video and renders them along a camera path."""

    def __init__(self, analysis: VideoAnalysis, crop: tuple[int, int], settings: "Settings"):
        self.analysis = analysis
        self.crop = crop
        self.settings = settings
        info = analysis.info
        self.frame_size = info.display_size
        self.sample_frames = sample_indices(info.n_frames, info.fps, analysis.fps)
        self.targets = map_targets(analysis.maps, self.frame_size, settings.creative.map_threshold)

    def choose(self, length: int, count: int) -> list[Segment]:
        creative = self.settings.creative
        segments = choose_segments(self.analysis.scores, length, self.analysis.scan.cuts, count,
                                   creative.shot_snap_max_cost, round(creative.min_shot_seconds * self.analysis.fps))
        if len(segments) < count:
            log.warning("%s: room for only %d non-overlapping clips of %d asked", self.analysis.path,
                        len(segments), count)
        return segments

    def _cuts_inside(self, first: int, stop: int) -> list[int]:
        """Source frames where a new shot starts strictly inside [first, stop), to the frame."""
        cuts = self.analysis.scan.cuts
        lows, highs = self.sample_frames[cuts - 1], self.sample_frames[cuts]
        near = (highs > first) & (lows + 1 < stop)
        starts = refine_cuts(self.analysis.path, self.settings, list(zip(lows[near].tolist(), highs[near].tolist())))
        return [s for s in starts if first < s < stop]

    def _first_frame_of_shot(self, low: int, high: int) -> int:
        return refine_cuts(self.analysis.path, self.settings, [(low, high)])[0]

    def render(self, rank: int, segment: Segment, out: Path, n_out: int, shortened: bool,
               write_to: Path | None = None) -> ClipResult:
        """Render ``segment`` as the clip ``out`` (written to ``write_to`` when given)."""
        analysis, info = self.analysis, self.analysis.info
        first, stop = source_frames(segment, self.sample_frames, info.n_frames, n_out, self._first_frame_of_shot)
        shot_starts = self._cuts_inside(first, stop)
        followed, centres = shot_camera_path(self.targets, self.sample_frames, first, stop, shot_starts,
                                             self.frame_size, self.crop, info.fps, self.settings.creative)
        boxes = crop_boxes(centres, self.frame_size, self.crop)
        keep = np.unique(np.linspace(0, n_out - 1, self.settings.creative.preview_frames).round().astype(int))
        kept = render_clip(analysis.path, write_to or out, first, boxes, self.settings, keep)
        shown = np.flatnonzero((self.sample_frames >= first) & (self.sample_frames < stop))
        starts_in_clip = [s - first for s in shot_starts]
        quality = crop_quality(analysis.maps[shown], boxes[self.sample_frames[shown] - first], self.frame_size, boxes,
                               shot_starts=starts_in_clip)
        log.info("%s: clip #%d %.2f-%.2f s, score %.3f%s -> %s", analysis.path.name, rank, first / info.fps,
                 stop / info.fps, segment.score, " (snapped to a shot)" if segment.snapped else "", out)
        return ClipResult(path=out, rank=rank, source=analysis.path, first_frame=first, n_frames=n_out,
                          fps=info.fps, score=segment.score, best_score=segment.best_score, snapped=segment.snapped,
                          shot_starts=starts_in_clip, shortened=shortened, boxes=boxes, targets=followed,
                          quality=quality, model_ref=analysis.model_ref, fallback_reason=analysis.fallback_reason,
                          kept_frames=kept)


def _clip_frames(video: Path, info: VideoInfo, seconds: float, settings: "Settings") -> tuple[int, bool]:
    """Frames per clip, and whether the video is too short for ``seconds`` (then: all of it)."""
    wanted = round(seconds * info.fps)
    if info.n_frames >= wanted:
        return wanted, False
    minimum = settings.creative.min_seconds
    if info.duration_s < minimum:
        raise VideoError(video, f"only {info.duration_s:.2f} s long; an ad clip needs at least {minimum:g} s")
    log.warning("%s: %.2f s is shorter than the %g s asked; the clip is the whole video", video,
                info.duration_s, seconds)
    return info.n_frames, True
