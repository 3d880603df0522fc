import keras
import numpy as np
import pytest

from kerasnotes import schedules
from kerasnotes._internal.errors import InputError
from kerasnotes.plot import plot_schedule
from kerasnotes.plot import schedule_values
from kerasnotes.testing import assert_allclose
from tests.schedules._reference import one_cycle

pytest.importorskip("matplotlib", reason="plots need the `plot` extra (matplotlib)")


def one_cycle_momentum(t, T, pct=0.3, base=0.85, top=0.95):
    """Smith 2018, section 4.2, as PyTorch's OneCycleLR cycles the momentum:
    cosine from `top` at step 0 down to `base` at step pct * T - 1, then
    back up to `top` at step T - 1 (and after)."""
    t = np.minimum(np.asarray(t, dtype="float64"), T - 1)
    turn = pct * T - 1

    def anneal(a, b, u):
        return b + (a - b) * (1 + np.cos(np.pi * u)) / 2

    return np.where(
        t <= turn,
        anneal(top, base, t / turn),
        anneal(base, top, (t - turn) / (T - 1 - turn)),
    )


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


def test_momentum_is_drawn_on_a_twin_axis_with_one_legend(tmp_path):
    path = tmp_path / "cycle.png"
    rate = schedules.OneCycle(0.1, 100, pct_start=0.25)
    momentum = schedules.OneCycleMomentum(
        100, pct_start=0.25, base_momentum=0.8, max_momentum=0.9
    )
    ax = plot_schedule(rate, 100, momentum=momentum, path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    twin = ax.figure.axes[-1]
    assert twin is not ax and len(ax.figure.axes) == 2
    assert ax.get_shared_x_axes().joined(ax, twin)
    assert twin.get_ylabel() == "momentum"
    assert ax.get_ylabel() == "learning rate"
    # The rate's line is as without momentum; the momentum's is the closed
    # form (0.9 at steps 0 and 99, 0.8 at the turn, step 24).
    (rate_line,) = ax.lines
    (momentum_line,) = twin.lines
    assert list(rate_line.get_xdata()) == list(range(100))
    assert_allclose(
        rate_line.get_ydata(),
        [one_cycle(t, 0.1, 100, pct=0.25) for t in range(100)],
        rtol=1e-5,
        atol=1e-8,
    )
    alone = plot_schedule(rate, 100).lines[0]
    assert list(rate_line.get_ydata()) == list(alone.get_ydata())
    assert rate_line.get_color() == alone.get_color()
    assert list(momentum_line.get_xdata()) == list(range(100))
    expected = one_cycle_momentum(np.arange(100), 100, 0.25, 0.8, 0.9)
    assert_allclose(expected[[0, 24, 99]], [0.9, 0.8, 0.9], atol=1e-12)
    assert_allclose(momentum_line.get_ydata(), expected, rtol=1e-6, atol=1e-7)
    # Another colour and linestyle, and one legend (on the rate's axes,
    # drawn in front of the twin) listing both.
    assert momentum_line.get_color() != rate_line.get_color()
    assert momentum_line.get_linestyle() != rate_line.get_linestyle()
    assert twin.get_legend() is None
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["OneCycle", "OneCycleMomentum"]
    assert ax.get_zorder() > twin.get_zorder()


def test_a_constant_momentum_and_overlays_share_the_twin(tmp_path):
    ax = plot_schedule(schedules.StepDecay(0.1, 2), 6, momentum=0.9, label="step")
    twin = ax.figure.axes[-1]
    assert_allclose(ax.lines[0].get_ydata(), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert_allclose(twin.lines[0].get_ydata(), np.full(6, 0.9))
    # A later call on the same axes draws its momentum on the same twin,
    # and every call's legend lists all the curves.
    path = tmp_path / "overlay.svg"
    plot_schedule(0.02, 6, ax=ax)
    plot_schedule(0.03, 6, ax=ax, momentum=lambda step: 0.5, path=path)
    assert len(ax.figure.axes) == 2 and ax.figure.axes[-1] is twin
    assert len(ax.lines) == 3 and len(twin.lines) == 2
    assert_allclose(twin.lines[1].get_ydata(), np.full(6, 0.5))
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == [
        "step",
        "constant 0.02",
        "constant 0.03",
        "constant momentum 0.9",
        "function",
    ]
    assert path.read_text().lstrip().startswith("<?xml")


def test_subplots_sharing_the_x_axis_get_a_twin_each(tmp_path):
    from matplotlib.figure import Figure

    figure = Figure(layout="constrained")
    left, right = figure.subplots(1, 2, sharex=True)
    plot_schedule(0.1, 5, ax=left, momentum=0.9, path=tmp_path / "a.png")
    plot_schedule(0.2, 5, ax=right, momentum=0.8)
    # After a save (the layout applied) the left twin is still found.
    plot_schedule(0.3, 5, ax=left, momentum=0.7, path=tmp_path / "b.png")
    assert len(figure.axes) == 4
    left_twin, right_twin = figure.axes[2:]
    assert [line.get_ydata()[0] for line in left_twin.lines] == [0.9, 0.7]
    assert [line.get_ydata()[0] for line in right_twin.lines] == [0.8]


def test_without_momentum_there_is_no_twin():
    ax = plot_schedule(schedules.OneCycle(0.1, 20), 20)
    assert ax.figure.axes == [ax]


@pytest.mark.parametrize(
    "momentum, message",
    [
        ("cos", "must be None, a LearningRateSchedule, a callable of the step"),
        (True, "must be None, a LearningRateSchedule, a callable of the step"),
        ([0.9], "must be None, a LearningRateSchedule, a callable of the step"),
        (1.0, r"must be in \[0, 1\)"),
        (-0.1, r"must be in \[0, 1\)"),
        (float("nan"), "must be finite"),
    ],
)
def test_bad_momentum_names_the_argument_and_value(momentum, message):
    with pytest.raises(
        InputError, match=rf"Argument `momentum` {message}.*Received: momentum="
    ) as raised:
        plot_schedule(0.1, 10, momentum=momentum)
    assert str(raised.value).endswith(f"Received: momentum={momentum!r}")
    assert isinstance(raised.value, ValueError)


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
        (0.1, 10, {"momentum": "cos"}, "momentum"),
        (0.1, 10, {"momentum": 1.5}, "momentum"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(schedule, steps, kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}"):
        plot_schedule(schedule, steps, **kwargs)


class _Counting(keras.optimizers.schedules.LearningRateSchedule):
    """A schedule that counts its calls: 0.1 * 0.5 ** (step / 100)."""

    def __init__(self):
        self.calls = 0

    def __call__(self, step):
        self.calls += 1
        step = keras.ops.cast(step, "float32")
        return 0.1 * keras.ops.power(0.5, step / 100.0)


def test_a_schedule_is_evaluated_once_over_all_steps():
    schedule = _Counting()
    steps, rates = schedule_values(schedule, 1000)
    assert schedule.calls == 1
    assert_allclose(rates, 0.1 * 0.5 ** (np.arange(1000) / 100.0), rtol=1e-5)


def test_a_schedule_that_takes_no_tensor_of_steps_is_called_per_step():
    calls = []

    def stepwise(step):  # a Python `if` on the step's value
        calls.append(step)
        return 0.1 if int(keras.ops.convert_to_numpy(step)) < 3 else 0.01

    steps, rates = schedule_values(stepwise, 5)
    assert_allclose(rates, [0.1, 0.1, 0.1, 0.01, 0.01])


@pytest.mark.parametrize("name", ["cosine", "warmup_cosine", "cyclical", "one_cycle"])
def test_tunes_schedules_evaluated_at_once_match_the_closed_forms(name):
    from kerasnotes.tuning import _space

    total = 200
    policy = _space.SCHEDULES[name](0.1, total)
    _, rates = schedule_values(policy.learning_rate, total)
    t = np.arange(total, dtype="float64")
    if name == "cosine":  # CosineAnnealing(0.1, 200): SGDR's cosine to 0
        expected = 0.05 * (1 + np.cos(np.pi * t / total))
    elif name == "warmup_cosine":  # 20 linear steps from 0, then cosine
        expected = np.where(
            t < 20, 0.1 * t / 20, 0.05 * (1 + np.cos(np.pi * (t - 20) / 180))
        )
    elif name == "cyclical":  # triangular2 between 0.01 and 0.1, step 25
        cycle = np.floor(1 + t / 50)
        x = np.abs(t / 25 - 2 * cycle + 1)
        expected = 0.01 + 0.09 * np.maximum(0, 1 - x) / 2 ** (cycle - 1)
    else:
        expected = [one_cycle(s, 0.1, total) for s in t]
    assert_allclose(rates, expected, rtol=1e-4, atol=1e-7)
    if policy.momentum is not None:
        _, momenta = schedule_values(policy.momentum, total)
        assert_allclose(momenta, one_cycle_momentum(t, total), rtol=1e-5)


def test_a_single_step_is_drawn_as_a_marker():
    # One epoch of one batch: a schedule of one step.
    ax = plot_schedule(
        schedules.OneCycle(0.1, 10), 1, momentum=schedules.OneCycleMomentum(10)
    )
    for line in ax.lines + ax.figure.axes[-1].lines:
        assert len(line.get_xdata()) == 1
        assert line.get_marker() not in (None, "None", "", " ")
    ax = plot_schedule(schedules.OneCycle(0.1, 10), 10)
    assert ax.lines[0].get_marker() == "None"
