"""A/B routing by hash, and the logged record of who scored what."""
import pytest

from pld_core.errors import ConfigError, DataError, RegistryError
from pld_core.registry import load_ab_table, register_model, route, run_ab
from tests.registry.conftest import evaluation

IDS = [f"video_{i}" for i in range(4000)]


def test_route_is_deterministic_and_takes_the_share():
    arms = [route(i, 0.2) for i in IDS]
    assert arms == [route(i, 0.2) for i in IDS]
    assert arms.count("challenger") / len(IDS) == pytest.approx(0.2, abs=0.025)
    assert {route(i, 0.0) for i in IDS} == {"champion"} and {route(i, 1.0) for i in IDS} == {"challenger"}


def test_growing_the_share_only_moves_videos_to_the_challenger():
    small = {i for i in IDS if route(i, 0.1) == "challenger"}
    large = {i for i in IDS if route(i, 0.3) == "challenger"}
    assert small < large


def test_share_outside_0_1_is_a_config_error():
    with pytest.raises(ConfigError, match="1.5"):
        route("x", 1.5)


def test_run_ab_logs_who_scored_what(reg_settings, make_training, tiny_demo):
    register_model(reg_settings, make_training(0), evaluation(0.3))
    register_model(reg_settings, make_training(1), evaluation(0.1))  # stays challenger
    result = run_ab(reg_settings, tiny_demo / "videos", share=0.5)

    table = result.table.set_index("video_id")
    assert len(table) == 6
    for video_id, row in table.iterrows():
        assert row["arm"] == route(video_id, 0.5)
        assert row["model_version"] == {"champion": "1", "challenger": "2"}[row["arm"]]
        assert row["model_uri"] == f"models:/pld-vhd/{row['model_version']}"
        assert 0.0 <= row["best_score"] <= 1.0 and row["latency_s"] > 0
    assert set(table["arm"]) == {"champion", "challenger"}

    back = load_ab_table(reg_settings)
    assert back.run_id == result.run_id
    assert back.table.sort_values("video_id")["arm"].tolist() == result.table.sort_values("video_id")["arm"].tolist()
    summary = back.summary()
    assert summary.loc["champion", "videos"] + summary.loc["challenger", "videos"] == 6


def test_ab_without_a_registry_or_videos(reg_settings, tmp_path, tiny_demo):
    with pytest.raises(DataError, match="no video files"):
        run_ab(reg_settings, tmp_path)
    with pytest.raises(RegistryError, match="not found"):
        run_ab(reg_settings, tiny_demo / "videos")
    with pytest.raises(RegistryError, match="no A/B run yet"):
        load_ab_table(reg_settings)
