"""What the ``pld`` group parses once and every command reads: the settings."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

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
