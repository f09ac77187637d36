"""The code location a Kubernetes cluster runs (deploy/k8s/): every definition of
``orchestration.definitions``, each step as a Kubernetes job (``k8s_job_executor``), and
``trained_model`` trained through Dagster Pipes on a GPU pod under torchrun.

    dagster api grpc -m orchestration.k8s -a defs -p 3030      (the Helm chart's user code deployment)

The pod's settings come from the environment (deploy/k8s/dagster-values.yaml sets them):
``PLD_IMAGE`` (the pld image), ``PLD_TRAIN_GPUS`` (GPUs per training pod, default 1),
``PLD_DATA_CLAIM`` (the ReadWriteMany claim every pod mounts at ``/data``) and
``PLD_ENV_SECRET`` (the Secret with the MLflow URL and store credentials).
"""
from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from orchestration.pipes_training import K8sTraining, pipes_trained_model


@dg.definitions
def defs() -> dg.Definitions:
    from dagster_k8s import k8s_job_executor

    base = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    assets = [a for a in base.assets or [] if not (isinstance(a, dg.AssetsDefinition)
                                                   and pipes_trained_model.key in a.keys)]
    trainer = K8sTraining(image=dg.EnvVar("PLD_IMAGE"), nproc=int(os.environ.get("PLD_TRAIN_GPUS", "1")),
                          data_claim=os.environ.get("PLD_DATA_CLAIM"), env_secret=os.environ.get("PLD_ENV_SECRET"))
    return dg.Definitions(assets=[*assets, pipes_trained_model], asset_checks=base.asset_checks, jobs=base.jobs,
                          schedules=base.schedules, sensors=base.sensors,
                          resources={**(base.resources or {}), "trainer": trainer}, executor=k8s_job_executor)
