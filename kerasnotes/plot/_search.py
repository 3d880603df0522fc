"""Pictures of a hyperparameter search: the learning curves of a trial and
the objective of every trial against its learning rate."""

from collections.abc import Mapping

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes.plot import _figure


def _check_objective(objective):
    if not isinstance(objective, str) or not objective:
        raise InputError(
            "Argument `objective` must be a metric name such as 'val_loss'. "
            f"Received: objective={objective!r}"
        )
    return objective


def _check_history(history):
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history  # a keras.callbacks.History
    if not isinstance(history, Mapping) or not history:
        raise InputError(
            "Argument `history` must be a non-empty dict of metric -> list of "
            f"per-epoch values (keras History.history). Received: history={history!r}"
        )
    curves = {}
    for name, values in history.items():
        curve = _figure.numeric_vector(values)
        if curve is None:
            raise InputError(
                f"Argument `history` must map each metric to a non-empty list of "
                f"numbers. Received: history[{name!r}]={values!r}"
            )
        curves[name] = curve
    return curves


def _panels(curves, objective):
    """The metrics drawn, one panel each: the loss, then the objective's
    metric (without `val_`), each kept when it or its `val_` twin was
    recorded."""
    metric = objective.removeprefix("val_")
    if metric not in curves and f"val_{metric}" not in curves:
        raise InputError(
            f"Argument `objective` must name a metric recorded in `history` "
            f"(keys: {sorted(curves)}). Received: objective={objective!r}"
        )
    names = dict.fromkeys(["loss", metric])  # ordered, loss objective once
    return [m for m in names if m in curves or f"val_{m}" in curves]


def plot_learning_curves(history, objective, *, path=None):
    """Draws a training run's loss and objective metric, per epoch.

    One panel per metric: the loss, and the metric the objective ranks by
    (`objective` without its `val_` prefix; a single panel when that is the
    loss). Each panel draws the training curve (`history[metric]`) and the
    validation one (`history["val_" + metric]`), those that were recorded,
    against the epoch counted from 1; a curve of a single epoch is drawn as
    a marker.

    The figure is built without `pyplot` and no matplotlib backend is
    selected, so nothing needs a display; in a notebook the returned figure
    renders inline.

    Args:
        history: A dict of metric name -> list of per-epoch values, as
            `keras.callbacks.History.history` (or the `History` itself, as
            `model.fit` returns it).
        objective: The metric a search ranked by, e.g. `"val_loss"` or
            `"val_xent"`; it or its training twin must be in `history`.
        path: Where to save the figure (PNG, SVG, ... by extension).
            Defaults to `None` (not saved).

    Returns:
        The matplotlib `Figure`, one `Axes` per metric.

    Example:

    >>> from kerasnotes.plot import plot_learning_curves
    >>> history = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6],
    ...            "xent": [0.7, 0.4, 0.3], "val_xent": [0.8, 0.6, 0.5]}
    >>> fig = plot_learning_curves(history, "val_xent", path="curves.png")
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['loss', 'xent']
    """
    curves = _check_history(history)
    objective = _check_objective(objective)
    _figure.check_path(path)
    names = _panels(curves, objective)
    fig, axes = _figure.new_figure(5.0 * len(names), 3.5, ncols=len(names))
    for ax, metric in zip(axes, names):
        for key, kind in ((metric, "train"), (f"val_{metric}", "validation")):
            if key in curves:
                epochs = np.arange(1, len(curves[key]) + 1)
                # One epoch is one point, which a line alone does not show.
                marker = "o" if len(epochs) == 1 else None
                ax.plot(epochs, curves[key], marker=marker, label=f"{kind} {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(f"learning curves (objective {objective})")
    _figure.save(fig, path)
    return fig


def _check_trials(trials):
    import pandas as pd

    if not isinstance(trials, pd.DataFrame):
        raise InputError(
            "Argument `trials` must be a pandas DataFrame (the `trials` of "
            f"kerasnotes.tuning.search). Received: trials={trials!r}"
        )
    missing = [c for c in ("status", "objective", "learning_rate") if c not in trials]
    if missing:
        raise InputError(
            f"Argument `trials` must have the columns 'status', 'objective' and "
            f"'learning_rate'; missing {missing}. "
            f"Received: trials with columns {list(trials.columns)}"
        )
    rates = pd.to_numeric(trials["learning_rate"], errors="coerce").to_numpy(float)
    if np.any(rates <= 0) or np.any(np.isinf(rates)):
        raise InputError(
            "Argument `trials` must hold learning rates > 0 (drawn on a log "
            f"axis). Received: learning_rate={trials['learning_rate'].tolist()!r}"
        )
    scores = pd.to_numeric(trials["objective"], errors="coerce").to_numpy(float)
    completed = (trials["status"] == "COMPLETED").to_numpy() & np.isfinite(scores)
    return rates, scores, completed


def plot_objective_vs_learning_rate(trials, objective, *, path=None):
    """Draws every trial's objective against its learning rate (log axis).

    Completed trials are points at their score. The others (failed, invalid,
    stopped, or without a finite score) have no score to draw: they are red
    crosses at the top of the completed trials' range (at 1 when none
    completed), so where the search broke down shows at a glance. Trials
    without a learning rate (the value missing) are left out.

    The figure is built without `pyplot` and no matplotlib backend is
    selected, so nothing needs a display; in a notebook the returned figure
    renders inline.

    Args:
        trials: The pandas DataFrame `kerasnotes.tuning.search(...).trials`:
            one row per trial with columns `status` (`"COMPLETED"`,
            `"FAILED"`, ...), `objective` (the score) and `learning_rate`,
            among others.
        objective: The name of the metric the trials were scored by (the
            vertical axis's label), e.g. `"val_loss"`.
        path: Where to save the figure (PNG, SVG, ... by extension).
            Defaults to `None` (not saved).

    Returns:
        The matplotlib `Figure`, with one `Axes`.

    Example:

    >>> import pandas as pd
    >>> from kerasnotes.plot import plot_objective_vs_learning_rate
    >>> trials = pd.DataFrame({
    ...     "trial_id": ["0", "1", "2"],
    ...     "status": ["COMPLETED", "COMPLETED", "FAILED"],
    ...     "objective": [0.31, 0.24, None],
    ...     "learning_rate": [1e-3, 1e-2, 0.5]})
    >>> fig = plot_objective_vs_learning_rate(trials, "val_loss", path="lr.png")
    >>> [len(c.get_offsets()) for c in fig.axes[0].collections]
    [2, 1]
    """
    rates, scores, completed = _check_trials(trials)
    objective = _check_objective(objective)
    _figure.check_path(path)
    placed = np.isfinite(rates)
    done, failed = completed & placed, ~completed & placed
    fig, (ax,) = _figure.new_figure(6.0, 3.5)
    if done.any():
        ax.scatter(rates[done], scores[done], label="completed")
    if failed.any():
        top = scores[done].max() if done.any() else 1.0
        ax.scatter(
            rates[failed],
            np.full(int(failed.sum()), top),
            marker="x",
            color="red",
            label="failed (no score)",
        )
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel(objective)
    ax.set_title("objective against learning rate, all trials")
    ax.grid(True, alpha=0.3)
    if done.any() or failed.any():
        ax.legend()
    _figure.save(fig, path)
    return fig
