"""Broken annotation files: ``pld ingest`` names the file and the rule, exits 1 and writes nothing.

Parse errors (NaN, duplicate rating, empty file) name ``ratings.csv`` and the line; rule
errors found by the Great Expectations suites (a rater who stopped halfway, an unknown
video) name the source, the rule and the first failing rows. A previous good ingestion
stays as it was.
"""
from __future__ import annotations

import re

import pytest

from tests.reliability.corpus import BAD_ANNOTATIONS, multirater


@pytest.mark.parametrize("name", sorted(BAD_ANNOTATIONS))
def test_ingest_refuses_broken_annotations_by_name(pld, tiny_demo, tmp_path, name):
    edit, problem = BAD_ANNOTATIONS[name]
    good = multirater(tiny_demo, tmp_path / "good")
    out = tmp_path / "ingested"
    assert pld("ingest", "--format", "multirater", "--source", good, "--out", out).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    bad = multirater(tiny_demo, tmp_path / "bad", edit)
    result = pld("ingest", "--format", "multirater", "--source", bad, "--out", out)
    assert result.code == 1
    assert str(bad) in result.error and re.search(problem, result.error), result.error
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the good tables are untouched
