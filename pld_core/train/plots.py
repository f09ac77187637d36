"""Figures of a training run: loss curves, predicted vs consensus curves, pixel maps."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _figure(rows: int, cols: int, size: tuple[float, float]) -> tuple["Figure", np.ndarray]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False))
    return fig, axes


def loss_curves(history: list[dict[str, float]]) -> "Figure":
    """Training losses and validation rank correlation per epoch."""
    fig, axes = _figure(1, 2, (10, 3.6))
    epochs = [int(h["epoch"]) + 1 for h in history]
    for key in sorted({k for h in history for k in h if k.startswith("train_")}):
        axes[0, 0].plot(epochs, [h.get(key, np.nan) for h in history], marker="o", label=key.removeprefix("train_"))
    axes[0, 0].set(xlabel="epoch", ylabel="loss", title="training losses")
    axes[0, 0].legend()
    for key in ("val_spearman", "val_kendall"):
        axes[0, 1].plot(epochs, [h.get(key, np.nan) for h in history], marker="o", label=key.removeprefix("val_"))
    axes[0, 1].axhline(0.0, color="grey", lw=0.8, ls="--")
    axes[0, 1].set(xlabel="epoch", ylabel="rank correlation", title="validation (vs consensus)")
    axes[0, 1].legend()
    return fig


def score_curves(curves: dict[str, tuple[np.ndarray, np.ndarray]], fps: float, limit: int = 3) -> "Figure":
    """Predicted frame scores against the consensus for up to ``limit`` videos."""
    items = list(curves.items())[:limit]
    fig, axes = _figure(len(items), 1, (10, 2.4 * len(items)))
    for ax, (video_id, (pred, target)) in zip(axes[:, 0], items):
        t = np.arange(len(pred)) / fps
        ax.plot(t, target, color="black", lw=1.2, label="consensus")
        ax.plot(t, pred, color="tab:red", lw=1.2, label="predicted")
        ax.set(title=video_id, xlabel="seconds", ylim=(-0.05, 1.05))
        ax.legend(loc="upper right")
    return fig


def pixel_maps(frames: np.ndarray, maps: np.ndarray, scores: np.ndarray, video_id: str, n: int = 6) -> "Figure":
    """``n`` frames (the highest-scored first half, then evenly spaced) with their pixel maps overlaid."""
    top = np.argsort(-scores)[: n // 2]
    spread = np.linspace(0, len(frames) - 1, n - len(top)).astype(int)
    picks = np.unique(np.concatenate([top, spread]))[:n]
    fig, axes = _figure(1, len(picks), (2.2 * len(picks), 2.6))
    for ax, k in zip(axes[0], picks):
        ax.imshow(frames[k])
        ax.imshow(maps[k], cmap="inferno", alpha=0.55, vmin=0, vmax=1)
        ax.set_title(f"{video_id} #{k}\nscore {scores[k]:.2f}", fontsize=8)
        ax.axis("off")
    return fig
