"""report.md and best_hyperparameters.json for `kerasnotes tune` (the
pictures are drawn by `kerasnotes.plot`)."""

import json
import os

import numpy as np

from kerasnotes.cli import _out


def _table(rows, headers):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return value


def write_report(
    out,
    *,
    summary,
    metrics,
    confusion,
    trials,
    best_values,
    pictures,
    baseline=None,
    baseline_name="baseline",
    warning=None,
):
    """Writes report.md; returns its path.

    `baseline` (metric -> value, the names of `metrics`) is a model that
    ignores the features, `baseline_name` says which; `warning` (one line,
    e.g. that the model is no better than the baseline) goes above the
    metrics.
    """
    lines = ["# kerasnotes tune report", ""]
    lines += [f"- {k}: {v}" for k, v in summary.items()]
    lines += ["", "## Test metrics (rows never seen by the search)", ""]
    if warning is not None:
        lines += [f"**Warning: {warning}.**", ""]
    if baseline is None:
        lines.append(
            _table([(k, _fmt(v)) for k, v in metrics.items()], ["metric", "value"])
        )
    else:
        lines.append(
            _table(
                [(k, _fmt(v), _fmt(baseline.get(k))) for k, v in metrics.items()],
                ["metric", "tuned model", f"baseline: {baseline_name}"],
            )
        )
    if confusion is not None:
        labels, matrix = confusion
        lines += ["", "Confusion matrix (rows: true class, columns: predicted):", ""]
        lines.append(
            _table(
                [[labels[i]] + list(map(int, r)) for i, r in enumerate(matrix)],
                ["true \\ predicted"] + [str(label) for label in labels],
            )
        )
    lines += ["", "## Best hyperparameters", ""]
    lines.append(
        _table([(k, _fmt(v)) for k, v in best_values.items()], ["name", "value"])
    )
    lines += ["", "## Trials", ""]
    columns = [c for c in trials.columns]
    lines.append(
        _table(
            [[_fmt(v) for v in row] for row in trials.itertuples(index=False)],
            columns,
        )
    )
    lines += ["", "## Pictures", ""]
    for title, name in pictures:
        lines.append(f"![{title}]({name})")
        lines.append("")
    path = os.path.join(out, "report.md")
    with _out.replacing(path) as temp, open(temp, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def write_json(path, data):
    def default(value):
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        raise TypeError(f"not JSON serializable: {type(value).__name__}")

    with _out.replacing(path) as temp, open(temp, "w") as f:
        json.dump(data, f, indent=2, default=default)
