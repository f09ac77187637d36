"""Log a checkpoint into its training run as the PLD pyfunc model, with everything it needs to load.

The logged model carries: the checkpoint, the resolved settings (``params.yaml``), a tiny
demo-style clip as its input example, a signature (table of videos in, scores out, the
``window_s`` param), pinned pip requirements and ``code/pld_core``, so
``mlflow models serve --env-manager local`` runs it anywhere pld's dependencies are installed.
"""
from __future__ import annotations

import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pld_core.atomic import write_text
from pld_core.config import Settings
from pld_core.demo_data import make_demo_dataset

if TYPE_CHECKING:
    import pandas as pd
    from mlflow.models import ModelInfo, ModelSignature

MODEL_ARTIFACT = "pld_model"
EXAMPLE_NAME = "example.mp4"
MIN_EXAMPLE_SIDE = 32  # the demo generator's minimum; decord misreads narrower videos
PLD_CORE_DIR = Path(__file__).resolve().parent.parent
MODEL_CODE = Path(__file__).with_name("model_code.py")
SERVING_DISTRIBUTIONS = ("mlflow", "torch", "numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "av",
                         "opencv-contrib-python-headless", "scipy", "tqdm")
DECORD_MARKER = "platform_system == 'Linux' and platform_machine == 'x86_64'"  # its only wheels


def log_pld_model(settings: Settings, checkpoint: Path, run_id: str) -> "ModelInfo":
    """Log ``checkpoint`` as the pyfunc model ``pld_model`` of the run ``run_id``."""
    import mlflow

    with tempfile.TemporaryDirectory(prefix="pld-model-") as tmp:
        folder = Path(tmp)
        example = write_example_clip(folder, settings)
        params = write_text(folder / "params.yaml",
                            yaml.safe_dump(settings.model_dump(mode="json", exclude={"root"}), sort_keys=False))
        with mlflow.start_run(run_id=run_id):
            return mlflow.pyfunc.log_model(
                name=MODEL_ARTIFACT,
                python_model=str(MODEL_CODE),
                artifacts={"checkpoint": str(checkpoint), "params": str(params), "example": str(example)},
                code_paths=[str(PLD_CORE_DIR)],
                signature=model_signature(settings),
                input_example=example_input(),
                pip_requirements=serving_requirements(),
            )


def write_example_clip(folder: Path, settings: Settings) -> Path:
    """A demo clip of ``registry.example_seconds`` at the model's rate and size: ``folder/example.mp4``.

    Sides are even (H.264) and at least ``MIN_EXAMPLE_SIDE``.
    """
    seconds = settings.registry.example_seconds

    def side(pixels: int) -> int:
        return max(MIN_EXAMPLE_SIDE, pixels + pixels % 2)

    demo = settings.demo.model_copy(update={
        "n_videos": 1, "min_seconds": seconds, "max_seconds": seconds, "fps": max(1, round(settings.video.fps)),
        "width": side(settings.video.width), "height": side(settings.video.height),
    })
    make_demo_dataset(folder / "demo", demo, name="example")
    return (folder / "demo" / "videos" / "example_000.mp4").rename(folder / EXAMPLE_NAME)


def model_signature(settings: Settings) -> "ModelSignature":
    """Inputs: video_path (+ optional start_s, end_s). Outputs: the range's scores and best window."""
    from mlflow.models import ModelSignature
    from mlflow.types.schema import Array, ColSpec, ParamSchema, ParamSpec, Schema

    inputs = Schema([ColSpec("string", "video_path"), ColSpec("double", "start_s", required=False),
                     ColSpec("double", "end_s", required=False)])
    outputs = Schema([
        ColSpec("string", "video_path"), ColSpec("double", "fps"), ColSpec("double", "start_s"),
        ColSpec("double", "end_s"), ColSpec(Array("double"), "frame_scores"), ColSpec("double", "best_start_s"),
        ColSpec("double", "best_end_s"), ColSpec("double", "best_score"), ColSpec("string", "model_ref"),
    ])
    params = ParamSchema([ParamSpec("window_s", "double", settings.creative.seconds)])
    return ModelSignature(inputs=inputs, outputs=outputs, params=params)


def serving_requirements() -> list[str]:
    """The libraries scoring imports, pinned to the versions installed here."""
    pins = [f"{name}=={version(name)}" for name in SERVING_DISTRIBUTIONS]
    try:
        pins.append(f"decord=={version('decord')}; {DECORD_MARKER}")
    except PackageNotFoundError:
        pass  # PyAV decodes alone where decord is not installed
    return pins


def example_input() -> "pd.DataFrame":
    """The model's input example: one row naming the bundled clip."""
    import pandas as pd

    return pd.DataFrame({"video_path": [EXAMPLE_NAME]})
