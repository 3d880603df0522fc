import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="plotting needs matplotlib")


def test_plot_robust_loss_writes_a_png(tmp_path):
    from kerasnotes.plot import plot_robust_loss

    path = tmp_path / "robust_loss.png"
    fig = plot_robust_loss([-float("inf"), -2.0, 0.0, 1.0, 2.0], path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax_rho, ax_psi = fig.axes
    assert len(ax_rho.lines) == len(ax_psi.lines) == 5
    # alpha = 2 (last curve): rho = x^2/2 and its derivative is x
    x, rho = ax_rho.lines[-1].get_data()
    _, psi = ax_psi.lines[-1].get_data()
    np.testing.assert_allclose(rho, 0.5 * x**2, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(psi, x, rtol=1e-6, atol=1e-6)


def test_plot_rejects_empty_alphas():
    from kerasnotes.plot import plot_robust_loss

    with pytest.raises(ValueError, match="`alphas`"):
        plot_robust_loss([])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(alphas=[1.0, float("nan")]), "alphas"),
        (dict(alphas=["one"]), "alphas"),
        (dict(scale=0.0), "scale"),
        (dict(x_max=-1.0), "x_max"),
        (dict(num=0), "num"),
        (dict(path=1.5), "path"),
    ],
)
def test_bad_arguments(kwargs, name):
    from kerasnotes.plot import plot_robust_loss

    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}"):
        plot_robust_loss(**kwargs)
