"""The product: 3-10 s silent ad clips, cut and cropped by the highlight map (issue 10).

- ``make_ad_clips`` (``clips``) / ``make_ad_clips_batch`` (``batch``): one video, or many;
- ``segments``: the best windows of the frame scores, snapped to shot boundaries;
- ``camera``: a smooth crop path following the highlight map's mass;
- ``quality``: mass kept inside the crop (vs a centre crop) and path jitter;
- ``render``, ``preview``, ``result``: the MP4, the preview PNG, the report JSON.
"""
from pld_core.creative.batch import BatchItem, list_videos, make_ad_clips_batch, split_videos
from pld_core.creative.clips import ClipRequest, make_ad_clips
from pld_core.creative.quality import centre_boxes, crop_quality, mass_share, path_jitter
from pld_core.creative.result import ClipResult

__all__ = [
    "BatchItem", "ClipRequest", "ClipResult", "centre_boxes", "crop_quality", "list_videos", "make_ad_clips",
    "make_ad_clips_batch", "mass_share", "path_jitter", "split_videos",
]
