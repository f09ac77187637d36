"""``train_model``: the training stage, as the CLI, DVC and Dagster call it.

Reads the ingested tables, the frame labels and the saliency pseudo-labels; writes
``out_dir/last.pt`` after every epoch, ``out_dir/best.pt`` whenever validation
improves, ``out_dir/train_result.json`` at the end; logs one MLflow run.

Resuming: when ``out_dir/last.pt`` was written by a run with the same fingerprint
(every setting that shapes training, and the data version), training continues
after its epoch with its optimizer state; a finished run is not trained again.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import resource
import time
from pathlib import Path
from typing import Any

from pld_core.config import Settings
from pld_core.errors import DataError
from pld_core.train.result import RESULT_FILE, TrainResult

log = logging.getLogger(__name__)

LAST, BEST = "last.pt", "best.pt"
PLOTTED_VIDEOS = 2
# Settings that do not change what is learned, so a checkpoint written under others still resumes.
NOT_FINGERPRINTED = {"device", "num_workers", "epochs", "patience"}


def train_model(settings: Settings, ingested_dir: Path, labels_dir: Path, pseudo_dir: Path, out_dir: Path, *,
                resume: bool = True, run_name: str | None = None, tags: dict[str, str] | None = None) -> TrainResult:
    """Train ``settings.model`` on the train split, early-stopping on validation Spearman."""
    from pld_core.infer import resolve_device
    from pld_core.train.distributed import init_distributed, shutdown

    ctx, device = init_distributed(resolve_device(settings.train.device))
    try:
        return _train(settings, Path(ingested_dir), Path(labels_dir), Path(pseudo_dir), Path(out_dir), ctx, device,
                      resume=resume, run_name=run_name, tags=tags or {})
    finally:
        shutdown(ctx)


def fingerprint(settings: Settings, data_version: str) -> str:
    """Hash of what shapes training: model, video, labels, saliency and train settings, the data."""
    parts = settings.model_dump(mode="json", include={"model", "video", "labels", "saliency", "train"})
    parts["train"] = {k: v for k, v in parts["train"].items() if k not in NOT_FINGERPRINTED}
    parts.update(dataset=settings.dataset.name, data_version=data_version)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def _train(settings: Settings, ingested_dir: Path, labels_dir: Path, pseudo_dir: Path, out_dir: Path, ctx, device,
           *, resume: bool, run_name: str | None, tags: dict[str, str]) -> TrainResult:
    import torch

    from pld_core.data import data_version
    from pld_core.model import build_model
    from pld_core.train import run_log
    from pld_core.train.distributed import broadcast
    from pld_core.train.loop import TrainState, Trainer

    cfg = settings.train
    version = data_version(ingested_dir)
    fp = fingerprint(settings, version)
    ckpt = _resumable(out_dir, fp) if resume else None
    state = TrainState.from_dict(ckpt["train_state"]) if ckpt else TrainState()
    if ckpt and _finished(state, cfg.epochs) and (out_dir / RESULT_FILE).is_file():
        log.info("%s: already trained (epoch %d, fingerprint %s)", out_dir, state.epoch + 1, fp)
        return TrainResult.read(out_dir / RESULT_FILE)
    if ckpt is None and ctx.is_main:
        for stale in (BEST, RESULT_FILE):  # left by a run of other settings: never to be mistaken for ours
            (out_dir / stale).unlink(missing_ok=True)

    pseudo = pseudo_dir if settings.model.variant == "pld" else None
    train_records, val_records = _records(settings, ingested_dir, labels_dir, pseudo, ctx)
    torch.manual_seed(cfg.seed)
    trainer = Trainer(build_model(settings.model), cfg, device=device, binary=settings.labels.mode == "binary",
                      dist=ctx)
    if ckpt is not None:
        trainer.load_state_dict(ckpt)
    loader = _loader(settings, train_records, ctx)
    device_name = device.type + (f" x{ctx.world_size} (ddp)" if ctx.enabled else "")
    run_tags = {"variant": settings.model.variant, "dataset": settings.dataset.name, "data_version": version,
                "fingerprint": fp, "device": device_name, **tags}
    if ckpt is not None:
        run_tags["resumed_from"] = f"{ckpt.get('run_id', '')} epoch {state.epoch + 1}"

    started = time.perf_counter()
    with _main_run(settings, run_name or f"train-{settings.model.variant}", run_tags, ctx) as run:
        run_id = run.info.run_id if run else ""
        if run:
            run_log.log_params(settings, {"n_parameters": sum(p.numel() for p in trainer.model.parameters()),
                                          "train_windows": len(loader.dataset), "train_videos": len(train_records),
                                          "val_videos": len(val_records)})
            for past in state.history:
                run_log.log_epoch(past, int(past["epoch"]))
        checkpoint = _Checkpointer(out_dir, settings, fp, version, run_id)
        rates = _fit(trainer, loader, val_records, state, settings, checkpoint)
        result = None
        if ctx.is_main:
            result = TrainResult(checkpoint=_ensure_best(out_dir), run_id=run_id, device=device_name,
                                 metrics=_summary(state, rates, time.perf_counter() - started))
            _finish(trainer, result, state, val_records, settings)
            result.write(out_dir)
    return broadcast(result, ctx)


def _resumable(out_dir: Path, fp: str) -> dict | None:
    """``out_dir/last.pt`` when it was written under the same fingerprint."""
    from pld_core.model import load_checkpoint

    last = out_dir / LAST
    if not last.is_file():
        return None
    ckpt = load_checkpoint(last)
    if ckpt.get("fingerprint") != fp:
        log.info("%s is from other settings or data: training from scratch", last)
        return None
    log.info("resuming from %s after epoch %d", last, ckpt["epoch"] + 1)
    return ckpt


def _loader(settings: Settings, records: list, ctx):
    from pld_core.train.loop import make_loader
    from pld_core.train.windows import Augmentation, WindowDataset

    cfg, v = settings.train, settings.video
    dataset = WindowDataset(records, window=v.window, stride=v.stride, seed=cfg.seed,
                            augmentation=Augmentation(cfg.aug_crop, cfg.aug_brightness) if cfg.augment else None)
    return make_loader(dataset, batch_size=cfg.batch_size, num_workers=cfg.num_workers, seed=cfg.seed, dist=ctx)


def _fit(trainer, loader, val_records: list, state, settings: Settings, checkpoint: "_Checkpointer") -> list[float]:
    """Train the remaining epochs, validating, checkpointing and logging each; returns windows/s per epoch."""
    from pld_core.train import run_log
    from pld_core.train.distributed import barrier, broadcast
    from pld_core.train.loop import validate

    cfg, ctx, rates = settings.train, trainer.dist, []
    for epoch in range(state.epoch + 1, cfg.epochs):
        if state.stopped:
            break
        stats = trainer.train_epoch(loader, epoch)
        rates.append(stats["windows_per_s"])
        metrics = broadcast({**stats, **validate(trainer.model, val_records, settings, trainer.device).metrics()}, ctx)
        improved = state.record(epoch, metrics, metrics["val_spearman"], cfg.patience)
        if ctx.is_main:
            checkpoint.save(trainer, state, best=improved)
            run_log.log_epoch(metrics, epoch)
        barrier(ctx)
        log.info("epoch %d/%d: loss %.4f, val spearman %.3f%s, %.1f windows/s", epoch + 1, cfg.epochs,
                 metrics["train_loss"], metrics["val_spearman"], " (best)" if improved else "", metrics["windows_per_s"])
        if state.stopped:
            log.info("early stop: no validation gain in %d epochs (best epoch %d)", cfg.patience, state.best_epoch + 1)
    return rates


def _finish(trainer, result: TrainResult, state, val_records: list, settings: Settings) -> None:
    """Plots of the best model on the val split, its checkpoint and the summary, to the MLflow run."""
    import mlflow

    from pld_core.model import load_checkpoint
    from pld_core.train import run_log
    from pld_core.train.loop import validate

    trainer.model.load_state_dict(load_checkpoint(result.checkpoint, map_location=trainer.device)["model_state"])
    final = validate(trainer.model, val_records, settings, trainer.device, keep_maps=PLOTTED_VIDEOS)
    run_log.log_final(state.history, final, val_records, settings.video.fps, result.checkpoint)
    mlflow.log_metrics({f"final_{k}": v for k, v in result.metrics.items() if v == v})


def _finished(state, epochs: int) -> bool:
    return state.stopped or state.epoch + 1 >= epochs


def _records(settings: Settings, ingested_dir: Path, labels_dir: Path, pseudo_dir: Path | None, ctx):
    """Train and val records; rank 0 fills the decode cache before the other ranks read it."""
    from pld_core.train.data import load_records
    from pld_core.train.distributed import barrier

    def load() -> tuple[list, list]:
        out = []
        for split in ("train", "val"):
            records = load_records(settings, ingested_dir, labels_dir, pseudo_dir, split)
            if not records:
                raise DataError(ingested_dir / "splits.json", f"no {split} videos with a video file and frame labels")
            out.append(records)
        return out[0], out[1]

    if ctx.is_main:
        records = load()
    barrier(ctx)
    if not ctx.is_main:
        records = load()
    return records


@contextlib.contextmanager
def _main_run(settings: Settings, name: str, tags: dict[str, Any], ctx):
    """The MLflow run on rank 0; nothing on the other ranks."""
    if not ctx.is_main:
        yield None
        return
    from pld_core.tracking import start_run

    with start_run(settings, name, tags) as run:
        yield run


class _Checkpointer:
    """Writes ``last.pt`` (and ``best.pt`` on improvement) with everything needed to resume."""

    def __init__(self, out_dir: Path, settings: Settings, fp: str, version: str, run_id: str):
        self.out_dir = out_dir
        self.meta = {"settings": {"model": settings.model.model_dump(mode="json"),
                                  "video": settings.video.model_dump(mode="json"),
                                  "label_mode": settings.labels.mode},
                     "fingerprint": fp, "data_version": version, "run_id": run_id}

    def save(self, trainer, state, best: bool) -> None:
        import shutil

        from pld_core.atomic import atomic_path
        from pld_core.model import save_checkpoint

        payload = {**trainer.state_dict(), "epoch": state.epoch, "train_state": state.to_dict(), **self.meta}
        last = save_checkpoint(self.out_dir / LAST, payload)
        if best:
            with atomic_path(self.out_dir / BEST) as tmp:
                shutil.copyfile(last, tmp)


def _ensure_best(out_dir: Path) -> Path:
    """best.pt; when no epoch ever improved (undefined validation metric), last.pt stands in."""
    import shutil

    from pld_core.atomic import atomic_path

    best = out_dir / BEST
    if not best.is_file():
        log.warning("no epoch improved the validation metric; %s is a copy of %s", BEST, LAST)
        with atomic_path(best) as tmp:
            shutil.copyfile(out_dir / LAST, tmp)
    return best


def _summary(state, rates: list[float], seconds: float) -> dict[str, float]:
    best = next((h for h in state.history if int(h["epoch"]) == state.best_epoch), state.history[-1])
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {
        "val_spearman": float(best.get("val_spearman", float("nan"))),
        "val_kendall": float(best.get("val_kendall", float("nan"))),
        "best_epoch": float(state.best_epoch + 1),
        "epochs": float(state.epoch + 1),
        "train_loss": float(state.history[-1]["train_loss"]),
        "windows_per_s": float(sum(rates) / len(rates)) if rates else float("nan"),
        "peak_rss_mb": rss / 1024.0,
        "train_seconds": seconds,
    }
