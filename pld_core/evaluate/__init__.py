"""Evaluation by the published protocols: pure metrics over saved predictions and labels.

    report = run_benchmark(settings, "tvsum", annotations, predictions)   # pld evaluate
    evaluation = evaluate_model(settings, model, ingested, labels, out)    # pld evaluate-model

``ranking`` (AP, top-k mAP, rank correlations) and ``keyshot`` (knapsack, F-score) import
no model; ``protocols`` holds the four benchmarks and the random / uniform baselines.
See docs/benchmarks.md.
"""
from pld_core.evaluate.benchmark import benchmark_report, load_benchmark, report_rows, run_benchmark
from pld_core.evaluate.model import default_model, evaluate_model
from pld_core.evaluate.predictions import Prediction, read_predictions, write_predictions
from pld_core.evaluate.protocols import (
    BENCHMARKS, PROTOCOLS, BenchmarkResult, BenchmarkVideo, baselines, evaluate_benchmark,
)
from pld_core.evaluate.report import comparison_plot, comparison_rows, markdown_table

__all__ = [
    "BENCHMARKS", "PROTOCOLS", "BenchmarkResult", "BenchmarkVideo", "Prediction", "baselines", "benchmark_report",
    "comparison_plot", "comparison_rows", "default_model", "evaluate_benchmark", "evaluate_model", "load_benchmark",
    "markdown_table", "read_predictions", "report_rows", "run_benchmark", "write_predictions",
]
