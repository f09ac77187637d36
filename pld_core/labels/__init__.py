"""Consensus labels: raters' scores -> per-frame and per-clip targets, rater reliability, agreement.

    summary = build_labels(ingested_dir, labels_dir, settings)   # the `pld label` stage
    report = agreement_report(dataset, settings)                 # `pld agreement`

See docs/labels.md for the rules (normalization, aggregation, binarization, fallbacks).
"""
from pld_core.labels.agreement import PUBLISHED_HUMAN, agreement_report
from pld_core.labels.build import (
    AGREEMENT, CLIP_LABELS, FRAME_LABELS, RATERS, LabelSummary, LabelTables, build_labels, flagged_videos,
    label_dataset,
)

__all__ = [
    "AGREEMENT", "CLIP_LABELS", "FRAME_LABELS", "PUBLISHED_HUMAN", "RATERS", "LabelSummary", "LabelTables",
    "agreement_report", "build_labels", "flagged_videos", "label_dataset",
]
