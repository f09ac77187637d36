"""Saliency pseudo-labels, one partition per video, and their sanity check."""
import dagster as dg
import numpy as np

from orchestration.metadata import scalar_metadata
from orchestration.partitions import RANGE_END, RANGE_START, videos
from orchestration.resources import DvcResource, MlflowResource, SettingsResource


@dg.asset(partitions_def=videos, deps=["ingested_dataset"], backfill_policy=dg.BackfillPolicy.single_run(),
          group_name="saliency", kinds={"numpy", "opencv"})
def saliency_pseudo_labels(context: dg.AssetExecutionContext, settings: SettingsResource, dvc: DvcResource,
                           mlflow: MlflowResource) -> dg.MaterializeResult:
    """Where a viewer would look: one map per sampled frame of each video (pld_core.saliency)."""
    from pld_core.data import load_ingested
    from pld_core.saliency import build_pseudo_labels

    s = settings.load()
    out = s.dataset_dir("pseudo")
    keys = list(context.partition_keys)
    ingested = set(load_ingested(s.dataset_dir("ingested")).videos["video_id"])
    summary = build_pseudo_labels(s.dataset_dir("ingested"), out, s, video_ids=[k for k in keys if k in ingested])
    skipped = {**{k: "not ingested (see ingested_dataset's skipped)" for k in keys if k not in ingested},
               **summary.skipped_reasons}
    run_id = mlflow.log_files(s, "saliency previews", summary.previews,
                              {"stage": "pseudo_labels", "partitions": str(len(keys))})
    metadata = {**scalar_metadata(summary), "folder": dg.MetadataValue.path(str(out)),
                "dvc": dvc.commit(s, "pseudo_labels"),
                "skipped": dg.MetadataValue.json(skipped),
                "previews_in_mlflow": dg.MetadataValue.url(mlflow.run_url(s, run_id))}
    if len(keys) == 1:
        metadata["preview"] = dg.MetadataValue.path(str(out / "previews" / f"{keys[0]}.png"))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset_check(asset=saliency_pseudo_labels,
                description="Each video of the run has maps, and they are not one constant value.")
def pseudo_labels_not_flat(context: dg.AssetCheckExecutionContext,
                           settings: SettingsResource) -> dg.AssetCheckResult:
    folder = settings.load().dataset_dir("pseudo")
    keys = _run_partition_keys(context) or sorted(p.stem for p in folder.glob("[!.]*.npz"))  # not temporaries
    problems, flat_frames = {}, 0
    for key in keys:
        if not (folder / f"{key}.npz").is_file():
            problems[key] = "no maps file"
            continue
        with np.load(folder / f"{key}.npz") as npz:
            maps = npz["maps"]
        if maps.size == 0:
            problems[key] = "no maps"
            continue
        frame_range = np.ptp(maps.reshape(len(maps), -1), axis=1)
        flat_frames += int((frame_range == 0).sum())
        if not frame_range.any():
            problems[key] = f"all {len(maps)} maps are constant"
    return dg.AssetCheckResult(passed=bool(keys) and not problems, metadata={
        "videos_checked": len(keys), "constant_frames": flat_frames, "problems": dg.MetadataValue.json(problems)})


def _run_partition_keys(context: dg.AssetCheckExecutionContext) -> list[str]:
    """The video partitions this run materializes (none when the check runs on its own)."""
    if context.has_partition_key:
        return [context.partition_key]
    start, end = context.run.tags.get(RANGE_START), context.run.tags.get(RANGE_END)
    if start and end:
        keys = context.instance.get_dynamic_partitions(videos.name)
        return keys[keys.index(start): keys.index(end) + 1]
    return []
