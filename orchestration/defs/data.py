"""The raw dataset and its canonical tables: one ingestion partition per video, GX checks, data version."""
from pathlib import Path

import dagster as dg

from orchestration.inbox import land_delivery
from orchestration.metadata import markdown_table, scalar_metadata
from orchestration.partitions import videos
from orchestration.resources import DvcResource, SettingsResource
from pld_core.config import Settings
from pld_core.errors import DataError

GX_SUITES = ("videos", "annotations", "raters", "splits")   # pld_core.data.validation's tables


@dg.asset(group_name="data", kinds={"video"})
def raw_videos(context: dg.AssetExecutionContext, settings: SettingsResource,
               dvc: DvcResource) -> dg.MaterializeResult:
    """The dataset's source folder: the demo generated when absent, inbox deliveries moved in.

    Registers one ``videos`` partition per readable video of the dataset; unreadable ones are
    listed under ``skipped`` (docs/operations.md).
    """
    from pld_core.data import read_dataset

    s = settings.load()
    source = s.path(s.dataset.source)
    generated = _generate_demo_if_absent(s, source)
    recorded = dvc.commit(s, "demo_data") if generated else "unchanged"
    landed = land_delivery(s.path(s.paths.inbox), source)
    dataset = read_dataset(s.dataset.format, source, s)
    ids = dataset.videos["video_id"].tolist()
    known = context.instance.get_dynamic_partitions(videos.name)
    new = [k for k in ids if k not in known]
    context.instance.add_dynamic_partitions(videos.name, new)
    return dg.MaterializeResult(metadata={
        "videos": len(ids), "new_partitions": len(new), "demo_generated": generated, "dvc": recorded,
        "partitions_without_video": dg.MetadataValue.json(sorted(set(known) - set(ids))),
        "skipped": dg.MetadataValue.json(dataset.skipped),
        "landed_from_inbox": dg.MetadataValue.json([str(p) for p in landed]),
        "source": dg.MetadataValue.path(str(source)),
    })


@dg.asset(partitions_def=videos, deps=[raw_videos], backfill_policy=dg.BackfillPolicy.single_run(),
          group_name="data", kinds={"parquet"})
def ingested_dataset(context: dg.AssetExecutionContext, settings: SettingsResource,
                     dvc: DvcResource) -> dg.MaterializeResult:
    """The canonical videos/annotations tables (pld_core.data.ingest); a partition is one video's row.

    Ingestion is incremental (videos are measured once, by checksum), so a new video costs its own work.
    A run over many videos goes on without those whose file became unreadable (``skipped``); a
    run for one such video fails naming it.
    """
    from pld_core.data import ingest, load_ingested

    s = settings.load()
    out = s.dataset_dir("ingested")
    summary = ingest(s.dataset.format, s.path(s.dataset.source), out, s)
    table = load_ingested(out).videos.set_index("video_id")
    keys = list(context.partition_keys)
    missing = {k: summary.skipped.get(k, f"not in dataset {s.dataset.name}") for k in keys if k not in table.index}
    if len(missing) == len(keys):
        raise DataError(out, "; ".join(f"video {k}: {why}" for k, why in missing.items()))
    rows = table.loc[[k for k in keys if k not in missing]].reset_index()
    return dg.MaterializeResult(
        metadata={**scalar_metadata(summary), "tables": dg.MetadataValue.path(str(out)),
                  "dvc": dvc.commit(s, "ingest"),
                  "changes": dg.MetadataValue.json({k: getattr(summary, k) for k in ("added", "updated", "removed")}),
                  "warnings": dg.MetadataValue.json(summary.warnings),
                  "skipped": dg.MetadataValue.json(summary.skipped),
                  "videos": markdown_table(rows.to_dict("records"), ["video_id", "split", "duration_s", "fps",
                                                                     "n_frames", "width", "height", "checksum"])},
        data_version=dg.DataVersion(rows["checksum"].iloc[0]) if len(keys) == 1 else None)


def _generate_demo_if_absent(s: Settings, source: Path) -> bool:
    """Write the demo dataset when the configured dataset is the demo and its folder is empty."""
    from pld_core.demo_data import make_demo_dataset

    is_demo = s.dataset.name == "demo" and s.dataset.format == "multirater"
    if not is_demo or (source / "manifest.json").exists():
        return False
    make_demo_dataset(source, s.demo, name=s.dataset.name)
    return True


@dg.multi_asset_check(specs=[dg.AssetCheckSpec(f"gx_{table}_suite", asset="ingested_dataset", blocking=True,
                                               description=f"Great Expectations suite of the {table} table")
                             for table in GX_SUITES])
def canonical_tables_valid(settings: SettingsResource):
    """One GX validation of the canonical tables; each suite is its own blocking check."""
    from pld_core.data import load_ingested
    from pld_core.data.validation import validate_dataset

    report = validate_dataset(load_ingested(settings.load().dataset_dir("ingested")))
    for table in GX_SUITES:
        results = [r for r in report.results if r.table == table]
        failed = [r for r in results if not r.success]
        yield dg.AssetCheckResult(
            check_name=f"gx_{table}_suite", asset_key="ingested_dataset", passed=bool(results) and not failed,
            metadata={"rules": len(results), "rules_failed": len(failed),
                      "results": markdown_table([{"rule": r.rule, "column": r.column, "ok": r.success,
                                                  "failed_rows": r.n_failed, "first": "; ".join(r.failing_rows[:3])}
                                                 for r in results])})
