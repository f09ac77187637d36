"""What the ``pld`` group parses once and every command reads: the settings."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import click

from pld_core.config import Settings, load_settings


@dataclass
class CliContext:
    params_path: str | None
    overrides: list[str]
    debug: bool = False
    _cache: dict = field(default_factory=dict)

    @cached_property
    def settings(self) -> Settings:
        """params.yaml with the ``--set`` overrides, loaded on first use."""
        return load_settings(self.params_path, self.overrides)


pass_cli = click.make_pass_decorator(CliContext)


def stage_dir_option(name: str, kind: str, what: str, dest: str | None = None):
    """``--NAME DIR`` for a stage folder; unset, it means ``paths.<kind>/<dataset>`` (see ``stage_dir``)."""
    return click.option(f"--{name}", *([dest] if dest else []), type=click.Path(file_okay=False), default=None,
                        help=f"Folder of the {what} (default: paths.{kind}/<dataset>).")


def stage_dir(value: str | None, settings: Settings, kind: str) -> Path:
    """The folder given on the command line, else ``paths.<kind>/<dataset>`` from the settings."""
    return Path(value) if value else settings.dataset_dir(kind)
