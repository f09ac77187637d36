"""``pld train``, ``pld score`` and ``pld ablation``: the model's front door."""
from __future__ import annotations

from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli, stage_dir, stage_dir_option


def _stage_options(command):
    """--ingested/--labels/--pseudo/--out, each defaulting to its folder in params.yaml."""
    for name, kind, what in reversed([("ingested", "ingested", "ingested dataset"), ("labels", "labels", "frame labels"),
                                      ("pseudo", "pseudo", "saliency pseudo-labels"),
                                      ("out", "models", "checkpoints")]):
        command = stage_dir_option(name, kind, what)(command)
    return command


@click.command("train")
@_stage_options
@click.option("--fresh", is_flag=True, help="Ignore OUT/last.pt and train from scratch.")
@pass_cli
def train(cli: CliContext, ingested: str | None, labels: str | None, pseudo: str | None, out: str | None,
          fresh: bool) -> None:
    """Train the model (model.variant) and log the run to MLflow; resumes from OUT/last.pt."""
    from pld_core.train import train_model

    s = cli.settings
    result = train_model(s, stage_dir(ingested, s, "ingested"), stage_dir(labels, s, "labels"),
                         stage_dir(pseudo, s, "pseudo"), stage_dir(out, s, "models"), resume=not fresh)
    click.echo(f"run id: {result.run_id}")
    click.echo(f"checkpoint: {result.checkpoint}")
    click.echo(f"val spearman: {result.metrics['val_spearman']:.3f} (epoch {result.metrics['best_epoch']:.0f}), "
               f"{result.metrics['windows_per_s']:.1f} windows/s on {result.device}")


@click.command("score")
@click.argument("video", type=click.Path(dir_okay=False))
@click.option("--model", "model", default=None, metavar="PATH_OR_URI",
              help="Checkpoint path or models:/name@alias / runs:/ URI (default: the registry champion).")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Scores JSON to write.")
@click.option("--maps", type=click.Path(dir_okay=False), default=None,
              help="Also write the pixel maps, float32 [T, H, W], to this .npy file.")
@pass_cli
def score(cli: CliContext, video: str, model: str | None, out: str, maps: str | None) -> None:
    """Score every frame of VIDEO (sampled at video.fps) and every clip of labels.clip_seconds."""
    import numpy as np

    from pld_core.atomic import atomic_path, write_json
    from pld_core.infer import load_scorer

    s = cli.settings
    if model is None:
        from pld_core.registry import champion_uri

        model = champion_uri(s)
    scores = load_scorer(model, s).score_video(video, with_maps=maps is not None)
    write_json(out, scores.to_dict(s.labels.clip_seconds))
    if maps is not None:
        with atomic_path(maps, suffix=".npy") as tmp:
            np.save(tmp, scores.maps)
    best = int(np.argmax(scores.frame_scores))
    click.echo(f"{video}: {len(scores.frame_scores)} frames scored by {scores.model_ref}; "
               f"peak {scores.frame_scores[best]:.3f} at {best / scores.fps:.2f} s -> {out}")


@click.command("ablation")
@_stage_options
@pass_cli
def ablation(cli: CliContext, ingested: str | None, labels: str | None, pseudo: str | None,
             out: str | None) -> None:
    """Train the pld and frame variants on the same data; compare them on the held-out split."""
    from pld_core.train.ablation import compare_variants

    s = cli.settings
    out_dir = Path(out) if out else s.dataset_dir("models") / "ablation"
    report = compare_variants(s, stage_dir(ingested, s, "ingested"), stage_dir(labels, s, "labels"),
                              stage_dir(pseudo, s, "pseudo"), out_dir)
    for name, metrics in report["results"].items():
        click.echo(f"{name:>6}: spearman {metrics['spearman']:.3f}, kendall {metrics['kendall']:.3f}")
    click.echo(f"MLflow run: {report['run_id']} -> {out_dir / 'ablation.json'}")


COMMANDS = [train, score, ablation]
