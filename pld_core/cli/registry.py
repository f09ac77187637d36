"""``pld register``, ``pld registry``, ``pld ab``: the MLflow model registry from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import click

from pld_core.cli.context import CliContext, pass_cli
from pld_core.errors import DataError

KEY_METRICS = ("spearman", "kendall", "map_top5", "ap", "f1")  # evaluation.json's metrics, docs/pipeline.md


@click.command("register")
@click.option("--train-result", type=click.Path(dir_okay=False), default=None,
              help="train_result.json of the run to register (default: models/<dataset>/train_result.json).")
@click.option("--evaluation", type=click.Path(dir_okay=False), default=None,
              help="evaluation.json of that model (default: reports/<dataset>/evaluation.json).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the registration record (default: reports/<dataset>/registration.json).")
@pass_cli
def register(cli: CliContext, train_result: str | None, evaluation: str | None, out: str | None) -> None:
    """Register the trained model as a new version, alias it challenger, and run the promotion gate."""
    from pld_core.atomic import write_json
    from pld_core.registry import register_model

    settings = cli.settings
    train_path = Path(train_result) if train_result else settings.dataset_dir("models") / "train_result.json"
    eval_path = Path(evaluation) if evaluation else settings.dataset_dir("reports") / "evaluation.json"
    result = register_model(settings, _read_json(train_path, "pld train"), _read_json(eval_path, "pld evaluate"))
    write_json(Path(out) if out else settings.dataset_dir("reports") / "registration.json", result.to_dict())
    role = "champion" if result.promoted else "challenger"
    click.echo(f"{result.model_name} v{result.version} registered as {role}: {result.decision.reason}")


@click.command("registry")
@click.option("--json", "as_json", is_flag=True, help="Print the versions as one JSON list.")
@pass_cli
def registry(cli: CliContext, as_json: bool) -> None:
    """List the registered model's versions, their aliases and key metrics, newest first."""
    from pld_core.registry import list_versions

    settings = cli.settings
    rows = list_versions(settings)
    if as_json:
        click.echo(json.dumps(rows))
        return
    primary = settings.registry.primary_metric
    click.echo(f"{settings.registry.model_name}: {len(rows)} version(s)")
    for row in rows:
        metrics = row["metrics"]
        shown = [primary] + [k for k in KEY_METRICS if k != primary]
        values = "  ".join(f"{k}={metrics[k]:.4f}" for k in shown if k in metrics)
        aliases = ",".join(row["aliases"]) or "-"
        click.echo(f"  v{row['version']:<4} {aliases:<21} {row['status']:<6} {row['created']}  "
                   f"[{row['eval_split'] or '?'}] {values}  gate: {row['gate'] or '-'}")


@click.command("ab")
@click.option("--videos", type=click.Path(file_okay=False), default=None,
              help="Folder of videos to score; without it, show an A/B run already logged.")
@click.option("--share", type=float, default=None, help="Share routed to the challenger (default: registry.ab_share).")
@click.option("--run-id", default=None, help="With no --videos: the A/B run to show (default: the latest).")
@pass_cli
def ab(cli: CliContext, videos: str | None, share: float | None, run_id: str | None) -> None:
    """Route each video to champion or challenger by a hash of its id, score it, log who scored what."""
    from pld_core.registry import load_ab_table, run_ab

    settings = cli.settings
    result = run_ab(settings, Path(videos), share) if videos else load_ab_table(settings, run_id)
    click.echo(f"A/B run {result.run_id}: {len(result.table)} video(s)")
    for arm, row in result.summary().iterrows():
        click.echo(f"  {arm:<10} v{row['model_version']:<4} {row['videos']:>4} video(s)  "
                   f"mean best score {row['mean_best_score']:.3f}  mean latency {row['mean_latency_s']:.2f} s")


def _read_json(path: Path, made_by: str) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError(path, f"not found (made by `{made_by}`)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(path, f"not valid JSON ({exc})") from None


COMMANDS = [register, registry, ab]
