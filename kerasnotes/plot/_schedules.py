"""`plot_schedule` and `schedule_values`: a learning rate against the step."""

import numbers

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_non_negative
from kerasnotes._internal.validation import check_positive_int
from kerasnotes.plot import _figure


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_schedule(schedule):
    if _is_number(schedule):
        return check_non_negative("schedule", schedule)
    if callable(schedule):
        return schedule
    raise InputError(
        "Argument `schedule` must be a LearningRateSchedule, a callable of the "
        f"step or a number >= 0. Received: schedule={schedule!r}"
    )


def _check_steps(steps):
    if _is_number(steps):
        return np.arange(check_positive_int("steps", steps))
    grid = _figure.numeric_vector(steps)
    if grid is None:
        raise InputError(
            "Argument `steps` must be an integer > 0 or a non-empty 1-D sequence "
            f"of steps. Received: steps={steps!r}"
        )
    if not np.all(np.isfinite(grid)) or np.any(grid < 0):
        raise InputError(
            f"Argument `steps` must hold finite steps >= 0. Received: steps={steps!r}"
        )
    if np.all(grid == np.round(grid)):
        return grid.astype("int64")
    return grid


def _rate_at(schedule, step):
    import keras

    if float(step).is_integer():
        tensor = keras.ops.convert_to_tensor(int(step))
    else:
        tensor = keras.ops.convert_to_tensor(float(step), "float32")
    return float(keras.ops.convert_to_numpy(schedule(tensor)))


def schedule_values(schedule, steps):
    """Evaluates a learning rate at each step, as the optimizer would.

    The schedule is called once per step, on a scalar step tensor (an
    integer one for integral steps), the way an optimizer calls it.

    Args:
        schedule: A `keras.optimizers.schedules.LearningRateSchedule`, a
            callable of the step, or a number (a constant rate).
        steps: An integer `n` (steps `0 .. n-1`) or a 1-D sequence of steps
            `>= 0`.

    Returns:
        A pair of NumPy arrays `(steps, learning_rates)`.

    Example:

    >>> import kerasnotes
    >>> from kerasnotes.plot import schedule_values
    >>> steps, rates = schedule_values(kerasnotes.schedules.StepDecay(0.1, 2), 5)
    >>> [round(float(r), 6) for r in rates]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    schedule = _check_schedule(schedule)
    grid = _check_steps(steps)
    if _is_number(schedule):
        return grid, np.full(len(grid), float(schedule))
    return grid, np.asarray([_rate_at(schedule, step) for step in grid])


def _default_label(schedule):
    if _is_number(schedule):
        return f"constant {float(schedule):g}"
    return type(schedule).__name__


def plot_schedule(schedule, steps, *, ax=None, path=None, log_scale=False, label=None):
    """Draws a learning-rate schedule against the optimizer's step.

    Works for any schedule, this package's or Keras's (anything callable on
    a step), and for a constant. The schedule is evaluated one step at a
    time, as the optimizer calls it (`schedule_values`).

    The figure is built without `pyplot` and no matplotlib backend is
    selected; in a notebook, show the new figure as `ax.figure`.

    Args:
        schedule: A `keras.optimizers.schedules.LearningRateSchedule`, a
            callable of the step, or a float (a constant rate).
        steps: An integer `n` (steps `0 .. n-1`) or a sequence of steps.
        ax: A matplotlib `Axes` to draw on (to overlay several schedules).
            Defaults to `None` (a new figure).
        path: Where to save the figure (PNG, SVG, ... by extension).
            Defaults to `None` (not saved).
        log_scale: Log scale for the learning rate. Defaults to `False`.
        label: Legend label. Defaults to `None` (the schedule's class name,
            or "constant 0.01" for a float).

    Returns:
        The matplotlib `Axes` drawn on.

    Example:

    >>> import kerasnotes
    >>> from kerasnotes.plot import plot_schedule
    >>> schedule = kerasnotes.schedules.OneCycle(0.1, total_steps=200)
    >>> ax = plot_schedule(schedule, 200, path="one_cycle.png")
    >>> ax = plot_schedule(0.01, 200, ax=ax)  # a constant, on the same axes
    >>> len(ax.lines)
    2
    """
    _figure.check_axes(ax)
    _figure.check_path(path)
    xs, ys = schedule_values(schedule, steps)
    ax = _figure.axes_or_new(ax)
    ax.plot(xs, ys, label=label or _default_label(schedule))
    ax.set_xlabel("step (optimizer iteration)")
    ax.set_ylabel("learning rate")
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    ax.grid(True, alpha=0.3)
    _figure.save(ax.figure, path)
    return ax
