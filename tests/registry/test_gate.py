"""The promotion gate as a pure function."""
import math

import pytest

from pld_core.config import RegistrySettings
from pld_core.registry import decide

CFG = RegistrySettings(tracking_uri=None, experiment="pld", model_name="m", primary_metric="spearman",
                       promotion_margin=0.02, min_primary_metric=0.05, ab_share=0.2, example_seconds=2.0,
                       connect_timeout_s=1.0)


def test_first_model_is_promoted_even_below_the_minimum():
    decision = decide({"spearman": 0.01}, None, None, CFG)
    assert decision.promoted and decision.champion_value is None
    assert "first model" in decision.reason and "below the minimum" in decision.reason


@pytest.mark.parametrize(("challenger", "champion", "promoted"), [
    (0.40, 0.30, True),    # better by more than the margin
    (0.31, 0.30, False),   # better, but within the margin
    (0.32, 0.30, False),   # exactly the margin is not more than it
    (0.20, 0.30, False),   # worse
    (0.04, -0.50, False),  # better, but under the minimum
])
def test_margin_and_minimum(challenger, champion, promoted):
    decision = decide({"spearman": challenger}, {"spearman": champion}, "3", CFG)
    assert decision.promoted is promoted
    assert decision.challenger_value == challenger and decision.champion_value == champion
    assert "v3" in decision.reason or "minimum" in decision.reason


def test_nan_challenger_is_never_promoted():
    assert not decide({"spearman": math.nan}, None, None, CFG).promoted


def test_decision_tags_record_the_inputs():
    tags = decide({"spearman": 0.4}, {"spearman": 0.3}, "2", CFG).tags()
    assert tags["gate.decision"] == "promoted" and tags["gate.champion_version"] == "2"
    assert float(tags["gate.margin"]) == 0.02 and float(tags["gate.minimum"]) == 0.05
