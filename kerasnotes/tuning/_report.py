"""Pictures and report.md for `kerasnotes tune`."""

import json
import os

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_learning_curves(history, objective, path):
    plt = _pyplot()
    metrics = [m for m in ("loss", objective.removeprefix("val_")) if m in history]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5))
    axes = np.atleast_1d(axes)
    for ax, metric in zip(axes, metrics):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], label=f"train {metric}")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    fig.suptitle("Best trial: learning curves")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_learning_rate(learning_rate, steps, path):
    """Any float or LearningRateSchedule, over `steps` optimizer steps."""
    import keras

    plt = _pyplot()
    grid = np.arange(steps)
    if callable(learning_rate):
        values = [
            float(keras.ops.convert_to_numpy(learning_rate(int(s)))) for s in grid
        ]
    else:
        values = np.full(steps, float(learning_rate))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(grid, values)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate")
    ax.set_title("Best trial: learning-rate schedule")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_objective_vs_learning_rate(trials, objective, path):
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    done = trials[trials["status"] == "COMPLETED"]
    if len(done) and "learning_rate" in done:
        ax.scatter(done["learning_rate"], done["objective"], label="completed")
    failed = trials[trials["status"] != "COMPLETED"]
    if len(failed) and "learning_rate" in failed:
        top = done["objective"].max() if len(done) else 1.0
        ax.scatter(
            failed["learning_rate"],
            np.full(len(failed), top),
            marker="x",
            color="red",
            label="failed",
        )
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel(objective)
    ax.set_title("All trials: objective against learning rate")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _table(rows, headers):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return value


def write_report(out, *, summary, metrics, confusion, trials, best_values, pictures):
    """Writes report.md; returns its path."""
    lines = ["# kerasnotes tune report", ""]
    lines += [f"- {k}: {v}" for k, v in summary.items()]
    lines += ["", "## Test metrics (rows never seen by the search)", ""]
    lines.append(
        _table([(k, _fmt(v)) for k, v in metrics.items()], ["metric", "value"])
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
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def write_json(path, data):
    def default(value):
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        raise TypeError(f"not JSON serializable: {type(value).__name__}")

    with open(path, "w") as f:
        json.dump(data, f, indent=2, default=default)
