"""The promotion gate: does the challenger replace the champion? A pure function of two metric sets.

The challenger is promoted when it beats the champion's ``registry.primary_metric`` by more
than ``registry.promotion_margin`` and reaches ``registry.min_primary_metric``. The first
model (no champion yet) is promoted whatever its score, so there is always something to
serve; its reason says when it is below the minimum.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from pld_core.config import RegistrySettings


@dataclass(frozen=True)
class GateDecision:
    """The gate's verdict, and everything it was based on."""

    promoted: bool
    reason: str
    metric: str
    challenger_value: float
    champion_value: float | None
    champion_version: str | None
    margin: float
    minimum: float

    def to_dict(self) -> dict:
        return asdict(self)

    def tags(self) -> dict[str, str]:
        """The decision as model-version tags ``gate.*``."""
        return {
            "gate.decision": "promoted" if self.promoted else "not_promoted",
            "gate.reason": self.reason,
            "gate.metric": self.metric,
            "gate.margin": repr(self.margin),
            "gate.minimum": repr(self.minimum),
            "gate.champion_version": self.champion_version or "none",
        }


def decide(challenger: dict[str, float], champion: dict[str, float] | None, champion_version: str | None,
           settings: RegistrySettings) -> GateDecision:
    """Compare two metric sets measured on the same evaluation set; ``champion`` None: no champion yet."""
    key, margin, minimum = settings.primary_metric, settings.promotion_margin, settings.min_primary_metric
    value = float(challenger[key])
    theirs = None if champion is None else float(champion[key])

    def verdict(promoted: bool, reason: str) -> GateDecision:
        return GateDecision(promoted, reason, key, value, theirs, champion_version, margin, minimum)

    if math.isnan(value):
        return verdict(False, f"challenger {key} is not a number")
    if theirs is None:
        below = f"; below the minimum {minimum:g}" if value < minimum else ""
        return verdict(True, f"first model: no champion yet ({key} {value:.4f}{below})")
    if value < minimum:
        return verdict(False, f"{key} {value:.4f} is below the minimum {minimum:g}")
    if math.isnan(theirs):
        return verdict(True, f"{key} {value:.4f} reaches the minimum; champion v{champion_version}'s is not a number")
    if value > theirs + margin:
        return verdict(True, f"{key} {value:.4f} beats champion v{champion_version}'s {theirs:.4f} "
                             f"by more than {margin:g}")
    return verdict(False, f"{key} {value:.4f} does not beat champion v{champion_version}'s {theirs:.4f} "
                          f"by more than {margin:g}")
