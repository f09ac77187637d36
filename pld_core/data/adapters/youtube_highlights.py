"""``youtube_highlights``: YouTube Highlights (Sun et al. 2014), ~2-s clips in six domains.

Each video has one rater, ``match``: the clip's ``match_label`` (1 highlight, 0 borderline,
-1 not), harvested from user-edited videos (the MTurk soft votes are not ingested). Layouts:
- ``sun2014``: the per-domain JSONL (``<domain>.jsonl``; the source may be its folder or the
  benchmark folder holding ``sun2014/``). Splits from the original lists: Trai* -> train,
  Test* -> test. The files give clips in frames but no frame rate: it is taken from the
  lighthouse files when they sit beside (``../lighthouse``), else estimated as the last clip
  frame over the YouTube duration in the ``info`` metadata (whole seconds);
- ``lighthouse``: ``youtube_highlight_<split>_release.jsonl`` (frames, fps, clip, match).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pld_core.config import Settings
from pld_core.data.adapters.base import DatasetAdapter, Parsed, register
from pld_core.data.adapters.lighthouse import is_lighthouse, read_lighthouse
from pld_core.data.sources import field, read_jsonl
from pld_core.errors import DataError

RATER = "match"
SCORE_RANGE = {"score_min": -1.0, "score_max": 1.0}
SUBSETS = {"Trai": "train", "Test": "test"}
_INFO_DURATION = 3  # position of the YouTube duration (s) in a sun2014 ``info`` list


@register
class YouTubeHighlightsAdapter(DatasetAdapter):
    name = "youtube_highlights"
    summary = "YouTube Highlights: sun2014 per-domain JSONL, or the lighthouse clip JSONL"

    def parse(self, source: Path, settings: Settings) -> Parsed:
        if (source / "sun2014").is_dir():
            return _parse_sun2014(source / "sun2014", settings)
        if is_lighthouse(source):
            return _parse_lighthouse(source)
        return _parse_sun2014(source, settings)


def _parse_sun2014(source: Path, settings: Settings) -> Parsed:
    files = [source] if source.is_file() else sorted(source.glob("*.jsonl"))
    if not files:
        raise DataError(source, "no YouTube Highlights <domain>.jsonl files")
    beside = (source.parent if source.is_file() else source).parent / "lighthouse"
    rates = ({str(o.get("vid")): (float(o["fps"]), float(o["frames"])) for _, _, o in
              read_lighthouse(beside, "youtube_highlights")} if is_lighthouse(beside) else {})
    parsed = Parsed()
    estimated, assumed = 0, 0
    for path in files:
        for line_no, obj in read_jsonl(path, "YouTube Highlights domain file"):
            where = f"{path}:{line_no}"
            video_id = field(obj, "vid", str, where)
            subset = field(obj, "subset", str, where)
            split = SUBSETS.get(subset[:4])
            if split is None:
                raise DataError(where, f"video {video_id}: subset {subset!r} is neither Trai* nor Test*")
            match = field(obj, "match_label", list, where)
            if len(match) != 2:
                raise DataError(where, f"video {video_id}: match_label must be [clips, labels]")
            clips, scores = _clip_scores(match[0], match[1], where, video_id)
            n_frames = float(clips[:, 1].max())
            if video_id in rates:
                fps, n_frames = rates[video_id]
            elif duration := _info_duration(obj):
                fps, estimated = n_frames / duration, estimated + 1
            else:
                fps, assumed = settings.dataset.assumed_fps, assumed + 1
            parsed.annotations.add(video_id, RATER, clips[:, 0] / fps, clips[:, 1] / fps, scores)
            parsed.videos.append(_video(video_id, field(obj, "domain", str, where), split, fps, n_frames))
    if estimated:
        parsed.warn(f"{estimated} of {len(parsed.videos)} videos: fps estimated from the YouTube duration "
                    f"(no lighthouse metadata beside {source})")
    if assumed:
        parsed.warn(f"{assumed} videos without a duration: {settings.dataset.assumed_fps} fps assumed")
    return parsed


def _parse_lighthouse(source: Path) -> Parsed:
    parsed = Parsed()
    for split, where, obj in read_lighthouse(source, "youtube_highlights"):
        video_id = field(obj, "vid", str, where)
        fps = float(field(obj, "fps", (int, float), where))
        n_frames = float(field(obj, "frames", (int, float), where))
        labels = obj["match"] if "match" in obj else field(obj, "label", list, where)
        clips, scores = _clip_scores(field(obj, "clip", list, where), labels, where, video_id)
        if fps <= 0 or n_frames <= 0:
            raise DataError(where, f"video {video_id}: fps {fps} and frames {n_frames} must be positive")
        parsed.annotations.add(video_id, RATER, clips[:, 0] / fps, clips[:, 1] / fps, scores)
        parsed.videos.append(_video(video_id, field(obj, "domain", str, where), split, fps, n_frames))
    return parsed


def _clip_scores(clips: list, labels: list, where: str, video_id: str) -> tuple[np.ndarray, np.ndarray]:
    """([n, 2] clip start/end frames, [n] scores), checked for shape and numbers."""
    try:
        frames = np.array(clips, dtype=np.float64)
        scores = np.array(labels, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise DataError(where, f"video {video_id}: clips and labels must be numbers") from None
    if frames.ndim != 2 or frames.shape[1] != 2 or len(frames) == 0:
        raise DataError(where, f"video {video_id}: clips must be a non-empty list of [start_frame, end_frame]")
    if len(scores) != len(frames):
        raise DataError(where, f"video {video_id}: {len(scores)} labels for {len(frames)} clips "
                               f"(rule: per-rater length matches the video)")
    return frames, scores


def _info_duration(obj: dict) -> float | None:
    info = obj.get("info")
    value = info[_INFO_DURATION] if isinstance(info, list) and len(info) > _INFO_DURATION else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def _video(video_id: str, domain: str, split: str, fps: float, n_frames: float) -> dict:
    return {"video_id": video_id, "split": split, "category": domain, "fps": fps,
            "n_frames": int(round(n_frames)), "duration_s": n_frames / fps, **SCORE_RANGE}
