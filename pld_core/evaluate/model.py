"""``evaluate_model``: a trained model scored on the test split and on any benchmark videos at hand.

Writes ``evaluation.json`` (the contract in docs/pipeline.md), a markdown comparison table
and a bar plot beside it, and logs all three with the metrics to an MLflow run of its own,
tagged with the model reference.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from pld_core.atomic import write_json, write_text
from pld_core.config import Settings
from pld_core.errors import DataError, VideoError
from pld_core.evaluate.benchmark import report_rows
from pld_core.evaluate.benchmark_folders import evaluate_benchmark_folders
from pld_core.evaluate.report import comparison_plot, comparison_rows, markdown_table
from pld_core.evaluate.shots import frame_descriptors, kts_shots
from pld_core.evaluate.split_metrics import LabelledVideo, split_metrics

log = logging.getLogger(__name__)

FRAME_LABELS = "frame_labels.parquet"
CLIP_LABELS = "clip_labels.parquet"


def evaluate_model(settings: Settings, model: str | Path, dataset_dir: Path, labels_dir: Path,
                   out_path: Path) -> dict:
    """Score the ``evaluate.split`` videos of an ingested dataset with ``model``; write and return
    ``{"model", "split", "metrics", "baselines", "per_video", "benchmarks"}``."""
    from tqdm import tqdm

    from pld_core.data import load_ingested
    from pld_core.infer import load_scorer

    dataset = load_ingested(Path(dataset_dir))
    split = settings.evaluate.split
    ids = dataset.splits.get(split, [])
    if not ids:
        raise DataError(dataset_dir, f"split {split!r} has no videos to evaluate (evaluate.split)")
    frames = _read_labels(Path(labels_dir) / FRAME_LABELS)
    clips = _read_labels(Path(labels_dir) / CLIP_LABELS)
    scorer = load_scorer(model, settings)
    videos = dataset.videos.set_index("video_id", drop=False)
    labelled = [
        _labelled_video(settings, scorer, videos.loc[vid], dataset.annotations, frames, clips)
        for vid in tqdm(ids, desc=f"evaluate {split}", unit="video", disable=None)
    ]
    evaluation = {"model": str(model), "split": split, **split_metrics(labelled, settings.evaluate),
                  "benchmarks": evaluate_benchmark_folders(settings, scorer)}
    _write_and_log(settings, evaluation, Path(out_path))
    return evaluation


def default_model(settings: Settings) -> str:
    """The model ``pld evaluate-model`` takes by default: the checkpoint of the latest training
    (``models/<dataset>/train_result.json``), else the registry's champion."""
    from pld_core.errors import ModelError, RegistryError
    from pld_core.train.result import RESULT_FILE, TrainResult

    result = settings.dataset_dir("models") / RESULT_FILE
    if result.is_file():
        return str(TrainResult.read(result).checkpoint)
    try:
        from pld_core.registry import champion_uri

        return champion_uri(settings)
    except RegistryError as exc:
        raise ModelError(f"no model to evaluate: {result} not found (run pld train) and {exc}") from None


def _labelled_video(settings: Settings, scorer, row: pd.Series, annotations: pd.DataFrame,
                    frames: pd.DataFrame, clips: pd.DataFrame) -> LabelledVideo:
    """Score one video and put its labels beside the scores."""
    vid = str(row["video_id"])
    if pd.isna(row["path"]) or not Path(row["path"]).is_file():
        raise VideoError(row["path"] if pd.notna(row["path"]) else vid, f"video {vid}: no video file to score")
    pred = scorer.score_video(row["path"]).frame_scores.astype(np.float64)
    shots = kts_shots(frame_descriptors(row["path"], settings), settings.video.fps, settings)
    return labelled_video(settings, row, annotations, frames, clips, pred, shots)


def labelled_video(settings: Settings, row: pd.Series, annotations: pd.DataFrame, frames: pd.DataFrame,
                   clips: pd.DataFrame, pred: np.ndarray, shots: np.ndarray) -> LabelledVideo:
    """Frame predictions ``pred`` of the video of ``row`` beside its frame and clip labels and
    its raters' scores on the same sampled-frame grid (``pld_core.labels``' grid and clips)."""
    from pld_core.labels.clips import clip_index
    from pld_core.labels.grid import frame_times, rater_matrix, video_timeline

    vid = str(row["video_id"])
    own = frames[frames["video_id"] == vid].sort_values("frame")
    if len(own) != len(pred):
        raise DataError(f"video {vid}", f"{len(own)} labelled frames but {len(pred)} predicted "
                                        "(labels built at another video.fps? re-run pld label)")
    own_clips = clips[clips["video_id"] == vid].sort_values("clip")
    clip_of_frame = clip_index(len(pred), settings.video.fps, settings.labels.clip_seconds)
    if clip_of_frame.max() + 1 != len(own_clips):
        raise DataError(f"video {vid}", f"{len(own_clips)} labelled clips, {clip_of_frame.max() + 1} expected")
    n_src, src_fps = video_timeline(row)
    units = annotations[annotations["video_id"] == vid]
    raters = rater_matrix(vid, units, frame_times(n_src, src_fps, settings.video.fps)).scores.T
    return LabelledVideo(vid, str(row["category"]), settings.video.fps, np.asarray(pred, dtype=np.float64),
                         own["consensus"].to_numpy(float), raters, clip_of_frame,
                         own_clips["binary"].to_numpy(float), shots)


def _read_labels(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(path, "labels not found (run pld label first)")
    return pd.read_parquet(path)


def _write_and_log(settings: Settings, evaluation: dict, out_path: Path) -> None:
    """evaluation.json, the comparison table (.md) and plot (.png) beside it; one MLflow run."""
    import mlflow

    from pld_core.tracking import start_run

    rows = comparison_rows(evaluation["metrics"], evaluation["baselines"])
    table = f"# {evaluation['model']} on the {evaluation['split']} split\n\n" + markdown_table(rows)
    for name, bench in evaluation["benchmarks"].items():
        table += f"\n## {name}\n\n" + (bench_table(bench) if bench["status"] == "evaluated" else bench["reason"] + "\n")
    table_path = write_text(out_path.with_suffix(".md"), table)
    plot_path = comparison_plot(rows, f"{Path(evaluation['model']).name}: {evaluation['split']} split",
                                out_path.with_suffix(".png"))
    write_json(out_path, evaluation)
    with start_run(settings, run_name=f"evaluate {Path(evaluation['model']).name}",
                   tags={"model_ref": evaluation["model"], "stage": "evaluate", "split": evaluation["split"]}):
        mlflow.log_metrics(_flat_metrics(evaluation))
        for path in (out_path, table_path, plot_path):
            mlflow.log_artifact(str(path))


def bench_table(bench: dict) -> str:
    """The comparison table of one evaluated benchmark."""
    return markdown_table(report_rows(bench), first="group")


def _flat_metrics(evaluation: dict) -> dict[str, float]:
    flat = dict(evaluation["metrics"])
    for name, values in evaluation["baselines"].items():
        flat.update({f"{name}_{k}": v for k, v in values.items()})
    for name, bench in evaluation["benchmarks"].items():
        if bench["status"] == "evaluated":
            metric = "mAP" if "mAP" in bench else "F1"
            flat[f"{name}_{metric}"] = bench[metric]
            flat[f"{name}_random_{metric}"] = bench["baselines"]["random"][metric]
    return flat
