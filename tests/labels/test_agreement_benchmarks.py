"""Agreement on the real TVSum and SumMe annotations, checked against scipy pair by pair.

The whole-TVSum figure against the published one is in test_cli.py (through `pld agreement`).
"""
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau, spearmanr

from pld_core.labels import agreement_report
from tests.labels.conftest import (
    canonical, summe_selections, tvsum_scores, tvsum_tables, units_frame, video_row,
)

TVSUM_SHORT = ["XzYM3PfTM4w", "JKpqYvAdIsw", "4wU_LUjG5Ic"]  # three of the shortest TVSum videos
SUMME = ["Cooking", "Jumps", "Fire_Domino"]


def scipy_agreement(scores: np.ndarray) -> tuple[float, float]:
    """Otani et al.'s human agreement of one video: mean over rater pairs, on every frame."""
    pairs = list(itertools.combinations(range(len(scores)), 2))
    tau = np.mean([kendalltau(scores[i], scores[j]).statistic for i, j in pairs])
    rho = np.mean([spearmanr(scores[i], scores[j]).statistic for i, j in pairs])
    return float(tau), float(rho)


def test_tvsum_per_video_matches_scipy(shared_benchmarks, settings):
    report = agreement_report(tvsum_tables(shared_benchmarks, TVSUM_SHORT), settings)
    raw = tvsum_scores(shared_benchmarks, TVSUM_SHORT)
    rows = {v["video_id"]: v for v in report["videos"]}
    assert set(rows) == set(TVSUM_SHORT)
    for vid, scores in raw.items():
        tau, rho = scipy_agreement(scores)
        assert rows[vid]["n_raters"] == 20 and rows[vid]["n_frames"] == scores.shape[1]
        assert rows[vid]["kendall"] == pytest.approx(tau, abs=1e-10)
        assert rows[vid]["spearman"] == pytest.approx(rho, abs=1e-10)
        assert -1 < rows[vid]["krippendorff_alpha"] < 1 and -1 < rows[vid]["fleiss_kappa"] < 1


def test_summe_per_video_matches_scipy(shared_benchmarks, settings):
    selections = summe_selections(shared_benchmarks, SUMME)
    videos, parts = [], []
    for name, (fps, sel) in selections.items():
        videos.append(video_row(name, sel.shape[1], fps, lo=0.0, hi=1.0))
        parts.append(units_frame(name, {f"u{i:02d}": row for i, row in enumerate(sel)}, fps))
    report = agreement_report(canonical(videos, pd.concat(parts, ignore_index=True)), settings)
    rows = {v["video_id"]: v for v in report["videos"]}
    for name, (_, sel) in selections.items():
        tau, rho = scipy_agreement(sel)
        assert rows[name]["kendall"] == pytest.approx(tau, abs=1e-10)
        assert rows[name]["spearman"] == pytest.approx(rho, abs=1e-10)
        # 0/1 selections: above-median binarization is the selection itself, so kappa is Fleiss' on it
        p = sel.mean()
        votes_agree = ((sel.sum(0) * (sel.sum(0) - 1) + (len(sel) - sel.sum(0)) * (len(sel) - sel.sum(0) - 1))
                       / (len(sel) * (len(sel) - 1))).mean()
        chance = p**2 + (1 - p) ** 2
        assert rows[name]["fleiss_kappa"] == pytest.approx((votes_agree - chance) / (1 - chance))
    assert "published_human" not in report
