"""Fixtures for the team profile: throw-away PostgreSQL databases and RabbitMQ virtual hosts,
service probes, and processes that are always stopped at the end of a test."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.train.conftest import demo_stages  # noqa: F401 - the real ingest/label/pseudo-label stages, once

PG_HOST = os.environ.get("PLD_TEST_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("PLD_TEST_PG_USER", "root")
AMQP_HOST = os.environ.get("PLD_TEST_AMQP_HOST", "127.0.0.1")
VENV_BIN = Path(sys.executable).parent


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def need_service(name: str, port: int, host: str = "127.0.0.1") -> None:
    if not reachable(port, host):
        pytest.skip(f"{name} is not reachable on {host}:{port} (.ci/services.sh starts it)")


@pytest.fixture
def pg_database():
    """``pg_database(driver="psycopg")``: the URL of a fresh PostgreSQL database; all dropped afterwards.

    MLflow takes psycopg (3); dagster-postgres needs psycopg2 (deploy/README.md).
    """
    need_service("PostgreSQL", 5432, PG_HOST)
    import psycopg

    admin = f"postgresql://{PG_USER}@{PG_HOST}:5432/test"
    made: list[str] = []

    def create(driver: str = "psycopg") -> str:
        name = f"pld_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"postgresql+{driver}://{PG_USER}@{PG_HOST}:5432/{name}"

    yield create
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_database) -> str:
    """URL of one fresh PostgreSQL database, dropped afterwards."""
    return pg_database()


@pytest.fixture
def amqp_url():
    """A RabbitMQ URL on a virtual host of its own, so no other test's workers take these tasks."""
    need_service("RabbitMQ", 5672, AMQP_HOST)
    ctl = shutil.which("rabbitmqctl")
    if ctl is None or AMQP_HOST != "127.0.0.1":
        yield f"amqp://guest:guest@{AMQP_HOST}:5672//"   # the default vhost: fine when nothing else runs
        return
    vhost = f"pld_test_{uuid.uuid4().hex[:10]}"

    def ctl_run(*args: str) -> None:
        subprocess.run([ctl, *args], check=True, capture_output=True, timeout=120)

    ctl_run("add_vhost", vhost)
    try:
        ctl_run("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield f"amqp://guest:guest@{AMQP_HOST}:5672/{vhost}"
    finally:
        ctl_run("delete_vhost", vhost)


@pytest.fixture
def spawn(tmp_path):
    """``spawn(name, args, env)``: a process in its own process group, logging to tmp_path/<name>.log.

    Every process group started is terminated at teardown (killed after 20 s), pass or fail,
    and the teardown fails if any of its processes survives.
    """
    started: list[tuple[subprocess.Popen, object]] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w")
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((proc, log))
        return proc

    yield start
    survivors = []
    for proc, log in started:
        if not stop_group(proc):
            survivors.append(proc.args)
        log.close()
    assert not survivors, f"processes survived teardown: {survivors}"


def stop_group(proc: subprocess.Popen, grace_s: float = 20.0) -> bool:
    """SIGTERM the process group led by ``proc``, SIGKILL it after ``grace_s``; True when none is left."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        if not _group_alive(proc.pid, wait):
            break
    return not _group_alive(proc.pid, 0.0)


def _group_alive(pgid: int, wait_s: float) -> bool:
    """Whether a live (not zombie) process of group ``pgid`` remains after up to ``wait_s`` seconds."""
    import time

    import psutil

    deadline = time.monotonic() + wait_s
    while True:
        alive = False
        for p in psutil.process_iter(["status"]):
            try:
                alive |= os.getpgid(p.pid) == pgid and p.info["status"] != psutil.STATUS_ZOMBIE
            except (OSError, psutil.Error):
                continue
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(0.2)


@pytest.fixture
def staged_settings(settings, demo_stages, tmp_path):
    """Tiny settings (1 epoch) whose dataset folders hold the real ingest, label and pseudo-label
    stages of the tiny demo (run once per session), with MLflow in tmp."""
    from tests.model.conftest import TINY_MODEL, TINY_VIDEO

    overrides = {**TINY_MODEL, **TINY_VIDEO, "train.epochs": 1, "train.batch_size": 4, "train.lr": 0.005,
                 "evaluate.random_trials": 2, "registry.example_seconds": 2.0}
    for kind in ("ingested", "labels", "pseudo"):
        folder = tmp_path / "stages" / kind
        folder.mkdir(parents=True)
        (folder / settings.dataset.name).symlink_to(demo_stages[kind], target_is_directory=True)
        overrides[f"paths.{kind}"] = str(folder)
    return settings.with_overrides(overrides)
