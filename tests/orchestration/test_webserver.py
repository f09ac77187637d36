"""dagster-webserver serves the code location: GraphQL lists everything and launches a run that succeeds."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO
from tests.orchestration.test_definitions import ASSETS, CHECKS

pytestmark = pytest.mark.slow

DEFINITIONS_QUERY = """{
  assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name blocking } } } }
  repositoriesOrError { ... on RepositoryConnection { nodes {
    name location { name } schedules { name } sensors { name } jobs { name } } } }
}"""
LAUNCH = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
  ... on RunConfigValidationInvalid { errors { message } } ... on InvalidSubsetError { message } } }"""
RUN_STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""
# Runs start at once (no daemon needed) so that the test sees one finish.
INSTANCE_YAML = """run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
telemetry:
  enabled: false
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GraphQL:
    def __init__(self, url: str):
        self.url = url

    def __call__(self, query: str, **variables) -> dict:
        body = json.dumps({"query": query, "variables": variables}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.load(response)
        assert "errors" not in payload, payload["errors"]
        return payload["data"]


@pytest.fixture
def webserver(tmp_path, tiny_params):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(INSTANCE_YAML)
    port = free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "PLD_PARAMS": str(tiny_params), "PLD_PROFILE": "local"}
    command = [sys.executable, "-m", "dagster_webserver", "-h", "127.0.0.1", "-p", str(port)]  # [tool.dagster]
    proc = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / "webserver.log", "w"))
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, (tmp_path / "webserver.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "dagster-webserver did not come up"
                time.sleep(1)
        yield GraphQL(f"http://127.0.0.1:{port}/graphql")
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=60)


def test_graphql_lists_the_graph_and_a_launched_run_succeeds(webserver, tiny_params):
    data = webserver(DEFINITIONS_QUERY)
    nodes = data["assetNodes"]
    assert {"/".join(n["assetKey"]["path"]) for n in nodes} == ASSETS
    checks = {c["name"]: c["blocking"] for n in nodes for c in n["assetChecksOrError"]["checks"]}
    assert set(checks) == CHECKS and checks["evaluation_above_chance"] and not checks["raters_agree"]
    [repo] = data["repositoriesOrError"]["nodes"]
    assert repo["location"]["name"] == "pld"   # [tool.dagster] in pyproject.toml
    assert {s["name"] for s in repo["schedules"]} == {"weekly_retrain"}
    assert {"inbox_sensor", "follow_new_data"} == {s["name"] for s in repo["sensors"]}
    assert {"full_pipeline", "retrain", "video_pipeline", "relabel"} <= {j["name"] for j in repo["jobs"]}

    selector = {"repositoryLocationName": repo["location"]["name"], "repositoryName": repo["name"],
                "jobName": "full_pipeline", "assetSelection": [{"path": ["raw_videos"]}]}
    launched = webserver(LAUNCH, params={"selector": selector, "runConfigData": {}})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + 240
    while (status := webserver(RUN_STATUS, id=run_id)["runOrError"]["status"]) not in ("SUCCESS", "FAILURE",
                                                                                         "CANCELED"):
        assert time.monotonic() < deadline, f"run {run_id} still {status}"
        time.sleep(2)
    assert status == "SUCCESS"
    from pld_core.config import load_settings

    settings = load_settings(tiny_params)
    assert (settings.path(settings.dataset.source) / "manifest.json").is_file()
