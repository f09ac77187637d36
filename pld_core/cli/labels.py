"""``pld label`` and ``pld agreement``: consensus targets and how much the raters agree."""
from __future__ import annotations

import json
from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli, stage_dir, stage_dir_option


@click.command("label")
@stage_dir_option("ingested", "ingested", "ingested dataset")
@stage_dir_option("out", "labels", "labels to write")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@pass_cli
def label(cli: CliContext, ingested: str | None, out: str | None, as_json: bool) -> None:
    """Turn the raters' scores into frame and clip targets, with the agreement report and plots."""
    from pld_core.labels import build_labels
    from pld_core.labels.agreement import fmt_figure

    settings = cli.settings
    summary = build_labels(stage_dir(ingested, settings, "ingested"), stage_dir(out, settings, "labels"), settings)
    if as_json:
        click.echo(json.dumps(summary.to_dict()))
        return
    a = summary.agreement
    click.echo(f"labels: {summary.n_videos} videos, {summary.n_frames} frames, {summary.n_clips} clips "
               f"-> {summary.out_dir}")
    click.echo(f"agreement: Kendall {fmt_figure(a['kendall'])}, Spearman {fmt_figure(a['spearman'])}; "
               f"{len(summary.flagged)} video(s) flagged, {summary.random_raters} rater(s) look random")


@click.command("agreement")
@click.option("--format", "fmt", default=None, help="Source format (default: dataset.format).")
@click.option("--source", type=click.Path(exists=True), default=None,
              help="Annotation file or folder (default: dataset.source).")
@click.option("--json", "as_json", is_flag=True, help="Print the full report (per video too) as JSON.")
@pass_cli
def agreement(cli: CliContext, fmt: str | None, source: str | None, as_json: bool) -> None:
    """Rater agreement of a dataset: Kendall, Spearman (as Otani et al. 2019), Krippendorff alpha, Fleiss kappa."""
    from pld_core.data import read_dataset
    from pld_core.labels import agreement_report
    from pld_core.labels.agreement import summary_lines

    settings = cli.settings
    fmt = fmt or settings.dataset.format
    report = agreement_report(read_dataset(fmt, Path(source) if source else settings.path(settings.dataset.source),
                                           settings), settings)
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(f"{fmt}: " + "\n".join(summary_lines(report)))


COMMANDS = [label, agreement]
