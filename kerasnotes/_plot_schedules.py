"""Plots for learning-rate schedules and the learning-rate finder.

matplotlib is imported inside the functions (the ``plot`` extra); without a
display the "Agg" backend is used.
"""

import os

import numpy as np


def _pyplot():
    import matplotlib

    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axes(ax):
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def _save(ax, path):
    if path is not None:
        figure = ax.figure
        figure.tight_layout()
        figure.savefig(path, dpi=100)


def schedule_values(schedule, steps):
    """The learning rate at each of `steps` (an int: `range(steps)`) as a
    NumPy array; `schedule` is any `LearningRateSchedule`, a float, or a
    callable of the step."""
    import keras

    steps = np.arange(steps) if np.isscalar(steps) else np.asarray(steps)
    if isinstance(schedule, (int, float)):
        return steps, np.full(len(steps), float(schedule))
    values = [
        float(keras.ops.convert_to_numpy(schedule(keras.ops.convert_to_tensor(int(s)))))
        if float(s).is_integer()
        else float(
            keras.ops.convert_to_numpy(
                schedule(keras.ops.convert_to_tensor(float(s), "float32"))
            )
        )
        for s in steps
    ]
    return steps, np.asarray(values)


def plot_schedule(schedule, steps, *, ax=None, path=None, log_scale=False, label=None):
    """Draws a learning-rate schedule against the optimizer's step.

    Works for any schedule, this package's or Keras's (anything callable on
    a step), and for a constant. The schedule is evaluated one step at a
    time, as the optimizer calls it.

    Args:
        schedule: A `keras.optimizers.schedules.LearningRateSchedule`, a
            callable of the step, or a float.
        steps: An integer `n` (steps `0 .. n-1`) or a sequence of steps.
        ax: matplotlib axes to draw on. Defaults to a new figure.
        path: Where to save the figure (PNG, SVG, ... by extension).
            Defaults to `None` (not saved).
        log_scale: Log scale for the learning rate. Defaults to `False`.
        label: Legend label. Defaults to the schedule's class name.

    Returns:
        The matplotlib axes.

    Example:

    >>> import kerasnotes
    >>> schedule = kerasnotes.schedules.OneCycle(0.1, total_steps=200)
    >>> from kerasnotes.plot import plot_schedule
    >>> ax = plot_schedule(schedule, 200)
    """
    ax = _axes(ax)
    xs, ys = schedule_values(schedule, steps)
    ax.plot(xs, ys, label=label or type(schedule).__name__)
    ax.set_xlabel("step (optimizer iteration)")
    ax.set_ylabel("learning rate")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    ax.grid(True, alpha=0.3)
    _save(ax, path)
    return ax


def plot_lr_finder(finder, *, ax=None, path=None):
    """Smoothed loss against learning rate (log axis), suggestion marked."""
    ax = _axes(ax)
    rates = np.asarray(finder.learning_rates)
    losses = np.asarray(finder.losses)
    finite = np.isfinite(losses)
    ax.plot(rates[finite], losses[finite], label="smoothed loss")
    if finite.sum() > 1:
        # Keep the interesting part in view: the blow-up that stopped the
        # sweep would otherwise flatten the rest of the curve.
        kept = losses[finite]
        low, first = kept.min(), kept[0]
        top = first + 0.5 * (first - low) if first > low else kept.max()
        margin = 0.05 * (top - low) or 0.05 * abs(low) or 1.0
        ax.set_ylim(low - margin, top + margin)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss (EWMA, bias-corrected)")
    try:
        suggested = finder.suggestion()
    except RuntimeError:
        suggested = None
    if suggested is not None:
        index = int(np.argmin(np.abs(rates - suggested)))
        ax.plot(
            [suggested],
            [losses[index]],
            "o",
            color="red",
            label=f"suggestion {suggested:.3g}",
        )
        ax.axvline(suggested, color="red", alpha=0.3, linestyle="--")
    ax.legend()
    ax.grid(True, alpha=0.3)
    _save(ax, path)
    return ax
