"""Distributed data parallel (DDP) under ``torchrun``: one process per device.

    torchrun --nproc-per-node 4 .venv/bin/pld train

``init_distributed`` reads torchrun's environment (``WORLD_SIZE``, ``RANK``,
``LOCAL_RANK``); with one process it changes nothing. NCCL is used on CUDA, gloo on
CPU. A process group the caller set up already (tests, notebooks) is reused.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistContext:
    """This process's place in the job."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    owns_group: bool = False  # True when init_distributed created the process group

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1


def init_distributed(device: torch.device) -> tuple[DistContext, torch.device]:
    """Join the torchrun job (if any); returns the context and this rank's device."""
    if dist.is_available() and dist.is_initialized():
        ctx = DistContext(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", 0)))
    elif int(os.environ.get("WORLD_SIZE", "1")) > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        ctx = DistContext(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", 0)),
                          owns_group=True)
    else:
        return DistContext(), device
    if device.type == "cuda":
        device = torch.device("cuda", ctx.local_rank)
        torch.cuda.set_device(device)
    return ctx, device


def shutdown(ctx: DistContext) -> None:
    """Leave the process group if this module created it."""
    if ctx.owns_group and dist.is_initialized():
        dist.destroy_process_group()


def mean_across(values: dict[str, float], ctx: DistContext, device: torch.device) -> dict[str, float]:
    """Each value averaged over the ranks."""
    if not ctx.enabled or not values:
        return values
    keys = sorted(values)
    tensor = torch.tensor([values[k] for k in keys], dtype=torch.float64, device=device)
    dist.all_reduce(tensor)
    return {k: float(v) / ctx.world_size for k, v in zip(keys, tensor.tolist())}


def broadcast(obj: Any, ctx: DistContext) -> Any:
    """Rank 0's ``obj`` on every rank."""
    if not ctx.enabled:
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def barrier(ctx: DistContext) -> None:
    if ctx.enabled:
        dist.barrier()
