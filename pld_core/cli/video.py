"""``pld probe``: a video's metadata, or one line saying why it cannot be read."""
from __future__ import annotations

import json

import click

from pld_core.video import probe as probe_video


@click.command("probe")
@click.argument("video", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def probe(video: str, as_json: bool) -> None:
    """Print VIDEO's duration, fps, frame count, size and rotation."""
    info = probe_video(video)
    if as_json:
        click.echo(json.dumps(info.to_dict()))
        return
    w, h = info.display_size
    click.echo(f"{info.path}: {info.duration_s:.2f} s, {info.fps:.3f} fps, {info.n_frames} frames, "
               f"{w}x{h}, rotation {info.rotation}, {info.codec}, audio {'yes' if info.has_audio else 'no'}")


COMMANDS = [probe]
