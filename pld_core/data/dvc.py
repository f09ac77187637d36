"""A DVC workspace whose commands run one at a time, under one file lock.

DVC refuses to run two commands in one repository at once ("unable to acquire lock"), so
callers that may overlap (Dagster runs, sensors) go through ``DvcWorkspace``, which waits
for its own lock instead. dvc runs as a subprocess of this Python, with analytics off.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pld_core.errors import DataError

log = logging.getLogger(__name__)
_POLL_S = 0.2


class DvcWorkspace:
    """``dvc`` commands in ``root``, serialized by a lock file (default ``.dvc/tmp/pld-workspace.lock``)."""

    def __init__(self, root: str | Path, lock_file: str | Path | None = None, timeout_s: float | None = None):
        self.root = Path(root).resolve()
        self.lock_file = Path(lock_file) if lock_file else self.root / ".dvc" / "tmp" / "pld-workspace.lock"
        self.timeout_s = timeout_s  # None: wait as long as it takes

    def run(self, *args: str) -> str:
        """Run ``dvc <args>`` and return its stdout; DataError with dvc's last error line on failure."""
        env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
        with self.lock():
            log.info("dvc %s", " ".join(args))
            done = subprocess.run([sys.executable, "-m", "dvc", *args], cwd=self.root, env=env,
                                  capture_output=True, text=True)
        if done.returncode != 0:
            lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
            reason = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else "")
            raise DataError(f"dvc {' '.join(args)} (in {self.root})", f"exit {done.returncode}: {reason.strip()}")
        return done.stdout

    def repro(self, *targets: str) -> str:
        return self.run("repro", *targets)

    def status(self, *targets: str) -> dict:
        """``dvc status --json``: {} when every stage and output is up to date."""
        return json.loads(self.run("status", "--json", *targets) or "{}")

    def is_clean(self, *targets: str) -> bool:
        return self.status(*targets) == {}

    def push(self, *targets: str) -> str:
        return self.run("push", *targets)

    def pull(self, *targets: str) -> str:
        return self.run("pull", *targets)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the workspace lock; DataError when ``timeout_s`` passes first."""
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        deadline = None if self.timeout_s is None else time.monotonic() + self.timeout_s
        with open(self.lock_file, "w") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise DataError(self.lock_file, f"DVC workspace busy for over {self.timeout_s} s") from None
                    time.sleep(_POLL_S)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
