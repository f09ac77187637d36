"""The resources (and, for the team profile, the executor) chosen by ``$PLD_PROFILE``."""
from pathlib import Path

import dagster as dg
import yaml

from orchestration.resources import current_profile, resources_from_env
from pld_core.errors import ConfigError

# Broker, backend and Celery options shared with the workers (`dagster-celery worker start -y ...`).
CELERY_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "celery.yaml"


@dg.definitions
def resources() -> dg.Definitions:
    if current_profile() == "team":
        return dg.Definitions(resources=resources_from_env(), executor=team_executor())
    return dg.Definitions(resources=resources_from_env())


def team_executor() -> dg.ExecutorDefinition:
    """The Celery executor, configured like the workers by deploy/celery.yaml."""
    from dagster_celery import celery_executor

    if not CELERY_CONFIG.is_file():
        raise ConfigError(f"{CELERY_CONFIG}: the team profile's Celery settings are missing")
    return celery_executor.configured(yaml.safe_load(CELERY_CONFIG.read_text())["execution"]["config"])
