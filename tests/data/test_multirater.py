"""The project's multi-rater format (the demo's): tables, referenced videos, and bad input."""
from __future__ import annotations

import hashlib
import json

import pytest

from pld_core.data import ingest, load_ingested, read_dataset
from pld_core.errors import DataError
from pld_core.video import probe
from tests.data.conftest import demo_copy


def test_demo_reads_into_canonical_tables(tiny_demo, settings):
    ds = read_dataset("multirater", tiny_demo, settings)
    manifest = json.loads((tiny_demo / "manifest.json").read_text())
    assert ds.videos["video_id"].tolist() == [v["id"] for v in manifest["videos"]]
    assert ds.splits == {s: [v["id"] for v in manifest["videos"] if v["split"] == s] for s in ("train", "val", "test")}
    first = ds.videos.iloc[0]
    info = probe(first["path"])
    assert first["path"] == str((tiny_demo / "videos" / "demo_000.mp4").resolve())  # referenced, not copied
    assert (first["n_frames"], first["fps"], first["width"], first["height"]) == (info.n_frames, info.fps, 128, 96)
    assert first["checksum"] == hashlib.sha256((tiny_demo / "videos" / "demo_000.mp4").read_bytes()).hexdigest()
    assert (first["score_min"], first["score_max"]) == (1.0, 5.0)
    # one unit per frame and rater, numbered in time order, as many rows as ratings.csv
    per_rater = ds.annotations.groupby(["video_id", "rater_id"])["unit"].agg(["size", "max"])
    n_frames = ds.videos.set_index("video_id")["n_frames"]
    assert (per_rater["size"].to_numpy() == n_frames.loc[per_rater.index.get_level_values(0)].to_numpy()).all()
    assert (per_rater["max"] + 1 == per_rater["size"]).all()
    assert len(ds.annotations) == len((tiny_demo / "ratings.csv").read_text().splitlines()) - 1


def _edit_line(path, line_no: int, edit) -> None:
    lines = path.read_text().splitlines()
    lines[line_no - 1] = edit(lines[line_no - 1])
    path.write_text("\n".join(lines) + "\n")


def _score(value: str):
    return lambda line: ",".join(line.split(",")[:4] + [value])


@pytest.mark.parametrize("line, edit, expected", [
    (7, _score("abc"), "ratings.csv:7: score 'abc' is not a finite number"),
    (9, lambda line: line + ",extra", "malformed CSV"),
    (4, lambda line: ",".join(line.split(",")[:1] + [""] + line.split(",")[2:]), "ratings.csv:4: empty rater_id"),
    (3, lambda _: "demo_000,rater_0,0.0000,0.1250,1", "ratings.csv:3: duplicate rating: rater rater_0"),
])
def test_a_corrupted_line_is_named(tiny_demo, settings, tmp_path, line, edit, expected):
    source = demo_copy(tiny_demo, tmp_path / "src")
    _edit_line(source / "ratings.csv", line, edit)
    with pytest.raises(DataError) as err:
        read_dataset("multirater", source, settings)
    assert expected in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("edit, rule, row", [
    (lambda rows: rows.__setitem__(5, ",".join(rows[5].split(",")[:4] + ["7"])),
     "scores within declared range", "demo_000/rater_0/4 (score_max=5.0, score=7.0)"),
    (lambda rows: rows.pop(), "per-rater lengths match the video", "demo_005/rater_"),
    (lambda rows: rows.append("ghost,rater_0,0.0,0.125,3"), "every annotated video known", "ghost/rater_0/0"),
])
def test_broken_rules_name_the_rows_and_nothing_is_written(tiny_demo, settings, tmp_path, edit, rule, row):
    source = demo_copy(tiny_demo, tmp_path / "src")
    rows = (source / "ratings.csv").read_text().splitlines()
    edit(rows)
    (source / "ratings.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "ingested"
    with pytest.raises(DataError) as err:
        ingest("multirater", source, out, settings)
    message = str(err.value)
    assert str(source) in message and f"rule '{rule}'" in message and row in message
    assert not out.exists()


def test_manifest_problems(tiny_demo, settings, tmp_path):
    source = demo_copy(tiny_demo, tmp_path / "src")
    manifest = json.loads((source / "manifest.json").read_text())
    manifest["videos"][1]["id"] = manifest["videos"][0]["id"]
    (source / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match=r"rule 'video ids unique' broken by 2 videos row\(s\) \[video_id\]: demo_000"):
        ingest("multirater", source, tmp_path / "out", settings)

    manifest["videos"][1]["path"] = str(tmp_path / "gone.mp4")
    (source / "manifest.json").write_text(json.dumps(manifest))
    dataset = read_dataset("multirater", source, settings)  # the missing copy is left out and recorded
    assert dataset.skipped["demo_000"].endswith("gone.mp4: file not found")
    assert dataset.videos["video_id"].tolist().count("demo_000") == 1

    manifest["videos"][1]["split"] = "holdout"
    (source / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match=r"videos\[1\] \(demo_000\): split 'holdout' is not one of train, val, test"):
        read_dataset("multirater", source, settings)

    (source / "manifest.json").write_text('{"format": "pld-multirater/1",\n "videos": [}')
    with pytest.raises(DataError, match=r"manifest.json:2: malformed JSON"):
        read_dataset("multirater", source, settings)


def test_unknown_format_and_missing_source(settings, tmp_path):
    with pytest.raises(DataError, match=r"format 'csv': unknown dataset format \(known: cosum, folder, multirater"):
        read_dataset("csv", tmp_path, settings)
    with pytest.raises(DataError, match=r"nowhere: multirater source not found"):
        read_dataset("multirater", tmp_path / "nowhere", settings)


def test_ingested_tables_read_back_equal(tiny_demo, settings, tmp_path):
    ingest("multirater", tiny_demo, tmp_path / "out", settings)
    back = load_ingested(tmp_path / "out")
    ds = read_dataset("multirater", tiny_demo, settings)
    assert back.same_content(ds)
    assert back.videos.dtypes.astype(str).tolist() == ds.videos.dtypes.astype(str).tolist()
