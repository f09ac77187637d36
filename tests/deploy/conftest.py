"""Fixtures for the team profile: a throw-away PostgreSQL database, service probes."""
from __future__ import annotations

import os
import socket
import uuid

import pytest

PG_HOST = os.environ.get("PLD_TEST_PG_HOST", "127.0.0.1")
PG_USER = os.environ.get("PLD_TEST_PG_USER", "root")


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def need_service(name: str, port: int) -> None:
    if not reachable(port):
        pytest.skip(f"{name} is not reachable on 127.0.0.1:{port} (.ci/services.sh starts it)")


@pytest.fixture
def pg_url():
    """URL of a fresh PostgreSQL database, dropped afterwards."""
    need_service("PostgreSQL", 5432)
    import psycopg

    name = f"pld_test_{uuid.uuid4().hex[:10]}"
    admin = f"postgresql://{PG_USER}@{PG_HOST}:5432/test"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://{PG_USER}@{PG_HOST}:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
