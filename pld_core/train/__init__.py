"""Training the PLD model: windows datasets, the loop, checkpoints, DDP, MLflow logging.

``train_model`` and ``TrainResult`` import without torch; the rest imports it.
"""
from pld_core.train.api import train_model
from pld_core.train.result import TrainResult

__all__ = ["TrainResult", "train_model"]
