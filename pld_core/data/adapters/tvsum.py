"""``tvsum``: TVSum (Song et al. 2015), 50 videos x 20 raters scoring uniform 2-s shots 1-5.

Two layouts, chosen by the source given:
- the official per-frame file: a folder with ``ydata-anno.tsv`` and ``tvsum50_info.tsv`` (frame
  counts and rates). Each rater's per-frame scores are stored as runs of equal score (lossless:
  the scores are constant over each shot), about 60x fewer rows than one per frame. The split
  is the lighthouse one when ``lighthouse/`` is beside the files, else every video is ``test``;
- the lighthouse clip JSONL (a folder of ``tvsum_<split>_release.jsonl`` or one such file): one
  2-s clip per unit. The video is the span the file labels (its ``duration`` counts clips:
  2 s x clips, up to 2 s shorter than the real video); frame rates come from ``tvsum50_info.tsv``
  when it is in the folder or its parent, else ``dataset.assumed_fps``.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from pld_core.config import Settings
from pld_core.data.adapters.base import DatasetAdapter, Parsed, register
from pld_core.data.adapters.lighthouse import is_lighthouse, read_lighthouse, split_by_video
from pld_core.data.sources import field, require_file
from pld_core.data.tables import UNSPLIT
from pld_core.errors import DataError

ANNOTATIONS = "ydata-anno.tsv"
INFO = "tvsum50_info.tsv"
CLIP_S = 2.0
SCORE_RANGE = {"score_min": 1.0, "score_max": 5.0}


@register
class TVSumAdapter(DatasetAdapter):
    name = "tvsum"
    summary = "TVSum: ydata-anno.tsv + tvsum50_info.tsv (per frame), or the lighthouse clip JSONL"

    def parse(self, source: Path, settings: Settings) -> Parsed:
        if is_lighthouse(source):
            return _parse_clips(source, settings)
        return _parse_frames(source.parent if source.is_file() else source)


def _parse_frames(folder: Path) -> Parsed:
    info = read_info(require_file(folder / INFO, "TVSum video info"))
    anno = require_file(folder / ANNOTATIONS, "TVSum annotation file")
    splits = split_by_video(folder / "lighthouse", "tvsum") if (folder / "lighthouse").is_dir() else {}
    parsed = Parsed()
    n_raters: dict[str, int] = {}
    with anno.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{anno}:{line_no}"
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise DataError(where, "expected video_id<TAB>category<TAB>comma-separated per-frame scores")
            video_id, _, text = parts
            if video_id not in info:
                raise DataError(where, f"video {video_id} is not listed in {INFO}")
            rater = f"rater_{n_raters.get(video_id, 0):02d}"
            n_raters[video_id] = n_raters.get(video_id, 0) + 1
            scores = _scores(text, where, video_id)
            expected = info[video_id]["n_frames"]
            if len(scores) != expected:
                raise DataError(where, f"video {video_id} {rater}: {len(scores)} scores, expected {expected} "
                                       f"(one per frame; rule: per-rater length matches the video)")
            parsed.annotations.add_runs(video_id, rater, scores, info[video_id]["fps"])
    for video_id, meta in info.items():
        parsed.videos.append(_video(video_id, meta, splits.get(video_id, UNSPLIT)))
    return parsed


def _parse_clips(source: Path, settings: Settings) -> Parsed:
    folder = source.parent if source.is_file() else source
    info_path = next((p for p in (folder / INFO, folder.parent / INFO) if p.is_file()), None)
    info = read_info(info_path) if info_path else {}
    parsed = Parsed()
    if not info:
        parsed.warn(f"{INFO} not found beside {source}: {settings.dataset.assumed_fps} fps assumed "
                    f"(dataset.assumed_fps)")
    for split, where, obj in read_lighthouse(source, "tvsum"):
        video_id = field(obj, "vid", str, where)
        labels = _label_matrix(field(obj, "label", list, where), where, video_id)
        n_clips, n_raters = labels.shape
        fps = info[video_id]["fps"] if video_id in info else settings.dataset.assumed_fps
        meta = {"fps": fps, "n_frames": int(round(n_clips * CLIP_S * fps)),
                "category": info[video_id]["category"] if video_id in info else obj.get("domain")}
        starts = np.arange(n_clips) * CLIP_S
        ends = starts + CLIP_S
        for r in range(n_raters):
            parsed.annotations.add(video_id, f"rater_{r:02d}", starts, ends, labels[:, r])
        parsed.videos.append(_video(video_id, meta, split))
    return parsed


def read_info(path: Path) -> dict[str, dict]:
    """video id -> category, n_frames, fps from ``tvsum50_info.tsv``."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"video_id", "category", "n_frames", "fps"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(path, f"missing column(s) {', '.join(sorted(missing))}")
        info = {}
        for line_no, row in enumerate(reader, start=2):
            try:
                n_frames, fps = int(row["n_frames"]), float(row["fps"])
            except (TypeError, ValueError):
                raise DataError(f"{path}:{line_no}", "n_frames and fps must be numbers") from None
            if n_frames <= 0 or not fps > 0:
                raise DataError(f"{path}:{line_no}", f"n_frames {n_frames} and fps {fps} must be positive")
            info[row["video_id"]] = {"category": row["category"], "n_frames": n_frames, "fps": fps}
    return info


def _video(video_id: str, meta: dict, split: str) -> dict:
    return {"video_id": video_id, "split": split, "category": meta["category"], "fps": meta["fps"],
            "n_frames": meta["n_frames"], "duration_s": meta["n_frames"] / meta["fps"], **SCORE_RANGE}


def _scores(text: str, where: str, video_id: str) -> np.ndarray:
    tokens = text.split(",")
    try:  # the official file holds integers, which numpy parses 3x faster than floats
        return np.array(tokens, dtype=np.int64).astype(np.float64)
    except ValueError:
        pass
    try:
        return np.array(tokens, dtype=np.float64)
    except ValueError:
        bad = next(i for i, token in enumerate(tokens) if not _is_number(token))
        raise DataError(where, f"video {video_id}: score {bad + 1} ({tokens[bad]!r}) is not a number") from None


def _label_matrix(label: list, where: str, video_id: str) -> np.ndarray:
    try:
        matrix = np.array(label, dtype=np.float64)
    except (TypeError, ValueError):
        matrix = None
    if matrix is None or matrix.ndim != 2 or matrix.size == 0:
        raise DataError(where, f"video {video_id}: label must be a non-empty clips x raters list of numbers")
    return matrix


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True
