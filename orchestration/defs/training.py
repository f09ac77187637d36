"""The trained PLD model: one MLflow run per materialization, under the GPU pool."""
import dagster as dg

from orchestration.metadata import scalar_metadata
from orchestration.resources import (GPU_POOL, GPU_TAGS, ComputeResource, DvcResource, MlflowResource,
                                     SettingsResource)


@dg.asset(deps=["consensus_labels", "saliency_pseudo_labels"], pool=GPU_POOL, op_tags=GPU_TAGS,
          group_name="model", kinds={"pytorch", "mlflow"}, automation_condition=dg.AutomationCondition.eager())
def trained_model(settings: SettingsResource, compute: ComputeResource, mlflow: MlflowResource,
                  dvc: DvcResource) -> dg.MaterializeResult:
    """Train PLD on the consensus labels and pixel targets (pld_core.train); CUDA when present.

    Retrains by itself (automation condition) once new labels or pseudo-labels land.
    """
    from pld_core.train import train_model

    params = settings.load()
    s = compute.training_settings(params)
    result = train_model(s, s.dataset_dir("ingested"), s.dataset_dir("labels"), s.dataset_dir("pseudo"),
                         s.dataset_dir("models"))
    return dg.MaterializeResult(metadata={
        **scalar_metadata(result.metrics, prefix="metrics."),
        "checkpoint": dg.MetadataValue.path(str(result.checkpoint)),
        "device": result.device,
        "mlflow_run_id": result.run_id,
        "mlflow_run": dg.MetadataValue.url(mlflow.run_url(s, result.run_id)),
        "dvc": dvc.commit(params, "train"),
    })
