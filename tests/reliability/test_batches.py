"""One bad video in a batch: the good ones are still processed, the bad one is named.

- ``pld ingest``: unreadable videos are left out (with their annotations) and listed as
  skipped; the tables hold the good ones; exit 0.
- ``pld pseudo-labels``: a video that became unreadable after ingestion is skipped by name.
- ``pld highlight DIR``: clips for the good videos, ``batch.json`` records the bad ones, exit 1
  with one line naming the first.
"""
from __future__ import annotations

import json
import shutil

from pathlib import Path

from pld_core.data import load_ingested
from tests.reliability.corpus import BAD_VIDEOS, copy_videos, multirater


def test_folder_ingest_skips_each_broken_video_and_keeps_the_good(pld, videos, tmp_path):
    folder = copy_videos([videos[name] for name in [*BAD_VIDEOS, "good", "rotated"]], tmp_path / "videos")
    out = tmp_path / "ingested"
    result = pld("ingest", "--format", "folder", "--source", folder, "--out", out)
    assert result.code == 0, result.stderr
    for name in BAD_VIDEOS:
        assert f"skipped video {name}: {folder / name}.mp4: " in result.stdout
    table = load_ingested(out).videos.set_index("video_id")
    assert sorted(table.index) == ["good", "rotated"]
    assert tuple(table.loc["rotated", ["width", "height"]]) == (64, 96)  # upright size


def test_multirater_ingest_drops_a_broken_video_with_its_ratings(pld, tiny_demo, tmp_path):
    def break_first(manifest, rows):
        broken = tmp_path / "broken.mp4"
        data = (tiny_demo / manifest["videos"][0]["path"]).read_bytes()
        broken.write_bytes(data[: len(data) // 2])
        manifest["videos"][0]["path"] = str(broken)

    source = multirater(tiny_demo, tmp_path / "src", break_first)
    out = tmp_path / "ingested"
    result = pld("ingest", "--format", "multirater", "--source", source, "--out", out)
    assert result.code == 0, result.stderr
    assert "skipped video demo_000: " in result.stdout and "broken.mp4: " in result.stdout
    dataset = load_ingested(out)
    assert "demo_000" not in set(dataset.videos["video_id"]) and len(dataset.videos) == 5
    assert "demo_000" not in set(dataset.annotations["video_id"])


def test_pseudo_labels_skip_a_video_broken_after_ingestion(pld, tiny, videos, tmp_path):
    folder = copy_videos([videos["good"], videos["good_long"], videos["odd_size"]], tmp_path / "videos")
    ingested, pseudo = tmp_path / "ingested", tmp_path / "pseudo"
    assert pld("ingest", "--format", "folder", "--source", folder, "--out", ingested).code == 0
    shutil.copyfile(videos["text_as_mp4"], folder / "good.mp4")  # replaced by junk after ingestion

    result = pld("pseudo-labels", "--ingested", ingested, "--out", pseudo)
    assert result.code == 0, result.stderr
    assert "2 written" in result.stdout and "1 skipped" in result.stdout
    assert f"skipped good: {folder / 'good.mp4'}: not a readable video file" in result.stdout
    assert sorted(p.name for p in pseudo.glob("*.npz")) == ["good_long.npz", "odd_size.npz"]


def test_highlight_folder_cuts_the_good_and_names_the_first_bad(pld, videos, checkpoint, tmp_path):
    folder = copy_videos([videos[name] for name in ["truncated", "good", "zero_bytes", "odd_size"]],
                         tmp_path / "videos")
    out = tmp_path / "clips"
    result = pld("highlight", folder, "--model", checkpoint, "--out-dir", out)
    assert result.code == 1
    assert "2 of 4 videos failed; first: " in result.error and "truncated.mp4: truncated" in result.error
    assert sorted(p.name for p in out.glob("*.mp4")) == ["good.mp4", "odd_size.mp4"]
    batch = json.loads((out / "batch.json").read_text())
    errors = {Path(v["video"]).name: v["error"] for v in batch["videos"]}
    assert errors["good.mp4"] is None and errors["odd_size.mp4"] is None
    assert "empty file (0 bytes)" in errors["zero_bytes.mp4"] and batch["failed"] == 2
