import keras
import numpy as np
import pytest

from kerasnotes import schedules
from kerasnotes.plot import plot_schedule
from kerasnotes.testing import assert_allclose
from tests.schedules._reference import one_cycle

pytest.importorskip("matplotlib", reason="plots need the `plot` extra (matplotlib)")


def test_plots_our_schedule_to_png(tmp_path):
    path = tmp_path / "one_cycle.png"
    schedule = schedules.WarmUp(schedules.OneCycle(0.1, 40), 10)
    ax = plot_schedule(schedule, 60, path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    xs, ys = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert list(xs) == list(range(60))
    # Warmup from 0 to OneCycle(0) = 0.1 / 25, then the cycle.
    expected = [0.004 * t / 10 if t < 10 else one_cycle(t - 10, 0.1, 40) for t in xs]
    assert_allclose(ys, expected, rtol=1e-5, atol=1e-8)
    assert ax.get_legend().get_texts()[0].get_text() == "WarmUp"


def test_plots_keras_schedules_and_constants_on_one_axes(tmp_path):
    keras_schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
        [10, 20], [0.1, 0.05, 0.01]
    )
    ax = plot_schedule(keras_schedule, [0, 5, 10, 11, 25], log_scale=True)
    plot_schedule(0.02, 30, ax=ax, label="constant", path=tmp_path / "both.svg")
    assert_allclose(ax.lines[0].get_ydata(), [0.1, 0.1, 0.1, 0.05, 0.01], rtol=1e-6)
    assert_allclose(ax.lines[1].get_ydata(), np.full(30, 0.02))
    assert ax.get_yscale() == "log"
    assert (tmp_path / "both.svg").read_text().lstrip().startswith("<?xml")
