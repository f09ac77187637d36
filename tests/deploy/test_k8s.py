"""The Kubernetes configuration, checked as far as a machine without a cluster allows: the
cluster's code location loads, and every Kubernetes object that it and deploy/k8s/ describe
parses as one (the kubernetes client's models, through dagster-k8s)."""
import importlib

import kubernetes
import pytest
import yaml
from dagster_k8s.models import k8s_model_from_dict, k8s_snake_case_dict
from dagster_k8s.pipes import build_pod_body

from orchestration.pipes_training import K8sTraining
from tests.conftest import REPO

K8S = REPO / "deploy" / "k8s"
models = kubernetes.client


def k8s_object(model, data: dict):
    return k8s_model_from_dict(model, k8s_snake_case_dict(model, data))


def test_cluster_code_location_runs_steps_as_jobs_and_trains_on_gpu_pods(monkeypatch):
    from orchestration.definitions import defs as local_defs
    from orchestration.k8s import defs

    monkeypatch.setenv("PLD_IMAGE", "registry.example/pld:test")
    monkeypatch.setenv("PLD_TRAIN_GPUS", "4")
    monkeypatch.setenv("PLD_DATA_CLAIM", "pld-data")
    cluster, local = defs(), local_defs()
    repo = cluster.get_repository_def()
    assert {job.executor_def.name for job in repo.get_all_jobs()} == {"k8s"}
    assert repo.asset_graph.get_all_asset_keys() == local.get_repository_def().asset_graph.get_all_asset_keys()
    assert "trainer" in cluster.resolve_assets_def("trained_model").required_resource_keys
    trainer = cluster.resources["trainer"]
    assert isinstance(trainer, K8sTraining) and trainer.nproc == 4 and trainer.data_claim == "pld-data"


def test_training_pod_asks_for_the_gpus_and_runs_torchrun_on_the_entry_point():
    trainer = K8sTraining(image="registry.example/pld:test", nproc=2, data_claim="pld-data", env_secret="pld-env")
    pod = build_pod_body("pld-train", trainer.image, trainer.command(), {"DAGSTER_PIPES_CONTEXT": "{}"}, None,
                         trainer.pod_spec())
    [container] = pod.spec.containers
    assert container.command == ["torchrun", "--standalone", "--nproc-per-node=2", "/opt/pld/deploy/pipes_train.py"]
    assert container.resources.limits == {"nvidia.com/gpu": "2"} and container.image == trainer.image
    assert {m.mount_path for m in container.volume_mounts} == {"/dev/shm", "/data"}
    assert {v.persistent_volume_claim.claim_name for v in pod.spec.volumes if v.persistent_volume_claim} == {"pld-data"}
    assert container.env_from[0].secret_ref.name == "pld-env"
    assert pod.spec.restart_policy == "Never" and pod.spec.tolerations[0].key == "nvidia.com/gpu"


def test_mlflow_server_manifests_are_kubernetes_objects():
    deployment, service = yaml.safe_load_all((K8S / "mlflow.yaml").read_text())
    server = k8s_object(models.V1Deployment, deployment).spec.template.spec.containers[0]
    assert server.command[:2] == ["mlflow", "server"]
    store = server.command[server.command.index("--backend-store-uri") + 1]
    assert store == "$(MLFLOW_BACKEND_STORE_URI)" and "MLFLOW_BACKEND_STORE_URI" in {e.name for e in server.env}
    assert server.command[server.command.index("--artifacts-destination") + 1].startswith("s3://")
    assert k8s_object(models.V1Service, service).spec.ports[0].target_port == 5000


def test_helm_values_point_at_the_cluster_code_location_with_valid_pod_fragments():
    values = yaml.safe_load((K8S / "dagster-values.yaml").read_text())
    assert values["runLauncher"]["type"] == "K8sRunLauncher" and values["postgresql"]["enabled"] is False
    [deployment] = values["dagster-user-deployments"]["deployments"]
    args = deployment["dagsterApiGrpcArgs"]
    module = importlib.import_module(args[args.index("-m") + 1])
    assert hasattr(module, args[args.index("-a") + 1])
    env = {e["name"]: e["value"] for e in deployment["env"]}
    assert {"PLD_IMAGE", "PLD_TRAIN_GPUS", "PLD_DATA_CLAIM", "PLD_ENV_SECRET", "PLD_PARAMS"} <= set(env)
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    for fragment in (deployment, launcher):
        for volume in fragment["volumes"]:
            k8s_object(models.V1Volume, volume)
        for mount in fragment["volumeMounts"]:
            k8s_object(models.V1VolumeMount, mount)
    k8s_object(models.V1ResourceRequirements, deployment["resources"])
    k8s_object(models.V1Container, {"name": "run", **launcher["runK8sConfig"]["containerConfig"]})
    k8s_object(models.V1JobSpec, {"template": {}, **launcher["runK8sConfig"]["jobSpecConfig"]})


def test_a_misspelt_field_is_caught():
    with pytest.raises(Exception, match="persistentVolumeClam"):
        k8s_object(models.V1Volume, {"name": "data", "persistentVolumeClam": {"claimName": "x"}})
