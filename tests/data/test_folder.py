"""A plain folder of videos: probed, checksummed, referenced in place, no labels."""
from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from pld_core.data import read_dataset, validate_dataset
from pld_core.data.video_files import VideoCatalog
from pld_core.errors import DataError
from tests.conftest import REAL_VIDEOS


def test_the_real_videos(shared_videos, settings):
    ds = read_dataset("folder", shared_videos, settings)
    assert len(ds.videos) == len(REAL_VIDEOS) and ds.annotations.empty
    assert ds.splits["test"] == sorted(name.removesuffix(".mp4") for name in REAL_VIDEOS)
    for name, (frames, fps, width, height) in REAL_VIDEOS.items():
        row = ds.videos.set_index("video_id").loc[name.removesuffix(".mp4")]
        assert (row["n_frames"], row["fps"], row["width"], row["height"]) == (frames, pytest.approx(fps), width, height)
        assert row["path"] == str((shared_videos / name).resolve())
        assert row["checksum"] == hashlib.sha256((shared_videos / name).read_bytes()).hexdigest()
    assert validate_dataset(ds).success


def test_split_subfolders(tiny_demo, settings, tmp_path):
    for split, name in (("train", "demo_000"), ("val", "demo_001"), (".", "demo_002")):
        (tmp_path / split).mkdir(exist_ok=True)
        (tmp_path / split / f"{name}.mp4").symlink_to(tiny_demo / "videos" / f"{name}.mp4")
    (tmp_path / "notes.txt").write_text("not a video")
    ds = read_dataset("folder", tmp_path, settings)
    assert ds.splits == {"train": ["demo_000"], "val": ["demo_001"], "test": ["demo_002"]}


def test_the_cache_skips_unchanged_videos_only(tiny_demo, settings, tmp_path, monkeypatch):
    import pld_core.data.video_files as video_files

    video = tmp_path / "clip.mp4"
    shutil.copyfile(tiny_demo / "videos" / "demo_000.mp4", video)
    first = VideoCatalog.for_settings(settings).describe_all([("clip", video)], tmp_path, {})

    def no_probe(path):
        raise AssertionError(f"{path} probed again")
    monkeypatch.setattr(video_files, "probe", no_probe)
    assert VideoCatalog.for_settings(settings).describe_all([("clip", video)], tmp_path, {}) == first
    os.utime(video, ns=(video.stat().st_atime_ns, video.stat().st_mtime_ns + 10**9))  # "edited"
    with pytest.raises(AssertionError, match="probed again"):
        VideoCatalog.for_settings(settings).describe(video)


def test_unreadable_or_no_videos(settings, tmp_path):
    (tmp_path / "broken.mp4").write_bytes(b"not a video at all")
    with pytest.raises(DataError, match=r"no readable video: all 1 skipped \(first: broken: .*broken.mp4: not a readable"):
        read_dataset("folder", tmp_path, settings)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"empty: no video files \(.mp4"):
        read_dataset("folder", tmp_path / "empty", settings)
