"""Registration and the promotion gate against a real SQLite store in tmp."""
import mlflow
import pandas as pd
import pytest

from pld_core.errors import ModelError, RegistryError
from pld_core.registry import champion_uri, download_checkpoint, list_versions, register_model
from pld_core.tracking import tracking_uri
from tests.registry.conftest import evaluation


def aliases_in_registry(settings) -> dict[str, str]:
    """Read aliases straight from the store, with a client of its own."""
    uri = tracking_uri(settings)
    model = mlflow.MlflowClient(uri, uri).get_registered_model(settings.registry.model_name)
    return {alias: str(version) for alias, version in model.aliases.items()}


def test_promotion_sequence(reg_settings, make_training):
    first = register_model(reg_settings, make_training(0), evaluation(0.30))
    assert first.promoted and first.version == "1"
    assert aliases_in_registry(reg_settings) == {"champion": "1", "challenger": "1"}

    worse = register_model(reg_settings, make_training(1), evaluation(0.20))
    assert not worse.promoted and worse.champion_metrics["spearman"] == pytest.approx(0.30)
    assert aliases_in_registry(reg_settings) == {"champion": "1", "challenger": "2"}

    better = register_model(reg_settings, make_training(2), evaluation(0.45))
    assert better.promoted and better.decision.champion_version == "1"
    assert aliases_in_registry(reg_settings) == {"champion": "3", "challenger": "3"}

    rows = {row["version"]: row for row in list_versions(reg_settings)}
    assert rows["2"]["gate"] == "not_promoted" and rows["3"]["gate"] == "promoted"
    assert rows["3"]["metrics"]["spearman"] == pytest.approx(0.45)
    tags = mlflow.MlflowClient(tracking_uri(reg_settings)).get_model_version(reg_settings.registry.model_name, "3").tags
    assert tags["gate.champion_metric.spearman"] == repr(0.30)
    assert tags["train_run_id"] == better.run_id and tags["data_version"] == "data-v1"
    assert tags["eval.split"] == "test" and tags["git_commit"]


def test_champion_model_loads_and_scores_a_range(reg_settings, make_training, tiny_demo):
    register_model(reg_settings, make_training(0), evaluation(0.3))
    model = mlflow.pyfunc.load_model(champion_uri(reg_settings))
    video = tiny_demo / "videos" / "demo_000.mp4"
    out = model.predict(pd.DataFrame({"video_path": [str(video), str(video)], "start_s": [None, 2.0],
                                      "end_s": [None, 6.0]}), params={"window_s": 3.0})
    whole, part = out.iloc[0], out.iloc[1]
    assert part["start_s"] == 2.0 and part["end_s"] == 6.0 and len(part["frame_scores"]) == 32
    assert len(whole["frame_scores"]) > len(part["frame_scores"])
    assert 2.0 <= part["best_start_s"] < part["best_end_s"] <= 6.0
    assert part["best_end_s"] - part["best_start_s"] == pytest.approx(3.0)
    assert all(0.0 <= s <= 1.0 for s in whole["frame_scores"])
    assert model.metadata.signature.params.to_dict()[0]["default"] == reg_settings.creative.seconds


def test_download_checkpoint_resolves_aliases_versions_and_runs(reg_settings, make_training):
    trained = make_training(0)
    result = register_model(reg_settings, trained, evaluation(0.3))
    original = trained.checkpoint.read_bytes()
    for uri in (champion_uri(reg_settings), result.model_uri, f"runs:/{result.run_id}/pld_model"):
        path = download_checkpoint(uri, reg_settings)
        assert path.read_bytes() == original, uri
    assert download_checkpoint(result.model_uri, reg_settings) == download_checkpoint(result.model_uri, reg_settings)


def test_no_store_no_model_no_champion(settings, reg_settings, make_training):
    from tests.registry.conftest import TINY

    with pytest.raises(RegistryError, match="no such store"):
        nowhere = settings.path(settings.paths.mlruns).parent / "nowhere"
        champion_uri(settings.with_overrides({**TINY, "paths.mlruns": str(nowhere), "registry.tracking_uri": None}))
    make_training(0)  # a training run, no registered model
    with pytest.raises(RegistryError, match="registered model 'pld-vhd' not found"):
        champion_uri(reg_settings)
    with pytest.raises(RegistryError, match="not a models:/ or runs:/"):
        download_checkpoint("s3://bucket/x.pt", reg_settings)


def test_missing_alias_is_named(reg_settings, make_training):
    register_model(reg_settings, make_training(0), evaluation(0.3))
    with pytest.raises(RegistryError, match="@staging: no such alias"):
        download_checkpoint("models:/pld-vhd@staging", reg_settings)


def test_gone_artifacts_are_a_model_error(reg_settings, make_training):
    import shutil

    result = register_model(reg_settings, make_training(0), evaluation(0.3))
    shutil.rmtree(reg_settings.path(reg_settings.paths.mlruns) / "artifacts" / "models")
    for _ in range(2):  # nothing broken enters the download cache
        with pytest.raises(ModelError, match="models:/pld-vhd@champion: .*files are gone"):
            download_checkpoint(champion_uri(reg_settings), reg_settings)
    assert result.version == "1"


def test_unreachable_tracking_server_fails_fast(reg_settings):
    import socket
    import time

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = reg_settings.with_overrides({"registry.tracking_uri": f"http://127.0.0.1:{port}"})
    began = time.perf_counter()
    with pytest.raises(RegistryError, match=f"http://127.0.0.1:{port}: unreachable"):
        champion_uri(down)
    assert time.perf_counter() - began < 5


@pytest.mark.parametrize("problem", ["missing checkpoint", "no primary metric", "unloadable checkpoint"])
def test_bad_input_registers_nothing(reg_settings, make_training, problem):
    register_model(reg_settings, make_training(0), evaluation(0.3))
    bad = make_training(1)
    report = evaluation(0.9)
    error = ModelError
    if problem == "missing checkpoint":
        bad.checkpoint.unlink()
    elif problem == "no primary metric":
        del report["metrics"]["spearman"]
        error = RegistryError
    else:
        bad.checkpoint.write_bytes(b"not a checkpoint")
    with pytest.raises(error):
        register_model(reg_settings, bad, report)
    assert [row["version"] for row in list_versions(reg_settings)] == ["1"]
    assert aliases_in_registry(reg_settings) == {"champion": "1", "challenger": "1"}
