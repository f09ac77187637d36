"""The windows dataset and its cache: shapes, padding, targets, augmentation that keeps labels aligned."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from pld_core.errors import DataError
from pld_core.saliency import pixel_targets
from pld_core.train.augment import augment_window
from pld_core.train.data import cached_frames, cached_maps, maps_to_unit
from pld_core.train.windows import Augmentation, WindowDataset
from pld_core.video import open_video, window_starts, write_mp4


def test_items_cover_every_window_with_targets(records):
    ds = WindowDataset(records, window=8, stride=4, seed=0)
    assert len(ds) == sum(len(window_starts(len(r.targets), 8, 4)) for r in records)
    item = ds[1]  # video a, frames 4..11
    assert item["frames"].shape == (3, 8, 16, 16) and item["frames"].dtype == torch.float32
    assert 0 <= item["frames"].min() and item["frames"].max() <= 1
    assert torch.equal(item["frame_targets"], torch.from_numpy(records[0].targets[4:12]))
    maps = maps_to_unit(np.load(records[0].maps_path)[4:12])
    assert torch.allclose(item["maps"], torch.from_numpy(maps))
    assert torch.allclose(item["pixel_targets"], torch.from_numpy(pixel_targets(maps, records[0].targets[4:12])))
    assert item["mask"].all()


def test_short_video_window_is_padded_and_masked(records):
    ds = WindowDataset(records, window=8, stride=4, seed=0)
    item = ds[len(ds) - 1]  # video c: 5 frames
    assert item["mask"].tolist() == [True] * 5 + [False] * 3
    assert torch.equal(item["frames"][:, 5], item["frames"][:, 4])


def test_frame_variant_items_need_no_maps(records):
    no_maps = [type(r)(r.video_id, r.frames_path, r.targets, None) for r in records]
    item = WindowDataset(no_maps, window=8, stride=4, seed=0)[0]
    assert set(item) == {"frames", "frame_targets", "mask"}


def test_augmentation_is_seeded_by_epoch_and_item(records):
    ds = WindowDataset(records, window=8, stride=4, seed=3, augmentation=Augmentation(0.2, 0.2))
    first = ds[2]["frames"]
    assert torch.equal(first, ds[2]["frames"])
    ds.set_epoch(1)
    assert not torch.equal(first, ds[2]["frames"])


@pytest.mark.parametrize("seed", range(8))
def test_augmentation_keeps_maps_on_the_object(records, seed):
    frames = np.load(records[0].frames_path)[6:14]
    maps = maps_to_unit(np.load(records[0].maps_path)[6:14])
    out_frames, out_maps = augment_window(frames, maps, np.random.default_rng(seed), crop=0.2, brightness=0.2)
    assert out_frames.shape == frames.shape and out_frames.dtype == np.float32 and out_maps.shape == maps.shape
    assert 0 <= out_frames.min() and out_frames.max() <= 1
    for t in range(8):  # the map's peak stays on the bright square (highlight frames 6..13)
        y, x = np.unravel_index(int(out_maps[t].argmax()), out_maps[t].shape)
        brightest = out_frames[t].mean(-1)
        assert brightest[y, x] >= np.quantile(brightest, 0.8)


def test_window_resize_equals_frame_by_frame_resize_past_the_opencv_channel_limit():
    import cv2

    from pld_core.train.augment import _resize_stack

    stack = np.random.default_rng(0).integers(0, 255, (190, 12, 13, 3), dtype=np.uint8)  # 570 channels > 128
    one_by_one = np.stack([cv2.resize(f, (16, 16), interpolation=cv2.INTER_LINEAR) for f in stack])
    assert np.array_equal(_resize_stack(stack, (16, 16)), one_by_one)


def test_frames_are_decoded_once_into_the_cache(settings, tmp_path):
    settings = settings.with_overrides({"video.height": 16, "video.width": 16, "video.window": 8, "video.stride": 4})
    frames = [np.full((24, 32, 3), 10 * i, np.uint8) for i in range(20)]
    write_mp4(tmp_path / "v.mp4", frames, fps=8)
    path = cached_frames(settings, tmp_path / "v.mp4", "abc")
    mtime = path.stat().st_mtime_ns
    assert cached_frames(settings, tmp_path / "v.mp4", "abc") == path and path.stat().st_mtime_ns == mtime
    with open_video(tmp_path / "v.mp4", backend=settings.video.backend, size=(16, 16), fps=8) as reader:
        assert np.array_equal(np.load(path), reader.read())
    assert cached_frames(settings, tmp_path / "v.mp4", "other") != path  # keyed by checksum


def test_pseudo_label_archives_are_checked(settings, tmp_path):
    settings = settings.with_overrides({"video.height": 16, "video.width": 16})
    with pytest.raises(DataError, match="not found"):
        cached_maps(settings, tmp_path / "missing.npz", 10)
    np.savez(tmp_path / "wrong.npz", maps=np.zeros((10, 8, 8), np.uint8))
    with pytest.raises(DataError, match=r"wrong.npz: maps have shape \(10, 8, 8\), expected \(10, 16, 16\)"):
        cached_maps(settings, tmp_path / "wrong.npz", 10)
    np.savez(tmp_path / "nokey.npz", other=np.zeros(3))
    with pytest.raises(DataError, match="key 'maps'"):
        cached_maps(settings, tmp_path / "nokey.npz", 10)
    np.savez(tmp_path / "ok.npz", maps=np.full((10, 16, 16), 255, np.uint8))
    assert np.load(cached_maps(settings, tmp_path / "ok.npz", 10)).shape == (10, 16, 16)
