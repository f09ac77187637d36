"""Benchmark evaluation of the trained model, and the gate it must pass to be registered."""
import dagster as dg

from orchestration.metadata import markdown_table
from orchestration.resources import DvcResource, MlflowResource, SettingsResource
from pld_core.data.sources import read_json

EVALUATION_FILE = "evaluation.json"


@dg.asset(deps=["trained_model"], group_name="model", kinds={"pandas"},
          automation_condition=dg.AutomationCondition.eager())
def benchmark_evaluation(settings: SettingsResource, mlflow: MlflowResource,
                         dvc: DvcResource) -> dg.MaterializeResult:
    """The trained checkpoint against the held-out split and chance baselines (pld_core.evaluate).

    pld_core.evaluate logs the report as an MLflow run of the experiment (tagged with this run's id).
    """
    from pld_core.evaluate import evaluate_model
    from pld_core.train.result import TrainResult

    s = settings.load()
    checkpoint = TrainResult.read(s.dataset_dir("models")).checkpoint
    out = s.dataset_dir("reports") / EVALUATION_FILE
    evaluation = evaluate_model(s, checkpoint, s.dataset_dir("ingested"), s.dataset_dir("labels"), out)
    primary = s.registry.primary_metric
    return dg.MaterializeResult(metadata={
        primary: float(evaluation["metrics"][primary]),
        "split": evaluation["split"],
        "videos": len(evaluation["per_video"]),
        "metrics_vs_baselines": markdown_table(_metric_rows(evaluation)),
        "report": dg.MetadataValue.path(str(out)),
        "plot": dg.MetadataValue.path(str(out.with_suffix(".png"))),
        "dvc": dvc.commit(s, "evaluate"),
        "mlflow_experiment": dg.MetadataValue.url(mlflow.experiment_url(s)),
    })


@dg.asset_check(asset=benchmark_evaluation, blocking=True,
                description="The primary metric beats the random baseline; registration waits on this.")
def evaluation_above_chance(settings: SettingsResource) -> dg.AssetCheckResult:
    s = settings.load()
    evaluation = read_json(s.dataset_dir("reports") / EVALUATION_FILE, "evaluation report")
    primary = s.registry.primary_metric
    model, chance = float(evaluation["metrics"][primary]), float(evaluation["baselines"]["random"][primary])
    return dg.AssetCheckResult(passed=model > chance, metadata={
        "metric": primary, "model": model, "random_baseline": chance, "margin": model - chance})


def _metric_rows(evaluation: dict) -> list[dict]:
    """One row per metric: the model next to each baseline."""
    baselines = evaluation["baselines"]
    return [{"metric": name, "model": value, **{b: baselines[b].get(name) for b in baselines}}
            for name, value in evaluation["metrics"].items()]
