"""The printed table of a benchmark run (the same figures as results.json)."""
from __future__ import annotations

NAN = float("nan")


def _num(m: dict, key: str, fmt: str) -> str:
    value = m.get(key)
    return format(value, fmt) if isinstance(value, (int, float)) else "-"


def print_report(results: dict) -> None:
    base = results["baseline"]
    print(f"\ndevice {results['device']}, {results['machine']['cpus']} CPUs; frames {results['size'][0]}x"
          f"{results['size'][1]} at {results['fps']:g} fps; ratio = frames/s over decode-only ({base}) "
          f"of the same video")
    print(f"{'video':30} {'stage':16} {'frames':>6} {'frames/s':>9} {'ratio':>6} {'seconds':>8} {'peak MB':>8}")
    for video, stages in results["videos"].items():
        for name, m in stages.items():
            if "error" in m:
                print(f"{video:30} {name:16} error: {m['error']}")
                continue
            print(f"{video:30} {name:16} {_num(m, 'frames', 'd'):>6} {_num(m, 'fps', '.1f'):>9} "
                  f"{_num(m, 'ratio', '.2f'):>6} {_num(m, 'seconds', '.2f'):>8} {_num(m, 'peak_rss_mb', '.0f'):>8}")
    choice = results.get("backend_choice", {})
    if choice:
        print(f"\ndecode backend: fastest on {choice['pyav_wins']} of {choice['videos']} videos is pyav "
              f"(median decord/pyav {choice['median_decord_over_pyav']:.2f}); default video.backend = "
              f"{choice['default']}")
    _print_pipeline(results.get("pipeline", {}), results.get("train", {}), results.get("highlight_60s", {}))
    _print_scaling(results.get("scaling", {}))
    _print_before_after(results.get("optimizations", {}))


def _print_pipeline(pipeline: dict, train: dict, long_clip: dict) -> None:
    if train:
        if "error" in train:
            print(f"\ntraining: error: {train['error']}")
        else:
            print(f"\ntraining ({train['epochs']:g} epochs, batch {train['batch_size']}, {train['device']}): "
                  f"{train['windows_per_s']:.1f} windows/s, {train['wall_s']:.1f} s, peak {train['peak_rss_mb']:.0f} MB")
    if long_clip:
        if "error" in long_clip:
            print(f"pld highlight of a {long_clip.get('duration_s', 0):.0f} s video: error: {long_clip['error']}")
        else:
            print(f"pld highlight of a {long_clip['duration_s']:.0f} s video (the command, start to end): "
                  f"{long_clip['wall_s']:.1f} s, peak {long_clip['peak_rss_mb']:.0f} MB")
    if pipeline:
        print(f"\nmake demo, {pipeline.get('what', '')}: {_num(pipeline, 'seconds', '.1f')} s in all"
              + (f"  error: {pipeline['error']}" if "error" in pipeline else ""))
        for step, seconds in pipeline.get("steps", {}).items():
            print(f"  {step:40} {seconds:8.2f} s")


def _print_scaling(scaling: dict) -> None:
    if not scaling:
        return
    print(f"\n{'length':7} {'stage':16} {'frames':>6} {'seconds':>8} {'s/1k frames':>11} {'peak MB':>8}")
    for length, stages in scaling.items():
        for name, m in stages.items():
            if "error" in m:
                print(f"{length:7} {name:16} error: {m['error']}")
                continue
            per_k = 1000 * m["seconds"] / m["frames"] if m.get("frames") else NAN
            print(f"{length:7} {name:16} {_num(m, 'frames', 'd'):>6} {_num(m, 'seconds', '.2f'):>8} "
                  f"{per_k:11.2f} {_num(m, 'peak_rss_mb', '.0f'):>8}")


def _print_before_after(optimizations: dict) -> None:
    if not optimizations:
        return
    print(f"\n{'speed-up (60 s video)':22} {'off s':>7} {'on s':>7} {'x':>5} {'off cpu':>8} {'on cpu':>7}  what")
    for name, m in optimizations.items():
        if "speedup" not in m:
            print(f"{name:22} error: {m['off'].get('error') or m['on'].get('error')}")
            continue
        off, on = m["off"], m["on"]
        print(f"{name:22} {off['seconds']:7.2f} {on['seconds']:7.2f} {m['speedup']:5.2f} {_num(off, 'cpu_s', '8.2f')} "
              f"{_num(on, 'cpu_s', '7.2f')}  {m['what']}")
