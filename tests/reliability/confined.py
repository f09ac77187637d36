"""Run ``pld`` commands against an output folder that is read-only or full, for real.

The folder is a tmpfs mounted in a private mount namespace (``unshare -rm``: no root needed
where user namespaces are allowed), ``ro`` for a read-only disk or ``size=...`` for a full
one, so the kernel itself answers EROFS or ENOSPC. Several commands run in one Python
process (``python -m tests.reliability.confined FOLDER ARGV_JSON...``), which prints one
JSON line per command: its exit status and stderr, then the folder's listing.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run_confined(folder: Path, mount_options: str, commands: list[list[str]]) -> tuple[list[dict], list[str]]:
    """Run each ``pld`` argv with a tmpfs (``mount_options``) over ``folder``; (results, files left)."""
    if not shutil.which("unshare"):
        raise OSError("unshare is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    script = 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"'
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", mount_options, str(folder),
                           sys.executable, "-m", "tests.reliability.confined", str(folder),
                           *map(json.dumps, commands)], cwd=REPO, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise OSError(f"confined run failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    *results, listing = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return results, listing["files"]


def main() -> None:
    from pld_core.cli import run

    folder = Path(sys.argv[1])
    for argv in map(json.loads, sys.argv[2:]):
        sys.argv = ["pld", *argv]
        err = io.StringIO()
        code = 0
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                run()
            except SystemExit as exc:
                code = int(exc.code or 0)
        print(json.dumps({"code": code, "stderr": err.getvalue()}), flush=True)
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if os.access(folder, os.R_OK) else []
    print(json.dumps({"files": files}), flush=True)


if __name__ == "__main__":
    main()
