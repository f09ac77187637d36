"""``pld ingest``: a source format -> the canonical, validated tables (docs/data-format.md)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli


@click.command("ingest")
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="multirater, tvsum, youtube_highlights, cosum, summe or folder (default: dataset.format).")
@click.option("--source", type=click.Path(exists=False), default=None,
              help="Folder or file to read (default: dataset.source).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output folder (default: paths.ingested/<name>).")
@click.option("--name", default=None,
              help="Dataset name for the default --out (default: dataset.name; the format's name when "
                   "--format differs from dataset.format).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@pass_cli
def ingest(cli: CliContext, fmt: str | None, source: str | None, out_dir: str | None, name: str | None,
           as_json: bool) -> None:
    """Read, validate and write a dataset's videos.parquet, annotations.parquet and splits.json.

    Re-running on the same source changes nothing; a new video adds only its own rows.
    """
    from pld_core.data import ingest as run_ingest

    settings = cli.settings
    fmt = fmt or settings.dataset.format
    name = name or (settings.dataset.name if fmt == settings.dataset.format else fmt)
    src = Path(source).resolve() if source else settings.path(settings.dataset.source)
    out = Path(out_dir).resolve() if out_dir else settings.dataset_dir("ingested", name)
    summary = run_ingest(fmt, src, out, settings)
    click.echo(json.dumps(summary.to_dict()) if as_json else "\n".join(summary.lines()))


COMMANDS = [ingest]
