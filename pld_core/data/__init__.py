"""The data layer: source formats -> canonical tables (videos, annotations, splits), checked and versioned.

    summary = ingest("tvsum", Path("benchmarks/tvsum"), settings.dataset_dir("ingested", "tvsum"), settings)
    dataset = load_ingested(settings.dataset_dir("ingested"))

Formats: multirater (the project's own), tvsum, youtube_highlights, cosum, summe, folder
(docs/data-format.md). Validation uses Great Expectations, imported only when it runs.
"""
from pld_core.data.adapters import ADAPTERS, DatasetAdapter, get_adapter
from pld_core.data.ingest import IngestSummary, ingest, read_dataset
from pld_core.data.store import data_version, load_ingested
from pld_core.data.tables import ANNOTATION_COLUMNS, SPLITS, VIDEO_COLUMNS, CanonicalDataset
from pld_core.data.validation import RuleResult, ValidationReport, validate_dataset

__all__ = [
    "ADAPTERS", "ANNOTATION_COLUMNS", "SPLITS", "VIDEO_COLUMNS", "CanonicalDataset", "DatasetAdapter",
    "IngestSummary", "RuleResult", "ValidationReport", "data_version", "get_adapter", "ingest",
    "load_ingested", "read_dataset", "validate_dataset",
]
