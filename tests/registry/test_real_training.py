"""Two real trainings on the demo data, evaluated and sent through the gate; then a champion re-evaluated."""
import mlflow

from pld_core.evaluate import evaluate_model
from pld_core.registry import register_model
from pld_core.tracking import tracking_uri
from pld_core.train import train_model

SHORT = {"train.epochs": 1, "train.batch_size": 4, "evaluate.random_trials": 2}


def test_trainings_on_the_demo_pass_through_the_gate(reg_settings, demo_stages, tmp_path):
    settings = reg_settings.with_overrides(SHORT)
    stages = (demo_stages["ingested"], demo_stages["labels"])
    registered, trainings = [], []
    for seed in (0, 1):
        seeded = settings.with_overrides({"train.seed": seed})
        trained = train_model(seeded, *stages, demo_stages["pseudo"], tmp_path / f"model{seed}")
        trainings.append(trained)
        report = evaluate_model(seeded, trained.checkpoint, *stages, tmp_path / f"eval{seed}" / "evaluation.json")
        registered.append(register_model(seeded, trained, report, dataset_dir=stages[0], labels_dir=stages[1]))
    first, second = registered
    assert first.promoted
    assert second.champion_metrics == first.challenger_metrics  # same evaluation set: recorded metrics reused
    gate = settings.registry
    ours, theirs = second.challenger_metrics["spearman"], first.challenger_metrics["spearman"]
    assert second.promoted == (ours > theirs + gate.promotion_margin and ours >= gate.min_primary_metric)
    client = mlflow.MlflowClient(tracking_uri(settings))
    aliases = {alias: str(v) for alias, v in client.get_registered_model(gate.model_name).aliases.items()}
    assert aliases == {"challenger": "2", "champion": "2" if second.promoted else "1"}
    assert client.get_model_version(gate.model_name, "2").tags["data_version"] == second.evaluation_set.data_version

    # Evaluated on another split, a challenger (the first model again) is compared with the champion
    # evaluated again on that split.
    val = settings.with_overrides({"evaluate.split": "val"})
    report = evaluate_model(val, trainings[0].checkpoint, *stages, tmp_path / "eval_val" / "evaluation.json")
    third = register_model(val, trainings[0], report, dataset_dir=stages[0], labels_dir=stages[1])
    champion = aliases["champion"]
    again = evaluate_model(val, f"models:/{gate.model_name}/{champion}", *stages, tmp_path / "again.json")
    assert third.decision.champion_version == champion
    assert third.champion_metrics["spearman"] == again["metrics"]["spearman"]
    tags = client.get_model_version(gate.model_name, third.version).tags
    assert tags["eval.split"] == "val" and float(tags["gate.champion_metric.spearman"]) == again["metrics"]["spearman"]
