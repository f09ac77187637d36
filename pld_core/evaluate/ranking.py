"""Ranking metrics of highlight detection, as the published evaluation code computes them.

Pure numpy over saved predictions and labels; nothing here imports a model.

- :func:`interpolated_ap` is the average precision of UMT and Lighthouse: recall steps
  weighted by the trapezoid of the precisions before and after the step, starting from
  precision 1 (TencentARC/UMT ``datasets/youtube.py`` and ``datasets/tvsum.py``
  ``evaluate``; line/lighthouse ``training/evaluate.py`` ``compute_hl_results``).
- :func:`youtube_ap`: YouTube Highlights, AP over all clips, positive = label > 0.
- :func:`top_k_map`: TVSum top-5 mAP, per rater binarized above that rater's median as
  ``torch.Tensor.median`` takes it (the lower middle value for an even count, see
  :func:`lower_median`), AP over the top k clips by prediction, mean over raters.
- :func:`rank_correlations`: Kendall's tau-b and Spearman's rho of a prediction against
  each rater, averaged over raters, as Otani et al. (CVPR 2019, "Rethinking the Evaluation
  of Video Summaries") evaluate TVSum.

Ties in a prediction are broken by unit order (a stable sort), so results are reproducible;
the reference code's ``torch.argsort`` leaves the order of ties unspecified.
"""
from __future__ import annotations

import numpy as np


def ranking(pred: np.ndarray) -> np.ndarray:
    """Unit indices by descending prediction, ties in unit order."""
    return np.argsort(-np.asarray(pred, dtype=np.float64), kind="stable")


def lower_median(scores: np.ndarray, axis: int = 0) -> np.ndarray:
    """The median as ``torch.median`` defines it: the lower of the two middle values.

    For an even count this differs from ``np.median`` (their mean) and from
    ``sorted(x)[n // 2]`` (the upper one); TVSum's binarization depends on it.
    """
    scores = np.asarray(scores, dtype=np.float64)
    k = (scores.shape[axis] - 1) // 2
    return np.take(np.partition(scores, k, axis=axis), k, axis=axis)


def interpolated_ap(ranked_positive: np.ndarray) -> np.ndarray:
    """AP of 0/1 relevance already in ranked order (axis 0); 0 where nothing is positive.

    Accumulates the terms in rank order with ``np.cumsum`` so the float result equals the
    reference's sequential Python loop bit for bit. Works on ``[n]`` or ``[n, raters]``.
    """
    hits = np.cumsum(np.asarray(ranked_positive, dtype=np.float64), axis=0)
    if hits.shape[0] == 0:
        return np.zeros(hits.shape[1:])
    n_pos = hits[-1]
    safe = np.where(n_pos > 0, n_pos, 1.0)
    rank = np.arange(1, hits.shape[0] + 1, dtype=np.float64).reshape((-1,) + (1,) * (hits.ndim - 1))
    recall = hits / safe
    precision = hits / rank
    prev_recall = np.concatenate([np.zeros_like(recall[:1]), recall[:-1]])
    prev_precision = np.concatenate([np.ones_like(precision[:1]), precision[:-1]])
    terms = (recall - prev_recall) * (prev_precision + precision) / 2
    return np.where(n_pos > 0, np.cumsum(terms, axis=0)[-1], 0.0)


def youtube_ap(pred: np.ndarray, labels: np.ndarray) -> float:
    """YouTube Highlights AP of one video: all clips ranked by ``pred``, positive = label > 0.

    A video with no positive clip scores 0, as in UMT (Lighthouse drops such a video from
    the mean instead; none of the Lighthouse files has one).
    """
    positive = np.asarray(labels, dtype=np.float64) > 0
    return float(interpolated_ap(positive[ranking(pred)]))


def top_k_map(pred: np.ndarray, rater_scores: np.ndarray, k: int) -> float:
    """TVSum top-k mAP of one video: mean over raters of the AP over the top ``k`` clips.

    ``rater_scores`` is ``[n_clips, n_raters]``; a clip is positive for a rater when its
    score is above that rater's :func:`lower_median` over the video's clips.
    """
    scores = np.asarray(rater_scores, dtype=np.float64)
    positive = scores > lower_median(scores, axis=0)
    return float(np.mean(interpolated_ap(positive[ranking(pred)[:k]])))


def rank_correlations(pred: np.ndarray, rater_scores: np.ndarray) -> dict[str, float]:
    """Kendall's tau-b and Spearman's rho of ``pred`` against each rater, mean over raters.

    Raters whose scores are constant carry no ranking and are left out; ``n_raters`` says
    how many counted (0: the correlations are NaN and the caller must leave the video out).
    A constant prediction ranks nothing: its correlations are 0 (no concordant and no
    discordant pair), which is the chance level a "uniform" scorer deserves.
    """
    from scipy import stats

    pred = np.asarray(pred, dtype=np.float64)
    scores = np.asarray(rater_scores, dtype=np.float64).reshape(len(pred), -1)
    varying = [scores[:, r] for r in range(scores.shape[1]) if np.ptp(scores[:, r]) > 0]
    if not varying:
        return {"kendall": float("nan"), "spearman": float("nan"), "n_raters": 0}
    if np.ptp(pred) == 0:
        return {"kendall": 0.0, "spearman": 0.0, "n_raters": len(varying)}
    kendall = [stats.kendalltau(pred, s).statistic for s in varying]
    spearman = [stats.spearmanr(pred, s).statistic for s in varying]
    return {"kendall": float(np.mean(kendall)), "spearman": float(np.mean(spearman)), "n_raters": len(varying)}
