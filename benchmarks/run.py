"""Speed and memory of every stage, measured against decode-only throughput in the same run.

    make bench                     # or: .venv/bin/python benchmarks/run.py [--quick] [--device cuda]

Each measurement runs in a fresh subprocess so its peak resident memory is its own.
Prints a table and writes benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED_VIDEOS = Path(os.environ.get("PLD_SHARED", REPO.parent / "shared")) / "data" / "videos"
RESULTS = REPO / "benchmarks" / "results.json"


def _child(fn: Callable[..., dict], args: tuple, queue: mp.Queue) -> None:
    try:
        start = time.perf_counter()
        out = fn(*args)
        out["seconds"] = time.perf_counter() - start
        out["peak_rss_mb"] = _peak_rss_mb()
        queue.put(out)
    except BaseException as exc:  # report, never hang the parent
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def _peak_rss_mb() -> float:
    """This process's high-water resident memory (VmHWM resets at exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(fn: Callable[..., dict], *args) -> dict:
    """Run ``fn(*args)`` in a fresh process; add its wall time and peak RSS."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    out = queue.get()
    proc.join()
    if "frames" in out and out.get("seconds"):
        out["fps"] = out["frames"] / out["seconds"]
    return out


# ---- the stages, each run in its own process --------------------------------------------

def decode_only(path: str, backend: str, size: tuple[int, int], fps: float) -> dict:
    """Decode every sampled frame at the pipeline size: the floor every stage stands on."""
    from pld_core.video import open_video

    with open_video(path, backend=backend, size=size, fps=fps) as reader:
        n = sum(1 for _ in reader.iter_frames())
    return {"frames": n}


def concatenated_video(src: Path, times: int, out_dir: Path) -> Path:
    """A longer real video: ``src`` played ``times`` times in a row (re-encoded once, cached)."""
    from pld_core.video import open_video, write_mp4

    out = out_dir / f"{src.stem}_x{times}.mp4"
    if not out.exists():
        with open_video(src, backend="pyav") as reader:
            frames = reader.read()
            fps = reader.info.fps
        write_mp4(out, (f for _ in range(times) for f in frames), fps=fps)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer videos and lengths")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    from pld_core.config import load_settings

    settings = load_settings(REPO / "params.yaml")
    size, fps = (settings.video.height, settings.video.width), settings.video.fps
    videos = sorted(SHARED_VIDEOS.glob("*.mp4"))
    if not videos:
        sys.exit(f"error: no videos under {SHARED_VIDEOS}")
    if args.quick:
        videos = videos[:2]
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                     "size": list(size), "fps": fps, "videos": {}, "scaling": {}}
    rows = []
    for video in videos:
        entry = {}
        for backend in ("decord", "pyav"):
            entry[f"decode_{backend}"] = measure(decode_only, str(video), backend, size, fps)
        results["videos"][video.name] = entry
        base = entry["decode_pyav"]
        for name, m in entry.items():
            rows.append((video.name, name, m, base))

    with tempfile.TemporaryDirectory() as tmp:
        base_video = SHARED_VIDEOS / "imageio_cockatoo.mp4"
        for times in ((1, 4) if args.quick else (1, 4, 16)):
            long_video = concatenated_video(base_video, times, Path(tmp))
            results["scaling"][f"x{times}"] = {
                "decode_pyav": measure(decode_only, str(long_video), "pyav", size, fps),
            }

    _print_table(rows, results["scaling"])
    from pld_core.atomic import write_json

    write_json(args.out, results)
    print(f"\nwrote {args.out}")


def _print_table(rows, scaling) -> None:
    print(f"{'video':34} {'stage':18} {'frames/s':>10} {'ratio':>7} {'peak MB':>8}")
    for video, name, m, base in rows:
        if "error" in m:
            print(f"{video:34} {name:18} error: {m['error']}")
            continue
        ratio = m["fps"] / base["fps"] if base.get("fps") else float("nan")
        print(f"{video:34} {name:18} {m['fps']:10.1f} {ratio:7.2f} {m['peak_rss_mb']:8.0f}")
    print(f"\n{'length':8} {'stage':18} {'seconds':>8} {'peak MB':>8}")
    for length, stages in scaling.items():
        for name, m in stages.items():
            print(f"{length:8} {name:18} {m.get('seconds', float('nan')):8.2f} {m.get('peak_rss_mb', 0):8.0f}")


if __name__ == "__main__":
    main()
