"""The PLD network (Wei et al., CVPR 2022): parts, keyword-only builders, losses, checkpoints.

Importing this package imports torch; the CLI imports it inside commands only.
"""
from pld_core.model.checkpoint import (
    CHECKPOINT_FORMAT, checkpoint_settings, load_checkpoint, model_from_checkpoint, save_checkpoint,
)
from pld_core.model.losses import frame_loss, pixel_loss, saliency_loss, total_loss
from pld_core.model.net import FrameNet, PLDNet, build_model, create_frame_net, create_pld_net, frames_to_input

__all__ = [
    "CHECKPOINT_FORMAT", "FrameNet", "PLDNet", "build_model", "checkpoint_settings", "create_frame_net",
    "create_pld_net", "frame_loss", "frames_to_input", "load_checkpoint", "model_from_checkpoint",
    "pixel_loss", "saliency_loss", "save_checkpoint", "total_loss",
]
