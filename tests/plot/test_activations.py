"""kerasnotes.plot.plot_activation."""

import keras
import numpy as np
import pytest

from kerasnotes import activations
from kerasnotes.layers import Swish
from kerasnotes.plot import plot_activation
from kerasnotes.testing import assert_allclose

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@pytest.mark.parametrize(
    "fn",
    [activations.swish, keras.activations.gelu, "kerasnotes>selu", "tanh"],
    ids=["ours", "keras", "ours-by-name", "keras-by-name"],
)
def test_writes_a_png(fn, tmp_path):
    path = tmp_path / "activation.png"
    fig = plot_activation(fn, path=path)
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5000
    assert len(fig.axes[0].lines) == 2


def test_lines_are_the_function_and_its_derivative():
    fig = plot_activation(activations.swish, -6.0, 6.0, num=121)
    function, derivative = fig.axes[0].lines
    x = function.get_xdata()
    assert_allclose(x, np.linspace(-6, 6, 121))
    s = _sigmoid(x)
    assert_allclose(function.get_ydata(), x * s, rtol=1e-5, atol=1e-6)
    # Swish's derivative in the notes' form: f + s (1 - f) with beta = 1.
    assert_allclose(
        derivative.get_ydata(), x * s + s * (1 - x * s), rtol=1e-5, atol=1e-6
    )
    assert fig.axes[0].get_title() == "swish"


def test_overlay_on_given_axes_and_layers():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    plot_activation(activations.relu, ax=ax, derivative=False)
    plot_activation(Swish(beta=4.0), ax=ax, label="swish, beta=4")
    assert len(ax.lines) == 3
    x = ax.lines[1].get_xdata()
    assert_allclose(
        ax.lines[1].get_ydata(), x * _sigmoid(4.0 * x), rtol=1e-5, atol=1e-6
    )
    # The step's derivative is zero: autodiff through a comparison.
    plot_activation(activations.step, ax=ax)
    assert np.all(ax.lines[-1].get_ydata() == 0.0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(x_min=2.0, x_max=1.0), "x_max"),
        (dict(num=0), "num"),
        (dict(x_min=float("nan")), "x_min"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        plot_activation(activations.relu, **kwargs)


def test_bad_function():
    with pytest.raises(ValueError, match="`fn`"):
        plot_activation(3.0)


def test_bad_axes_and_path():
    with pytest.raises(ValueError, match="`ax`.*Received: ax='left'"):
        plot_activation(activations.relu, ax="left")
    with pytest.raises(ValueError, match="`path`.*Received: path=7"):
        plot_activation(activations.relu, path=7)
