"""What the registry holds: versions, their aliases, evaluation metrics and gate decisions."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from pld_core.config import Settings
from pld_core.registry.register import METRIC_TAG
from pld_core.registry.resolve import registered_model
from pld_core.tracking import client as tracking_client


def list_versions(settings: Settings) -> list[dict[str, Any]]:
    """Every version of ``registry.model_name``, newest first, as plain dicts read from the registry."""
    client = tracking_client(settings)
    name = settings.registry.model_name
    aliases: dict[str, list[str]] = defaultdict(list)
    for alias, number in registered_model(client, settings, name).aliases.items():
        aliases[str(number)].append(alias)
    rows = []
    for version in sorted(client.search_model_versions(f"name = '{name}'"), key=lambda v: -int(v.version)):
        tags = version.tags
        rows.append({
            "version": str(version.version),
            "aliases": sorted(aliases[str(version.version)]),
            "status": version.status,
            "created": datetime.fromtimestamp(version.creation_timestamp / 1000, UTC).isoformat(timespec="seconds"),
            "run_id": version.run_id,
            "data_version": tags.get("data_version"),
            "eval_split": tags.get("eval.split"),
            "metrics": {k.removeprefix(METRIC_TAG): float(v) for k, v in sorted(tags.items())
                        if k.startswith(METRIC_TAG)},
            "gate": tags.get("gate.decision"),
            "gate_reason": tags.get("gate.reason"),
        })
    return rows
