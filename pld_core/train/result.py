"""What a training run hands on: the checkpoint, the MLflow run, the numbers, the device."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from pld_core.atomic import write_json
from pld_core.errors import ModelError

RESULT_FILE = "train_result.json"


@dataclass(frozen=True)
class TrainResult:
    checkpoint: Path            # best.pt: the weights of the best validation epoch
    run_id: str                 # MLflow run that logged the training
    metrics: dict[str, float]   # val_spearman (best), best_epoch, epochs, windows_per_s, peak_rss_mb, ...
    device: str                 # "cpu", "cuda", "cuda x4 (ddp)", ...

    def to_dict(self) -> dict:
        return {**asdict(self), "checkpoint": str(self.checkpoint)}

    def write(self, out_dir: Path) -> Path:
        """``out_dir/train_result.json``, atomically."""
        return write_json(Path(out_dir) / RESULT_FILE, self.to_dict())

    @classmethod
    def from_dict(cls, data: dict) -> "TrainResult":
        try:
            return cls(checkpoint=Path(data["checkpoint"]), run_id=str(data["run_id"]),
                       metrics={k: float(v) for k, v in data["metrics"].items()}, device=str(data["device"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"train result: malformed ({type(exc).__name__}: {exc})") from None

    @classmethod
    def read(cls, path: Path) -> "TrainResult":
        """Read a ``train_result.json`` (or the one in a folder)."""
        path = Path(path)
        path = path / RESULT_FILE if path.is_dir() else path
        if not path.is_file():
            raise ModelError(f"{path}: train result not found (run pld train first)")
        try:
            return cls.from_dict(json.loads(path.read_text()))
        except json.JSONDecodeError as exc:
            raise ModelError(f"{path}: not valid JSON ({exc.msg})") from None
