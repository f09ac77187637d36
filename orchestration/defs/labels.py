"""Consensus labels from several raters, and how far the raters agree."""
import dagster as dg

from orchestration.metadata import markdown_table, scalar_metadata
from orchestration.resources import DvcResource, SettingsResource
from pld_core.data.sources import read_json

AGREEMENT_FILE = "agreement.json"


@dg.asset(deps=["ingested_dataset"], group_name="labels", kinds={"pandas"})
def consensus_labels(settings: SettingsResource, dvc: DvcResource) -> dg.MaterializeResult:
    """Frame and clip targets (consensus in [0, 1], binary) and rater reliability (pld_core.labels)."""
    from pld_core.labels import build_labels

    s = settings.load()
    out = s.dataset_dir("labels")
    summary = build_labels(s.dataset_dir("ingested"), out, s)
    plots = {f"plot.{f.stem}": dg.MetadataValue.path(str(f)) for f in summary.files if f.suffix == ".png"}
    return dg.MaterializeResult(metadata={
        **scalar_metadata(summary), **plots, "folder": dg.MetadataValue.path(str(out)), "dvc": dvc.commit(s, "labels"),
        "flagged": dg.MetadataValue.json(summary.flagged), "unlabeled": dg.MetadataValue.json(summary.unlabeled)})


@dg.asset_check(asset=consensus_labels, description="No video's raters agree less than labels.min_agreement.")
def raters_agree(settings: SettingsResource) -> dg.AssetCheckResult:
    report = read_json(settings.load().dataset_dir("labels") / AGREEMENT_FILE, "agreement report")
    return dg.AssetCheckResult(
        passed=not report["flagged"], severity=dg.AssetCheckSeverity.WARN,
        metadata={**scalar_metadata(report["dataset"], prefix="dataset."),
                  "min_agreement": report["min_agreement"], "flagged": dg.MetadataValue.json(report["flagged"]),
                  "per_video": markdown_table(report["videos"], ["video_id", "n_raters", "kendall", "spearman",
                                                                 "krippendorff_alpha", "fleiss_kappa", "flagged"])})
