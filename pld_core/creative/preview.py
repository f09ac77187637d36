"""The preview PNG of one video's clips, for a person to judge them at a glance.

Top: the highlight curve over the whole video, each chosen window shaded and numbered,
hard cuts dashed. Middle: the best clip's camera path against the map centroid it
follows. Below: per clip, a contact sheet of source frames with the crop box drawn.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.creative.highlights import VideoAnalysis
from pld_core.creative.result import ClipResult

THUMB_WIDTH = 240  # pixels of one contact-sheet frame
CURVE_INCHES, CAMERA_INCHES, TITLE_INCHES = 2.6, 2.2, 0.35  # panel heights
CLIP_COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:purple", "tab:brown")


def write_preview(out: Path, analysis: VideoAnalysis, clips: list[ClipResult]) -> Path:
    """Draw the preview of ``clips`` cut from ``analysis``'s video to ``out`` (PNG, atomic)."""
    from matplotlib.figure import Figure

    columns = max(len(clip.kept_frames) for clip in clips)
    width, height = analysis.info.display_size
    fig_width = max(10.0, 2.4 * columns)
    rows = [CURVE_INCHES, CAMERA_INCHES] + [fig_width / columns * height / width + TITLE_INCHES] * len(clips)
    fig = Figure(figsize=(fig_width, sum(rows)))
    grid = fig.add_gridspec(len(rows), columns, height_ratios=rows)
    _curve(fig.add_subplot(grid[0, :]), analysis, clips)
    _camera(fig.add_subplot(grid[1, :]), analysis, clips[0])
    for row, clip in enumerate(clips, start=2):
        for col, (j, frame) in enumerate(sorted(clip.kept_frames.items())):
            _thumbnail(fig.add_subplot(grid[row, col]), frame, clip, j)
    fig.tight_layout()
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format="png", dpi=80)
    return Path(out)


def _colour(rank: int) -> str:
    return CLIP_COLOURS[(rank - 1) % len(CLIP_COLOURS)]


def _curve(ax, analysis: VideoAnalysis, clips: list[ClipResult]) -> None:
    times = np.arange(len(analysis.scores)) / analysis.fps
    ax.plot(times, analysis.scores, color="black", linewidth=1.2, label="frame score")
    for cut in analysis.scan.cuts:
        ax.axvline(cut / analysis.fps, color="grey", linestyle="--", linewidth=0.8)
    for clip in clips:
        ax.axvspan(clip.start_s, clip.end_s, color=_colour(clip.rank), alpha=0.25)
        ax.text((clip.start_s + clip.end_s) / 2, 1.02, f"#{clip.rank} {clip.score:.2f}", ha="center",
                va="bottom", fontsize=9, color=_colour(clip.rank))
    source = "saliency fallback" if analysis.fallback else "model"
    ax.set_title(f"{analysis.path.name}: highlight curve ({source}: {analysis.model_ref}); "
                 "shaded = clips, dashed = cuts", fontsize=10)
    ax.set_xlim(0, max(times[-1] if len(times) else 0, clips[-1].end_s))
    ax.set_ylim(0, 1.15)
    ax.set_xlabel("seconds")
    ax.set_ylabel("score")


def _camera(ax, analysis: VideoAnalysis, clip: ClipResult) -> None:
    width, height = analysis.info.display_size
    crop_w, crop_h = clip.size
    axis = 0 if width - crop_w >= height - crop_h else 1
    name = "x" if axis == 0 else "y"
    times = clip.start_s + np.arange(clip.n_frames) / clip.fps
    centre = clip.boxes[:, axis] + clip.boxes[:, 2 + axis] / 2.0
    ax.plot(times, clip.targets[:, axis], color="grey", linewidth=0.8, label=f"map centroid {name}")
    ax.plot(times, centre, color=_colour(clip.rank), linewidth=2.0, label=f"crop centre {name}")
    ax.set_ylim(0, width if axis == 0 else height)
    ax.set_title(f"clip #{clip.rank} camera path: mass in crop {clip.quality['mass_share']:.2f} "
                 f"(centre crop {clip.quality['centre_mass_share']:.2f}), jitter {clip.quality['jitter_px']:.2f} px",
                 fontsize=10)
    ax.set_xlabel("seconds")
    ax.set_ylabel("pixels")
    ax.legend(loc="upper right", fontsize=8)


def _thumbnail(ax, frame: np.ndarray, clip: ClipResult, j: int) -> None:
    import cv2
    from matplotlib.patches import Rectangle

    scale = THUMB_WIDTH / frame.shape[1]
    small = cv2.resize(frame, (THUMB_WIDTH, max(1, round(frame.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    x, y, w, h = clip.boxes[j] * scale
    ax.imshow(small)
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=_colour(clip.rank), linewidth=2))
    ax.set_title(f"#{clip.rank} {clip.start_s + j / clip.fps:.2f} s", fontsize=8)
    ax.set_axis_off()
