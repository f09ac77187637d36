"""Per-video partitions: one key per video id, added by ``raw_videos`` and the inbox sensor."""
import dagster as dg

videos = dg.DynamicPartitionsDefinition(name="videos")

# Run tags that make one run cover a range of partitions (single-run backfills, the demo, relabeling).
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
