"""Predictions in the Moment-DETR / Lighthouse submission style, one JSON object per line.

    {"vid": "sTEELN-vY30", "pred_saliency_scores": [0.12, 0.80, ...]}

one score per unit of the benchmark (clip, shot or frame) in order. A line may also carry
``"change_points"``: the first unit of each shot after the first, for the keyshot
benchmarks whose dataset has no shots (SumMe), as the community h5 files do.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pld_core.errors import DataError


@dataclass(frozen=True)
class Prediction:
    """One video's predicted scores (and optional shot change points, in units)."""

    scores: np.ndarray
    change_points: np.ndarray | None = None


def read_predictions(path: str | Path) -> dict[str, Prediction]:
    """Read a predictions JSONL file into ``{vid: Prediction}``; DataError names the line."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "predictions file not found")
    out: dict[str, Prediction] = {}
    with path.open() as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(where, f"not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or "vid" not in row or "pred_saliency_scores" not in row:
                raise DataError(where, 'expected an object with "vid" and "pred_saliency_scores"')
            vid = str(row["vid"])
            if vid in out:
                raise DataError(where, f"video {vid}: predicted twice")
            out[vid] = Prediction(_floats(row["pred_saliency_scores"], where, vid),
                                  _change_points(row.get("change_points"), where, vid))
    if not out:
        raise DataError(path, "no predictions in the file")
    return out


def write_predictions(path: str | Path, predictions: dict[str, np.ndarray]) -> Path:
    """Write ``{vid: scores}`` as a predictions JSONL file (atomically)."""
    from pld_core.atomic import write_text

    lines = [json.dumps({"vid": vid, "pred_saliency_scores": [float(x) for x in np.asarray(scores).ravel()]})
             for vid, scores in predictions.items()]
    return write_text(path, "\n".join(lines) + "\n")


def _floats(values: object, where: str, vid: str) -> np.ndarray:
    if not isinstance(values, list) or not values:
        raise DataError(where, f"video {vid}: pred_saliency_scores must be a non-empty list of numbers")
    if any(isinstance(v, list) for v in values):  # Lighthouse-style [[s], [s], ...]
        values = [v[0] if isinstance(v, list) and len(v) == 1 else v for v in values]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise DataError(where, f"video {vid}: pred_saliency_scores must be finite numbers")
    return np.asarray(values, dtype=np.float64)


def _change_points(values: object, where: str, vid: str) -> np.ndarray | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise DataError(where, f"video {vid}: change_points must be a list of unit indices")
    return np.asarray(values, dtype=np.int64)
