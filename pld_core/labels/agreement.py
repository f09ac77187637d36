"""How much the raters agree, per video and per dataset.

Kendall's tau-b and Spearman's rho are computed as Otani et al. (CVPR 2019, "Rethinking
the Evaluation of Video Summaries") compute human agreement on TVSum: per video, over
every source frame, for every pair of raters; averaged over the pairs, then over the
videos. Krippendorff's alpha (interval, raw scores) and Fleiss' kappa (raters' own
binarizations, ``labels.rater_binary_rule``) pool the frames of all videos.
"""
from __future__ import annotations

import logging
import math

import numpy as np

from pld_core.config import LabelSettings, Settings
from pld_core.labels.dataset import Tables, annotated_videos, score_range
from pld_core.labels.grid import RaterMatrix, frame_times, rater_matrix, video_timeline
from pld_core.labels.rank_correlation import pairwise_rank_correlations
from pld_core.labels.reliability_stats import add_stats, alpha, alpha_stats, kappa, kappa_stats
from pld_core.labels.targets import binarize

log = logging.getLogger(__name__)

PUBLISHED_HUMAN = {  # Otani et al. 2019 (their notebook "rank order statistics"), mean over 50 videos
    "tvsum": {"kendall": 0.177, "spearman": 0.204, "reference": "Otani et al., CVPR 2019, human agreement"},
}


def agreement_report(dataset: Tables, settings: Settings) -> dict:
    """Per-video and dataset-level agreement of the raters of ``dataset`` (agreement.json's content)."""
    from tqdm import tqdm

    cfg = settings.labels
    videos, alpha_parts, kappa_parts = [], [], []
    items = list(annotated_videos(dataset))
    for video, units in tqdm(items, desc="agreement", unit="video", disable=None):
        n_src, fps = video_timeline(video)
        matrix = rater_matrix(str(video["video_id"]), units, frame_times(n_src, fps, None))
        row, alpha_part, kappa_part = video_agreement(matrix, cfg, score_range(video))
        videos.append({**row, "fps": fps})
        alpha_parts.append(alpha_part)
        kappa_parts.append(kappa_part)
    report = {
        "protocol": ("per video: mean over rater pairs of Kendall tau-b / Spearman rho on source frames "
                     "(Otani et al. 2019); dataset: mean over videos. Krippendorff alpha (interval, raw "
                     f"scores) and Fleiss kappa (raters binarized by {cfg.rater_binary_rule}) pool all frames."),
        "min_agreement": cfg.min_agreement,
        "dataset": _dataset_figures(videos, alpha_parts, kappa_parts),
        "flagged": [v["video_id"] for v in videos if v["flagged"]],
        "unmeasured": [v["video_id"] for v in videos if v["kendall"] is None],
        "videos": videos,
    }
    sources = set(dataset.videos["source"].astype(str)) if "source" in dataset.videos else set()
    if len(sources) == 1 and (source := sources.pop()) in PUBLISHED_HUMAN:
        report["published_human"] = PUBLISHED_HUMAN[source]
    d = report["dataset"]
    log.info("agreement: %d videos, Kendall %s, Spearman %s, %d flagged below %s", d["n_videos"],
             fmt_figure(d["kendall"]), fmt_figure(d["spearman"]), len(report["flagged"]), cfg.min_agreement)
    return report


def video_agreement(matrix: RaterMatrix, cfg: LabelSettings,
                    score_range: tuple[float, float]) -> tuple[dict, dict, dict]:
    """One video's figures, plus its alpha and kappa statistics for pooling."""
    scores = matrix.scores
    kendall, spearman = pairwise_rank_correlations(scores)
    upper = np.triu_indices(len(scores), k=1)
    tau, rho = kendall[upper], spearman[upper]
    defined = ~np.isnan(tau)
    alpha_part = alpha_stats(scores)
    votes = binarize(scores, cfg.rater_binary_rule, cfg, score_range)
    kappa_part = kappa_stats(votes, ~np.isnan(scores))
    mean_tau = _mean(tau[defined])
    row = {
        "video_id": matrix.video_id,
        "n_raters": len(scores),
        "n_frames": matrix.n_frames,
        "n_pairs": int(defined.sum()),
        "kendall": mean_tau,
        "spearman": _mean(rho[~np.isnan(rho)]),
        "krippendorff_alpha": _none(alpha(alpha_part)),
        "fleiss_kappa": _none(kappa(kappa_part)),
        "flagged": mean_tau is not None and mean_tau < cfg.min_agreement,
    }
    return row, alpha_part, kappa_part


def _dataset_figures(videos: list[dict], alpha_parts: list[dict], kappa_parts: list[dict]) -> dict:
    measured = [v for v in videos if v["kendall"] is not None]
    pooled_alpha = alpha(add_stats(alpha_parts)) if alpha_parts else float("nan")
    pooled_kappa = kappa(add_stats(kappa_parts)) if kappa_parts else float("nan")
    return {
        "n_videos": len(videos),
        "n_measured": len(measured),
        "raters_per_video": _mean(np.array([v["n_raters"] for v in videos], dtype=float)),
        "kendall": _mean(np.array([v["kendall"] for v in measured], dtype=float)),
        "spearman": _mean(np.array([v["spearman"] for v in measured if v["spearman"] is not None], dtype=float)),
        "krippendorff_alpha": _none(pooled_alpha),
        "fleiss_kappa": _none(pooled_kappa),
    }


def _mean(values: np.ndarray) -> float | None:
    return float(np.mean(values)) if len(values) else None


def _none(value: float) -> float | None:
    """NaN (undefined) becomes None, so agreement.json says null instead of a silent NaN."""
    return None if value is None or math.isnan(value) else float(value)


def fmt_figure(value: float | None) -> str:
    """A figure for people: three decimals, or n/a when undefined."""
    return "n/a" if value is None else f"{value:.3f}"


def summary_lines(report: dict, worst: int = 5) -> list[str]:
    """A short human-readable account of a report: dataset figures, published reference, worst videos."""
    d = report["dataset"]
    lines = [
        f"{d['n_videos']} videos ({d['n_measured']} with 2+ raters), {d['raters_per_video'] or 0:.1f} raters/video",
        f"Kendall tau-b {fmt_figure(d['kendall'])}  Spearman rho {fmt_figure(d['spearman'])}  "
        f"Krippendorff alpha {fmt_figure(d['krippendorff_alpha'])}  Fleiss kappa {fmt_figure(d['fleiss_kappa'])}",
    ]
    if ref := report.get("published_human"):
        lines.append(f"published human agreement ({ref['reference']}): Kendall {ref['kendall']:.3f}  "
                     f"Spearman {ref['spearman']:.3f}")
    measured = sorted((v for v in report["videos"] if v["kendall"] is not None), key=lambda v: v["kendall"])
    lines.append(f"{len(report['flagged'])} video(s) below labels.min_agreement = {report['min_agreement']:g}"
                 + ("; lowest: " + ", ".join(f"{v['video_id']} {v['kendall']:.3f}" for v in measured[:worst])
                    if measured else ""))
    if report["unmeasured"]:
        lines.append(f"{len(report['unmeasured'])} video(s) with one rater: no agreement to measure")
    return lines
