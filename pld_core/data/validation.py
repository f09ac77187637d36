"""Great Expectations suites over the canonical tables; failures name the rows that broke a rule.

    report = validate_dataset(dataset)
    if not report.success:
        raise DataError(source, report.message())

Four tables are checked, one GX suite each, in one ephemeral context per call: ``videos``,
``annotations``, ``raters`` (one row per video and rater, derived) and ``splits`` (one row per
split membership, derived). Great Expectations is imported here only, lazily.
"""
from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from pld_core.data.tables import SPLITS, CanonicalDataset

MAX_NAMED_ROWS = 20  # failing rows kept per rule (the count is always complete)
ROW_KEYS = {
    "videos": ["video_id"],
    "annotations": ["video_id", "rater_id", "unit"],
    "raters": ["video_id", "rater_id"],
    "splits": ["split", "video_id"],
}
REQUIRED_VIDEO_COLUMNS = ("video_id", "source", "duration_s", "fps", "n_frames", "split", "checksum")


@dataclass(frozen=True)
class RuleResult:
    """One expectation's outcome: the rule it enforces, and the rows that broke it."""

    rule: str
    table: str
    expectation: str
    column: str
    success: bool
    n_failed: int
    failing_rows: list[str]


@dataclass(frozen=True)
class ValidationReport:
    success: bool
    results: list[RuleResult]

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.success]

    def message(self, rows_per_rule: int = 5) -> str:
        """One line naming each broken rule and its first failing rows."""
        parts = []
        for r in self.failures:
            shown = "; ".join(r.failing_rows[:rows_per_rule])
            more = f"; ... {r.n_failed - rows_per_rule} more" if r.n_failed > rows_per_rule else ""
            parts.append(f"rule '{r.rule}' broken by {r.n_failed} {r.table} row(s) [{r.column}]: {shown}{more}")
        return " | ".join(parts) if parts else "all rules pass"

    def to_dict(self) -> dict[str, Any]:
        return {"success": self.success, "results": [asdict(r) for r in self.results]}


def validate_dataset(dataset: CanonicalDataset) -> ValidationReport:
    """Run the four suites on ``dataset`` and collect every rule's result."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)  # its INFO logs are import chatter
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.base import logger as gx_config_logger

    gx_config_logger.setLevel(logging.WARNING)  # this module forces its own logger to INFO

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("pld")
    tables = check_tables(dataset)
    results: list[RuleResult] = []
    for table, expectations in _suites(gx.expectations, dataset).items():
        suite = gx.ExpectationSuite(name=table, expectations=expectations)
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(table).get_batch(
            batch_parameters={"dataframe": tables[table]})
        outcome = batch.validate(suite, result_format={"result_format": "COMPLETE",
                                                       "unexpected_index_column_names": ROW_KEYS[table]})
        results += [_rule_result(table, r) for r in outcome.results]
    return ValidationReport(success=all(r.success for r in results), results=results)


def check_tables(dataset: CanonicalDataset) -> dict[str, pd.DataFrame]:
    """The four tables the suites run on (two derived from the dataset)."""
    videos, annotations = dataset.videos, dataset.annotations
    membership = pd.DataFrame([(split, vid) for split, ids in dataset.splits.items() for vid in ids],
                              columns=["split", "video_id"], dtype=object).astype("str")
    listed = membership.drop_duplicates("video_id").rename(columns={"split": "listed_split"})
    ranges = videos.drop_duplicates("video_id")[["video_id", "score_min", "score_max"]]
    return {
        "videos": videos.merge(listed, on="video_id", how="left"),
        "annotations": annotations.merge(ranges, on="video_id", how="left"),
        "raters": rater_coverage(dataset),
        "splits": membership,
    }


def rater_coverage(dataset: CanonicalDataset) -> pd.DataFrame:
    """Per video and rater: units, where the last one ends, and how far that is from the video's end.

    A rater's sequence matches the video when its last unit ends within one unit (less half a
    frame, at least half a frame) of the video's end: a frame-level rater missing one frame
    fails, clip-level labels that leave a partial last clip unscored pass.
    """
    ann = dataset.annotations
    if ann.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in
                             ["video_id", "rater_id", "n_units", "units_expected", "end_gap_s", "tolerance_s"]})
    last = ann.loc[ann.groupby(["video_id", "rater_id"], sort=True)["end_s"].idxmax()]
    counts = ann.groupby(["video_id", "rater_id"], sort=True)["unit"].agg(["size", "max"]).reset_index()
    table = counts.merge(last[["video_id", "rater_id", "start_s", "end_s"]], on=["video_id", "rater_id"])
    table = table.merge(dataset.videos.drop_duplicates("video_id")[["video_id", "duration_s", "fps"]],
                        on="video_id", how="left")
    half_frame = 0.5 / table["fps"].where(table["fps"] > 0).to_numpy(float)  # fps <= 0 has its own rule
    return pd.DataFrame({
        "video_id": table["video_id"], "rater_id": table["rater_id"],
        "n_units": table["size"], "units_expected": table["max"] + 1,
        "end_gap_s": np.abs(table["end_s"] - table["duration_s"]),
        "tolerance_s": np.maximum(table["end_s"] - table["start_s"] - half_frame, half_frame),
    })


def _suites(E, dataset: CanonicalDataset) -> dict[str, list]:
    """table -> its expectations, each tagged with the rule it enforces (``meta.rule``)."""
    def rule(name: str, expectation):
        expectation.meta = {"rule": name}
        return expectation

    ids = dataset.videos["video_id"].dropna().tolist()
    either = {"ignore_row_if": "either_value_is_missing"}
    return {
        "videos": [
            rule("video ids unique", E.ExpectColumnValuesToBeUnique(column="video_id")),
            *[rule("no missing values", E.ExpectColumnValuesToNotBeNull(column=c)) for c in REQUIRED_VIDEO_COLUMNS],
            *[rule("positive duration, fps and frames",
                   E.ExpectColumnValuesToBeBetween(column=c, min_value=0, strict_min=True))
              for c in ("duration_s", "fps", "n_frames")],
            rule("split is train, val or test", E.ExpectColumnValuesToBeInSet(column="split", value_set=list(SPLITS))),
            rule("score range declared", E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="score_max", column_B="score_min", ignore_row_if="both_values_are_missing")),
            rule("splits agree with the videos table",
                 E.ExpectColumnPairValuesToBeEqual(column_A="split", column_B="listed_split")),
        ],
        "annotations": [
            *[rule("no missing values", E.ExpectColumnValuesToNotBeNull(column=c))
              for c in ("video_id", "rater_id", "unit", "start_s", "end_s", "score")],
            rule("annotation keys unique", E.ExpectCompoundColumnsToBeUnique(column_list=ROW_KEYS["annotations"])),
            rule("every annotated video known", E.ExpectColumnValuesToBeInSet(column="video_id", value_set=ids)),
            rule("scores within declared range", E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="score", column_B="score_min", or_equal=True, **either)),
            rule("scores within declared range", E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="score_max", column_B="score", or_equal=True, **either)),
            rule("units are intervals", E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="end_s", column_B="start_s", **either)),
            rule("units are intervals", E.ExpectColumnValuesToBeBetween(column="start_s", min_value=0)),
        ],
        "raters": [
            rule("per-rater lengths match the video", E.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="tolerance_s", column_B="end_gap_s", or_equal=True, **either)),
            rule("units numbered 0..n-1", E.ExpectColumnPairValuesToBeEqual(
                column_A="n_units", column_B="units_expected")),
        ],
        "splits": [
            rule("splits disjoint", E.ExpectColumnValuesToBeUnique(column="video_id")),
            rule("split ids known", E.ExpectColumnValuesToBeInSet(column="video_id", value_set=ids)),
        ],
    }


def _rule_result(table: str, result) -> RuleResult:
    config = result.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column") or ",".join(
        kwargs.get("column_list") or [kwargs.get("column_A", ""), kwargs.get("column_B", "")])
    info = result.result or {}
    if result.exception_info and result.exception_info.get("raised_exception"):
        message = str(result.exception_info.get("exception_message", "")).splitlines()[0][:200]
        return RuleResult(config.meta["rule"], table, config.type, column, False, 0, [f"check failed: {message}"])
    rows = info.get("unexpected_index_list") or []
    return RuleResult(
        rule=config.meta["rule"], table=table, expectation=config.type, column=column,
        success=bool(result.success), n_failed=int(info.get("unexpected_count") or len(rows)),
        failing_rows=[_name_row(row, ROW_KEYS[table]) for row in rows[:MAX_NAMED_ROWS]],
    )


def _name_row(row: dict, keys: list[str]) -> str:
    """``demo_001/rater_2/17 (score=7.0)``: the row's keys, then the values that were checked."""
    name = "/".join(str(row.get(k)) for k in keys)
    values = ", ".join(f"{k}={_plain(v)}" for k, v in row.items() if k not in keys)
    return f"{name} ({values})" if values else name


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
