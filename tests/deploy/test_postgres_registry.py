"""The team profile's MLflow: a database store on PostgreSQL with artifacts under $PLD_ARTIFACT_ROOT.
Training, evaluation, registration and the promotion gate run unchanged; the champion is read back."""
from pathlib import Path

import pytest

from pld_core.evaluate import evaluate_model
from pld_core.registry import register_model
from pld_core.registry.resolve import champion_uri, download_checkpoint
from pld_core.tracking import ARTIFACT_ENV, TRACKING_ENV, client, tracking_uri
from pld_core.train import train_model


def test_training_and_registration_write_to_postgres_and_the_champion_reads_back(staged_settings, pg_url, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setenv(TRACKING_ENV, pg_url)
    monkeypatch.setenv(ARTIFACT_ENV, str(tmp_path / "shared_artifacts"))
    s = staged_settings.with_overrides({"registry.min_primary_metric": -1.0})  # the gate promotes a first model
    assert tracking_uri(s) == pg_url

    ingested, labels = s.dataset_dir("ingested"), s.dataset_dir("labels")
    trained = train_model(s, ingested, labels, s.dataset_dir("pseudo"), tmp_path / "model")
    report = evaluate_model(s, trained.checkpoint, ingested, labels, tmp_path / "evaluation.json")
    registered = register_model(s, trained, report, dataset_dir=ingested, labels_dir=labels)
    assert registered.promoted and registered.aliases == {"champion": "1", "challenger": "1"}

    store = client(s)
    run = store.get_run(trained.run_id)
    assert run.info.status == "FINISHED" and "final_val_spearman" in run.data.metrics
    assert run.info.artifact_uri.startswith((tmp_path / "shared_artifacts").as_uri())
    champion = store.get_model_version_by_alias(s.registry.model_name, "champion")
    assert champion.run_id == trained.run_id and champion.tags["gate.decision"] == "promoted"

    # Through the store alone (an empty cache, as on another host), the champion is the trained checkpoint.
    checkpoint = download_checkpoint(champion_uri(s), s.with_overrides({"paths.cache": str(tmp_path / "elsewhere")}))
    assert checkpoint.read_bytes() == Path(trained.checkpoint).read_bytes()


def test_a_database_store_keeps_artifacts_under_the_artifact_root(settings, tmp_path, monkeypatch):
    from pld_core.errors import RegistryError
    from pld_core.tracking import artifact_location

    monkeypatch.delenv(ARTIFACT_ENV, raising=False)
    monkeypatch.setenv(TRACKING_ENV, "postgresql+psycopg://mlflow:secret@db.example:5432/mlflow")
    with pytest.raises(RegistryError, match=rf"mlflow:\*\*\*@db.example.*\${ARTIFACT_ENV}") as refused:
        artifact_location(settings)
    assert "secret" not in str(refused.value)
    monkeypatch.setenv(ARTIFACT_ENV, str(tmp_path / "shared"))
    assert artifact_location(settings) == f"{(tmp_path / 'shared').as_uri()}/{settings.registry.experiment}"
    monkeypatch.setenv(ARTIFACT_ENV, "s3://pld-mlflow/artifacts/")
    assert artifact_location(settings) == f"s3://pld-mlflow/artifacts/{settings.registry.experiment}"
    monkeypatch.delenv(ARTIFACT_ENV)
    monkeypatch.setenv(TRACKING_ENV, "http://mlflow.example:5000")
    assert artifact_location(settings) is None                  # a server chooses (--artifacts-destination)
