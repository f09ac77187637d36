"""Registration: a trained checkpoint becomes a complete, tagged model version; the gate may promote it.

    result = register_model(settings, train_result, evaluation)
    result.version, result.decision.promoted, result.decision.reason

Steps, in an order that never leaves an alias on an unfinished version:
1. log the pyfunc model into the training run;
2. create the version with its tags (evaluation metrics, evaluation set, data version, git
   commit, training run); wait until it is READY;
3. load the version back from the registry and score its input example;
4. the gate compares challenger and champion on the same evaluation set (same split, same
   data version, same evaluation code). The champion's recorded metrics are used when its
   evaluation set matches; otherwise the champion is evaluated again on the challenger's set.
   The decision and both metric sets become version tags;
5. alias ``challenger``, and ``champion`` too when the gate promoted it.
Steps 4-5 hold a lock beside a SQLite store, so that concurrent registrations take turns
at the gate (a tracking server has no such lock: register one model at a time there).
A failure in steps 3-4 deletes the version before the error is raised.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pld_core.config import Settings
from pld_core.errors import ModelError, RegistryError
from pld_core.registry.gate import GateDecision, decide
from pld_core.registry.resolve import CHALLENGER, CHAMPION, registered_model
from pld_core.tracking import configure, first_line, git_commit, registry_lock

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities.model_registry import ModelVersion

    from pld_core.train.result import TrainResult

log = logging.getLogger(__name__)

EVALUATION_CODE = ("pld_core.evaluate", "pld_core.infer")  # "the same code" of the gate
METRIC_TAG = "metric."
CHAMPION_METRIC_TAG = "gate.champion_metric."


@dataclass(frozen=True)
class EvaluationSet:
    """What makes two evaluations comparable."""

    split: str
    data_version: str
    code_version: str

    def tags(self) -> dict[str, str]:
        return {"eval.split": self.split, "eval.data_version": self.data_version,
                "eval.code_version": self.code_version}

    @classmethod
    def from_tags(cls, tags: dict[str, str]) -> "EvaluationSet | None":
        try:
            return cls(tags["eval.split"], tags["eval.data_version"], tags["eval.code_version"])
        except KeyError:
            return None


@dataclass(frozen=True)
class RegistrationResult:
    """The new version, the gate's decision, and the aliases as the registry now has them."""

    model_name: str
    version: str
    model_uri: str
    run_id: str
    decision: GateDecision
    challenger_metrics: dict[str, float]
    champion_metrics: dict[str, float] | None
    evaluation_set: EvaluationSet
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def promoted(self) -> bool:
        return self.decision.promoted

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def register_model(settings: Settings, train_result: "TrainResult | dict", evaluation: dict, *,
                   dataset_dir: Path | None = None, labels_dir: Path | None = None) -> RegistrationResult:
    """Register the trained model as a new version, alias it ``challenger``, run the promotion gate.

    ``train_result`` is a ``pld_core.train.TrainResult`` or its ``train_result.json`` dict;
    ``evaluation`` is the ``evaluation.json`` dict of that model. ``dataset_dir`` and
    ``labels_dir`` (default: the configured dataset's) are where the champion is evaluated
    again when its recorded evaluation set differs from the challenger's.
    """
    import mlflow

    from pld_core.registry.packaging import log_pld_model

    checkpoint, run_id = _train_fields(train_result)
    metrics = evaluation_metrics(evaluation, settings.registry.primary_metric)
    dataset_dir = dataset_dir or settings.dataset_dir("ingested")
    labels_dir = labels_dir or settings.dataset_dir("labels")
    configure(settings)
    client = mlflow.MlflowClient()
    run = _training_run(client, run_id)
    eval_set = EvaluationSet(str(evaluation["split"]), _evaluation_data_version(evaluation, dataset_dir),
                             source_version(EVALUATION_CODE))
    name = settings.registry.model_name

    log.info("logging the pyfunc model into run %s", run_id)
    info = log_pld_model(settings, checkpoint, run_id)
    tags = {"train_run_id": run_id, "git_commit": run.data.tags.get("git_commit", git_commit(settings.root)),
            "data_version": run.data.tags.get("data_version", eval_set.data_version),
            "checkpoint": checkpoint.name, **eval_set.tags(),
            **{f"{METRIC_TAG}{k}": repr(v) for k, v in metrics.items()}}
    version = _create_version(client, name, info.model_uri, tags)
    with _deleted_on_error(client, version):
        _verify(version)
    with registry_lock(settings):  # two registrations at once must not both beat the same champion
        with _deleted_on_error(client, version):
            champion = _alias_version(client, settings, name, CHAMPION)
            champion_metrics = None if champion is None else _champion_metrics(
                settings, champion, eval_set, dataset_dir, labels_dir)
            decision = decide(metrics, champion_metrics, None if champion is None else str(champion.version),
                              settings.registry)
            for key, value in {**decision.tags(), **{f"{CHAMPION_METRIC_TAG}{k}": repr(v)
                                                     for k, v in (champion_metrics or {}).items()}}.items():
                client.set_model_version_tag(name, version.version, key, value)
        client.set_registered_model_alias(name, CHALLENGER, version.version)
        if decision.promoted:
            client.set_registered_model_alias(name, CHAMPION, version.version)
    log.info("%s v%s: %s (%s)", name, version.version, "promoted" if decision.promoted else "challenger",
             decision.reason)
    aliases = {a: str(v) for a, v in registered_model(client, settings, name).aliases.items()}
    return RegistrationResult(name, str(version.version), f"models:/{name}/{version.version}", run_id, decision,
                              metrics, champion_metrics, eval_set, aliases)


def evaluation_metrics(evaluation: dict, primary: str) -> dict[str, float]:
    """The numeric ``metrics`` of an evaluation.json dict; RegistryError when the gate's metric is absent."""
    if not isinstance(evaluation, dict) or not isinstance(evaluation.get("metrics"), dict) or "split" not in evaluation:
        raise RegistryError("evaluation: expected an evaluation.json object with 'split' and 'metrics'")
    metrics = {k: float(v) for k, v in evaluation["metrics"].items() if isinstance(v, (int, float))}
    if primary not in metrics:
        raise RegistryError(f"evaluation: metrics has no {primary!r} (registry.primary_metric); "
                            f"it has {', '.join(sorted(metrics)) or 'none'}")
    return metrics


def source_version(modules: tuple[str, ...]) -> str:
    """A short hash of the source files of ``modules`` (a package counts all its .py files)."""
    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None:
            raise RegistryError(f"{name}: module not found, so the evaluation code cannot be versioned")
        folders = spec.submodule_search_locations  # a package: all its files
        files = sorted(f for d in folders for f in Path(d).rglob("*.py")) if folders else [Path(spec.origin)]
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _train_fields(train_result: "TrainResult | dict") -> tuple[Path, str]:
    from pld_core.train.result import TrainResult

    result = train_result if isinstance(train_result, TrainResult) else TrainResult.from_dict(train_result)
    if not result.checkpoint.is_file():
        raise ModelError(f"{result.checkpoint}: checkpoint not found (train a model first: pld train)")
    return result.checkpoint, result.run_id


def _training_run(client: "MlflowClient", run_id: str):
    try:
        return client.get_run(run_id)
    except Exception as exc:  # MlflowException RESOURCE_DOES_NOT_EXIST
        raise RegistryError(f"training run {run_id}: not found in the tracking store ({first_line(exc)})") from None


def _evaluation_data_version(evaluation: dict, dataset_dir: Path) -> str:
    if evaluation.get("data_version"):
        return str(evaluation["data_version"])
    if not (dataset_dir / "videos.parquet").is_file():
        raise RegistryError(f"{dataset_dir}: no ingested dataset to version the evaluation set with")
    from pld_core.data import data_version

    return data_version(dataset_dir)


def _create_version(client: "MlflowClient", name: str, model_uri: str, tags: dict[str, str]) -> "ModelVersion":
    import mlflow

    try:
        version = mlflow.register_model(model_uri, name, tags=tags)
    except Exception as exc:
        raise RegistryError(f"registering {model_uri} as {name}: {first_line(exc)}") from None
    if version.status != "READY":
        _delete_version(client, version)
        raise RegistryError(f"{name} v{version.version}: registration ended {version.status} "
                            f"({version.status_message or 'no message'})")
    return version


def _verify(version: "ModelVersion") -> None:
    """Load the version back from the registry and score its input example."""
    import mlflow

    from pld_core.registry.packaging import example_input

    uri = f"models:/{version.name}/{version.version}"
    try:
        scores = mlflow.pyfunc.load_model(uri).predict(example_input())
    except Exception as exc:  # whatever fails here, the version is not servable
        raise ModelError(f"{uri}: cannot load and score its input example ({first_line(exc)})") from None
    if len(scores) != 1 or not len(scores["frame_scores"].iloc[0]):
        raise ModelError(f"{uri}: its input example produced no scores")


@contextlib.contextmanager
def _deleted_on_error(client: "MlflowClient", version: "ModelVersion") -> Iterator[None]:
    """Delete ``version`` when the block fails, so no incomplete version stays registered."""
    try:
        yield
    except BaseException:
        _delete_version(client, version)
        raise


def _delete_version(client: "MlflowClient", version: "ModelVersion") -> None:
    try:
        client.delete_model_version(version.name, version.version)
    except Exception as exc:  # the original error matters more; say that cleanup failed too
        log.error("could not delete incomplete %s v%s: %s", version.name, version.version, first_line(exc))


def _alias_version(client: "MlflowClient", settings: Settings, name: str, alias: str) -> "ModelVersion | None":
    aliases = registered_model(client, settings, name).aliases
    return client.get_model_version(name, aliases[alias]) if alias in aliases else None


def _champion_metrics(settings: Settings, champion: "ModelVersion", eval_set: EvaluationSet,
                      dataset_dir: Path, labels_dir: Path) -> dict[str, float]:
    """The champion's metrics on ``eval_set``: its recorded ones when they match, else a fresh evaluation."""
    recorded = {k.removeprefix(METRIC_TAG): float(v) for k, v in champion.tags.items() if k.startswith(METRIC_TAG)}
    if EvaluationSet.from_tags(champion.tags) == eval_set and settings.registry.primary_metric in recorded:
        return recorded
    from pld_core.evaluate import evaluate_model

    uri = f"models:/{champion.name}/{champion.version}"
    log.info("champion v%s was evaluated on another set: evaluating it on split %s", champion.version, eval_set.split)
    with tempfile.TemporaryDirectory(prefix="pld-champion-eval-") as tmp:
        result = evaluate_model(settings.with_overrides({"evaluate.split": eval_set.split}), uri, dataset_dir,
                                labels_dir, Path(tmp) / "evaluation.json")
    return evaluation_metrics(result, settings.registry.primary_metric)
