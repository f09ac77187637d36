"""The PLD model as an MLflow pyfunc: a table of videos in, frame scores and the best highlight out.

    model = mlflow.pyfunc.load_model("models:/pld-vhd@champion")
    model.predict(pd.DataFrame({"video_path": ["/data/a.mp4"], "start_s": [10.0], "end_s": [70.0]}),
                  params={"window_s": 6.0})

Each input row is one video (``start_s``/``end_s`` optional: the range to look in). Each output
row holds the per-frame scores of that range at ``fps`` (the model's ``video.fps``), and the
window of ``window_s`` seconds with the highest mean score. A relative ``video_path`` that is not
found in the current folder is looked up among the model's own files, where its input example
(``example.mp4``) lives. This module imports mlflow: load it only where mlflow is wanted.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd

from pld_core.registry.windows import best_window, frame_range

OUTPUT_COLUMNS = ["video_path", "fps", "start_s", "end_s", "frame_scores",
                  "best_start_s", "best_end_s", "best_score", "model_ref"]


class PldHighlightModel(mlflow.pyfunc.PythonModel):
    """Scores videos with the checkpoint shipped in the model's artifacts."""

    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        from pld_core.config import load_settings
        from pld_core.infer import load_scorer

        self.settings = load_settings(context.artifacts["params"])
        self.scorer = load_scorer(Path(context.artifacts["checkpoint"]), self.settings)
        self.bundled_dir = Path(context.artifacts["example"]).parent

    def predict(self, context: mlflow.pyfunc.PythonModelContext, model_input: pd.DataFrame,
                params: dict[str, Any] | None = None) -> pd.DataFrame:
        window_s = float((params or {}).get("window_s", self.settings.creative.seconds))
        rows = [self._predict_row(row, window_s) for row in model_input.to_dict("records")]
        return pd.DataFrame(rows, columns=OUTPUT_COLUMNS)

    def _predict_row(self, row: dict[str, Any], window_s: float) -> dict[str, Any]:
        path = self._resolve(str(row["video_path"]))
        scores = self.scorer.score_video(path)
        lo, hi = frame_range(scores.frame_scores.shape[0], scores.fps, _optional(row.get("start_s")),
                             _optional(row.get("end_s")), path)
        start, stop, best = best_window(scores.frame_scores[lo:hi], scores.fps, window_s)
        return {
            "video_path": str(row["video_path"]), "fps": float(scores.fps),
            "start_s": lo / scores.fps, "end_s": hi / scores.fps,
            "frame_scores": [float(s) for s in scores.frame_scores[lo:hi]],
            "best_start_s": (lo + start) / scores.fps, "best_end_s": (lo + stop) / scores.fps,
            "best_score": best, "model_ref": scores.model_ref,
        }

    def _resolve(self, video_path: str) -> Path:
        path = Path(video_path)
        if path.exists() or path.is_absolute() or not (self.bundled_dir / path).exists():
            return path
        return self.bundled_dir / path


def _optional(value: Any) -> float | None:
    """A missing optional column arrives as None or NaN."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value
