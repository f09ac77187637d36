"""Structural rules: pld_core never imports Dagster; the CLI starts without heavy imports."""
import ast
import subprocess
import sys

from tests.conftest import REPO


def test_pld_core_never_imports_dagster():
    for path in (REPO / "pld_core").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "dagster" for n in names), path


def test_cli_loads_without_heavy_libraries():
    code = ("import sys, pld_core.cli; heavy = {'torch', 'mlflow', 'great_expectations', 'dagster', 'dvc'};"
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"
