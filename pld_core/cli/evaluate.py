"""``pld evaluate`` (a predictions file on a benchmark) and ``pld evaluate-model`` (a model on the test split)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli, stage_dir, stage_dir_option

BENCHMARKS = ("youtube_highlights", "tvsum", "cosum", "summe")  # = pld_core.evaluate.protocols.BENCHMARKS


@click.command("evaluate")
@click.option("--benchmark", type=click.Choice(BENCHMARKS), required=True, help="Which published protocol.")
@click.option("--annotations", type=click.Path(exists=True), required=True,
              help="The benchmark's annotation file or folder (as pld ingest reads it).")
@click.option("--predictions", type=click.Path(dir_okay=False), required=True,
              help='JSONL, one {"vid": ..., "pred_saliency_scores": [one per clip/shot/frame]} per video.')
@click.option("--split", default=None, help="Only the videos of this split of the annotations (default: all).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Also write the full report (per video).")
@click.option("--json", "as_json", is_flag=True, help='Print one JSON object: {"mAP"|"F1", "per_group", "n_videos", ...}.')
@pass_cli
def evaluate(cli: CliContext, benchmark: str, annotations: str, predictions: str, split: str | None,
             out: str | None, as_json: bool) -> None:
    """Score PREDICTIONS on a benchmark exactly as the published tables do, beside random and uniform scores."""
    from pld_core.atomic import write_json
    from pld_core.evaluate import markdown_table, report_rows, run_benchmark

    report = run_benchmark(cli.settings, benchmark, Path(annotations), Path(predictions), split)
    if out:
        write_json(out, report)
    if as_json:
        click.echo(json.dumps({k: v for k, v in report.items() if k not in ("per_video", "benchmark")}))
        return
    click.echo(f"{benchmark}: {report['n_videos']} videos, {Path(predictions).name}")
    click.echo(markdown_table(report_rows(report), first="group"), nl=False)


@click.command("evaluate-model")
@click.option("--model", "model_ref", default=None,
              help="Checkpoint path or models:/name@alias (default: models/<dataset>/train_result.json, "
                   "else the registry's champion).")
@stage_dir_option("ingested", "ingested", "ingested dataset")
@stage_dir_option("labels", "labels", "frame labels", dest="labels_dir")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="evaluation.json to write (default: paths.reports/<dataset.name>/evaluation.json).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole evaluation as JSON.")
@pass_cli
def evaluate_model_command(cli: CliContext, model_ref: str | None, ingested: str | None, labels_dir: str | None,
                           out: str | None, as_json: bool) -> None:
    """Evaluate a model on the evaluate.split videos and on any benchmark videos under paths.benchmark_videos."""
    from pld_core.evaluate import default_model, evaluate_model, markdown_table
    from pld_core.evaluate.report import comparison_rows

    settings = cli.settings
    out_path = Path(out) if out else settings.dataset_dir("reports") / "evaluation.json"
    evaluation = evaluate_model(settings, model_ref or default_model(settings),
                                stage_dir(ingested, settings, "ingested"), stage_dir(labels_dir, settings, "labels"),
                                out_path)
    if as_json:
        click.echo(json.dumps(evaluation))
        return
    click.echo(f"{evaluation['model']} on {len(evaluation['per_video'])} {evaluation['split']} videos -> {out_path}")
    click.echo(markdown_table(comparison_rows(evaluation["metrics"], evaluation["baselines"])), nl=False)
    for name, bench in evaluation["benchmarks"].items():
        status = (f"{bench['n_videos']} videos evaluated" if bench["status"] == "evaluated"
                  else f"skipped: {bench['reason']}")
        click.echo(f"{name}: {status}")


COMMANDS = [evaluate, evaluate_model_command]
