"""Plot of Barron's robust loss and its derivative (Figure 1 of the paper)."""

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes.plot import _figure

DEFAULT_ALPHAS = (-float("inf"), -2.0, 0.0, 0.5, 1.0, 1.5, 2.0)


def _check_alphas(alphas):
    try:
        values = [float(alpha) for alpha in alphas]
    except (TypeError, ValueError):
        raise InputError(
            "Argument `alphas` must be a sequence of real numbers. "
            f"Received: alphas={alphas!r}"
        ) from None
    if not values:
        raise InputError(
            "Argument `alphas` must hold at least one value. "
            f"Received: alphas={alphas!r}"
        )
    if any(np.isnan(values)):
        raise InputError(
            "Argument `alphas` must hold real numbers or +-inf, not NaN. "
            f"Received: alphas={alphas!r}"
        )
    return values


def _loss_and_derivative(x, alpha, scale):
    import keras

    from kerasnotes._internal.autodiff import value_and_grad
    from kerasnotes.losses import robust_loss

    def total(t):
        return keras.ops.sum(robust_loss(t, alpha, scale))

    _, (grad,) = value_and_grad(total, x)
    rho = keras.ops.convert_to_numpy(robust_loss(x, alpha, scale))
    return rho, keras.ops.convert_to_numpy(grad)


def plot_robust_loss(
    alphas=DEFAULT_ALPHAS, *, scale=1.0, x_max=6.0, num=601, path=None
):
    """Draws rho(x, alpha, c) and d rho / dx for several alpha, side by side.

    Like Figure 1 of Barron (CVPR 2019): the left panel shows the loss, the
    right its derivative (the influence of a residual on the fit), one curve
    per alpha. Both come from `kerasnotes.losses.robust_loss` and automatic
    differentiation on the active Keras backend.

    Args:
        alphas: Shape parameters to draw (reals, `float("-inf")`,
            `float("inf")`). Defaults
            to `(-inf, -2, 0, 0.5, 1, 1.5, 2)`.
        scale: The scale `c > 0`. Defaults to `1.0`.
        x_max: The residual axis spans `[-x_max, x_max]`. Defaults to `6.0`.
        num: Points per curve. Defaults to `601`.
        path: If given, the figure is saved there (PNG by extension).
            Defaults to `None`.

    Returns:
        The `matplotlib.figure.Figure`, its two axes the loss and the
        derivative.

    Example:

    >>> from kerasnotes.plot import plot_robust_loss
    >>> fig = plot_robust_loss([0.0, 1.0, 2.0], path="robust_loss.png")
    >>> [len(ax.lines) for ax in fig.axes]
    [3, 3]

    References:
        - [Barron, 2019](https://arxiv.org/abs/1701.03077), Figure 1.
    """
    check_positive("scale", scale)
    check_positive("x_max", x_max)
    num = check_positive_int("num", num)
    alphas = _check_alphas(alphas)
    _figure.check_path(path)
    x = np.linspace(-x_max, x_max, num).astype("float32")
    fig, (ax_rho, ax_psi) = _figure.new_figure(10.0, 4.0, ncols=2)
    for alpha in alphas:
        rho, psi = _loss_and_derivative(x, alpha, scale)
        label = f"α={alpha:g}"
        ax_rho.plot(x, rho, label=label)
        ax_psi.plot(x, psi, label=label)
    ax_rho.set(title="loss ρ(x, α, c)", xlabel="x", ylim=(0, None))
    ax_psi.set(title="derivative ∂ρ/∂x", xlabel="x")
    ax_rho.set_ylim(0, min(ax_rho.get_ylim()[1], 0.5 * (x_max / scale) ** 2 / 3))
    for ax in (ax_rho, ax_psi):
        ax.grid(True, alpha=0.3)
    ax_rho.legend(fontsize="small")
    fig.suptitle(f"Barron's general robust loss, c = {scale:g}")
    _figure.save(fig, path)
    return fig
