"""Source-format adapters, one module per format, all behind ``DatasetAdapter``."""
from pld_core.data.adapters import cosum, folder, multirater, summe, tvsum, youtube_highlights  # noqa: F401  (register)
from pld_core.data.adapters.base import ADAPTERS, DatasetAdapter, Parsed, get_adapter, register

__all__ = ["ADAPTERS", "DatasetAdapter", "Parsed", "get_adapter", "register"]
