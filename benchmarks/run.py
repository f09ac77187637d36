"""Speed and memory of every stage, measured against decode-only throughput in the same run.

    make bench                     # or: .venv/bin/python benchmarks/run.py [--quick] [--device cuda]

In one run, each measurement in a fresh process (its peak RSS is its own):
1. ``make demo``'s in-process Dagster materialization of a small demo; each asset's step
   duration is read from the instance's run statistics;
2. ``pld train --fresh`` on that demo at the params.yaml model size: windows/s, peak RSS,
   and the checkpoint the next stages use;
3. per real video of ../shared/data/videos: decode-only with decord and with PyAV, saliency
   pseudo-labels, ``pld score`` and ``pld highlight`` (frames/s, and the ratio to decode-only
   with the pipeline's backend);
4. ``pld highlight`` of a 60 s video, the command from start to end;
5. scaling: a real video played 1x, 4x, 16x (remuxed): time and peak memory per stage;
6. each speed-up switched off and on, on the 60 s video (``benchmarks/ablations.py``).
Decode-only and the before/after runs keep the fastest of two alternating runs (the machine
may be shared); the other stages run once, so their ratios to decode-only are conservative.
Prints a table and writes benchmarks/results.json (``--quick``: fewer videos and lengths, no 6). ``--device cuda`` runs training and
scoring on CUDA with AMP and larger batches (decoding stays on the CPU).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import ablations, stages  # noqa: E402
from benchmarks.measure import fastest, measure, run_command  # noqa: E402
from benchmarks.report import print_report  # noqa: E402
from benchmarks.videos import concatenated  # noqa: E402

SHARED_VIDEOS = Path(os.environ.get("PLD_SHARED", REPO.parent / "shared")) / "data" / "videos"
RESULTS = REPO / "benchmarks" / "results.json"
PLD = str(Path(sys.executable).with_name("pld"))
SCALED_VIDEO = "imageio_cockatoo.mp4"      # the scaling runs play it 1x, 4x, 16x
MINUTE_VIDEO = ("opencv_box_pose.mp4", 4)  # 15.2 s x 4 = 60.7 s: the "60 s video" of pld highlight
DEMO = {"demo.n_videos": 6, "demo.min_seconds": 12, "demo.max_seconds": 16, "train.epochs": 2}
CUDA = {"train.device": "cuda", "train.amp": True, "model.infer_batch_size": 32, "train.batch_size": 32}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="two videos, lengths 1x and 4x, one training epoch, no before/after runs")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    from pld_core.atomic import write_json
    from pld_core.config import load_settings

    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            sys.exit("error: --device cuda, but CUDA is not available on this machine")
    base = load_settings(REPO / "params.yaml")
    videos = sorted(SHARED_VIDEOS.glob("*.mp4"))
    if not videos:
        sys.exit(f"error: no videos under {SHARED_VIDEOS}")
    if args.quick:
        videos = videos[:2]
    cache = base.path(base.paths.cache) / "bench"
    with tempfile.TemporaryDirectory(prefix="pld-bench-") as tmp:
        work = Path(tmp)
        overrides = {**DEMO, **({"train.epochs": 1} if args.quick else {}), **(CUDA if args.device == "cuda" else {})}
        params = _write_params(base, work, overrides)
        settings = load_settings(params)
        results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                               "platform": platform.platform()},
                   "device": args.device, "quick": args.quick, "overrides": overrides,
                   "size": [settings.video.height, settings.video.width], "fps": settings.video.fps,
                   "baseline": f"decode_{_baseline_backend(settings)}"}
        print("demo pipeline (Dagster, in-process) ...", flush=True)
        results["pipeline"] = {"what": "Dagster step durations of an in-process materialization "
                                       f"({DEMO['demo.n_videos']} demo videos)",
                               **measure(stages.dagster_demo, str(params), str(work / "dagster_home"))}
        print("training ...", flush=True)
        results["train"], checkpoint = _train(params, work, settings)
        results["videos"] = {}
        for video in videos:
            print(f"{video.name} ...", flush=True)
            results["videos"][video.name] = _per_video(video, params, checkpoint, work, results["baseline"])
        results["backend_choice"] = _backend_choice(results["videos"], settings.video.backend)
        results["highlight_60s"] = _minute_highlight(params, checkpoint, work, cache)
        results["scaling"] = _scaling(params, checkpoint, work, cache, (1, 4) if args.quick else (1, 4, 16),
                                      results["baseline"])
        if not args.quick and checkpoint is not None:
            results["optimizations"] = _before_after(params, checkpoint, work, cache)
    print_report(results)
    write_json(args.out, results)
    print(f"\nwrote {args.out}")


def _write_params(base, work: Path, overrides: dict) -> Path:
    """A params file with every path under ``work`` (so nothing is cached from earlier runs)."""
    import yaml

    paths = {f"paths.{key}": str(work / key) for key in base.paths.model_dump()}
    settings = base.with_overrides({**paths, "dataset.source": str(work / "raw" / "demo"),
                                    "registry.tracking_uri": f"sqlite:///{work / 'mlruns' / 'mlflow.db'}",
                                    **overrides})
    path = work / "params.yaml"
    path.write_text(yaml.safe_dump(settings.model_dump(mode="json"), sort_keys=False))
    return path


def _baseline_backend(settings) -> str:
    """The backend the pipeline decodes with at the model size (what ``auto`` picks first)."""
    return settings.video.backend if settings.video.backend != "auto" else "decord"


def _train(params: Path, work: Path, settings) -> tuple[dict, str | None]:
    """``pld train --fresh`` on the demo the pipeline made: throughput, memory, checkpoint."""
    import json

    out = work / "bench_train"
    run = run_command([PLD, "--params", str(params), "train", "--fresh", "--out", str(out)])
    result_file = out / "train_result.json"
    if "error" in run or not result_file.is_file():
        return {"error": run.get("error", "no train_result.json")}, None
    result = json.loads(result_file.read_text())
    metrics = result["metrics"]
    return {**run, "windows_per_s": metrics["windows_per_s"], "epochs": metrics["epochs"],
            "batch_size": settings.train.batch_size, "device": result["device"], "metrics": metrics}, \
        result["checkpoint"]


def _per_video(video: Path, params: Path, checkpoint: str | None, work: Path, baseline: str) -> dict:
    decord, pyav = fastest([(stages.decode_only, str(video), b, str(params)) for b in ("decord", "pyav")])
    entry = {"decode_decord": decord, "decode_pyav": pyav}
    entry["saliency"] = measure(stages.saliency, str(video), str(params), str(work / "bench_pseudo"))
    entry.update(_model_stages(video, params, checkpoint, work))
    return _with_ratios(entry, baseline)


def _model_stages(video: Path, params: Path, checkpoint: str | None, work: Path) -> dict:
    if checkpoint is None:
        return {name: {"error": "no checkpoint (training failed)"} for name in ("score", "highlight")}
    return {"score": measure(stages.score, str(video), str(params), checkpoint),
            "highlight": measure(stages.highlight, str(video), str(params), checkpoint, str(work / "bench_clips"))}


def _with_ratios(entry: dict, baseline: str) -> dict:
    base = entry.get(baseline, {}).get("fps")
    for m in entry.values():
        if base and m.get("fps"):
            m["ratio"] = m["fps"] / base
    return entry


def _backend_choice(videos: dict, default: str) -> dict:
    """Which decoder is faster at the pipeline size, video by video."""
    pairs = [(v["decode_decord"].get("fps"), v["decode_pyav"].get("fps")) for v in videos.values()]
    pairs = [(d, p) for d, p in pairs if d and p]
    if not pairs:
        return {}
    return {"videos": len(pairs), "pyav_wins": sum(p > d for d, p in pairs),
            "median_decord_over_pyav": statistics.median(d / p for d, p in pairs), "default": default}


def _minute_highlight(params: Path, checkpoint: str | None, work: Path, cache: Path) -> dict:
    """``pld highlight`` of a 60 s real video, timed as the command a user types."""
    from pld_core.video import probe

    name, times = MINUTE_VIDEO
    video = concatenated(SHARED_VIDEOS / name, times, cache)
    out = {"video": video.name, "duration_s": probe(video).duration_s}
    if checkpoint is None:
        return {**out, "error": "no checkpoint (training failed)"}
    print(f"pld highlight {video.name} ...", flush=True)
    return {**out, **run_command([PLD, "--params", str(params), "highlight", str(video), "--model", checkpoint,
                                  "-o", str(work / "bench_clips" / "minute.mp4")])}


def _scaling(params: Path, checkpoint: str | None, work: Path, cache: Path, lengths: tuple[int, ...],
             baseline: str) -> dict:
    """The same stages on one real video played 1x, 4x, 16x: time should grow linearly, memory stay flat."""
    out = {}
    for times in lengths:
        video = concatenated(SHARED_VIDEOS / SCALED_VIDEO, times, cache)
        print(f"scaling x{times} ...", flush=True)
        entry = {baseline: measure(stages.decode_only, str(video), baseline.removeprefix("decode_"), str(params)),
                 "saliency": measure(stages.saliency, str(video), str(params), str(work / "bench_pseudo"))}
        entry.update(_model_stages(video, params, checkpoint, work))
        out[f"x{times}"] = _with_ratios(entry, baseline)
    return out


def _before_after(params: Path, checkpoint: str, work: Path, cache: Path) -> dict:
    """Each speed-up off, then on, on the 60 s video: frames/s (or seconds) of the stage it speeds up."""
    video = str(concatenated(SHARED_VIDEOS / MINUTE_VIDEO[0], MINUTE_VIDEO[1], cache))
    out = {}
    for name, what in ablations.OPTIMIZATIONS.items():
        print(f"before/after {name} ...", flush=True)
        off, on = fastest([(ablations.run, name, switch, video, str(params), checkpoint, str(work / "bench_ablation"))
                           for switch in (True, False)])
        out[name] = {"what": what, "off": off, "on": on}
        if off.get("seconds") and on.get("seconds"):
            out[name]["speedup"] = off["seconds"] / on["seconds"]
    return out


if __name__ == "__main__":
    main()
