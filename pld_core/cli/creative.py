"""``pld highlight``: silent 3-10 s ad clips cut and cropped by the highlight map."""
from __future__ import annotations

from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli


@click.command("highlight")
@click.argument("source", type=click.Path(exists=True), required=False)
@click.option("-o", "--out", type=click.Path(dir_okay=False), default=None,
              help="Clip of one video (default: <paths.clips>/<stem>.mp4); "
                   "with --count K: <stem>_1.mp4 .. <stem>_K.mp4.")
@click.option("--out-dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the clips of a folder of videos (default: <paths.clips>; "
                   "without SOURCE: <paths.clips>/<dataset>).")
@click.option("--seconds", type=float, default=None,
              help="Clip length, within creative.min_seconds..max_seconds (default: creative.seconds).")
@click.option("--aspect", default=None, help="Crop aspect W:H, e.g. 9:16, 1:1, 16:9 (default: creative.aspect).")
@click.option("--count", type=int, default=None, help="K best non-overlapping clips (default: creative.count).")
@click.option("--model", default=None,
              help="Checkpoint path or models:/ or runs:/ URI (default: the registered champion; "
                   "saliency-only scores when there is none).")
@click.option("--report", type=click.Path(dir_okay=False), default=None,
              help="Report JSON of one video (default: beside the clip, .json).")
@click.option("--preview", type=click.Path(dir_okay=False), default=None,
              help="Preview PNG of one video (default: beside the clip, .png).")
@pass_cli
def highlight(cli: CliContext, source: str | None, out: str | None, out_dir: str | None, seconds: float | None,
              aspect: str | None, count: int | None, model: str | None, report: str | None,
              preview: str | None) -> None:
    """Cut the best SECONDS of SOURCE into a silent clip cropped to ASPECT around its highlight.

    SOURCE is a video or a folder of videos (then one clip, report and preview per video
    in --out-dir, and batch.json). Without SOURCE: the videos of the evaluation split
    (evaluate.split) of the ingested dataset. A video shorter than --seconds (but at least creative.min_seconds) gives a
    clip of the whole video, flagged "shortened" in the report.
    """
    from pld_core.creative import make_ad_clips

    settings = cli.settings
    if source is None or Path(source).is_dir():
        _batch(settings, source, out_dir, model, seconds, aspect, count)
        return
    video = Path(source)
    clip = Path(out) if out else settings.path(settings.paths.clips) / f"{video.stem}.mp4"
    clips = make_ad_clips(video, clip, settings, model=model, seconds=seconds, aspect=aspect, count=count,
                          report=Path(report) if report else clip.with_suffix(".json"),
                          preview=Path(preview) if preview else clip.with_suffix(".png"))
    for result in clips:
        click.echo(_describe(result))


def _batch(settings, folder: str | None, out_dir: str | None, model: str | None, seconds: float | None,
           aspect: str | None, count: int | None) -> None:
    from pld_core.creative import make_ad_clips_batch, split_videos
    from pld_core.creative.batch import BATCH_REPORT
    from pld_core.errors import VideoError

    videos = Path(folder) if folder else split_videos(settings)
    default_dir = settings.path(settings.paths.clips) if folder else settings.dataset_dir("clips")
    target = Path(out_dir) if out_dir else default_dir
    items = make_ad_clips_batch(videos, target, settings, model, seconds=seconds, aspect=aspect, count=count)
    for item in items:
        for result in item.clips:
            click.echo(_describe(result))
    failed = [item for item in items if not item.ok]
    if failed:
        raise VideoError(target / BATCH_REPORT, f"{len(failed)} of {len(items)} videos failed; "
                                                f"first: {failed[0].error}")


def _describe(result) -> str:
    width, height = result.size
    source = f"saliency fallback ({result.model_ref})" if result.fallback_reason else result.model_ref
    return (f"{result.path}: {result.start_s:.2f}-{result.end_s:.2f} s of {result.source.name}, "
            f"{width}x{height}, score {result.score:.3f}, {source}")


COMMANDS = [highlight]
