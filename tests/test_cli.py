"""The CLI's contract: --help everywhere, one-line errors, exit 1."""
import subprocess
import sys

import pytest

from tests.conftest import REPO


def pld(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-c", "from pld_core.cli import run; run()", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_every_command_has_help():
    from pld_core.cli import main

    for name in main.commands:
        result = pld(name, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout, name


def test_probe_prints_metadata(tiny_demo):
    result = pld("probe", str(tiny_demo / "videos" / "demo_000.mp4"))
    assert result.returncode == 0
    assert "fps" in result.stdout and "frames" in result.stdout


@pytest.mark.parametrize("content", [b"", b"plain text, not a video\n", None])
def test_probe_errors_are_one_line(tmp_path, tiny_demo, content):
    path = tmp_path / "broken.mp4"
    if content is None:  # a truncated copy of a real video
        data = (tiny_demo / "videos" / "demo_000.mp4").read_bytes()
        content = data[: len(data) // 3]
    path.write_bytes(content)
    result = pld("probe", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in result.stderr


def test_bad_override_is_one_line():
    result = pld("--set", "train.nope=1", "probe", "x.mp4")
    assert result.returncode == 1 and "train.nope" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
