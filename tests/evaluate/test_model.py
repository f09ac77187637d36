"""evaluate_model end to end on the tiny demo (real ingest, labels, an untrained checkpoint),
and the split metrics with oracle and random frame scores."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from pld_core.errors import DataError
from pld_core.evaluate.model import evaluate_model, labelled_video
from pld_core.evaluate.split_metrics import METRICS, split_metrics

FPS = 8  # the demo's frame rate = video.fps: one label frame per source frame


def _tables(demo_labelled):
    from pld_core.data import load_ingested

    dataset = load_ingested(demo_labelled["ingested"])
    frames = pd.read_parquet(demo_labelled["labels"] / "frame_labels.parquet")
    clips = pd.read_parquet(demo_labelled["labels"] / "clip_labels.parquet")
    return dataset, frames, clips


def _labelled(settings, demo_labelled, make_pred):
    from pld_core.evaluate.keyshot import fixed_shots

    dataset, frames, clips = _tables(demo_labelled)
    out = []
    for _, row in dataset.videos.iterrows():
        consensus = frames[frames["video_id"] == row["video_id"]].sort_values("frame")["consensus"].to_numpy()
        shots = fixed_shots(np.ones(len(consensus), dtype=int), 2 * FPS)
        out.append(labelled_video(settings, row, dataset.annotations, frames, clips, make_pred(consensus), shots))
    return out


def test_split_metrics_oracle_and_random(settings, demo_labelled):
    cfg = settings.with_overrides({"evaluate.random_trials": 3})
    oracle = split_metrics(_labelled(cfg, demo_labelled, lambda c: c), cfg.evaluate)
    assert set(oracle["metrics"]) == set(METRICS) and set(oracle["baselines"]) == {"random", "uniform"}
    assert oracle["metrics"]["spearman"] == pytest.approx(1.0) and oracle["metrics"]["kendall"] == pytest.approx(1.0)
    for key in ("ap", "map_top5", "f1"):  # the consensus finds the raters' highlights far above chance
        assert oracle["metrics"][key] > oracle["baselines"]["random"][key] + 0.2, key
    assert abs(oracle["baselines"]["random"]["spearman"]) < 0.15
    assert oracle["baselines"]["uniform"]["kendall"] == 0.0
    rng = np.random.default_rng(0)
    noise = split_metrics(_labelled(cfg, demo_labelled, lambda c: rng.random(len(c))), cfg.evaluate)
    assert noise["metrics"]["ap"] < oracle["metrics"]["ap"] and abs(noise["metrics"]["spearman"]) < 0.2


def test_wrong_length_predictions_name_the_video(settings, demo_labelled):
    dataset, frames, clips = _tables(demo_labelled)
    row = dataset.videos.iloc[0]
    with pytest.raises(DataError, match=row["video_id"]):
        labelled_video(settings, row, dataset.annotations, frames, clips, np.zeros(3), np.array([[0, 3]]))


def _place_benchmark_videos(settings, tiny_demo, video_id, tmp_path):
    """A TVSum-format (Lighthouse JSONL) and a SumMe-format annotation of one demo video, the
    video placed under paths.benchmark_videos/{tvsum,summe}/."""
    highlight = np.array(json.loads((tiny_demo / "truth.json").read_text())[video_id]["highlight"])
    root = settings.path(settings.paths.benchmark_videos)
    for name in ("tvsum", "summe"):
        (root / name).mkdir(parents=True)
        shutil.copy(tiny_demo / "videos" / f"{video_id}.mp4", root / name / f"{video_id}.mp4")
    per_clip = 2 * FPS
    clips = highlight[: len(highlight) // per_clip * per_clip].reshape(-1, per_clip).mean(axis=1)
    rng = np.random.default_rng(1)
    label = np.clip(np.round(1 + 4 * clips[:, None] + rng.normal(0, 0.7, (len(clips), 5))), 1, 5)
    tvsum = tmp_path / "ann" / "demo_val_release.jsonl"
    tvsum.parent.mkdir()
    tvsum.write_text(json.dumps({"vid": video_id, "label": label.tolist(), "domain": "VT"}) + "\n")
    summe = tmp_path / "ann" / "summe"
    summe.mkdir()
    users = ["".join(map(str, np.roll(highlight, shift))) for shift in (0, 3, -4)]
    (summe / f"{video_id}.json").write_text(json.dumps(
        {"fps": float(FPS), "n_frames": len(highlight), "user_selection": users}))
    return {"tvsum": str(tvsum), "summe": str(summe)}


def test_evaluate_model_writes_logs_and_evaluates_placed_benchmarks(tiny_checkpoint, demo_labelled, tiny_demo,
                                                                   tmp_path):
    import mlflow

    from pld_core.data import load_ingested
    from pld_core.tracking import configure

    settings, checkpoint = tiny_checkpoint
    test_ids = load_ingested(demo_labelled["ingested"]).splits["test"]
    annotations = _place_benchmark_videos(settings, tiny_demo, test_ids[0], tmp_path)
    settings = settings.with_overrides({"evaluate.benchmark_annotations": annotations})
    out = tmp_path / "reports" / "evaluation.json"
    evaluation = evaluate_model(settings, checkpoint, demo_labelled["ingested"], demo_labelled["labels"], out)

    assert evaluation["model"] == str(checkpoint) and evaluation["split"] == "test"
    assert set(evaluation["metrics"]) == set(METRICS)
    for name in ("random", "uniform"):
        assert set(evaluation["baselines"][name]) == set(METRICS)
    assert all(np.isfinite(v) and -1 <= v <= 1 for v in evaluation["metrics"].values())
    assert [row["video_id"] for row in evaluation["per_video"]] == test_ids
    assert json.loads(out.read_text()) == json.loads(json.dumps(evaluation))
    table = out.with_suffix(".md").read_text()
    assert table.index("| spearman |") < table.index("## tvsum") < table.index("| VT |") < table.index("## cosum")
    assert out.with_suffix(".png").stat().st_size > 0

    benches = evaluation["benchmarks"]
    assert benches["tvsum"]["status"] == "evaluated" and benches["tvsum"]["n_videos"] == 1
    assert set(benches["tvsum"]["per_group"]) == {"VT"} and 0 <= benches["tvsum"]["mAP"] <= 1
    assert benches["summe"]["status"] == "evaluated" and 0 <= benches["summe"]["F1"] <= 1
    for name in ("youtube_highlights", "cosum"):
        assert benches[name]["status"] == "skipped" and f"benchmark_videos/{name}" in benches[name]["reason"]

    configure(settings)
    runs = mlflow.search_runs(experiment_names=[settings.registry.experiment],
                              filter_string=f"tags.model_ref = '{checkpoint}'", output_format="list")
    assert len(runs) == 1
    logged = runs[0].data.metrics
    assert logged["spearman"] == pytest.approx(evaluation["metrics"]["spearman"])
    assert logged["tvsum_mAP"] == pytest.approx(benches["tvsum"]["mAP"]) and "random_f1" in logged
