"""``pld register``, ``pld registry``, ``pld ab`` end to end on a tmp store."""
import json
import subprocess
import sys

import yaml
from click.testing import CliRunner

from pld_core.cli import main
from tests.conftest import REPO
from tests.registry.conftest import evaluation


def write_params(settings, tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(settings.model_dump(mode="json")))
    return str(path)


def test_register_list_and_ab_from_the_command_line(reg_settings, make_training, tiny_demo, tmp_path):
    make_training(0).write(reg_settings.dataset_dir("models"))  # the default train_result.json
    reports = reg_settings.dataset_dir("reports")
    reports.mkdir(parents=True)
    (reports / "evaluation.json").write_text(json.dumps(evaluation(0.3)))
    params = write_params(reg_settings, tmp_path)
    runner = CliRunner()

    registered = runner.invoke(main, ["--params", params, "register"], catch_exceptions=False)
    assert registered.exit_code == 0 and "pld-vhd v1 registered as champion" in registered.output
    assert json.loads((reports / "registration.json").read_text())["decision"]["promoted"] is True

    listed = runner.invoke(main, ["--params", params, "registry"], catch_exceptions=False)
    assert "v1" in listed.output and "challenger,champion" in listed.output and "spearman=0.3000" in listed.output
    rows = json.loads(runner.invoke(main, ["--params", params, "registry", "--json"]).output)
    assert rows[0]["aliases"] == ["challenger", "champion"]

    scored = runner.invoke(main, ["--params", params, "ab", "--videos", str(tiny_demo / "videos"), "--share", "0.5"],
                           catch_exceptions=False)
    assert scored.exit_code == 0 and "6 video(s)" in scored.output
    shown = runner.invoke(main, ["--params", params, "ab"], catch_exceptions=False)
    assert shown.output.splitlines()[0] == scored.output.splitlines()[0]  # the same run, read back


def test_missing_inputs_are_one_line_errors(settings, tmp_path):
    params = write_params(settings, tmp_path)
    for args, expected in ((["registry"], "no such store"),
                           (["register", "--evaluation", str(tmp_path / "nope.json")], "train_result.json")):
        command = [sys.executable, "-c", "from pld_core.cli import run; run()", "--params", params, *args]
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.stderr
