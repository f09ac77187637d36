"""`pld label` and `pld agreement` on real inputs."""
import json
import subprocess
import sys

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from pld_core.cli import main
from pld_core.labels import PUBLISHED_HUMAN, label_dataset
from tests.conftest import REPO


@pytest.fixture
def params_file(settings, tmp_path):
    """The tmp-path settings as a params.yaml the CLI can load."""
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(settings.model_dump(mode="json", exclude={"root"})))
    return path


def invoke(params_file, *args):
    result = CliRunner().invoke(main, ["--params", str(params_file), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_agreement_on_tvsum_matches_the_published_human_figures(params_file, shared_benchmarks):
    out = invoke(params_file, "agreement", "--format", "tvsum", "--source", str(shared_benchmarks / "tvsum"))
    assert "50 videos" in out and "Kendall tau-b 0.177" in out and "Spearman rho 0.204" in out
    assert f"Kendall {PUBLISHED_HUMAN['tvsum']['kendall']:.3f}" in out


def test_agreement_json_on_summe(params_file, shared_benchmarks):
    report = json.loads(invoke(params_file, "agreement", "--format", "summe", "--source",
                               str(shared_benchmarks / "summe"), "--json"))
    assert report["dataset"]["n_videos"] == 25 == len(report["videos"])
    assert all(15 <= v["n_raters"] <= 18 for v in report["videos"])
    assert 0 < report["dataset"]["kendall"] < 1 and "published_human" not in report


def test_label_after_ingest_matches_labels_of_the_raw_ratings(settings, params_file, tiny_demo, demo_tables):
    from pld_core.data import ingest

    ingested, labels = settings.dataset_dir("ingested"), settings.dataset_dir("labels")
    ingest("multirater", tiny_demo, ingested, settings)
    out = invoke(params_file, "label")  # defaults: paths.ingested/demo -> paths.labels/demo
    assert f"-> {labels}" in out and "6 videos" in out
    frames = pd.read_parquet(labels / "frame_labels.parquet")
    expected = label_dataset(demo_tables[0], settings).frames
    merged = frames.merge(expected, on=["video_id", "frame"], suffixes=("", "_raw"))
    assert len(merged) == len(frames) == len(expected)
    assert (merged["consensus"] - merged["consensus_raw"]).abs().max() < 1e-6
    assert (merged["binary"] == merged["binary_raw"]).all()
    assert {p.name for p in labels.iterdir()} >= {"clip_labels.parquet", "raters.parquet", "agreement.json",
                                                  "agreement_per_video.png", "consensus_curves.png"}


def test_label_error_is_one_line(tmp_path):
    missing = tmp_path / "nothing"
    result = subprocess.run([sys.executable, "-c", "from pld_core.cli import run; run()", "label", "--ingested",
                             str(missing), "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "Traceback" not in result.stderr
