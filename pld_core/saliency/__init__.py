"""Saliency pseudo-labels: where a viewer would look, for every frame (issue 6; docs/saliency.md).

    teacher = load_teacher(settings)                    # classical | learned | center
    maps = video_saliency(path, settings)               # float32 [T, 64, 64] at video.fps
    build_pseudo_labels(ingested_dir, out_dir, settings)
    targets = pixel_targets(maps, frame_targets)        # PLD's pixel-level targets

Importing this package loads neither torch nor cv2; they load when a teacher is built.
"""
from pld_core.saliency import classical, learned  # noqa: F401 - register the teachers
from pld_core.saliency.base import TEACHERS, SaliencyTeacher, center_prior, load_teacher, register_teacher, unit_max
from pld_core.saliency.pseudo import PseudoLabelSummary, build_pseudo_labels
from pld_core.saliency.stream import Throughput, save_video_saliency, throughput, video_saliency
from pld_core.saliency.targets import pixel_targets

__all__ = [
    "TEACHERS", "PseudoLabelSummary", "SaliencyTeacher", "Throughput", "build_pseudo_labels", "center_prior",
    "load_teacher", "pixel_targets", "register_teacher", "save_video_saliency", "throughput", "unit_max",
    "video_saliency",
]
