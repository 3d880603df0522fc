"""`plot_activation`: an activation function and its autodiff derivative."""

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_real
from kerasnotes.plot import _figure


def _activation(fn):
    import keras

    if isinstance(fn, str):
        # `keras.activations.get` does not look up registered names.
        fn = keras.saving.get_registered_object(fn) or keras.activations.get(fn)
    if not callable(fn):
        raise InputError(
            f"Argument `fn` must be callable or an activation name. Received: fn={fn!r}"
        )
    return fn


def _name(fn):
    name = getattr(fn, "__name__", None) or getattr(fn, "name", None)
    return name or type(fn).__name__


def plot_activation(
    fn,
    x_min=-5.0,
    x_max=5.0,
    *,
    num=401,
    derivative=True,
    ax=None,
    label=None,
    path=None,
):
    """Plots an elementwise activation function and its derivative.

    The derivative is computed by automatic differentiation on the current
    Keras backend (`tf.GradientTape`, `jax.grad` or `torch.autograd`), not by
    finite differences, so it shows what backpropagation will use: kinks
    (ReLU at 0) take the value the backend assigns, and a step function's
    derivative is 0 everywhere. Works for `kerasnotes.activations`, Keras's
    own (`keras.activations.gelu`, or by name: `"gelu"`) and any callable of a
    tensor, layers included.

    The figure is built without `pyplot` and no matplotlib backend is
    selected, so nothing needs a display and a notebook's backend is left
    alone; in a notebook the returned figure renders inline.

    Args:
        fn: A callable of one tensor, or a name `keras.activations.get`
            knows (`"swish"`, `"kerasnotes>selu"`).
        x_min: Float. Left end of the plotted interval. Defaults to `-5.0`.
        x_max: Float. Right end of the plotted interval. Defaults to `5.0`.
        num: Integer. Number of evaluation points. Defaults to `401`.
        derivative: Bool. Whether to draw the derivative (dashed). Defaults
            to `True`.
        ax: A matplotlib `Axes` to draw on (to overlay several functions).
            Defaults to `None` (a new figure).
        label: String for the legend and title. Defaults to `None` (the
            function's name).
        path: Where to save the figure (PNG, or any format matplotlib infers
            from the suffix). Defaults to `None` (not saved).

    Returns:
        The matplotlib `Figure` (that of `ax` when given).

    Example:

    >>> import kerasnotes
    >>> from kerasnotes.plot import plot_activation
    >>> fig = plot_activation(kerasnotes.activations.swish, path="swish.png")
    >>> len(fig.axes[0].lines)  # the function and its derivative
    2
    """
    from kerasnotes._internal.autodiff import value_and_derivative

    check_real("x_min", x_min)
    check_real("x_max", x_max)
    if not x_min < x_max:
        raise InputError(
            "Argument `x_max` must be > x_min. "
            f"Received: x_min={x_min!r}, x_max={x_max!r}"
        )
    num = check_positive_int("num", num)
    derivative = check_bool("derivative", derivative)
    fn = _activation(fn)
    _figure.check_axes(ax)
    _figure.check_path(path)
    if label is None:
        label = _name(fn)
    x = np.linspace(float(x_min), float(x_max), num)
    y, dy = value_and_derivative(fn, x)
    if ax is None:
        ax = _figure.axes_or_new(None)
        ax.set_title(label)
    (line,) = ax.plot(x, y, label=label)
    if derivative:
        ax.plot(x, dy, linestyle="--", color=line.get_color(), label=f"{label}'")
    ax.grid(True, alpha=0.3)
    ax.set_xlabel("x")
    ax.legend()
    _figure.save(ax.figure, path)
    return ax.figure
