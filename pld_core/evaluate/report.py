"""Comparison tables and plots: every number beside its random and uniform chance levels."""
from __future__ import annotations

from pathlib import Path

from pld_core.atomic import atomic_path

Table = dict[str, dict[str, float]]  # row label -> {column (model, random, uniform): value}


def comparison_rows(model: dict[str, float], baselines: dict[str, dict[str, float]]) -> Table:
    """``{row: {"model": v, "random": r, "uniform": u}}`` for every key of ``model``."""
    return {key: {"model": value, **{name: values[key] for name, values in baselines.items()}}
            for key, value in model.items()}


def markdown_table(rows: Table, first: str = "metric") -> str:
    """A markdown table, one row per label, values to 4 decimals."""
    columns = list(next(iter(rows.values())).keys()) if rows else []
    lines = [f"| {first} | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(f"{values[c]:.4f}" for c in columns) + " |"
              for label, values in rows.items()]
    return "\n".join(lines) + "\n"


def comparison_plot(rows: Table, title: str, out: str | Path) -> Path:
    """Grouped bars (one group per row, one bar per column) saved as PNG, atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = list(rows)
    columns = list(rows[labels[0]]) if labels else []
    fig, ax = plt.subplots(figsize=(max(4.0, 1.1 * len(labels) + 2), 3.2))
    width = 0.8 / max(1, len(columns))
    x = np.arange(len(labels))
    for i, column in enumerate(columns):
        ax.bar(x + (i - (len(columns) - 1) / 2) * width, [rows[label][column] for label in labels], width,
               label=column)
    ax.set_xticks(x, labels, rotation=30, ha="right")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title(title)
    ax.legend(fontsize="small")
    fig.tight_layout()
    with atomic_path(out) as tmp:
        fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)
    return Path(out)
