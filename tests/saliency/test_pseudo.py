"""Pseudo-labels: shapes, storage, previews, caching by checksum, and the CLI's defaults."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from pld_core.errors import DataError
from pld_core.saliency import build_pseudo_labels
from pld_core.video import n_sampled, probe
from tests.saliency.conftest import write_ingested

IDS = ["demo_000", "demo_003"]


@pytest.fixture
def ingested(tiny_demo, settings):
    return write_ingested(tiny_demo, settings.dataset_dir("ingested"), settings, IDS, without_file=["demo_001"])


def test_maps_and_previews_at_the_training_size_and_rate(ingested, settings, tiny_demo):
    out = settings.dataset_dir("pseudo")
    summary = build_pseudo_labels(ingested, out, settings)
    assert (summary.written, summary.cached, summary.skipped) == (2, 0, 1)
    assert summary.skipped_reasons == {"demo_001": "no video file"}
    for video_id in IDS:
        info = probe(tiny_demo / "videos" / f"{video_id}.mp4")
        with np.load(out / f"{video_id}.npz") as archive:
            maps = archive["maps"]
        assert maps.shape == (n_sampled(info.n_frames, info.fps, settings.video.fps),
                              settings.video.height, settings.video.width)
        assert maps.dtype == np.uint8 and (maps.reshape(len(maps), -1).max(axis=1) == 255).all()
        preview = out / "previews" / f"{video_id}.png"
        assert preview.stat().st_size > 0 and preview in summary.previews
    assert summary.frames == sum(len(np.load(out / f"{v}.npz")["maps"]) for v in IDS)


def test_unchanged_videos_are_skipped_and_changed_ones_redone(ingested, settings, tiny_demo):
    out = settings.dataset_dir("pseudo")
    build_pseudo_labels(ingested, out, settings, video_ids=IDS)
    stamp = {v: os.stat(out / f"{v}.npz").st_mtime_ns for v in IDS}
    again = build_pseudo_labels(ingested, out, settings, video_ids=IDS)
    assert (again.written, again.cached, again.frames) == (0, 2, 0)
    assert stamp == {v: os.stat(out / f"{v}.npz").st_mtime_ns for v in IDS}
    videos = pd.read_parquet(ingested / "videos.parquet")
    videos.loc[videos["video_id"] == IDS[1], "checksum"] = "0" * 64          # the video's content changed
    videos.to_parquet(ingested / "videos.parquet", index=False)
    redo = build_pseudo_labels(ingested, out, settings, video_ids=IDS)
    assert (redo.written, redo.cached) == (1, 1)
    assert os.stat(out / f"{IDS[1]}.npz").st_mtime_ns != stamp[IDS[1]]
    changed = settings.with_overrides({"saliency.motion_weight": 0.2})        # settings that shape the maps
    assert build_pseudo_labels(ingested, out, changed, video_ids=IDS[:1]).written == 1


def test_float16_storage(ingested, settings):
    out = settings.dataset_dir("pseudo")
    build_pseudo_labels(ingested, out, settings.with_overrides({"saliency.dtype": "float16"}), video_ids=IDS[:1])
    maps = np.load(out / f"{IDS[0]}.npz")["maps"]
    assert maps.dtype == np.float16 and maps.min() >= 0 and float(maps.max()) == 1.0


def test_unknown_video_id_names_it(ingested, settings):
    with pytest.raises(DataError, match="demo_999"):
        build_pseudo_labels(ingested, settings.dataset_dir("pseudo"), settings, video_ids=["demo_999"])


def test_cli_takes_its_folders_from_settings(ingested, settings, tmp_path):
    from pld_core.cli import main

    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(settings.model_dump(mode="json")))
    result = CliRunner().invoke(main, ["--params", str(params), "pseudo-labels", "--video-id", IDS[0]])
    assert result.exit_code == 0, result.output
    assert "1 written" in result.output
    assert (settings.dataset_dir("pseudo") / f"{IDS[0]}.npz").is_file()
