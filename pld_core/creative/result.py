"""What a rendered clip is, and the report JSON that describes a video's clips."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pld_core.creative.highlights import VideoAnalysis

REPORT_FORMAT = "pld-ad-clips/1"


@dataclass(frozen=True)
class ClipResult:
    """One rendered ad clip and how it was chosen."""

    path: Path
    rank: int                  # 1 = best
    source: Path
    first_frame: int           # first source frame shown
    n_frames: int
    fps: float
    score: float               # mean frame score of the chosen window
    best_score: float          # best mean score available for this rank
    snapped: bool              # moved away from the best window to avoid cuts
    shot_starts: list[int]     # output frames where a new shot begins (the camera restarts there)
    shortened: bool            # the source was shorter than the requested seconds: the whole video
    boxes: np.ndarray          # int [n_frames, 4] (x, y, width, height) in source pixels
    targets: np.ndarray        # float [n_frames, 2] the map centroid the camera followed
    quality: dict[str, float]  # crop_quality() numbers
    model_ref: str
    fallback_reason: str | None = None
    kept_frames: dict[int, np.ndarray] = field(default_factory=dict, repr=False)  # for the preview

    @property
    def start_s(self) -> float:
        return self.first_frame / self.fps

    @property
    def end_s(self) -> float:
        return (self.first_frame + self.n_frames) / self.fps

    @property
    def interior_cuts(self) -> int:
        """Hard cuts inside the clip."""
        return len(self.shot_starts)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the clip."""
        return int(self.boxes[0, 2]), int(self.boxes[0, 3])

    def to_dict(self) -> dict[str, Any]:
        width, height = self.size
        return {
            "path": str(self.path),
            "rank": self.rank,
            "start_s": round(self.start_s, 6),
            "end_s": round(self.end_s, 6),
            "duration_s": round(self.n_frames / self.fps, 6),
            "start_frame": self.first_frame,
            "n_frames": self.n_frames,
            "fps": self.fps,
            "width": width,
            "height": height,
            "score": self.score,
            "best_score": self.best_score,
            "snapped_to_shot": self.snapped,
            "interior_cuts": self.interior_cuts,
            "shot_starts": self.shot_starts,
            "shortened": self.shortened,
            "quality": self.quality,
            "crop_boxes": self.boxes.tolist(),
        }


def build_report(analysis: VideoAnalysis, clips: list[ClipResult], request: dict[str, Any]) -> dict[str, Any]:
    """The report JSON of one video: source, model, request, cuts and every clip."""
    info = analysis.info
    width, height = info.display_size
    return {
        "format": REPORT_FORMAT,
        "source": str(analysis.path),
        "source_info": {"duration_s": info.duration_s, "fps": info.fps, "n_frames": info.n_frames,
                        "width": width, "height": height, "has_audio": info.has_audio},
        "model": {"ref": analysis.model_ref, "maps": analysis.map_source, "fallback": analysis.fallback,
                  "fallback_reason": analysis.fallback_reason},
        "request": request,
        "sample_fps": analysis.fps,
        "cuts_s": [round(int(k) / analysis.fps, 6) for k in analysis.scan.cuts],
        "clips": [clip.to_dict() for clip in clips],
    }
