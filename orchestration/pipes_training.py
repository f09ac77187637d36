"""``trained_model`` through Dagster Pipes: training as an external process the asset waits on.

The process is ``deploy/pipes_train.py`` under torchrun. ``K8sTraining`` runs it as a GPU pod
(dagster-k8s' ``PipesK8sClient``; the cluster's code location, ``orchestration.k8s``, uses it);
``SubprocessTraining`` runs the same entry point on this host (``PipesSubprocessClient``).
The asset code is the same for both: swap the launcher resource, not the asset.
"""

import sys
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from orchestration.resources import GPU_POOL, DvcResource, MlflowResource, SettingsResource
from pld_core.config import default_params_path

ENTRY_POINT = Path(__file__).resolve().parent.parent / "deploy" / "pipes_train.py"


class TrainingLauncher(dg.ConfigurableResource, ABC):
    """Starts ``deploy/pipes_train.py`` with ``nproc`` training processes and waits for it."""

    nproc: int = Field(default=1, ge=1, description="training processes (torchrun --nproc-per-node), one per GPU")

    @abstractmethod
    def launch(self, context: dg.AssetExecutionContext, extras: dict[str, Any]) -> dg.PipesClientCompletedInvocation:
        """Run the entry point with the Pipes context and ``extras``; raises when it fails."""


class SubprocessTraining(TrainingLauncher):
    """The entry point as a local process (torchrun when ``nproc`` > 1), on this host's devices."""

    script: str = Field(default=str(ENTRY_POINT), description="path of deploy/pipes_train.py")

    def launch(self, context: dg.AssetExecutionContext, extras: dict[str, Any]) -> dg.PipesClientCompletedInvocation:
        torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={self.nproc}"]
        command = [*(torchrun if self.nproc > 1 else [sys.executable]), self.script]
        return dg.PipesSubprocessClient().run(context=context, command=command, extras=extras)


class K8sTraining(TrainingLauncher):
    """The entry point as a Kubernetes pod with ``nproc`` GPUs, under torchrun."""

    image: str = Field(description="the pld image (deploy/k8s/Dockerfile), e.g. registry.example/pld:1.0")
    namespace: str | None = Field(default=None, description="default: the namespace Dagster runs in")
    script: str = Field(default="/opt/pld/deploy/pipes_train.py", description="entry point's path in the image")
    gpu_resource: str = "nvidia.com/gpu"
    data_claim: str | None = Field(default=None, description="PersistentVolumeClaim (ReadWriteMany) of pld's files")
    data_mount: str = Field(default="/data", description="where every pld pod mounts that claim")
    env_secret: str | None = Field(default=None, description="Secret with MLFLOW_TRACKING_URI and store credentials")
    shm_gb: int = Field(default=8, ge=1, description="size of /dev/shm (DataLoader workers, NCCL)")

    def command(self) -> list[str]:
        return ["torchrun", "--standalone", f"--nproc-per-node={self.nproc}", self.script]

    def pod_spec(self) -> dict[str, Any]:
        """The GPU pod's spec, before dagster-k8s adds the image, command and Pipes variables."""
        container: dict[str, Any] = {
            "resources": {"limits": {self.gpu_resource: str(self.nproc)}},
            "volumeMounts": [{"name": "shm", "mountPath": "/dev/shm"}],
        }
        volumes: list[dict[str, Any]] = [{"name": "shm", "emptyDir": {"medium": "Memory",
                                                                        "sizeLimit": f"{self.shm_gb}Gi"}}]
        if self.data_claim:
            container["volumeMounts"].append({"name": "data", "mountPath": self.data_mount})
            volumes.append({"name": "data", "persistentVolumeClaim": {"claimName": self.data_claim}})
        if self.env_secret:
            container["envFrom"] = [{"secretRef": {"name": self.env_secret}}]
        return {"containers": [container], "volumes": volumes,
                "tolerations": [{"key": self.gpu_resource, "operator": "Exists", "effect": "NoSchedule"}]}

    def launch(self, context: dg.AssetExecutionContext, extras: dict[str, Any]) -> dg.PipesClientCompletedInvocation:
        from dagster_k8s import PipesK8sClient

        return PipesK8sClient().run(context=context, extras=extras, image=self.image, namespace=self.namespace,
                                    command=self.command(), base_pod_spec=self.pod_spec())


@dg.asset(name="trained_model", deps=["consensus_labels", "saliency_pseudo_labels"], pool=GPU_POOL,
          group_name="model", kinds={"pytorch", "mlflow"}, automation_condition=dg.AutomationCondition.eager())
def pipes_trained_model(context: dg.AssetExecutionContext, settings: SettingsResource, trainer: TrainingLauncher,
                        mlflow: MlflowResource, dvc: DvcResource) -> dg.MaterializeResult:
    """Train PLD in an external process (a GPU pod under torchrun on a cluster) through Dagster Pipes."""
    params = Path(settings.params_path or default_params_path()).resolve()
    reported = trainer.launch(context, {"params_path": str(params), "overrides": list(settings.overrides)})
    result = reported.get_materialize_result()
    s = settings.load()
    run_id = str(result.metadata["mlflow_run_id"].value)
    return dg.MaterializeResult(metadata={
        **result.metadata,
        "mlflow_run": dg.MetadataValue.url(mlflow.run_url(s, run_id)),
        "dvc": dvc.commit(s, "train"),
    })
