"""Two-process DDP (gloo on CPU): the ranks split the windows and end with the same weights."""
from __future__ import annotations

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from pld_core.model import build_model
from pld_core.train.distributed import init_distributed, mean_across
from pld_core.train.loop import Trainer, make_loader
from pld_core.train.windows import WindowDataset

WORLD = 2


def _worker(rank: int, init_file: str, settings, records, out_dir) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=WORLD)
    try:
        ctx, device = init_distributed(torch.device("cpu"))
        torch.manual_seed(settings.train.seed)
        model = build_model(settings.model)
        initial = {n: p.detach().clone() for n, p in model.named_parameters()}
        trainer = Trainer(model, settings.train, device=device, binary=False, dist=ctx)
        loader = make_loader(WindowDataset(records, window=8, stride=4, seed=0), batch_size=2, num_workers=0,
                             seed=0, dist=ctx)
        stats = trainer.train_epoch(loader, 0)
        loader.sampler.set_epoch(0)
        torch.save({"rank": ctx.rank, "step": trainer.step, "indices": list(loader.sampler), "stats": stats,
                    "initial": initial, "mean": mean_across({"x": float(rank)}, ctx, device),
                    "params": {n: p.detach().clone() for n, p in trainer.model.named_parameters()}},
                   out_dir / f"rank{rank}.pt")
    finally:
        dist.destroy_process_group()


def test_two_ranks_hold_identical_weights(tiny_settings, records, tmp_path):
    mp.spawn(_worker, args=(str(tmp_path / "init"), tiny_settings, records, tmp_path), nprocs=WORLD, join=True)
    r0, r1 = (torch.load(tmp_path / f"rank{r}.pt", weights_only=False) for r in range(WORLD))
    assert (r0["rank"], r1["rank"]) == (0, 1)
    assert r0["step"] == r1["step"] > 1
    n_windows = len(WindowDataset(records, window=8, stride=4, seed=0))
    assert set(r0["indices"]) | set(r1["indices"]) == set(range(n_windows))  # every window seen by one rank
    assert r0["mean"] == r1["mean"] == {"x": 0.5}
    assert r0["stats"]["train_loss"] == r1["stats"]["train_loss"]  # losses averaged over ranks
    for name, p0 in r0["params"].items():
        assert torch.equal(p0, r1["params"][name]), name
    assert any(not torch.equal(p, r0["initial"][n]) for n, p in r0["params"].items())  # and they did train
