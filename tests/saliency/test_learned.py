"""The learned teacher: trains on (synthetic) DHF1K-style gaze, saves and loads local weights;
and the gaze evaluation that ranks teachers against the centre prior."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from pld_core.errors import ConfigError, DataError, ModelError
from pld_core.saliency import load_teacher
from pld_core.saliency.evaluate import evaluate_gaze_root
from pld_core.saliency.gaze_data import list_gaze_videos, load_gaze
from pld_core.saliency.images import write_png
from pld_core.saliency.training import train_teacher

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def trained(gaze_roots, repo_settings, tmp_path_factory):
    settings = repo_settings.with_overrides({"saliency.learned_channels": 8, "saliency.train_batch": 8})
    weights = tmp_path_factory.mktemp("teacher") / "teacher.pt"
    return settings, train_teacher(gaze_roots["train"], weights, settings, steps=40)


def test_training_lowers_the_kl_loss(trained):
    _, result = trained
    assert len(result.losses) == 40 and result.weights.is_file()
    assert np.mean(result.losses[-8:]) < 0.7 * np.mean(result.losses[:8])


def test_weights_load_from_the_local_file_into_a_teacher(trained, gaze_roots):
    settings, result = trained
    teacher = load_teacher(settings.with_overrides({"saliency.teacher": "learned",
                                                    "saliency.weights": str(result.weights)}))
    frames = np.random.default_rng(0).integers(0, 255, size=(5, 32, 48, 3), dtype=np.uint8)
    maps = teacher.predict(frames)
    assert maps.shape == (5, 32, 48) and maps.min() >= 0 and np.allclose(maps.max(axis=(1, 2)), 1)
    teacher.reset()
    np.testing.assert_allclose(np.concatenate([teacher.predict(frames[:2]), teacher.predict(frames[2:])]), maps,
                               atol=1e-5)


@pytest.mark.parametrize("weights, error", [(None, ModelError), ("https://example.org/w.pt", ConfigError),
                                            ("missing.pt", ModelError), ("junk", ModelError)])
def test_bad_weights_are_refused(repo_settings, tmp_path, weights, error):
    if weights == "junk":
        weights = tmp_path / "junk.pt"
        weights.write_bytes(b"not a checkpoint")
    elif weights == "missing.pt":
        weights = tmp_path / weights
    with pytest.raises(error):   # a URL is refused by the settings already
        load_teacher(repo_settings.with_overrides({"saliency.teacher": "learned",
                                                   "saliency.weights": None if weights is None else str(weights)}))


def test_classical_teacher_beats_the_centre_prior_on_synthetic_gaze(gaze_roots, repo_settings):
    report = evaluate_gaze_root(gaze_roots["val"], repo_settings, ["classical"])
    classical, center = report["teachers"]["classical"], report["teachers"]["center"]
    assert report["frames"] > 100
    assert classical["nss"] > center["nss"] + 0.3 and classical["cc"] > center["cc"]
    assert classical["auc_judd"] > center["auc_judd"]


def test_saliency_eval_cli_on_one_video(gaze_roots, tmp_path):
    from pld_core.cli import main

    gaze = list_gaze_videos(gaze_roots["val"])[0]
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["saliency-eval", "--video", str(gaze.video), "--fixations",
                                       str(gaze.annotation), "--teacher", "classical", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "classical" in result.output and "center" in result.output and out.is_file()


def test_density_maps_are_read_when_present(tmp_path, repo_settings):
    annotation = tmp_path / "clip"
    points = np.zeros((8, 16), np.uint8)
    points[2, 12] = 255
    dense = np.zeros((8, 16), np.uint8)
    dense[:, 8:] = 100
    write_png(annotation / "fixation" / "0001.png", points)
    write_png(annotation / "maps" / "0001.png", dense)
    fixations, density = load_gaze(annotation, np.array([0]), (4, 8), repo_settings)
    assert fixations[0].sum() == 1 and fixations[0, 1, 6]
    assert density[0, :, :4].sum() == 0 and density.sum() == pytest.approx(1.0)
    with pytest.raises(DataError, match="0002.png"):
        load_gaze(annotation, np.array([1]), (4, 8), repo_settings)
