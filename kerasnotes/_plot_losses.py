"""Plot of Barron's robust loss and its derivative (Figure 1 of the paper)."""

import numpy as np

from kerasnotes._internal.errors import InputError

DEFAULT_ALPHAS = (-float("inf"), -2.0, 0.0, 0.5, 1.0, 1.5, 2.0)


def plot_robust_loss(
    alphas=DEFAULT_ALPHAS, *, scale=1.0, x_max=6.0, num=601, path=None
):
    """Draws rho(x, alpha, c) and d rho / dx for several alpha, side by side.

    Like Figure 1 of Barron (CVPR 2019): the left panel shows the loss, the
    right its derivative (the influence of a residual on the fit), one curve
    per alpha. Both come from `kerasnotes.losses.robust_loss` and automatic
    differentiation on the active Keras backend.

    Args:
        alphas: Shape parameters to draw (reals, `float("-inf")`). Defaults
            to `(-inf, -2, 0, 0.5, 1, 1.5, 2)`.
        scale: The scale `c > 0`. Defaults to `1.0`.
        x_max: The residual axis spans `[-x_max, x_max]`. Defaults to `6.0`.
        num: Points per curve. Defaults to `601`.
        path: If given, the figure is saved there (PNG by extension).
            Defaults to `None`.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:

    >>> from kerasnotes.plot import plot_robust_loss
    >>> fig = plot_robust_loss([0.0, 1.0, 2.0], path="robust_loss.png")
    """
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps"):
        import os

        if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
            matplotlib.use("Agg")
    import keras
    import matplotlib.pyplot as plt

    from kerasnotes._internal import validation as _validation
    from kerasnotes._internal.autodiff import value_and_grad
    from kerasnotes.losses import robust_loss

    _validation.check_positive("scale", scale)
    _validation.check_positive("x_max", x_max)
    num = _validation.check_positive_int("num", num)
    alphas = list(alphas)
    if not alphas:
        raise InputError(
            "Argument `alphas` must hold at least one value. "
            f"Received: alphas={alphas!r}"
        )
    x = np.linspace(-x_max, x_max, num).astype("float32")
    fig, (ax_rho, ax_psi) = plt.subplots(1, 2, figsize=(10, 4))
    for alpha in alphas:
        alpha = float(alpha)

        def total(t, alpha=alpha):
            return keras.ops.sum(robust_loss(t, alpha, scale))

        _, (grad,) = value_and_grad(total, x)
        rho = keras.ops.convert_to_numpy(robust_loss(x, alpha, scale))
        psi = keras.ops.convert_to_numpy(grad)
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
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig
