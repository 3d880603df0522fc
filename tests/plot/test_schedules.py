import keras
import numpy as np
import pytest

from kerasnotes import schedules
from kerasnotes.plot import plot_schedule
from kerasnotes.plot import schedule_values
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


def test_schedule_values_evaluate_integer_and_fractional_steps():
    schedule = schedules.StepDecay(0.1, 2)
    steps, rates = schedule_values(schedule, 5)
    assert steps.tolist() == [0, 1, 2, 3, 4]
    assert_allclose(rates, [0.1, 0.1, 0.05, 0.05, 0.025], rtol=1e-6)
    # A fractional step goes in as a float tensor: floor(2.5 / 2) = 1.
    steps, rates = schedule_values(schedule, [0.5, 2.5])
    assert_allclose(rates, [0.1, 0.05], rtol=1e-6)


def test_a_constant_is_labelled_with_its_value():
    ax = plot_schedule(0.003, 4)
    assert ax.get_legend().get_texts()[0].get_text() == "constant 0.003"
    assert_allclose(ax.lines[0].get_ydata(), np.full(4, 0.003))


@pytest.mark.parametrize(
    "schedule, steps, kwargs, name",
    [
        ("cosine", 10, {}, "schedule"),
        (-0.1, 10, {}, "schedule"),
        (0.1, 0, {}, "steps"),
        (0.1, 2.5, {}, "steps"),
        (0.1, [], {}, "steps"),
        (0.1, [[0, 1]], {}, "steps"),
        (0.1, [0, -1], {}, "steps"),
        (0.1, [0, float("nan")], {}, "steps"),
        (0.1, 10, {"ax": "axes"}, "ax"),
        (0.1, 10, {"path": 3}, "path"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(schedule, steps, kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}"):
        plot_schedule(schedule, steps, **kwargs)
