from pathlib import Path

import pytest

from pld_core.config import load_settings
from pld_core.errors import ConfigError
from tests.conftest import REPO


def test_repository_params_load_and_resolve_paths():
    s = load_settings(REPO / "params.yaml")
    assert s.video.window == 32
    assert s.path(s.paths.mlruns) == REPO / "mlruns"
    assert s.flat()["train.epochs"] == s.train.epochs


def test_settings_are_frozen():
    s = load_settings(REPO / "params.yaml")
    with pytest.raises(Exception):
        s.train.epochs = 3


@pytest.mark.parametrize("override, key", [
    (["train.epochz=1"], "train.epochz"),
    (["train.epochs=many"], "train.epochs"),
    (["labels.mode=fuzzy"], "labels.mode"),
    (["nosection.x=1"], "nosection"),
])
def test_bad_keys_and_types_name_the_key(override, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")) as err:
        load_settings(REPO / "params.yaml", override)
    assert "\n" not in str(err.value)


def test_unknown_key_in_file_is_named(tmp_path: Path):
    text = (REPO / "params.yaml").read_text().replace("  epochs:", "  epochs_typo: 1\n  epochs:")
    bad = tmp_path / "params.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError, match=r"train\.epochs_typo: unknown key"):
        load_settings(bad)


def test_overrides_parse_yaml_values():
    s = load_settings(REPO / "params.yaml", ["train.epochs=2", "saliency.weights=null", "train.amp=false"])
    assert (s.train.epochs, s.saliency.weights, s.train.amp) == (2, None, False)
