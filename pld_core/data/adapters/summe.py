"""``summe``: SumMe (Gygli et al. 2014), 25 videos, 15-18 users' per-frame selections.

Source: the ``json/`` folder of converted ground truth (or the benchmark folder holding it),
one ``<video>.json`` per video with ``fps``, ``n_frames`` and ``user_selection`` strings of
'0'/'1' per frame. Each user is a rater (``user_00``...; the source's user ids cannot be
aligned to the selections); the per-frame 0/1 selections are stored as runs of equal score
(lossless). The video id is the file name without ``.json``. Every video is ``test``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pld_core.config import Settings
from pld_core.data.adapters.base import DatasetAdapter, Parsed, register
from pld_core.data.sources import field, read_json
from pld_core.data.tables import UNSPLIT
from pld_core.errors import DataError

SCORE_RANGE = {"score_min": 0.0, "score_max": 1.0}


@register
class SumMeAdapter(DatasetAdapter):
    name = "summe"
    summary = "SumMe: json/<video>.json with per-user per-frame selections"

    def parse(self, source: Path, settings: Settings) -> Parsed:
        folder = source / "json" if (source / "json").is_dir() else source
        files = [folder] if folder.is_file() else sorted(folder.glob("*.json"))
        if not files:
            raise DataError(folder, "no SumMe <video>.json files")
        parsed = Parsed()
        for path in files:
            obj = read_json(path, "SumMe video file")
            if not isinstance(obj, dict):
                raise DataError(path, "expected a JSON object")
            fps = float(field(obj, "fps", (int, float), str(path)))
            n_frames = field(obj, "n_frames", int, str(path))
            if fps <= 0 or n_frames <= 0:
                raise DataError(path, f"fps {fps} and n_frames {n_frames} must be positive")
            for user, text in enumerate(field(obj, "user_selection", list, str(path))):
                selection = _selection(text, n_frames, path, user)
                parsed.annotations.add_runs(path.stem, f"user_{user:02d}", selection, fps)
            parsed.videos.append({"video_id": path.stem, "split": UNSPLIT, "category": None, "fps": fps,
                                  "n_frames": n_frames, "duration_s": n_frames / fps, **SCORE_RANGE})
        return parsed


def _selection(text: object, n_frames: int, path: Path, user: int) -> np.ndarray:
    """One user's per-frame 0/1 selection from its '0'/'1' string."""
    if not isinstance(text, str):
        raise DataError(path, f"user_selection[{user}] must be a string of 0/1 per frame")
    if len(text) != n_frames:
        raise DataError(path, f"user_selection[{user}] has {len(text)} frames, expected {n_frames} "
                              f"(rule: per-rater length matches the video)")
    values = np.frombuffer(text.encode("ascii", errors="replace"), dtype=np.uint8) - ord("0")
    if (values > 1).any():
        raise DataError(path, f"user_selection[{user}]: frame {int(np.argmax(values > 1))} is not 0 or 1")
    return values.astype(np.float64)
