"""The training loop: optimizer steps, validation, early stopping state, checkpoint payloads.

CPU and CUDA alike; on CUDA, AMP (``torch.autocast`` float16 + ``GradScaler``) when
``train.amp`` and channels-last-3d memory format; DDP when the process group has more
than one rank. Each epoch is seeded from (seed, epoch) (shuffling, augmentation,
dropout), so resuming after epoch k gives the same run as never stopping.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from pld_core.config import Settings, TrainSettings
from pld_core.model import total_loss
from pld_core.train.data import VideoRecord
from pld_core.train.distributed import DistContext, mean_across

log = logging.getLogger(__name__)

MIN_DELTA = 1e-4  # a validation metric must rise by more than this to count as better


@dataclass
class TrainState:
    """Where training stands after ``epoch`` (0-based; -1 before the first)."""

    epoch: int = -1
    best_metric: float = float("-inf")
    best_epoch: int = -1
    bad_epochs: int = 0
    stopped: bool = False
    history: list[dict[str, float]] = field(default_factory=list)

    def record(self, epoch: int, metrics: dict[str, float], metric: float, patience: int) -> bool:
        """Add an epoch's metrics; True when ``metric`` is the best so far. Sets ``stopped`` on patience."""
        self.epoch = epoch
        self.history.append({"epoch": float(epoch), **metrics})
        improved = math.isfinite(metric) and metric > self.best_metric + MIN_DELTA
        if improved:
            self.best_metric, self.best_epoch, self.bad_epochs = metric, epoch, 0
        else:
            self.bad_epochs += 1
            self.stopped = self.bad_epochs >= patience
        return improved

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainState":
        return cls(**data)


def epoch_seed(seed: int, epoch: int) -> int:
    """The torch seed of one epoch."""
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


class Trainer:
    """Owns the model (DDP-wrapped when distributed), the optimizer and the AMP scaler."""

    def __init__(self, model: nn.Module, train: TrainSettings, *, device: torch.device, binary: bool,
                 dist: DistContext = DistContext()):
        self.train_cfg = train
        self.device = device
        self.binary = binary
        self.dist = dist
        self.channels_last = device.type == "cuda"
        self.model = model.to(device)
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last_3d)
        self.net: nn.Module = self.model
        if dist.enabled:
            ids = [device.index] if device.type == "cuda" else None
            self.net = nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=train.lr, weight_decay=train.weight_decay)
        self.amp = train.amp and device.type == "cuda"
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp)
        self.step = 0

    def train_epoch(self, loader: DataLoader, epoch: int) -> dict[str, float]:
        """One pass over ``loader``; mean losses (over ranks too), windows/s and seconds."""
        from tqdm import tqdm

        torch.manual_seed(epoch_seed(self.train_cfg.seed, epoch))
        if isinstance(loader.sampler, DistributedSampler):
            loader.sampler.set_epoch(epoch)
        if hasattr(loader.dataset, "set_epoch"):
            loader.dataset.set_epoch(epoch)
        self.model.train()
        sums: dict[str, float] = {}
        n_batches = n_windows = 0
        start = time.perf_counter()
        bar = tqdm(loader, desc=f"epoch {epoch + 1}", unit="batch", disable=None if self.dist.is_main else True,
                   leave=False)
        for batch in bar:
            parts = self.train_step(batch)
            for key, value in parts.items():
                sums[key] = sums.get(key, 0.0) + value
            n_batches += 1
            n_windows += len(batch["frames"])
            bar.set_postfix(loss=f"{parts['loss']:.4f}")
        seconds = time.perf_counter() - start
        means = mean_across({f"train_{k}": v / max(n_batches, 1) for k, v in sums.items()}, self.dist, self.device)
        return {**means, "windows_per_s": n_windows * self.dist.world_size / max(seconds, 1e-9),
                "epoch_seconds": seconds}

    def train_step(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        """One optimizer step on ``batch``; the loss and its parts as floats."""
        batch = {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}
        frames = batch["frames"]
        if self.channels_last:
            frames = frames.contiguous(memory_format=torch.channels_last_3d)
        with torch.autocast(self.device.type, dtype=torch.float16, enabled=self.amp):
            outputs = self.net(frames)
        loss, parts = total_loss(outputs, batch, self.train_cfg, self.binary)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        nn.utils.clip_grad_norm_(self.model.parameters(), self.train_cfg.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.step += 1
        return {"loss": float(loss.detach()), **{f"{name}_loss": value for name, value in parts.items()}}

    def state_dict(self) -> dict[str, Any]:
        """Weights, optimizer and scaler state and the step count, for a checkpoint."""
        return {"model_state": self.model.state_dict(), "optimizer_state": self.optimizer.state_dict(),
                "scaler_state": self.scaler.state_dict(), "step": self.step}

    def load_state_dict(self, ckpt: dict[str, Any]) -> None:
        """Continue from a checkpoint written by ``state_dict``."""
        self.model.load_state_dict(ckpt["model_state"])
        self.optimizer.load_state_dict(ckpt["optimizer_state"])
        if ckpt.get("scaler_state"):
            self.scaler.load_state_dict(ckpt["scaler_state"])
        self.step = int(ckpt["step"])


def make_loader(dataset: Dataset, *, batch_size: int, num_workers: int, seed: int,
                dist: DistContext = DistContext()) -> DataLoader:
    """Shuffled loader; the sampler splits the windows between ranks and reshuffles per epoch."""
    sampler = DistributedSampler(dataset, num_replicas=dist.world_size, rank=dist.rank, shuffle=True, seed=seed)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler, num_workers=num_workers,
                      worker_init_fn=_one_thread if num_workers else None,
                      pin_memory=torch.cuda.is_available())


def _one_thread(_: int) -> None:
    torch.set_num_threads(1)


@dataclass
class Validation:
    """Frame-ranking quality of the model on held-out videos."""

    spearman: float
    kendall: float
    curves: dict[str, tuple[np.ndarray, np.ndarray]]   # video id -> (predicted, target)
    maps: dict[str, np.ndarray]                        # video id -> predicted maps (first few videos)

    def metrics(self) -> dict[str, float]:
        return {"val_spearman": self.spearman, "val_kendall": self.kendall}


def validate(model: nn.Module, records: list[VideoRecord], settings: Settings, device: torch.device,
             keep_maps: int = 0) -> Validation:
    """Score every frame of ``records`` with the inference path; mean rank correlation with the targets.

    Videos whose targets are constant rank nothing and are left out of the mean.
    """
    from pld_core.evaluate.ranking import rank_correlations
    from pld_core.infer import make_scorer

    was_training = model.training
    scorer = make_scorer(model.eval(), settings.video, settings, device, model_ref="validation")
    curves, maps, spearman, kendall = {}, {}, [], []
    try:
        for i, record in enumerate(records):
            scores, pixel_maps = scorer.score_frames(record.frames())
            curves[record.video_id] = (scores, record.targets)
            if i < keep_maps and pixel_maps is not None:
                maps[record.video_id] = pixel_maps
            corr = rank_correlations(scores, record.targets)
            if corr["n_raters"]:
                spearman.append(corr["spearman"])
                kendall.append(corr["kendall"])
    finally:
        model.train(was_training)
    mean = (lambda v: float(np.mean(v)) if v else float("nan"))
    return Validation(mean(spearman), mean(kendall), curves, maps)
