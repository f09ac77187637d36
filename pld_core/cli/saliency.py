"""``pld saliency``, ``pld pseudo-labels``, ``pld saliency-eval``, ``pld saliency-train``, ``pld saliency-gaze-data``."""
from __future__ import annotations

import json
from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli, stage_dir, stage_dir_option


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """Parse ``HxW`` (e.g. 72x128) into (height, width)."""
    if value is None:
        return None
    try:
        height, width = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected HEIGHTxWIDTH, e.g. 72x128") from None
    if height < 8 or width < 8:
        raise click.BadParameter(f"{value!r}: height and width must be at least 8")
    return height, width


SIZE = click.option("--size", callback=_size, metavar="HxW",
                    help="Map size, height x width (default: video.height x video.width).")


@click.command("saliency")
@click.argument("video", type=click.Path(dir_okay=False))
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="Output .npy file.")
@SIZE
@pass_cli
def saliency(cli: CliContext, video: str, out: str, size: tuple[int, int] | None) -> None:
    """Write VIDEO's saliency maps: float32 [T, H, W], one per decoded frame (teacher: saliency.teacher)."""
    from pld_core.saliency import save_video_saliency

    shape = save_video_saliency(video, out, cli.settings, size)
    click.echo(f"{out}: {shape[0]} maps of {shape[1]}x{shape[2]} ({cli.settings.saliency.teacher} teacher)")


@click.command("pseudo-labels")
@stage_dir_option("ingested", "ingested", "ingested dataset")
@stage_dir_option("out", "pseudo", "pseudo-labels to write")
@click.option("--video-id", "video_ids", multiple=True, help="Only this video; repeatable.")
@pass_cli
def pseudo_labels(cli: CliContext, ingested: str | None, out: str | None, video_ids: tuple[str, ...]) -> None:
    """Saliency pseudo-labels for every ingested video; unchanged videos are skipped."""
    from pld_core.saliency import build_pseudo_labels

    s = cli.settings
    summary = build_pseudo_labels(stage_dir(ingested, s, "ingested"), stage_dir(out, s, "pseudo"), s,
                                  list(video_ids) or None)
    click.echo(f"pseudo-labels ({summary.teacher}) -> {summary.out_dir}: {summary.written} written, "
               f"{summary.cached} cached, {summary.skipped} skipped, {summary.frames} frames "
               f"({summary.frames_per_s:.0f} frames/s)")
    for video_id, reason in summary.skipped_reasons.items():
        click.echo(f"  skipped {video_id}: {reason}")


@click.command("saliency-eval")
@click.option("--video", type=click.Path(dir_okay=False), help="One video ...")
@click.option("--fixations", type=click.Path(file_okay=False),
              help="... and its annotation folder (fixation/, optional maps/).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Or a whole DHF1K-style gaze root.")
@click.option("--teacher", "teachers", multiple=True,
              help="Teacher to score; repeatable (default: saliency.teacher). The centre prior is always added.")
@SIZE
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Also write the report as JSON.")
@pass_cli
def saliency_eval(cli: CliContext, video: str | None, fixations: str | None, data_dir: str | None,
                  teachers: tuple[str, ...], size: tuple[int, int] | None, out: str | None) -> None:
    """Score teachers against gaze data: NSS, CC, SIM, KLD, AUC-Judd (docs/saliency.md)."""
    from pld_core.atomic import write_json
    from pld_core.saliency.evaluate import evaluate_gaze_root, evaluate_video

    s = cli.settings
    names = list(teachers) or [s.saliency.teacher]
    if data_dir and not (video or fixations):
        report = evaluate_gaze_root(data_dir, s, names, size)
    elif video and fixations and not data_dir:
        report = {"video": video, "fps": s.video.fps, **evaluate_video(video, fixations, s, names, size)}
    else:
        raise click.UsageError("give --video with --fixations, or --data-dir")
    if out:
        write_json(out, report)
    click.echo(f"{report['frames']} frames at {s.video.fps:g} fps")
    click.echo(f"{'teacher':<10} {'NSS':>7} {'CC':>7} {'SIM':>7} {'KLD':>7} {'AUC-J':>7}")
    for name, m in report["teachers"].items():
        click.echo(f"{name:<10} {m['nss']:7.3f} {m['cc']:7.3f} {m['sim']:7.3f} {m['kld']:7.3f} {m['auc_judd']:7.3f}")


@click.command("saliency-train")
@click.argument("data_dir", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Weights file to write (.pt).")
@click.option("--steps", type=click.IntRange(min=1), default=None, help="Override saliency.train_steps.")
@pass_cli
def saliency_train(cli: CliContext, data_dir: str, out: str, steps: int | None) -> None:
    """Train the learned teacher on a DHF1K-style gaze root; set saliency.weights to OUT to use it."""
    from pld_core.saliency.training import plot_losses, train_teacher

    result = train_teacher(data_dir, out, cli.settings, steps)
    plot = plot_losses(result.losses, Path(out).with_suffix(".loss.png"))
    click.echo(f"{result.weights}: {len(result.losses)} steps on {result.frames} frames in {result.seconds:.0f} s, "
               f"KL {result.first_loss:.3f} -> {result.last_loss:.3f} (curve: {plot})")


@click.command("saliency-gaze-data")
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--demo", "demo_dir", type=click.Path(file_okay=False), default=None,
              help="Demo dataset to draw from (default: dataset.source).")
@pass_cli
def saliency_gaze_data(cli: CliContext, out_dir: str, demo_dir: str | None) -> None:
    """Make a tiny DHF1K-style set (OUT_DIR/train, OUT_DIR/val) of SYNTHETIC gaze from the demo's truth."""
    from pld_core.saliency.gaze_data import make_synthetic_gaze

    s = cli.settings
    roots = make_synthetic_gaze(Path(demo_dir) if demo_dir else s.path(s.dataset.source), out_dir, s)
    click.echo(json.dumps({k: str(v) for k, v in roots.items()}))


COMMANDS = [saliency, pseudo_labels, saliency_eval, saliency_train, saliency_gaze_data]
