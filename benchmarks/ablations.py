"""Before and after each speed-up, in the same run: the stage timed with the speed-up switched off.

Each function runs in its own process (``measure``) and switches one speed-up off there
(a patched function or an environment variable read at import), so ``off`` and ``on``
differ by that one change. ``OPTIMIZATIONS`` names them and the stage each one speeds up.
"""
from __future__ import annotations

import os
from pathlib import Path

from benchmarks import stages

OPTIMIZATIONS = {  # name -> what it changes
    "prefetch_saliency": "saliency pseudo-labels decode in a background thread while the teacher works",
    "omp_passive": "pld score: idle OpenMP threads sleep (OMP_WAIT_POLICY=PASSIVE) instead of spinning",
    "fold_batchnorm": "pld score: batch norm folded into the convolutions",
    "keyframe_seek": "PyAV reads 6 s from the end of the video from the keyframe before it (clip render)",
    "shared_decode": "pld highlight: the shot scan reuses the frames decoded for scoring",
    "analysis_cache": "pld highlight again on the same video: scores, maps and scan from the cache",
}


def run(name: str, off: bool, video: str, params: str, checkpoint: str, out_dir: str) -> dict:
    """Time the stage ``name`` speeds up, with it switched off (``off``) or on."""
    if name == "omp_passive":  # read when torch loads: set before any import of it
        os.environ["OMP_WAIT_POLICY"] = "ACTIVE" if off else "PASSIVE"
    if off:
        _switch_off(name)
    if name == "shared_decode":  # time the analysis, never a cached one
        _switch_off("analysis_cache")
    if name == "prefetch_saliency":
        return stages.saliency(video, params, out_dir)
    if name in ("omp_passive", "fold_batchnorm"):
        return stages.score(video, params, checkpoint)
    if name == "keyframe_seek":
        return _read_the_end(video)
    if name == "analysis_cache" and not off:  # on: a first cut fills the cache, the second is timed
        stages.highlight(video, params, checkpoint, out_dir)
    return stages.highlight(video, params, checkpoint, out_dir)


def _switch_off(name: str) -> None:
    import pld_core.creative.highlights as highlights
    import pld_core.infer as infer
    import pld_core.saliency.stream as stream
    from pld_core.video.reader import PyAVReader

    if name == "prefetch_saliency":
        stream.prefetch = lambda items, depth: items
    elif name == "fold_batchnorm":
        infer.fold_batchnorm = lambda model: model
    elif name == "keyframe_seek":
        PyAVReader._keyframe_before = lambda self, index: None
    elif name == "shared_decode":
        highlights.ShotScanner = lambda settings: None
    elif name == "analysis_cache":
        highlights.HighlightSource.analyze = lambda self, path: self._analyze(Path(path))


def _read_the_end(video: str) -> dict:
    """Decode 6 s at the native size and rate, starting 8 s before the end: what rendering a clip reads."""
    from pld_core.video import open_video

    clock = stages.Clock()
    with open_video(video, backend="pyav") as reader:
        first = max(0, len(reader) - round(8 * reader.info.fps))
        n = sum(1 for _ in reader.iter_frames(first, first + round(6 * reader.info.fps)))
    return {"frames": n, **clock.read()}
