"""``pld evaluate``: a predictions file scored on a benchmark's annotation file, with chance levels.

    report = run_benchmark(settings, "tvsum", Path("tvsum_val_release.jsonl"), Path("preds.jsonl"))
    report["mAP"], report["per_group"], report["baselines"]["random"]["mAP"]
"""
from __future__ import annotations

import logging
from pathlib import Path

from pld_core.config import Settings
from pld_core.evaluate.benchmark_data import benchmark_videos
from pld_core.evaluate.predictions import Prediction, read_predictions
from pld_core.evaluate.protocols import BenchmarkVideo, baselines, evaluate_benchmark, warn_fixed_shots
from pld_core.evaluate.report import Table, comparison_rows

log = logging.getLogger(__name__)


def load_benchmark(settings: Settings, benchmark: str, annotations: Path,
                   split: str | None = None) -> list[BenchmarkVideo]:
    """The benchmark's videos from its annotation file, parsed by the data layer's adapter."""
    from pld_core.data import read_dataset

    return benchmark_videos(read_dataset(benchmark, Path(annotations), settings), benchmark, split)


def run_benchmark(settings: Settings, benchmark: str, annotations: Path, predictions: Path,
                  split: str | None = None) -> dict:
    """Score ``predictions`` (JSONL) on every video of ``annotations`` (or of its ``split``)."""
    videos = load_benchmark(settings, benchmark, annotations, split)
    preds = read_predictions(predictions)
    extra = sorted(set(preds) - {v.video_id for v in videos})
    if extra:
        log.warning("%d predicted video(s) are not in %s and were ignored (e.g. %s)", len(extra), annotations,
                    extra[0])
    return benchmark_report(benchmark, videos, preds, settings, where=str(predictions))


def benchmark_report(benchmark: str, videos: list[BenchmarkVideo], preds: dict[str, Prediction],
                     settings: Settings, where: str) -> dict:
    """The result's summary, ``baselines`` (random, uniform) and ``per_video`` rows, as one dict."""
    warn_fixed_shots(benchmark, videos, preds, settings.evaluate)
    result = evaluate_benchmark(benchmark, videos, preds, settings.evaluate, where=where)
    chance = baselines(benchmark, videos, settings.evaluate, shots_from=preds)
    return {"benchmark": benchmark, **result.summary(),
            "baselines": {name: r.summary() for name, r in chance.items()},
            "per_video": result.per_video}


def report_rows(report: dict) -> Table:
    """Rows of the comparison table: each group, the mean, then the extra figures."""
    metric = "mAP" if "mAP" in report else "F1"

    def column(summary: dict) -> dict[str, float]:
        extras = {k: v for k, v in summary.items() if isinstance(v, float) and k != metric}
        return {**summary["per_group"], f"mean {metric}": summary[metric], **extras}

    return comparison_rows(column(report), {name: column(s) for name, s in report["baselines"].items()})
