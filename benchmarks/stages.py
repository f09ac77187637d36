"""The stages a benchmark times, each meant to run in its own process (``measure.measure``).

Each takes the path of a params file (every setting, the device included, comes from it)
and returns ``frames`` and ``seconds``: the timed work. Imports are done before the clock
starts; opening the video and writing outputs are inside it, and so is loading the model,
except for ``score`` (throughput of scoring alone; its ``load_s`` says what loading took).
"""
from __future__ import annotations

import os
import time
from pathlib import Path


class Clock:
    """Wall and CPU seconds (all threads of this process) since it was made."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> dict:
        return {"seconds": time.perf_counter() - self.wall, "cpu_s": time.process_time() - self.cpu}


def _settings(params: str):
    from pld_core.config import load_settings

    return load_settings(params)


def _warm_imports(*modules: str) -> None:
    """Import the libraries a stage uses before its clock starts, so that it times work, not imports."""
    import importlib

    for name in ("av", "cv2", *modules):
        importlib.import_module(name)


def _cuda_memory(settings) -> dict:
    """Peak CUDA memory of this process, when the stage ran on CUDA."""
    import torch

    if settings.train.device != "cuda" or not torch.cuda.is_available():
        return {}
    return {"cuda_peak_mb": torch.cuda.max_memory_allocated() / 2**20}


def decode_only(video: str, backend: str, params: str) -> dict:
    """Decode every sampled frame at the pipeline size and rate: the floor every stage stands on."""
    settings = _settings(params)
    _warm_imports("pld_core.video")
    from pld_core.video import open_video

    size, fps = (settings.video.height, settings.video.width), settings.video.fps
    clock = Clock()
    with open_video(video, backend=backend, size=size, fps=fps) as reader:
        n = sum(1 for _ in reader.iter_frames())
    return {"frames": n, **clock.read()}


def saliency(video: str, params: str, out_dir: str) -> dict:
    """One video's pseudo-labels as ``pld pseudo-labels`` writes them: maps archive and preview."""
    settings = _settings(params)
    _warm_imports("pld_core.saliency.pseudo")
    from pld_core.saliency import load_teacher
    from pld_core.saliency.pseudo import write_video_pseudo_labels

    name = Path(video).stem
    clock = Clock()
    n = write_video_pseudo_labels(Path(video), Path(out_dir) / f"{name}.npz",
                                  Path(out_dir) / "previews" / f"{name}.png", "benchmark",
                                  load_teacher(settings), settings)
    return {"frames": n, **clock.read()}


def score(video: str, params: str, checkpoint: str) -> dict:
    """``pld score``: score every sampled frame (no maps); loading the model is timed apart (``load_s``)."""
    settings = _settings(params)
    _warm_imports("torch", "pld_core.model", "pld_core.infer")
    from pld_core.infer import load_scorer

    start = time.perf_counter()
    scorer = load_scorer(checkpoint, settings)
    load_s, clock = time.perf_counter() - start, Clock()
    result = scorer.score_video(video)
    return {"frames": len(result.frame_scores), **clock.read(), "load_s": load_s, **_cuda_memory(settings)}


def highlight(video: str, params: str, checkpoint: str, out_dir: str) -> dict:
    """``pld highlight``: score, find shots, choose, crop and render one clip with report and preview."""
    settings = _settings(params)
    _warm_imports("torch", "pld_core.model", "pld_core.infer", "pld_core.creative", "matplotlib.figure")
    from pld_core.creative import make_ad_clips
    from pld_core.video import n_sampled, probe

    info = probe(video)
    clip = Path(out_dir) / f"{Path(video).stem}.mp4"
    clock = Clock()
    make_ad_clips(Path(video), clip, settings, model=checkpoint, report=clip.with_suffix(".json"),
                  preview=clip.with_suffix(".png"))
    return {"frames": n_sampled(info.n_frames, info.fps, settings.video.fps), **clock.read(),
            **_cuda_memory(settings)}


def dagster_demo(params: str, home: str) -> dict:
    """``make demo``'s two in-process runs on ``home``; each step's duration from the instance's run stats."""
    os.environ["DAGSTER_HOME"] = home
    Path(home).mkdir(parents=True, exist_ok=True)
    import dagster as dg

    from orchestration.demo import run_demo
    from orchestration.instance import prepare_dagster_home

    prepare_dagster_home()
    start = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        runs = run_demo(instance, params, log_level="WARNING")
        seconds = time.perf_counter() - start
        steps: dict[str, float] = {}
        for run in (runs.discover, runs.pipeline):
            if run is None:
                continue
            for stat in instance.get_run_step_stats(run.run_id):
                if stat.start_time and stat.end_time:
                    steps[stat.step_key] = steps.get(stat.step_key, 0.0) + stat.end_time - stat.start_time
    out = {"seconds": seconds, "steps": dict(sorted(steps.items(), key=lambda kv: -kv[1]))}
    if not runs.success:
        out["error"] = "a step of the demo failed (see the step list)"
    return out
