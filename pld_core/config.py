"""Settings: params.yaml loaded once into a typed, validated, frozen object.

    settings = load_settings()                      # ./params.yaml
    settings = load_settings("params.yaml", ["train.epochs=1"])

An unknown key or a wrong type raises ConfigError with one line naming the key.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pld_core.errors import ConfigError

PARAMS_ENV = "PLD_PARAMS"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PathsSettings(_Section):
    raw: Path
    ingested: Path
    labels: Path
    pseudo: Path
    models: Path
    reports: Path
    clips: Path
    mlruns: Path
    inbox: Path
    benchmark_videos: Path
    cache: Path


class DatasetSettings(_Section):
    name: str
    format: str
    source: Path
    assumed_fps: float = Field(gt=0)


class DemoSettings(_Section):
    seed: int
    n_videos: int = Field(ge=1)
    width: int = Field(ge=32, multiple_of=2)
    height: int = Field(ge=32, multiple_of=2)
    fps: int = Field(ge=1)
    min_seconds: float = Field(gt=0)
    max_seconds: float = Field(gt=0)
    min_raters: int = Field(ge=1)
    max_raters: int = Field(ge=1)


class VideoSettings(_Section):
    backend: Literal["auto", "decord", "pyav"]
    fps: float = Field(gt=0)
    height: int = Field(ge=8)
    width: int = Field(ge=8)
    window: int = Field(ge=1)
    stride: int = Field(ge=1)


class LabelSettings(_Section):
    mode: Literal["regression", "binary"]
    normalize: Literal["zscore", "rank", "none"]
    aggregate: Literal["mean", "median", "trimmed_mean"]
    trim_fraction: float = Field(ge=0, lt=0.5)
    binary_rule: Literal["top_k", "threshold", "above_median", "majority"]
    rater_binary_rule: Literal["top_k", "threshold", "above_median"]
    top_k_fraction: float = Field(gt=0, le=1)
    threshold: float = Field(ge=0, le=1)
    weight_raters: bool
    min_rater_reliability: float = Field(ge=-1, le=1)
    min_agreement: float = Field(ge=-1, le=1)
    max_uncovered_fraction: float = Field(ge=0, le=1)
    clip_seconds: float = Field(gt=0)
    plot_videos: int = Field(ge=0)


class SaliencySettings(_Section):
    teacher: Literal["classical", "learned", "center"]
    weights: Path | None
    static: Literal["spectral_residual", "fine_grained"]
    motion_weight: float = Field(ge=0, le=1)
    motion_floor: float = Field(gt=0)
    center_prior_weight: float = Field(ge=0, le=1)
    center_sigma: float = Field(gt=0)
    blur_sigma: float = Field(ge=0)
    temporal_smoothing: float = Field(ge=0, lt=1)
    max_side: int = Field(ge=16)
    dtype: Literal["uint8", "float16"]
    preview_frames: int = Field(ge=1)
    fixation_sigma: float = Field(gt=0)
    learned_frames: int = Field(ge=1)
    learned_channels: int = Field(ge=4)
    train_steps: int = Field(ge=1)
    train_batch: int = Field(ge=1)
    train_lr: float = Field(gt=0)
    synthetic_observers: int = Field(ge=1)
    synthetic_spread: float = Field(gt=0)
    synthetic_wander: float = Field(ge=0, le=1)

    @field_validator("weights", mode="before")
    @classmethod
    def _local_weights(cls, value: Any) -> Any:
        if value is not None and "://" in str(value):
            raise ValueError("only a local file is loaded, never a URL")
        return value


class ModelSettings(_Section):
    variant: Literal["pld", "frame"]
    base_channels: int = Field(ge=4)
    temporal: Literal["attention", "conv"]
    temporal_layers: int = Field(ge=1)
    heads: int = Field(ge=1)
    dropout: float = Field(ge=0, lt=1)
    encoder_stages: int = Field(ge=1)
    pool_top_fraction: float = Field(gt=0, le=1)
    infer_batch_size: int = Field(ge=1)


class TrainSettings(_Section):
    device: Literal["auto", "cpu", "cuda"]
    seed: int
    epochs: int = Field(ge=1)
    batch_size: int = Field(ge=1)
    lr: float = Field(gt=0)
    weight_decay: float = Field(ge=0)
    num_workers: int = Field(ge=0)
    patience: int = Field(ge=1)
    amp: bool
    augment: bool
    pixel_loss_weight: float = Field(ge=0)
    saliency_loss_weight: float = Field(ge=0)
    frame_loss_weight: float = Field(ge=0)
    grad_clip: float = Field(gt=0)
    aug_crop: float = Field(ge=0, lt=0.5)
    aug_brightness: float = Field(ge=0, lt=1)


class EvaluateSettings(_Section):
    split: str
    random_trials: int = Field(ge=1)
    seed: int
    top_k: int = Field(ge=1)
    summary_budget: float = Field(gt=0, le=1)
    kts_vmax: float = Field(ge=0)
    kts_max_shots_per_minute: float = Field(gt=0)
    kts_max_points: int = Field(ge=2)
    kts_thumb_size: int = Field(ge=2)
    fallback_shot_seconds: float = Field(gt=0)
    benchmark_annotations: dict[Literal["youtube_highlights", "tvsum", "cosum", "summe"], Path]


class RegistrySettings(_Section):
    tracking_uri: str | None
    experiment: str
    model_name: str
    primary_metric: str
    promotion_margin: float = Field(ge=0)
    min_primary_metric: float
    ab_share: float = Field(ge=0, le=1)
    example_seconds: float = Field(gt=0)
    connect_timeout_s: float = Field(gt=0)


class CreativeSettings(_Section):
    seconds: float = Field(gt=0)
    aspect: str = Field(pattern=r"^\d+(\.\d+)?:\d+(\.\d+)?$")
    count: int = Field(ge=1)
    max_pan_fraction_per_s: float = Field(gt=0)
    shot_snap_max_cost: float = Field(ge=0, le=1)
    min_seconds: float = Field(gt=0)
    max_seconds: float = Field(gt=0)
    cut_threshold: float = Field(gt=0, le=1)
    cut_peak_ratio: float = Field(ge=1)
    min_shot_seconds: float = Field(ge=0)
    map_threshold: float = Field(ge=0, lt=1)
    dead_zone_fraction: float = Field(ge=0, lt=0.5)
    smoothing_seconds: float = Field(ge=0)
    min_crop_pixels: int = Field(ge=2)
    preview_frames: int = Field(ge=1)

    @model_validator(mode="after")
    def _seconds_in_range(self) -> "CreativeSettings":
        if not self.min_seconds <= self.seconds <= self.max_seconds:
            raise ValueError(f"seconds {self.seconds:g} is outside min_seconds..max_seconds "
                             f"({self.min_seconds:g}..{self.max_seconds:g})")
        return self


class Settings(_Section):
    """All of params.yaml. ``root`` is the folder relative paths are resolved against."""

    root: Path
    paths: PathsSettings
    dataset: DatasetSettings
    demo: DemoSettings
    video: VideoSettings
    labels: LabelSettings
    saliency: SaliencySettings
    model: ModelSettings
    train: TrainSettings
    evaluate: EvaluateSettings
    registry: RegistrySettings
    creative: CreativeSettings

    @model_validator(mode="after")
    def _demo_ranges(self) -> "Settings":
        if self.demo.min_seconds > self.demo.max_seconds:
            raise ValueError("demo.min_seconds must not exceed demo.max_seconds")
        if self.demo.min_raters > self.demo.max_raters:
            raise ValueError("demo.min_raters must not exceed demo.max_raters")
        return self

    def path(self, p: str | Path) -> Path:
        """Resolve ``p`` against the settings root (absolute paths pass through)."""
        p = Path(p)
        return p if p.is_absolute() else self.root / p

    def dataset_dir(self, kind: str, dataset: str | None = None) -> Path:
        """``paths.<kind>/<dataset>`` as an absolute path, e.g. ``dataset_dir("labels")``."""
        return self.path(getattr(self.paths, kind)) / (dataset or self.dataset.name)

    def flat(self) -> dict[str, Any]:
        """Flattened ``section.key -> value`` view, for MLflow params."""
        out: dict[str, Any] = {}
        for section, values in self.model_dump(mode="json", exclude={"root"}).items():
            for key, value in values.items():
                out[f"{section}.{key}"] = value
        return out

    def with_overrides(self, overrides: list[str] | dict[str, Any]) -> "Settings":
        """A new Settings with ``section.key=value`` overrides applied and validated."""
        raw = self.model_dump(mode="json")
        _apply_overrides(raw, overrides)
        return _validate(raw, source="override")


def default_params_path() -> Path:
    """``$PLD_PARAMS``, else ``./params.yaml``, else the repository's params.yaml."""
    if env := os.environ.get(PARAMS_ENV):
        return Path(env)
    cwd = Path.cwd() / "params.yaml"
    if cwd.exists():
        return cwd
    return Path(__file__).resolve().parent.parent / "params.yaml"


def load_settings(path: str | Path | None = None, overrides: list[str] | dict[str, Any] | None = None) -> Settings:
    """Load and validate params.yaml (plus overrides) into Settings."""
    path = Path(path) if path else default_params_path()
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: settings file not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    raw.setdefault("root", str(path.resolve().parent))
    if overrides:
        _apply_overrides(raw, overrides)
    return _validate(raw, source=str(path))


def _validate(raw: dict[str, Any], source: str) -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise ConfigError(f"{source}: {key}: {msg}") from None


def _apply_overrides(raw: dict[str, Any], overrides: list[str] | dict[str, Any]) -> None:
    items = overrides.items() if isinstance(overrides, dict) else (_split_override(o) for o in overrides)
    for dotted, value in items:
        section, _, key = dotted.partition(".")
        if not key:
            raise ConfigError(f"override {dotted!r}: expected section.key=value")
        if section not in raw or not isinstance(raw[section], dict):
            raise ConfigError(f"override {dotted}: unknown section {section!r}")
        if key not in raw[section]:
            raise ConfigError(f"override {dotted}: unknown key")
        raw[section][key] = value


def _split_override(text: str) -> tuple[str, Any]:
    dotted, sep, value = text.partition("=")
    if not sep:
        raise ConfigError(f"override {text!r}: expected section.key=value")
    return dotted.strip(), yaml.safe_load(value)
