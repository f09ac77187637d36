"""The resources (and, for the team profile, the executor) chosen by ``$PLD_PROFILE``."""
import dagster as dg

from orchestration.resources import current_profile, resources_from_env


@dg.definitions
def resources() -> dg.Definitions:
    if current_profile() == "team":
        from dagster_celery import celery_executor

        return dg.Definitions(resources=resources_from_env(), executor=celery_executor)
    return dg.Definitions(resources=resources_from_env())
