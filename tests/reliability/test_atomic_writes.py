"""No partially written Parquet, map, model or MP4 file is ever visible at a final path.

A child process rewrites one file with the real pld writer in a loop; the parent reads the
final path as often as it can meanwhile (every read must be one whole version), then
kills the child with SIGKILL mid-write: the final path still holds one whole version, and
what the kill left is a hidden ``.<name>.tmp-*`` file that no pld reader picks up.
A static check keeps every writer in pld_core and orchestration going through pld_core.atomic.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.reliability.writers import check

FINALS = {"parquet": "annotations.parquet", "maps": "maps.npy", "model": "last.pt", "mp4": "clip.mp4"}


@pytest.mark.parametrize("kind", sorted(FINALS))
def test_sigkill_mid_write_never_exposes_a_torn_file(kind, tmp_path, videos):
    final = tmp_path / FINALS[kind]
    child = subprocess.Popen([sys.executable, "-m", "tests.reliability.writers", kind, str(final),
                              str(videos["good_long"])], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "0", "the writer did not finish its first round"
        seen, deadline = set(), time.monotonic() + 60
        while len(seen) < 2:  # every read while the child rewrites the file is one whole version
            assert time.monotonic() < deadline, f"saw versions {seen} only"
            seen.add(check(kind, final))
        while not _temporaries(tmp_path):  # then kill it in the middle of a write
            assert time.monotonic() < deadline, "never caught a write under way"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert check(kind, final) in (0, 1)  # still one whole version
    assert all(p.name.startswith(".") for p in _temporaries(tmp_path))  # hidden: .<final name>.tmp-*


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if ".tmp-" in p.name]


# A direct write: the call, then whatever it writes to must be a temporary from pld_core.atomic.
WRITES = re.compile(r"\.to_parquet\(|np\.save\w*\(|torch\.save\(|\.savefig\(|open_memmap\(|"
                    r"av\.open\([^)]*mode=\"w\"|\.write_(text|bytes)\(|shutil\.copy\w*\(|\.to_csv\(")
ALLOWED = {("pld_core/atomic.py", "tmp.write_text(text)")}  # the atomic helper itself


def test_every_writer_goes_through_an_atomic_temporary():
    offenders, writers = [], 0
    for path in sorted([*REPO.glob("pld_core/**/*.py"), *REPO.glob("orchestration/**/*.py")]):
        rel = str(path.relative_to(REPO))
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if WRITES.search(code):
                writers += 1
                if (rel, code.strip()) not in ALLOWED and "tmp" not in code:
                    offenders.append(f"{rel}:{number}: {code.strip()}")
    assert writers >= 15  # the pattern does see the writers (Parquet, npz/npy, torch, PNG, MP4, JSON)
    assert not offenders, "direct writes to a final path:\n" + "\n".join(offenders)
