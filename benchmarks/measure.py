"""How a stage is measured: in a fresh process, for its wall time and its own peak resident memory.

Python functions run in a spawned child (``measure``); commands (``pld ...``,
``python -m orchestration.demo``) run as child processes reaped with ``os.wait4``, whose
rusage is that one child's (``run_command``). Either way a stage's peak memory is its own.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty


def peak_rss_mb() -> float:
    """This process's high-water resident memory in MB (VmHWM starts afresh in a spawned child)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(fn: Callable[..., dict], args: tuple, queue: mp.Queue) -> None:
    try:
        start = time.perf_counter()
        out = fn(*args)
        out["wall_s"] = time.perf_counter() - start
        out["peak_rss_mb"] = peak_rss_mb()
        queue.put(out)
    except BaseException as exc:  # report, never hang the parent
        queue.put({"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]})


def measure(fn: Callable[..., dict], *args) -> dict:
    """Run ``fn(*args)`` in a fresh process; add its wall time (imports included) and peak RSS.

    ``fn`` returns a dict; when it holds ``frames`` and ``seconds`` (the timed work, without
    imports and setup), ``fps`` is added.
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    while True:
        try:
            out = queue.get(timeout=1.0)
            break
        except Empty:
            if not proc.is_alive():  # died without a word: killed, or a crash in native code
                out = {"error": f"the measuring process died (exit code {proc.exitcode})"}
                break
    proc.join()
    if out.get("frames") and out.get("seconds"):
        out["fps"] = out["frames"] / out["seconds"]
    return out


def fastest(calls: list[tuple], repeats: int = 2) -> list[dict]:
    """Each ``(fn, *args)`` measured ``repeats`` times, the calls alternating (so that a load
    spike on a shared machine hits them alike); the fastest run of each, with every run's seconds."""
    runs: list[list[dict]] = [[] for _ in calls]
    for _ in range(repeats):
        for call, done in zip(calls, runs):
            done.append(measure(*call))
    best = []
    for done in runs:
        failed = [m for m in done if "seconds" not in m]
        pick = failed[0] if failed else min(done, key=lambda m: m["seconds"])
        best.append({**pick, "runs_s": [m.get("seconds") for m in done]})
    return best


def run_command(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> dict:
    """Run a command to completion: its wall time, peak RSS (its own, from wait4) and exit code."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                                cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out = {"wall_s": time.perf_counter() - start, "peak_rss_mb": usage.ru_maxrss / 1024}
        if proc.returncode:
            log.seek(0)
            tail = log.read().decode(errors="replace").strip().splitlines()[-3:]
            out["error"] = f"exit {proc.returncode}: {' | '.join(tail)}"[:400]
    return out
