"""``pld demo-data``: write the embedded demo dataset."""
from __future__ import annotations

from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli


@click.command("demo-data")
@click.argument("out_dir", type=click.Path(file_okay=False), required=False)
@click.option("--seed", type=int, default=None, help="Override demo.seed.")
@pass_cli
def demo_data(cli: CliContext, out_dir: str | None, seed: int | None) -> None:
    """Generate the demo videos, raters' scores and ground truth into OUT_DIR.

    OUT_DIR defaults to dataset.source from params.yaml.
    """
    from pld_core.demo_data import make_demo_dataset

    settings = cli.settings
    demo = settings.demo if seed is None else settings.demo.model_copy(update={"seed": seed})
    out = Path(out_dir) if out_dir else settings.path(settings.dataset.source)
    manifest = make_demo_dataset(out, demo, name=settings.dataset.name)
    click.echo(f"demo dataset: {demo.n_videos} videos -> {manifest.parent}")


COMMANDS = [demo_data]
