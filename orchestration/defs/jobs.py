"""Jobs and schedules: the whole pipeline, one video's work, relabeling, and weekly retraining."""
import dagster as dg

from orchestration.partitions import videos

INGESTION = dg.AssetSelection.assets("raw_videos", "ingested_dataset")

full_pipeline = dg.define_asset_job(
    "full_pipeline", selection=dg.AssetSelection.all(),
    description="Everything, from the raw videos to the ad clips (run it over all video partitions).")

retrain = dg.define_asset_job(
    "retrain", selection=dg.AssetSelection.assets("trained_model", "benchmark_evaluation", "registered_model"),
    description="Train on the current labels, evaluate, register; the gate decides on champion.")

video_pipeline = dg.define_asset_job(
    "video_pipeline", partitions_def=videos,
    selection=INGESTION | dg.AssetSelection.assets("saliency_pseudo_labels"),
    description="One new video: land it, ingest it, compute its saliency pseudo-labels.")

relabel = dg.define_asset_job(
    "relabel", partitions_def=videos,
    selection=INGESTION | dg.AssetSelection.assets("saliency_pseudo_labels", "consensus_labels"),
    description="New annotation files: land them, re-ingest, rebuild the consensus labels.")

weekly_retrain = dg.ScheduleDefinition(
    name="weekly_retrain", job=retrain, cron_schedule="0 3 * * 1", default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Mondays 03:00: retrain on whatever data is current (new labels also retrain at once).")
