"""The bad arguments the fuzzing of issue 16 found, one regression test each.

Every public constructor and function refuses a bad argument at once with a
`ValueError` (a `TypeError` too for a wrong type) whose message names the
argument and shows the value, and accepts every real number type where a
number is asked. The broad sweep is tests/test_fuzz_arguments.py.
"""

import re

import keras
import numpy as np
import pytest

from kerasnotes import activations
from kerasnotes import callbacks
from kerasnotes import diagnostics
from kerasnotes import losses
from kerasnotes import optimizers
from kerasnotes import schedules
from kerasnotes._internal import validation


def _raises(error, name, shown):
    """`pytest.raises` for Keras's message form, naming `name` and showing
    the value as `shown`."""
    return pytest.raises(error, match=re.escape(f"Received: {name}={shown}"))


# Numbers of every type ------------------------------------------------------


@pytest.mark.parametrize(
    "value", [10**400, -(10**400), 1e39, -1e39, float("inf"), float("nan")]
)
def test_floats_beyond_float32_are_refused_by_name(value):
    # 10**400 raised OverflowError inside the check; 1e39 was accepted and
    # trained with an infinite rate.
    with pytest.raises(ValueError, match=r"Argument `learning_rate` must be"):
        optimizers.NAG(learning_rate=value)
    with pytest.raises(ValueError, match=r"Argument `delta` must be"):
        losses.Huber(delta=value)


@pytest.mark.parametrize(
    "value", [np.float32(0.1), np.float64(0.1), np.array(0.1), 1, np.int64(1)]
)
def test_every_real_number_type_is_a_learning_rate(value):
    # NumPy scalars, 0-d arrays and ints were refused by Keras's base class.
    optimizer = optimizers.NAG(learning_rate=value)
    config = optimizer.get_config()
    assert type(config["learning_rate"]) is float
    assert config["learning_rate"] == pytest.approx(float(value))
    assert type(optimizers.AdamW(beta_2=np.float32(0.5)).beta_2) is float


def test_a_concrete_0d_tensor_is_a_number():
    tensor = keras.ops.convert_to_tensor(0.25)
    assert optimizers.NAG(momentum=tensor).momentum == 0.25


# Choices ------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode",
    [np.array(["triangular"]), np.array([1, 2]), ["triangular"], 0.0],
    ids=["array-of-the-name", "array", "list", "float"],
)
def test_a_choice_is_a_string_only(mode):
    # The array of the name was accepted; [1, 2] raised "truth value is
    # ambiguous"; a tensor raised TensorFlow's TypeError.
    with pytest.raises(TypeError, match=r"Argument `mode` must be one of"):
        schedules.CyclicalLearningRate(0.1, 1.0, 10, mode=mode)


def test_a_tensor_is_not_a_choice():
    tensor = keras.ops.convert_to_tensor(1.0)
    with pytest.raises(TypeError, match=r"Argument `mode` must be one of"):
        schedules.CyclicalLearningRate(0.1, 1.0, 10, mode=tensor)


def test_a_numpy_string_is_a_choice():
    schedule = schedules.CyclicalLearningRate(0.1, 1.0, 10, mode=np.str_("triangular2"))
    assert type(schedule.get_config()["mode"]) is str


# The base optimizer's keyword arguments -----------------------------------


@pytest.mark.parametrize(
    "name, value, error",
    [
        ("clipnorm", 0, ValueError),
        ("clipnorm", -float("inf"), ValueError),
        ("clipvalue", -1.0, ValueError),
        ("global_clipnorm", float("nan"), ValueError),
        ("loss_scale_factor", 0, ValueError),
        ("use_ema", "", TypeError),
        ("ema_momentum", 1.5, ValueError),
        ("gradient_accumulation_steps", 0.0, ValueError),
        ("gradient_accumulation_steps", 2.5, ValueError),
        ("weight_decay", -0.1, ValueError),
    ],
)
@pytest.mark.parametrize(
    "make",
    [optimizers.NAG, optimizers.AMSGrad, optimizers.RAdam],
    ids=["NAG", "AMSGrad", "RAdam"],
)
def test_base_optimizer_kwargs_are_checked(make, name, value, error):
    # Keras's Optimizer took them all: clipnorm=0 and -inf turned clipping
    # off, loss_scale_factor=0 zeroes every gradient, use_ema='' read False.
    with _raises(error, name, repr(value)):
        make(**{name: value})


def test_valid_base_optimizer_kwargs_keep_working():
    optimizer = optimizers.AdamW(
        clipnorm=np.float32(1.0),
        use_ema=np.bool_(True),
        ema_momentum=1,
        gradient_accumulation_steps=np.int64(2),
        loss_scale_factor=128,
    )
    config = optimizer.get_config()
    assert config["clipnorm"] == 1.0 and type(config["clipnorm"]) is float
    assert config["use_ema"] is True
    assert config["gradient_accumulation_steps"] == 2
    assert optimizers.NAG(name="nag_1").name == "nag_1"


# Arguments accepted although invalid --------------------------------------


def _batch():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    return model, np.ones((4, 2), "float32"), np.ones((4, 1), "float32")


@pytest.mark.parametrize(
    "name, value, error, shown",
    [
        ("training", 0.0, TypeError, "0.0"),
        ("log_dir", 0.0, TypeError, "0.0"),
        ("loss", 3, TypeError, "3"),
    ],
)
def test_gradient_monitor_arguments(name, value, error, shown):
    _, x, y = _batch()
    with _raises(error, name, shown):
        callbacks.GradientMonitor(x, y, **{name: value})


def test_hyper_mlp_discrete_is_a_bool():
    pytest.importorskip("keras_tuner")
    from kerasnotes.tuning import HyperMLP

    with _raises(TypeError, "discrete", "0.0"):
        HyperMLP(discrete=0.0)
    assert HyperMLP(discrete=np.bool_(True)).discrete is True


@pytest.mark.parametrize(
    "name, value, error",
    [
        ("k_neighbors", 0, ValueError),
        ("executions_per_trial", 0, ValueError),
        ("max_consecutive_failed_trials", -320, ValueError),
        ("project_name", 0.0, TypeError),
        ("directory", 1, TypeError),
        ("overwrite", "yes", TypeError),
        ("patience", -1, ValueError),
        ("seed", 0.0, TypeError),
        ("seed", -1, ValueError),
        ("verbose", 3, ValueError),
        ("callbacks", "early", TypeError),
    ],
)
def test_search_arguments_are_checked_before_any_work(tmp_path, name, value, error):
    # All of these were taken (or refused late, by scikit-learn's
    # `random_state` message for seed=0.0) before this fix.
    pytest.importorskip("keras_tuner")
    from kerasnotes.tuning import search

    x = np.zeros((20, 3), "float32")
    y = np.arange(20) % 2
    arguments = {"directory": str(tmp_path), "verbose": 0, name: value}
    with _raises(error, name, repr(value)):
        search(x, y, max_trials=1, epochs=1, **arguments)


def test_search_oversample_names_oversample():
    # 'auto' was refused by the data layer's check, naming `method`.
    pytest.importorskip("keras_tuner")
    from kerasnotes.tuning import search

    x = np.zeros((20, 3), "float32")
    y = np.arange(20) % 2
    with _raises(ValueError, "oversample", "'auto'"):
        search(x, y, oversample="auto", verbose=0)


@pytest.mark.parametrize(
    "name, value, error",
    [
        ("seed", 0.0, TypeError),
        ("training", "no", TypeError),
        ("epsilon", 0.0, ValueError),
    ],
)
def test_gradient_check_arguments(name, value, error):
    # seed=0.0 raised a NumPy TypeError from default_rng.
    model, x, y = _batch()
    with _raises(error, name, repr(value)):
        diagnostics.gradient_check(model, x, y, "mse", **{name: value})


# Activations and the robust loss ------------------------------------------


def test_elu_alpha_list_is_refused_by_name():
    # A TensorFlow InvalidArgumentError ("Incompatible shapes") before.
    with _raises(TypeError, "alpha", "[]"):
        activations.elu(np.array([1.0, -2.0], "float32"), alpha=[])


def test_elu_alpha_large_int_is_a_number():
    # 2**63 overflowed the int64 cast, in a message without `alpha`.
    x = np.array([1.0, -2.0], "float32")
    got = keras.ops.convert_to_numpy(activations.elu(x, alpha=2**63))
    np.testing.assert_allclose(got, [1.0, 2.0**63 * np.expm1(-2.0)], rtol=1e-6)
    with _raises(ValueError, "alpha", repr(10**39)):
        activations.elu(x, alpha=10**39)


@pytest.mark.parametrize("axis", [1, -2, 5])
def test_softmax_axis_out_of_range(axis):
    # TensorFlow's InvalidArgumentError ("`dim` must be in the range").
    with _raises(ValueError, "axis", repr(axis)):
        activations.softmax(np.array([1.0, 2.0], "float32"), axis=axis)


def test_softmax_axis_in_range():
    x = np.array([[1.0, 2.0], [1.0, 0.0]], "float32")
    got = keras.ops.convert_to_numpy(activations.softmax(x, axis=-2))
    e = np.exp(1.0)
    np.testing.assert_allclose(
        got, [[0.5, e**2 / (e**2 + 1)], [0.5, 1 / (e**2 + 1)]], rtol=1e-6
    )


def test_robust_loss_concrete_tensor_scale_is_checked():
    # scale=tensor(0.) returned NaN.
    x = np.array([0.5, 3.0], "float32")
    with pytest.raises(ValueError, match=r"Argument `scale` must be > 0"):
        losses.robust_loss(x, 1.0, scale=keras.ops.convert_to_tensor(0.0))
    with pytest.raises(ValueError, match=r"Argument `scale` must be > 0"):
        losses.robust_loss(x, 1.0, scale=keras.ops.convert_to_tensor([1.0, -1.0]))
    with _raises(TypeError, "scale", "'a'"):
        losses.robust_loss(x, 1.0, scale="a")
    with pytest.raises(ValueError, match=r"Argument `alpha` must be"):
        losses.robust_loss(x, keras.ops.convert_to_tensor(np.nan), 1.0)
    # sqrt((x/c)^2 + 1) - 1 at alpha = 1, c = 2 (Barron's eq. 1).
    got = losses.robust_loss(x, 1.0, scale=keras.ops.convert_to_tensor(2.0))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(got), np.sqrt((x / 2) ** 2 + 1) - 1, rtol=1e-6
    )


# Values finite as Python floats, not in float32 ----------------------------


def test_one_cycle_rate_must_be_finite_in_float32():
    # div_factor=1e-276 made the starting rate 0.1 / 1e-276 = inf.
    with pytest.raises(ValueError, match=r"Received: div_factor=1e-276"):
        schedules.OneCycle(0.1, 100, div_factor=1e-276)
    with pytest.raises(ValueError, match=r"Received: div_factor=1e-38"):
        schedules.OneCycle(10.0, 100, div_factor=1e-38)
    with pytest.raises(ValueError, match=r"Received: final_div_factor=1e-39"):
        schedules.OneCycle(1.0, 100, div_factor=1.0, final_div_factor=1e-39)
    schedules.OneCycle(10.0, 100, div_factor=1e-37)  # 1e38 is finite


def test_positive_values_that_are_zero_in_float32_are_refused():
    with pytest.raises(ValueError, match=r"Received: epsilon=1e-50"):
        optimizers.AMSGrad(epsilon=1e-50)


def test_message_shows_plain_python_values():
    with pytest.raises(ValueError) as info:
        validation.check_positive("delta", np.float32(-2.0))
    assert str(info.value).endswith("Received: delta=-2.0")


# Limits that now match the references -------------------------------------


def _torch_one_cycle(total_steps, pct_start, anneal_strategy):
    torch = pytest.importorskip("torch")
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=0.1)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=0.1,
        total_steps=total_steps,
        pct_start=pct_start,
        anneal_strategy=anneal_strategy,
        cycle_momentum=False,
    )
    rates = []
    for _ in range(total_steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


@pytest.mark.parametrize(
    "total_steps, pct_start",
    [(1, 0.3), (2, 0.3), (3, 0.3), (4, 0.2), (6, 0.0), (10, 0.05)],
)
@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
def test_one_cycle_short_cycles_match_torch(total_steps, pct_start, anneal_strategy):
    # total_steps=2 or 3 was refused with the default pct_start; PyTorch's
    # OneCycleLR takes them (0.0812, 0.0 for 2 cosine steps).
    expected = _torch_one_cycle(total_steps, pct_start, anneal_strategy)
    schedule = schedules.OneCycle(
        0.1, total_steps, pct_start=pct_start, anneal_strategy=anneal_strategy
    )
    got = [float(keras.ops.convert_to_numpy(schedule(s))) for s in range(total_steps)]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-8)


def test_one_cycle_two_steps_closed_form():
    # PyTorch's phases: the peak at 0.3 * 2 - 1 = -0.4, so step 0 is on the
    # falling part at (0 + 0.4) / (1 + 0.4) of it.
    lr0 = 0.1 / 25.0
    end = lr0 / 1e4
    u = 0.4 / 1.4
    first = end + (0.1 - end) * (1 + np.cos(np.pi * u)) / 2
    schedule = schedules.OneCycle(0.1, 2)
    got = [float(keras.ops.convert_to_numpy(schedule(s))) for s in (0, 1, 5)]
    np.testing.assert_allclose(got, [first, end, end], rtol=1e-6)
    assert round(first, 4) == 0.0812


def test_one_cycle_peak_at_step_zero_is_the_peak():
    # pct_start * total_steps == 1: PyTorch divides 0 by 0 at step 0; the
    # limit of both parts there is the peak.
    schedule = schedules.OneCycle(0.1, 10, pct_start=0.1)
    assert float(keras.ops.convert_to_numpy(schedule(0))) == pytest.approx(0.1)


def test_one_cycle_momentum_short_cycle():
    momentum = schedules.OneCycleMomentum(2)
    values = [float(keras.ops.convert_to_numpy(momentum(s))) for s in (0, 1)]
    # Rising from base 0.85 to max 0.95 over the falling part of the rate.
    u = 0.4 / 1.4
    expected = 0.95 + (0.85 - 0.95) * (1 + np.cos(np.pi * u)) / 2
    np.testing.assert_allclose(values, [expected, 0.95], rtol=1e-6)


def test_one_cycle_pct_start_one_is_refused():
    with _raises(ValueError, "pct_start", "1.0"):
        schedules.OneCycle(0.1, 10, pct_start=1.0)


@pytest.mark.parametrize("inner", ["cosine", "constant"])
def test_warmup_zero_steps_matches_keras_cosine_decay(inner):
    # warmup_steps=0 was refused; Keras's CosineDecay takes it.
    if inner == "cosine":
        wrapped = keras.optimizers.schedules.CosineDecay(0.5, 40, alpha=0.1)
        reference = keras.optimizers.schedules.CosineDecay(
            0.0, 40, alpha=0.1, warmup_target=0.5, warmup_steps=0
        )
    else:
        wrapped = 0.3
        reference = lambda step: 0.3  # noqa: E731
    schedule = schedules.WarmUp(wrapped, warmup_steps=0, start_learning_rate=0.2)
    steps = [0, 1, 20, 39, 40, 100]
    got = [float(keras.ops.convert_to_numpy(schedule(s))) for s in steps]
    expected = [float(keras.ops.convert_to_numpy(reference(s))) for s in steps]
    np.testing.assert_allclose(got, expected, rtol=1e-6)
