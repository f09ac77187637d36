"""Train the learned teacher on DHF1K-style gaze data (videos + per-frame fixations).

Every video of the gaze root is decoded once at video.fps and (video.height, video.width)
into memory (about 12 KB per frame at 64x64); each step draws a batch of random
frames with their ``learned_frames - 1`` predecessors, randomly mirrored, and
minimizes the KL divergence from the fixation density to the predicted distribution.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pld_core.atomic import atomic_path
from pld_core.errors import DataError
from pld_core.saliency.gaze_data import list_gaze_videos, load_gaze
from pld_core.saliency.learned import save_weights
from pld_core.video import open_video

if TYPE_CHECKING:
    import torch

    from pld_core.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeacherTrainResult:
    """Where the weights went and how the loss (KL divergence, nats) moved."""

    weights: Path
    losses: list[float]
    frames: int
    seconds: float

    @property
    def first_loss(self) -> float:
        return float(np.mean(self.losses[: max(1, len(self.losses) // 10)]))

    @property
    def last_loss(self) -> float:
        return float(np.mean(self.losses[-max(1, len(self.losses) // 10):]))


@dataclass
class _GazeClips:
    """All training frames in memory, and which of them have fixations to learn from."""

    frames: "torch.Tensor"       # [N, 3, H, W] float in [0, 1], videos back to back
    density: "torch.Tensor"      # [N, H, W], each row sums to 1 (or 0 when no fixations)
    first: np.ndarray            # [N] index of each frame's video's first frame
    targets: np.ndarray          # indices of frames with fixations

    def batch(self, idx: np.ndarray, k: int, flip: np.ndarray) -> tuple["torch.Tensor", "torch.Tensor"]:
        """Clips [B, k, 3, H, W] ending at ``idx`` (not crossing into the previous video) and targets."""
        import torch

        offsets = np.arange(-(k - 1), 1)
        rows = np.maximum(idx[:, None] + offsets[None, :], self.first[idx][:, None])
        clips, target = self.frames[torch.from_numpy(rows)], self.density[torch.from_numpy(idx)]
        mirror = torch.from_numpy(flip)
        clips[mirror] = clips[mirror].flip(-1)
        target[mirror] = target[mirror].flip(-1)
        return clips, target


def load_gaze_clips(root: str | Path, settings: "Settings") -> _GazeClips:
    """Decode every video of a gaze root with its fixation densities (see module docstring)."""
    import torch

    size = (settings.video.height, settings.video.width)
    frames, densities, first = [], [], []
    for gaze in list_gaze_videos(root):
        with open_video(gaze.video, backend=settings.video.backend, size=size, fps=settings.video.fps) as reader:
            video = reader.read()
            _, density = load_gaze(gaze.annotation, reader.indices, size, settings)
        first.append(np.full(len(video), sum(len(f) for f in frames)))
        frames.append(video)
        densities.append(density)
    density = np.concatenate(densities)
    targets = np.flatnonzero(density.reshape(len(density), -1).sum(axis=1) > 0)
    if len(targets) == 0:
        raise DataError(root, "no frame has fixations to learn from")
    return _GazeClips(frames=torch.from_numpy(np.concatenate(frames)).permute(0, 3, 1, 2).float().div_(255),
                      density=torch.from_numpy(density), first=np.concatenate(first), targets=targets)


def train_teacher(root: str | Path, out: str | Path, settings: "Settings", steps: int | None = None) -> TeacherTrainResult:
    """Train a SaliencyNet on the gaze root ``root``; write its weights to ``out``."""
    import torch

    from pld_core.saliency.net import SaliencyNet

    cfg = settings.saliency
    steps = steps or cfg.train_steps
    torch.manual_seed(settings.train.seed)
    rng = np.random.default_rng(settings.train.seed)
    data = load_gaze_clips(root, settings)
    net = SaliencyNet(frames=cfg.learned_frames, channels=cfg.learned_channels)
    optimizer = torch.optim.Adam(net.parameters(), lr=cfg.train_lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    losses: list[float] = []
    tic = time.perf_counter()
    net.train()
    for step in range(steps):
        idx = rng.choice(data.targets, size=cfg.train_batch)
        clips, target = data.batch(idx, cfg.learned_frames, rng.random(len(idx)) < 0.5)
        log_q = torch.log_softmax(net(clips).flatten(1), dim=1)
        p = target.flatten(1)
        loss = (p * (torch.log(p.clamp_min(1e-12)) - log_q)).sum(dim=1).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if step % max(1, steps // 10) == 0 or step == steps - 1:
            log.info("saliency teacher step %d/%d: KL %.3f", step + 1, steps, losses[-1])
    net.eval()
    weights = save_weights(net, out, losses=losses, data=str(root), frames=len(data.targets))
    return TeacherTrainResult(weights=weights, losses=losses, frames=len(data.targets),
                              seconds=time.perf_counter() - tic)


def plot_losses(losses: list[float], path: str | Path) -> Path:
    """The training curve (per-step KL and its moving average) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    window = max(1, len(losses) // 20)
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(losses, alpha=0.35, label="step")
    ax.plot(np.arange(window - 1, len(losses)), smooth, label=f"mean of {window}")
    ax.set(xlabel="step", ylabel="KL divergence (nats)", title="learned saliency teacher")
    ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return Path(path)
