"""The inbox sensor: a new video yields its partition and a run for just it; annotations, a relabel run."""
import json
import os

import dagster as dg
import numpy as np
import pytest

from orchestration.defs.sensors import inbox_sensor
from orchestration.partitions import RANGE_END, RANGE_START, videos
from orchestration.resources import SettingsResource
from pld_core.config import load_settings
from pld_core.video import write_mp4


@pytest.fixture
def inbox(tiny_params):
    return load_settings(tiny_params).path(load_settings(tiny_params).paths.inbox)


def drop_video(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    frames = (np.full((32, 32, 3), 16 * i, np.uint8) for i in range(8))
    write_mp4(folder / name, frames, fps=8)
    return folder / name


def evaluate(instance, tiny_params, cursor=None) -> dg.SensorResult:
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"settings": SettingsResource(params_path=str(tiny_params))})
    return inbox_sensor(context)


def test_new_video_adds_its_partition_and_requests_a_run_for_just_it(instance, tiny_params, inbox):
    instance.add_dynamic_partitions(videos.name, ["demo_000", "demo_001"])
    assert evaluate(instance, tiny_params).run_requests == []

    drop_video(inbox, "spring_ad.mp4")
    (inbox / ".half_copied.mp4").write_bytes(b"not yet")   # dot-names are still being copied
    result = evaluate(instance, tiny_params)

    [request] = result.run_requests
    assert request.partition_key == "spring_ad" and request.job_name == "video_pipeline"
    [add] = result.dynamic_partitions_requests
    assert add.partitions_def_name == videos.name and list(add.partition_keys) == ["spring_ad"]
    # the same files again: nothing new to do
    again = evaluate(instance, tiny_params, cursor=result.cursor)
    assert again.run_requests == [] and again.dynamic_partitions_requests == []


def test_changed_video_is_requested_again_without_a_new_partition(instance, tiny_params, inbox):
    instance.add_dynamic_partitions(videos.name, ["spring_ad"])
    path = drop_video(inbox, "spring_ad.mp4")
    first = evaluate(instance, tiny_params)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    second = evaluate(instance, tiny_params, cursor=first.cursor)
    assert [r.partition_key for r in second.run_requests] == ["spring_ad"]
    assert second.run_requests[0].run_key != first.run_requests[0].run_key
    assert second.dynamic_partitions_requests == []


def test_new_annotations_request_one_relabel_run_over_every_video(instance, tiny_params, inbox):
    instance.add_dynamic_partitions(videos.name, ["demo_000", "demo_001"])
    drop_video(inbox / "videos", "demo_002.mp4")
    (inbox / "ratings.csv").write_text("video_id,rater_id,start_s,end_s,score\n")
    result = evaluate(instance, tiny_params)

    [request] = result.run_requests
    assert request.job_name == "relabel"
    assert (request.tags[RANGE_START], request.tags[RANGE_END]) == ("demo_000", "demo_002")
    assert list(result.dynamic_partitions_requests[0].partition_keys) == ["demo_002"]
    assert set(json.loads(result.cursor)) == {"videos/demo_002.mp4", "ratings.csv"}
