"""The consensus-labels stage: ingested tables in, frame/clip targets + agreement out."""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pld_core.atomic import atomic_path, write_json
from pld_core.config import Settings
from pld_core.errors import DataError
from pld_core.labels.agreement import agreement_report
from pld_core.labels.aggregate import normalize_rows
from pld_core.labels.clips import clip_index, pool_to_clips
from pld_core.labels.dataset import Tables, annotated_videos, score_range, unannotated_ids
from pld_core.labels.grid import RaterMatrix, frame_times, rater_matrix, video_timeline
from pld_core.labels.plots import Curve, plot_agreement, plot_consensus
from pld_core.labels.reliability import rater_reliability
from pld_core.labels.targets import compute_targets

log = logging.getLogger(__name__)

FRAME_LABELS = "frame_labels.parquet"
CLIP_LABELS = "clip_labels.parquet"
RATERS = "raters.parquet"
AGREEMENT = "agreement.json"
AGREEMENT_PLOT = "agreement_per_video.png"
CONSENSUS_PLOT = "consensus_curves.png"


@dataclass(frozen=True)
class LabelTables:
    """Everything the stage computes, before it is written."""

    frames: pd.DataFrame
    clips: pd.DataFrame
    raters: pd.DataFrame
    agreement: dict
    curves: list[Curve]
    unlabeled: list[str]


@dataclass(frozen=True)
class VideoLabels:
    """One video's rows of the three tables, and its rater matrix on the label grid."""

    frames: pd.DataFrame
    clips: pd.DataFrame
    raters: pd.DataFrame
    matrix: RaterMatrix


@dataclass(frozen=True)
class LabelSummary:
    """What ``build_labels`` wrote, and the figures a person looks at first."""

    out_dir: Path
    n_videos: int
    n_frames: int
    n_clips: int
    agreement: dict          # dataset-level figures (agreement.json "dataset")
    flagged: list[str]       # videos below labels.min_agreement
    random_raters: int       # raters whose reliability is below labels.min_rater_reliability
    unlabeled: list[str]     # videos of the table without annotations
    files: list[Path]

    def to_dict(self) -> dict:
        return {k: [str(f) for f in v] if k == "files" else (str(v) if isinstance(v, Path) else v)
                for k, v in asdict(self).items()}


def build_labels(ingested_dir: Path, out_dir: Path, settings: Settings) -> LabelSummary:
    """Read the ingested tables, compute the targets and the agreement, write them to ``out_dir``."""
    from pld_core.data import load_ingested

    tables = label_dataset(load_ingested(Path(ingested_dir)), settings)
    return write_labels(tables, Path(out_dir), settings)


def label_dataset(dataset: Tables, settings: Settings) -> LabelTables:
    """Targets for every annotated video on the ``video.fps`` grid, clips, raters, agreement."""
    from tqdm import tqdm

    report = agreement_report(dataset, settings)
    kendall = {v["video_id"]: v["kendall"] for v in report["videos"]}
    plotted = _videos_to_plot(report, settings.labels.plot_videos)
    frames, clips, raters, curves = [], [], [], []
    items = list(annotated_videos(dataset))
    for video, units in tqdm(items, desc="labels", unit="video", disable=None):
        labels = label_video(video, units, settings)
        frames.append(labels.frames)
        clips.append(labels.clips)
        raters.append(labels.raters)
        if labels.matrix.video_id in plotted:
            curves.append(_curve(labels, settings, kendall[labels.matrix.video_id]))
    curves.sort(key=lambda c: plotted.index(c.video_id))
    return LabelTables(pd.concat(frames, ignore_index=True), pd.concat(clips, ignore_index=True),
                       pd.concat(raters, ignore_index=True), report, curves, unannotated_ids(dataset))


def label_video(video: pd.Series, units: pd.DataFrame, settings: Settings) -> VideoLabels:
    """One video's frame rows, clip rows and rater rows (and its rater matrix on the label grid)."""
    cfg, fps = settings.labels, settings.video.fps
    video_id = str(video["video_id"])
    n_src, src_fps = video_timeline(video)
    matrix = rater_matrix(video_id, units, frame_times(n_src, src_fps, fps))
    declared = score_range(video)
    rel = rater_reliability(matrix.scores, cfg)
    weights = rel.weight if cfg.weight_raters else None
    targets = compute_targets(matrix, cfg, declared, weights)
    clip_of = clip_index(matrix.n_frames, fps, cfg.clip_seconds)
    clip_targets = compute_targets(pool_to_clips(matrix, clip_of), cfg, declared, weights)

    frame_no = np.arange(matrix.n_frames)
    frames = pd.DataFrame({"video_id": video_id, "frame": frame_no, "time_s": frame_no / fps,
                           "consensus": targets.consensus, "binary": targets.binary,
                           "n_raters": targets.n_raters})
    first = np.searchsorted(clip_of, np.arange(len(clip_targets.consensus)))
    last = np.append(first[1:], matrix.n_frames)
    clips = pd.DataFrame({"video_id": video_id, "clip": np.arange(len(first)),
                          "start_s": first / fps, "end_s": last / fps, "frame_start": first, "frame_end": last,
                          "consensus": clip_targets.consensus, "binary": clip_targets.binary,
                          "n_raters": clip_targets.n_raters})
    scored = ~np.isnan(matrix.scores)
    raters = pd.DataFrame({"video_id": video_id, "rater_id": matrix.raters, "n_frames": scored.sum(axis=1),
                           "mean_score": _row_means(matrix.scores),
                           "reliability": rel.reliability, "constant": rel.constant,
                           "random_like": rel.random_like,
                           "weight": rel.weight if cfg.weight_raters else np.ones(len(matrix.raters))})
    return VideoLabels(frames, clips, raters, matrix)


def _curve(labels: VideoLabels, settings: Settings, kendall: float | None) -> Curve:
    frames = labels.frames
    return Curve(labels.matrix.video_id, frames["time_s"].to_numpy(),
                 normalize_rows(labels.matrix.scores, settings.labels.normalize),
                 frames["consensus"].to_numpy(), frames["binary"].to_numpy(), kendall)


def write_labels(tables: LabelTables, out_dir: Path, settings: Settings) -> LabelSummary:
    """Write the tables, agreement.json and the two plots atomically; return the summary."""
    files = [_parquet(tables.frames, out_dir / FRAME_LABELS), _parquet(tables.clips, out_dir / CLIP_LABELS),
             _parquet(tables.raters, out_dir / RATERS)]
    report = {**tables.agreement, "settings": settings.labels.model_dump(mode="json"),
              "unlabeled": tables.unlabeled}
    files.append(write_json(out_dir / AGREEMENT, report))
    files.append(plot_agreement(report, out_dir / AGREEMENT_PLOT))
    if tables.curves:
        files.append(plot_consensus(tables.curves, out_dir / CONSENSUS_PLOT))
    summary = LabelSummary(
        out_dir=out_dir, n_videos=int(tables.frames["video_id"].nunique()), n_frames=len(tables.frames),
        n_clips=len(tables.clips), agreement=report["dataset"], flagged=report["flagged"],
        random_raters=int(tables.raters["random_like"].sum()), unlabeled=tables.unlabeled, files=files)
    log.info("labels: %d videos, %d frames, %d clips -> %s", summary.n_videos, summary.n_frames,
             summary.n_clips, out_dir)
    return summary


def flagged_videos(labels_dir: Path) -> list[str]:
    """Videos whose agreement is below ``labels.min_agreement``, from a labels folder's agreement.json."""
    path = Path(labels_dir) / AGREEMENT
    try:
        return list(json.loads(path.read_text())["flagged"])
    except FileNotFoundError:
        raise DataError(path, "not found (run `pld label` first)") from None
    except (ValueError, KeyError, TypeError):
        raise DataError(path, "not an agreement report with a 'flagged' list") from None


def _videos_to_plot(report: dict, count: int) -> list[str]:
    """``count`` videos spread from the lowest to the highest agreement (table order when unmeasured)."""
    measured = sorted((v for v in report["videos"] if v["kendall"] is not None), key=lambda v: v["kendall"])
    pool = [v["video_id"] for v in measured] or [v["video_id"] for v in report["videos"]]
    if count <= 0 or not pool:
        return []
    picks = np.unique(np.linspace(0, len(pool) - 1, min(count, len(pool))).round().astype(int))
    return [pool[i] for i in picks]


def _row_means(scores: np.ndarray) -> np.ndarray:
    scored = ~np.isnan(scores)
    return np.where(scored.any(axis=1), np.nansum(scores, axis=1) / np.maximum(scored.sum(axis=1), 1), np.nan)


def _parquet(frame: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)
    return path
