"""Ingestion is idempotent, adds only what is new, never leaves half a dataset; ``pld ingest`` prints it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pld_core.data import data_version, ingest, load_ingested
from pld_core.data.store import TABLE_FILES
from pld_core.errors import DataError
from tests.conftest import REPO
from tests.data.conftest import demo_copy


def _snapshot(folder):
    return {name: ((folder / name).read_bytes(), (folder / name).stat().st_mtime_ns) for name in TABLE_FILES}


def test_same_source_twice_changes_nothing(tiny_demo, settings, tmp_path):
    out = tmp_path / "ingested"
    first = ingest("multirater", tiny_demo, out, settings)
    assert first.written and len(first.added) == 6 and first.n_unchanged == 0
    before = _snapshot(out)
    second = ingest("multirater", tiny_demo, out, settings)
    assert not second.written and second.added == second.updated == second.removed == []
    assert second.n_unchanged == 6 and second.data_version == first.data_version
    assert _snapshot(out) == before  # same bytes, not even rewritten


def test_a_new_video_adds_only_itself_and_a_changed_one_only_updates(tiny_demo, settings, tmp_path):
    ids = [f"demo_{i:03d}" for i in range(6)]
    out = tmp_path / "ingested"
    ingest("multirater", demo_copy(tiny_demo, tmp_path / "five", keep=ids[:5]), out, settings)
    old = load_ingested(out)
    summary = ingest("multirater", demo_copy(tiny_demo, tmp_path / "six"), out, settings)
    assert summary.added == ["demo_005"] and summary.updated == [] and summary.n_unchanged == 5
    new = load_ingested(out)
    kept = new.annotations[new.annotations["video_id"] != "demo_005"].reset_index(drop=True)
    assert kept.equals(old.annotations)
    assert new.videos[new.videos["video_id"] != "demo_005"].reset_index(drop=True).equals(old.videos)

    source = tmp_path / "six"
    rows = (source / "ratings.csv").read_text().splitlines()
    rows[1] = ",".join(rows[1].split(",")[:4] + ["5"])  # demo_000's first rating
    (source / "ratings.csv").write_text("\n".join(rows) + "\n")
    changed = ingest("multirater", source, out, settings)
    assert changed.updated == ["demo_000"] and changed.added == [] and changed.n_unchanged == 5
    assert changed.data_version != summary.data_version


def test_a_failed_ingest_keeps_what_was_there(tiny_demo, settings, tmp_path):
    out = tmp_path / "ingested"
    ingest("multirater", tiny_demo, out, settings)
    before = _snapshot(out)
    source = demo_copy(tiny_demo, tmp_path / "bad")
    rows = (source / "ratings.csv").read_text().splitlines()
    rows[3] = ",".join(rows[3].split(",")[:4] + ["0"])
    (source / "ratings.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError, match="scores within declared range"):
        ingest("multirater", source, out, settings)
    assert _snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_data_version_follows_the_content(tiny_demo, settings, tmp_path):
    a = ingest("multirater", demo_copy(tiny_demo, tmp_path / "a", keep=["demo_000"]), tmp_path / "A", settings)
    b = ingest("multirater", demo_copy(tiny_demo, tmp_path / "b", keep=["demo_000"]), tmp_path / "B", settings)
    c = ingest("multirater", demo_copy(tiny_demo, tmp_path / "c", keep=["demo_001"]), tmp_path / "C", settings)
    assert a.data_version == b.data_version == data_version(tmp_path / "A") != c.data_version
    with pytest.raises(DataError, match="videos.parquet: ingested table"):
        data_version(tmp_path / "missing")


def _pld(*args):
    return subprocess.run([sys.executable, "-c", "from pld_core.cli import run; run()", *args],
                          capture_output=True, text=True, cwd=REPO)


def test_cli_prints_a_summary_and_one_line_errors(shared_benchmarks, tmp_path):
    cache = f"paths.cache={tmp_path / 'cache'}"
    done = _pld("--set", cache, "ingest", "--format", "summe", "--source", str(shared_benchmarks / "summe"),
                "--out", str(tmp_path / "summe"))
    assert done.returncode == 0, done.stderr
    assert "videos 25 | raters 390 tracks (up to 18 per video) | units 4,250" in done.stdout
    assert "splits: train 0, val 0, test 25" in done.stdout and "25 added" in done.stdout
    assert load_ingested(tmp_path / "summe").videos["n_frames"].sum() == 109_820

    bad = tmp_path / "summe_copy"
    bad.mkdir()
    text = (shared_benchmarks / "summe" / "json" / "Cooking.json").read_text()
    (bad / "Cooking.json").write_text(text.replace('"n_frames":1286', '"n_frames":1290'))
    failed = _pld("--set", cache, "ingest", "--format", "summe", "--source", str(bad), "--out", str(tmp_path / "x"))
    assert failed.returncode == 1 and not (tmp_path / "x").exists()
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "Cooking.json: user_selection[0] has 1286 frames, expected 1290" in lines[0]
