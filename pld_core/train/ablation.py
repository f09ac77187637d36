"""The ablation: what pixel-level distinction buys over frame-level scoring.

``compare_variants`` trains ``model.variant: pld`` and ``model.variant: frame`` on the
same data with the same settings otherwise, scores the held-out split
(``evaluate.split``) with each through the inference path, and compares the rank
correlation of the predicted frame scores with the consensus against a random
scorer. MLflow gets one parent run ("ablation") holding the comparison, with the two
training runs nested under it.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from pld_core.atomic import write_json
from pld_core.config import Settings
from pld_core.errors import DataError

log = logging.getLogger(__name__)

VARIANTS = ("pld", "frame")
PARENT_TAG = "mlflow.parentRunId"


def compare_variants(settings: Settings, ingested_dir: Path, labels_dir: Path, pseudo_dir: Path,
                     out_dir: Path) -> dict[str, Any]:
    """Train both variants into ``out_dir/<variant>``, compare them; writes ``out_dir/ablation.json``."""
    from pld_core.tracking import start_run

    out_dir = Path(out_dir)
    split = settings.evaluate.split
    held_out = _held_out(settings, Path(ingested_dir), Path(labels_dir), split)
    results, runs = {}, {}
    for variant in VARIANTS:
        s = settings.with_overrides({"model.variant": variant})
        trained = _train_variant(s, ingested_dir, labels_dir, pseudo_dir, out_dir / variant)
        runs[variant] = trained.run_id
        results[variant] = held_out_metrics(trained.checkpoint, s, held_out)
        log.info("%s variant: held-out spearman %.3f", variant, results[variant]["spearman"])
    results["random"] = random_baseline(held_out, settings.evaluate.random_trials, settings.train.seed)
    report = {"split": split, "videos": sorted(held_out), "results": results, "train_runs": runs}
    with start_run(settings, "ablation-pld-vs-frame", {"ablation": "variant"}) as parent:
        import mlflow

        report["run_id"] = parent.info.run_id
        mlflow.log_params({"split": split, "held_out_videos": len(held_out)})
        mlflow.log_metrics({f"{name}_{key}": value for name, metrics in results.items()
                            for key, value in metrics.items() if np.isfinite(value)})
        mlflow.log_figure(_bar_chart(results, split), "plots/ablation.png")
        client = mlflow.MlflowClient()
        for run_id in runs.values():
            client.set_tag(run_id, PARENT_TAG, parent.info.run_id)
    write_json(out_dir / "ablation.json", report)
    return report


def _train_variant(settings: Settings, ingested_dir: Path, labels_dir: Path, pseudo_dir: Path, out_dir: Path):
    from pld_core.train.api import train_model

    return train_model(settings, ingested_dir, labels_dir, pseudo_dir, out_dir,
                       run_name=f"ablation-{settings.model.variant}", tags={"ablation": "variant"})


def _held_out(settings: Settings, ingested_dir: Path, labels_dir: Path, split: str) -> dict[str, tuple[Path, np.ndarray]]:
    """video id -> (video file, consensus targets) for the videos of ``split`` that have a file."""
    from pld_core.data import load_ingested
    from pld_core.train.data import FRAME_LABELS, frame_targets

    dataset = load_ingested(ingested_dir)
    targets = frame_targets(labels_dir / FRAME_LABELS, binary=False)
    ids = set(dataset.splits.get(split, []))
    rows = dataset.videos[dataset.videos["video_id"].isin(ids) & dataset.videos["path"].notna()]
    held_out = {row.video_id: (Path(row.path), targets[row.video_id]) for row in rows.itertuples()
                if row.video_id in targets}
    if not held_out:
        raise DataError(ingested_dir / "splits.json", f"no {split} videos with a file and labels to compare on")
    return held_out


def held_out_metrics(checkpoint: Path, settings: Settings,
                     held_out: dict[str, tuple[Path, np.ndarray]]) -> dict[str, float]:
    """Mean Spearman and Kendall of a checkpoint's frame scores against the consensus."""
    from pld_core.infer import load_scorer

    scorer = load_scorer(checkpoint, settings)
    predictions = {vid: scorer.score_video(path).frame_scores for vid, (path, _) in held_out.items()}
    return _mean_correlations(predictions, held_out)


def random_baseline(held_out: dict[str, tuple[Path, np.ndarray]], trials: int, seed: int) -> dict[str, float]:
    """The same metrics for uniformly random frame scores, averaged over ``trials`` draws."""
    rng = np.random.default_rng(seed)
    draws = [_mean_correlations({vid: rng.random(len(y)) for vid, (_, y) in held_out.items()}, held_out)
             for _ in range(trials)]
    return {key: float(np.mean([d[key] for d in draws])) for key in draws[0]}


def _mean_correlations(predictions: dict[str, np.ndarray],
                       held_out: dict[str, tuple[Path, np.ndarray]]) -> dict[str, float]:
    from pld_core.evaluate.ranking import rank_correlations

    rows = []
    for vid, pred in predictions.items():
        target = held_out[vid][1]
        if len(pred) != len(target):
            raise DataError(vid, f"{len(pred)} scored frames but {len(target)} labels (rerun pld label)")
        corr = rank_correlations(pred, target)
        if corr["n_raters"]:
            rows.append((corr["spearman"], corr["kendall"]))
    if not rows:
        return {"spearman": float("nan"), "kendall": float("nan")}
    spearman, kendall = np.mean(rows, axis=0)
    return {"spearman": float(spearman), "kendall": float(kendall)}


def _bar_chart(results: dict[str, dict[str, float]], split: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5, 3.2), layout="constrained")
    ax = fig.subplots()
    names = list(results)
    ax.bar(names, [results[n]["spearman"] for n in names], color=["tab:red", "tab:blue", "grey"][: len(names)])
    ax.axhline(0, color="black", lw=0.8)
    ax.set(ylabel="Spearman vs consensus", title=f"held-out frames ({split} split)")
    return fig
