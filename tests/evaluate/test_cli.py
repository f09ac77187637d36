"""``pld evaluate`` on the real TVSum and YouTube Highlights Lighthouse files; one-line errors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from pld_core.errors import DataError
from pld_core.evaluate import run_benchmark, write_predictions
from tests.evaluate.conftest import TVSUM_VAL, YOUTUBE_VAL
from tests.test_cli import pld


def _oracle(shared_benchmarks, source):
    rows = [json.loads(line) for line in (shared_benchmarks / source).read_text().splitlines()]
    return {r["vid"]: np.array(r["label"], dtype=float).mean(axis=1) for r in rows}


@pytest.mark.parametrize("benchmark,source,groups", [("tvsum", TVSUM_VAL, 10), ("youtube_highlights", YOUTUBE_VAL, 6)])
def test_pld_evaluate_json(shared_benchmarks, tmp_path, benchmark, source, groups):
    preds = write_predictions(tmp_path / "preds.jsonl", _oracle(shared_benchmarks, source))
    result = pld("--set", "evaluate.random_trials=2", "evaluate", "--benchmark", benchmark,
                 "--annotations", str(shared_benchmarks / source), "--predictions", str(preds), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n_videos"] == (10 if benchmark == "tvsum" else 152) and len(report["per_group"]) == groups
    assert report["mAP"] == pytest.approx(np.mean(list(report["per_group"].values())))
    if benchmark == "youtube_highlights":
        assert report["mAP"] == 1.0  # the labels themselves rank every positive first
    else:
        assert 0.8 < report["mAP"] < 1.0 and report["spearman"] > 0.4
    assert report["baselines"]["random"]["mAP"] < report["mAP"] - 0.2
    assert set(report["baselines"]) == {"random", "uniform"}


def test_pld_evaluate_table_and_out_file(shared_benchmarks, tmp_path):
    preds = write_predictions(tmp_path / "preds.jsonl", _oracle(shared_benchmarks, TVSUM_VAL))
    out = tmp_path / "report.json"
    result = pld("--set", "evaluate.random_trials=2", "evaluate", "--benchmark", "tvsum", "--annotations",
                 str(shared_benchmarks / TVSUM_VAL), "--predictions", str(preds), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "| mean mAP |" in result.stdout and "| VU |" in result.stdout
    assert len(json.loads(out.read_text())["per_video"]) == 10


def test_pld_evaluate_bad_predictions_one_line(shared_benchmarks, tmp_path):
    oracle = _oracle(shared_benchmarks, TVSUM_VAL)
    victim = sorted(oracle)[2]
    oracle[victim] = oracle[victim][:-1]
    preds = write_predictions(tmp_path / "preds.jsonl", oracle)
    result = pld("evaluate", "--benchmark", "tvsum", "--annotations", str(shared_benchmarks / TVSUM_VAL),
                 "--predictions", str(preds))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert victim in lines[0] and "scores for" in lines[0]


@pytest.mark.parametrize("damage", ["missing", "not_json", "not_numbers", "twice"])
def test_run_benchmark_bad_predictions_name_the_video_or_line(fast, shared_benchmarks, tmp_path, damage):
    oracle = _oracle(shared_benchmarks, TVSUM_VAL)
    victim = sorted(oracle)[4]
    if damage == "missing":
        del oracle[victim]
    preds = write_predictions(tmp_path / "preds.jsonl", oracle)
    extra = {"not_json": "{oops", "not_numbers": json.dumps({"vid": "extra", "pred_saliency_scores": ["a"]}),
             "twice": json.dumps({"vid": victim, "pred_saliency_scores": [1.0]})}.get(damage)
    if extra:
        preds.write_text(preds.read_text() + extra + "\n")
    expected = {"missing": f"video {victim}: no prediction", "not_json": "preds.jsonl:11: not valid JSON",
                "not_numbers": "video extra: pred_saliency_scores must be finite",
                "twice": f"video {victim}: predicted twice"}[damage]
    with pytest.raises(DataError, match=expected):
        run_benchmark(fast, "tvsum", shared_benchmarks / TVSUM_VAL, preds)
