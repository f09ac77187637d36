"""The ``pld`` command line: thin commands over pld_core functions.

Each module in COMMAND_MODULES defines click commands and lists them in ``COMMANDS``.
Errors print one line and exit 1; ``--debug`` shows the traceback.
"""
from __future__ import annotations

import importlib
import logging
import sys

import click

from pld_core.cli.context import CliContext
from pld_core.errors import PldError

COMMAND_MODULES = ["video", "demo", "registry", "labels", "creative", "saliency", "train", "evaluate", "data"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--params", "params_path", type=click.Path(dir_okay=False), default=None,
              help="Settings file (default: $PLD_PARAMS or ./params.yaml).")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
              help="Override one setting; repeatable.")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def main(ctx: click.Context, params_path: str | None, overrides: tuple[str, ...], debug: bool) -> None:
    """pld: pixel-level distinction video highlight detection."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = CliContext(params_path=params_path, overrides=list(overrides), debug=debug)
    if params_path or overrides:
        ctx.obj.settings  # noqa: B018 - validate explicit settings before any command runs


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(f"pld_core.cli.{_name}").COMMANDS:
        main.add_command(_command)


def run() -> None:
    """Entry point with pld's error contract: one line on stderr, exit status 1."""
    debug = "--debug" in sys.argv
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except PldError as exc:
        if debug:
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # anything unexpected still gets the one-line contract
        if debug:
            raise
        click.echo(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                   "(rerun with --debug for the traceback)", err=True)
        sys.exit(1)
