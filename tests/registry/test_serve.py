"""``mlflow models serve`` answers HTTP with PLD scores for the registered champion."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pld_core.registry import register_model
from pld_core.tracking import tracking_uri
from pld_core.video import n_sampled, probe
from tests.registry.conftest import evaluation

STARTUP_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def wait_until_up(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise AssertionError(f"server not up after {STARTUP_S} s: {log.read_text()[-2000:]}")


def test_serve_champion_over_http(reg_settings, make_training, tiny_demo, tmp_path):
    register_model(reg_settings, make_training(0), evaluation(0.3))
    venv_bin = Path(sys.executable).parent
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri(reg_settings),
           "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}  # the server execs uvicorn
    port, log = free_port(), tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(venv_bin / "mlflow"), "models", "serve", "-m", "models:/pld-vhd@champion",
                                 "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/ping", log)
        video = tiny_demo / "videos" / "demo_001.mp4"
        status, body = post(f"http://127.0.0.1:{port}/invocations",
                            {"dataframe_records": [{"video_path": str(video)}], "params": {"window_s": 2.0}})
        assert status == 200, body
        [prediction] = body["predictions"]
        info = probe(video)
        assert len(prediction["frame_scores"]) == n_sampled(info.n_frames, info.fps, reg_settings.video.fps)
        assert all(0.0 <= s <= 1.0 for s in prediction["frame_scores"])
        assert prediction["best_end_s"] - prediction["best_start_s"] == 2.0

        status, body = post(f"http://127.0.0.1:{port}/invocations",
                            {"dataframe_records": [{"video_path": str(tmp_path / "missing.mp4")}]})
        assert status == 400 and "missing.mp4: file not found" in body["stack_trace"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
