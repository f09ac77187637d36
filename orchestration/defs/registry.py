"""Registration in the MLflow model registry: a new version, alias challenger, the promotion gate."""
import dagster as dg

from orchestration.defs.evaluation import EVALUATION_FILE
from orchestration.metadata import scalar_metadata
from orchestration.resources import DvcResource, MlflowResource, SettingsResource
from pld_core.atomic import write_json
from pld_core.data.sources import read_json

REGISTRATION_FILE = "registration.json"


@dg.asset(deps=["benchmark_evaluation"], group_name="model", kinds={"mlflow"},
          automation_condition=dg.AutomationCondition.eager())
def registered_model(settings: SettingsResource, mlflow: MlflowResource, dvc: DvcResource) -> dg.MaterializeResult:
    """Register the trained model and let the gate decide whether it becomes champion (pld_core.registry)."""
    from pld_core.registry import register_model
    from pld_core.train.result import TrainResult

    s = settings.load()
    train_result = TrainResult.read(s.dataset_dir("models"))
    evaluation = read_json(s.dataset_dir("reports") / EVALUATION_FILE, "evaluation report")
    registration = register_model(s, train_result, evaluation)
    write_json(s.dataset_dir("reports") / REGISTRATION_FILE, registration.to_dict())  # as `pld register` does
    return dg.MaterializeResult(metadata={
        **scalar_metadata(registration),
        "dvc": dvc.commit(s, "register"),
        "promoted": registration.promoted,
        "model_version_page": dg.MetadataValue.url(mlflow.model_version_url(registration.model_name,
                                                                           registration.version)),
    })
