"""Teachers that need no weights: the classical fusion, and the centre-prior baseline.

Classical: per frame, OpenCV's static saliency (spectral residual or fine-grained)
is fused with motion saliency (Farneback optical flow with the camera's motion, the
median flow vector, removed) and a centre prior, blurred in space and smoothed in
time with an exponential moving average. Weights and scales come from ``saliency``
in params.yaml; motion and smoothing are defined per pipeline-rate frame
(``video.fps``) and rescaled when a video is read at another rate.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pld_core.saliency.base import SaliencyTeacher, center_prior, register_teacher

if TYPE_CHECKING:
    from pld_core.config import Settings

FLOW_PARAMS = {"pyr_scale": 0.5, "levels": 2, "winsize": 9, "iterations": 2, "poly_n": 5, "poly_sigma": 1.1,
               "flags": 0}


@register_teacher
class ClassicalTeacher(SaliencyTeacher):
    """Static saliency + camera-compensated motion + centre prior, smoothed over time."""

    name = "classical"

    def __init__(self, settings: "Settings"):
        import cv2

        super().__init__(settings)
        self.config = settings.saliency
        self._static = (cv2.saliency.StaticSaliencySpectralResidual.create()
                        if self.config.static == "spectral_residual"
                        else cv2.saliency.StaticSaliencyFineGrained.create())
        self._prior: np.ndarray | None = None
        self.reset()

    def reset(self, fps: float | None = None) -> None:
        super().reset(fps)
        self._prev_gray: np.ndarray | None = None
        self._prev_map: np.ndarray | None = None

    def _predict(self, frames: np.ndarray) -> np.ndarray:
        import cv2

        cfg = self.config
        height, width = frames.shape[1:3]
        if self._prior is None or self._prior.shape != (height, width):
            self._prior = center_prior(height, width, cfg.center_sigma)
        if self._prev_gray is not None and self._prev_gray.shape != (height, width):
            self.reset(self.fps)
        alpha = cfg.temporal_smoothing ** self.rate_ratio
        blur = cfg.blur_sigma * max(height, width)
        out = np.empty(frames.shape[:3], dtype=np.float32)
        for t, frame in enumerate(frames):
            gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
            fused = (1 - cfg.motion_weight) * self._static_map(frame) + cfg.motion_weight * self._motion_map(gray)
            fused = (1 - cfg.center_prior_weight) * fused + cfg.center_prior_weight * self._prior
            if blur > 0:
                fused = cv2.GaussianBlur(fused, (0, 0), blur)
            if self._prev_map is not None:
                fused = alpha * self._prev_map + (1 - alpha) * fused
            out[t] = self._prev_map = fused
            self._prev_gray = gray
        return out

    def _static_map(self, frame: np.ndarray) -> np.ndarray:
        import cv2

        ok, sal = self._static.computeSaliency(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        sal = np.asarray(sal, dtype=np.float32) if ok else np.zeros(frame.shape[:2], np.float32)
        low, high = float(sal.min()), float(sal.max())
        return (sal - low) / (high - low) if high > low else np.zeros_like(sal)

    def _motion_map(self, gray: np.ndarray) -> np.ndarray:
        """Flow magnitude after removing the median (camera) motion, in [0, 1].

        Motion below ``motion_floor`` (a fraction of the frame width per pipeline frame)
        never reaches 1, so a still scene does not turn sensor noise into saliency.
        """
        import cv2

        if self._prev_gray is None:
            return np.zeros(gray.shape, np.float32)
        # current -> previous, so the flow (and the saliency) sits where things are now
        flow = cv2.calcOpticalFlowFarneback(gray, self._prev_gray, None, **FLOW_PARAMS)
        flow -= np.median(flow.reshape(-1, 2), axis=0)
        magnitude = np.sqrt((flow ** 2).sum(axis=-1))
        floor = self.config.motion_floor * gray.shape[1] * self.rate_ratio
        return magnitude / max(float(magnitude.max()), floor)


@register_teacher
class CenterPriorTeacher(SaliencyTeacher):
    """The baseline every teacher must beat: the same centre Gaussian for every frame."""

    name = "center"

    def __init__(self, settings: "Settings"):
        super().__init__(settings)
        self.sigma = settings.saliency.center_sigma

    def _predict(self, frames: np.ndarray) -> np.ndarray:
        prior = center_prior(frames.shape[1], frames.shape[2], self.sigma)
        return np.repeat(prior[None], len(frames), axis=0)
