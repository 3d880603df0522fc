"""`plot_schedule` and `schedule_values`: a learning rate (and a momentum)
against the step."""

import numbers

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_non_negative
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_unit_interval
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


def _check_momentum(momentum):
    if momentum is None:
        return momentum
    if _is_number(momentum):
        return check_unit_interval("momentum", momentum)
    if callable(momentum):
        return momentum
    raise InputError(
        "Argument `momentum` must be None, a LearningRateSchedule, a callable "
        f"of the step or a number in [0, 1). Received: momentum={momentum!r}"
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


def _rates_at(schedule, grid):
    """The schedule called once on a 1-D tensor of all the steps, or None
    when it does not take one (a Python `if` on the step, a scalar result)."""
    import keras

    dtype = "int32" if grid.dtype.kind in "iu" else "float32"
    if dtype == "int32" and grid.max() >= 2**31:
        return None  # an int32 tensor cannot hold these steps
    try:
        rates = schedule(keras.ops.convert_to_tensor(grid, dtype))
        rates = np.asarray(keras.ops.convert_to_numpy(rates), dtype="float64")
    except Exception:  # noqa: BLE001 - any schedule that cannot: step by step
        return None
    return rates if rates.shape == grid.shape else None


def schedule_values(schedule, steps):
    """Evaluates a learning rate at each step, as the optimizer would.

    The schedule is called once, on a 1-D tensor of all the steps (int32
    for integral steps, else float32): `keras.ops` schedules, this
    package's and Keras's own, compute every step elementwise, as they would
    for the optimizer's scalar step. A schedule that cannot take a tensor of
    steps (a Python `if` on the step) or returns another shape is called
    once per step, on a scalar step tensor, the way an optimizer calls it.

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
    rates = _rates_at(schedule, grid)
    if rates is None:
        rates = np.asarray([_rate_at(schedule, step) for step in grid])
    return grid, rates


def _default_label(schedule, constant="constant"):
    if _is_number(schedule):
        return f"{constant} {float(schedule):g}"
    return type(schedule).__name__


# The twin axes of a learning-rate axes that holds the momentum curves is
# marked with this (artist) label, so that a later call with the same `ax`
# draws on it and the legend finds its lines.
_MOMENTUM_AXES = "kerasnotes momentum"


def _momentum_axes(ax, create):
    """The momentum twin of `ax`: the one an earlier call made, else a new
    one (behind `ax`, so that the legend on `ax` is drawn on top) when
    `create`, else None."""
    for other in ax.figure.axes:
        # A twin shares the x-axis of `ax` and its place; a subplot beside it
        # made with `sharex=True` (which may have a twin of its own) only the
        # x-axis.
        if (
            other is not ax
            and other.get_label() == _MOMENTUM_AXES
            and ax.get_shared_x_axes().joined(ax, other)
            and other.get_position().bounds == ax.get_position().bounds
        ):
            return other
    if not create:
        return None
    twin = ax.twinx()
    twin.set_label(_MOMENTUM_AXES)
    twin.set_ylabel("momentum")
    # `ax` goes in front with a transparent background; the twin, behind,
    # paints the background `ax` had.
    twin.patch.set_facecolor(ax.patch.get_facecolor())
    twin.patch.set_visible(ax.patch.get_visible())
    ax.patch.set_visible(False)
    ax.set_zorder(twin.get_zorder() + 1)
    return twin


def plot_schedule(
    schedule,
    steps,
    *,
    ax=None,
    path=None,
    log_scale=False,
    label=None,
    momentum=None,
):
    """Draws a learning-rate schedule against the optimizer's step.

    Works for any schedule, this package's or Keras's (anything callable on
    a step), and for a constant. The schedule is evaluated by
    `schedule_values`: once over a tensor of all the steps, or one step at a
    time when it cannot take one. A single step is drawn as a marker (a
    line needs two points).

    With `momentum`, the momentum (or `beta_1`) schedule of the same run is
    drawn too, dashed and in another colour, on a twin y-axis on the right
    labelled "momentum" (`ax.twinx()`), and one legend lists both curves:
    the one-cycle picture of a rate going up while the momentum goes down.
    The twin is made once per learning-rate axes: later calls with the same
    `ax` draw their momentum on it, and their legend still lists every
    curve of both axes. It is not returned; right after the call that made
    it, it is the figure's last axes, `ax.figure.axes[-1]`.

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
        log_scale: Log scale for the learning rate (the momentum axis stays
            linear). Defaults to `False`.
        label: Legend label of the learning rate. Defaults to `None` (the
            schedule's class name, or "constant 0.01" for a float).
        momentum: A momentum schedule to draw on the right axis, evaluated
            at the same steps by `schedule_values`: a
            `keras.optimizers.schedules.LearningRateSchedule` (e.g.
            `kerasnotes.schedules.OneCycleMomentum`), a callable of the step,
            or a float in [0, 1) (a constant momentum). Its legend label is
            the class name, or "constant momentum 0.9" for a float. Defaults
            to `None` (no momentum drawn).

    Returns:
        The matplotlib `Axes` of the learning rate (the legend is on it);
        the momentum's twin axes is `ax.figure.axes[-1]` after the call
        that made it.

    Example:

    >>> import kerasnotes
    >>> from kerasnotes.plot import plot_schedule
    >>> schedule = kerasnotes.schedules.OneCycle(0.1, total_steps=200)
    >>> ax = plot_schedule(schedule, 200, path="one_cycle.png")
    >>> ax = plot_schedule(0.01, 200, ax=ax)  # a constant, on the same axes
    >>> len(ax.lines)
    2

    A one-cycle rate with its momentum, the momentum on the right axis:

    >>> momentum = kerasnotes.schedules.OneCycleMomentum(total_steps=200)
    >>> ax = plot_schedule(schedule, 200, momentum=momentum, path="cycle.png")
    >>> twin = ax.figure.axes[-1]
    >>> twin.get_ylabel(), round(float(twin.lines[0].get_ydata()[59]), 6)
    ('momentum', 0.85)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['OneCycle', 'OneCycleMomentum']
    """
    log_scale = check_bool("log_scale", log_scale)
    _figure.check_axes(ax)
    _figure.check_path(path)
    momentum = _check_momentum(momentum)
    xs, ys = schedule_values(schedule, steps)
    if momentum is not None:
        _, momenta = schedule_values(momentum, steps)
    ax = _figure.axes_or_new(ax)
    marker = "o" if len(xs) == 1 else None
    ax.plot(xs, ys, marker=marker, label=label or _default_label(schedule))
    ax.set_xlabel("step (optimizer iteration)")
    ax.set_ylabel("learning rate")
    if log_scale:
        ax.set_yscale("log")
    twin = _momentum_axes(ax, create=momentum is not None)
    if momentum is not None:
        twin.plot(
            xs,
            momenta,
            # The colour after the rate's in the colour cycle ("CN" wraps).
            color=f"C{len(ax.lines)}",
            linestyle="--",
            marker=marker,
            label=_default_label(momentum, constant="constant momentum"),
        )
    handles, labels = ax.get_legend_handles_labels()
    if twin is not None:
        twin_handles, twin_labels = twin.get_legend_handles_labels()
        handles, labels = handles + twin_handles, labels + twin_labels
    ax.legend(handles, labels)
    ax.grid(True, alpha=0.3)
    _figure.save(ax.figure, path)
    return ax
