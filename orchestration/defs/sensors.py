"""The inbox sensor: new videos become partitions and runs; new annotation files, a relabeling run."""
import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.defs.jobs import relabel, video_pipeline
from orchestration.inbox import scan_inbox
from orchestration.partitions import RANGE_END, RANGE_START, videos
from orchestration.resources import SettingsResource


@dg.sensor(jobs=[video_pipeline, relabel], minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, settings: SettingsResource) -> dg.SensorResult:
    """Watch ``paths.inbox``: each new or changed file is acted on once (the cursor remembers it)."""
    s = settings.load()
    inbox = s.path(s.paths.inbox)
    delivery = scan_inbox(inbox)
    signatures = {str(p): _signature(inbox / p) for p in delivery.videos + delivery.annotations}
    seen = json.loads(context.cursor) if context.cursor else {}
    fresh = {name: sig for name, sig in signatures.items() if seen.get(name) != sig}
    if not fresh:
        return dg.SensorResult(cursor=json.dumps(signatures))
    fresh_ids = [p.stem for p in delivery.videos if str(p) in fresh]
    known = context.instance.get_dynamic_partitions(videos.name)
    added = [k for k in dict.fromkeys(fresh_ids) if k not in known]
    if any(str(p) in fresh for p in delivery.annotations):  # labels change: relabel every video
        keys = known + added
        requests = [dg.RunRequest(job_name=relabel.name, run_key=_key(fresh),
                                  tags={RANGE_START: keys[0], RANGE_END: keys[-1]})] if keys else []
    else:  # only videos: each costs its own work
        requests = [dg.RunRequest(job_name=video_pipeline.name, partition_key=k,
                                  run_key=_key({p: sig for p, sig in fresh.items() if Path(p).stem == k}))
                    for k in dict.fromkeys(fresh_ids)]
    context.log.info(f"inbox {inbox}: {len(fresh)} new file(s), new partitions {added}")
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(signatures),
                           dynamic_partitions_requests=[videos.build_add_request(added)] if added else [])


def _key(files: dict[str, str]) -> str:
    """A run key that changes whenever one of ``files`` does."""
    return hashlib.sha256(json.dumps(sorted(files.items())).encode()).hexdigest()[:16]


def _signature(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


follow_new_data = dg.AutomationConditionSensorDefinition(
    "follow_new_data", target=dg.AssetSelection.all(), default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Evaluates the automation conditions: once new labels or pseudo-labels land, "
                "training, evaluation, registration and ad clips follow.")
