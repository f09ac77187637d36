"""Pictures of the labels: per-video agreement bars, consensus curves over the raters' curves."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.labels.agreement import fmt_figure

MAX_BARS = 80  # beyond this many videos the bar chart shows the lowest and highest 40


@dataclass(frozen=True)
class Curve:
    """One video's curves on the label grid, for plotting."""

    video_id: str
    time_s: np.ndarray     # [T]
    raters: np.ndarray     # [R, T] each rater's normalized scores, NaN where not scored
    consensus: np.ndarray  # [T] in [0, 1]
    binary: np.ndarray     # [T] 0/1
    kendall: float | None


def plot_agreement(report: dict, path: Path) -> Path:
    """Horizontal bars of each measured video's mean pairwise Kendall tau and Spearman rho."""
    from matplotlib.figure import Figure

    rows = sorted((v for v in report["videos"] if v["kendall"] is not None), key=lambda v: v["kendall"])
    if len(rows) > MAX_BARS:
        rows = rows[: MAX_BARS // 2] + rows[-MAX_BARS // 2:]
    fig = Figure(figsize=(8, 1.5 + 0.22 * max(len(rows), 1)))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    tau = np.array([v["kendall"] for v in rows])
    rho = np.array([v["spearman"] if v["spearman"] is not None else np.nan for v in rows])
    colors = ["tab:red" if v["flagged"] else "tab:blue" for v in rows]
    ax.barh(y - 0.2, tau, height=0.4, color=colors, label="Kendall tau-b (red: flagged)")
    ax.barh(y + 0.2, rho, height=0.4, color="tab:gray", alpha=0.6, label="Spearman rho")
    ax.axvline(report["min_agreement"], color="tab:red", linestyle="--", linewidth=1,
               label=f"labels.min_agreement = {report['min_agreement']:g}")
    ax.set_yticks(y, [v["video_id"] for v in rows], fontsize=7)
    figures = report["dataset"]
    ax.set_title(f"Rater agreement per video (dataset: Kendall {fmt_figure(figures['kendall'])}, "
                 f"Spearman {fmt_figure(figures['spearman'])})", fontsize=10)
    ax.set_xlabel("mean over rater pairs")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return _save(fig, path)


def plot_consensus(curves: list[Curve], path: Path) -> Path:
    """One panel per video: raters' curves (grey), the consensus (blue), binary highlights (shaded)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 2.2 * max(len(curves), 1)))
    for i, curve in enumerate(curves):
        ax = fig.add_subplot(len(curves), 1, i + 1)
        for row in curve.raters:
            ax.plot(curve.time_s, _unit_range(row), color="0.6", linewidth=0.6, alpha=0.6)
        ax.fill_between(curve.time_s, 0, 1, where=curve.binary > 0, color="tab:orange", alpha=0.2, step="mid",
                        label="binary target")
        ax.plot(curve.time_s, curve.consensus, color="tab:blue", linewidth=1.6, label="consensus")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"{curve.video_id}: {len(curve.raters)} raters, Kendall {fmt_figure(curve.kendall)}", fontsize=9)
        ax.set_ylabel("score")
        if i == 0:
            ax.legend(fontsize=7, loc="upper right")
    if curves:
        fig.axes[-1].set_xlabel("time (s)")
    fig.tight_layout()
    return _save(fig, path)


def _unit_range(row: np.ndarray) -> np.ndarray:
    if np.isnan(row).all():
        return row
    lo, hi = np.nanmin(row), np.nanmax(row)
    return (row - lo) / (hi - lo) if hi > lo else np.full_like(row, 0.5)


def _save(fig, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=100)
    return path
