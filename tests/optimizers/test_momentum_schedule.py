"""Momentum and beta_1 as schedules: torch's one-cycle AdamW (recorded),
NumPy closed forms, one trace per compiled fit, and serialization."""

import keras
import numpy as np
import pytest

from kerasnotes import optimizers
from kerasnotes import schedules
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.optimizers._goldens import assert_matches_trajectory
from tests.optimizers._goldens import golden
from tests.optimizers._support import QuadraticProblem
from tests.optimizers._support import regression_data
from tests.optimizers._support import run_trajectory
from tests.optimizers._support import small_model
from tests.schedules._reference import one_cycle
from tests.schedules._reference import one_cycle_momentum


def test_adamw_one_cycle_matches_torch_one_cycle_lr_with_cycled_momentum():
    """torch.optim.AdamW under OneCycleLR(cycle_momentum=True): the rate and
    beta_1 change every step, and bias correction uses the current beta_1."""
    case = golden("adamw_one_cycle")["kwargs"]
    cycle, momentum, adamw = case["cycle"], case["momentum"], case["adamw"]
    opt = optimizers.AdamW(
        learning_rate=schedules.OneCycle(case["maximal_learning_rate"], **cycle),
        beta_1=schedules.OneCycleMomentum(
            cycle["total_steps"], pct_start=cycle["pct_start"], **momentum
        ),
        beta_2=adamw["beta_2"],
        epsilon=adamw["epsilon"],
        weight_decay=adamw["weight_decay"],
    )
    got = assert_matches_trajectory(opt, golden("adamw_one_cycle")["trajectory"])
    assert np.abs(got[-1][0] - QuadraticProblem(0).initial[0]).max() > 0.1


def _numpy_adam(lr, beta_1, steps, amsgrad, b2=0.99, eps=1e-7):
    """Adam / AMSGrad (Keras's epsilon-hat form) with a per-step beta_1(t),
    bias-corrected with 1 - beta_1(t)^t, in float64."""
    problem = QuadraticProblem(0)
    values = [v.astype("float64") for v in problem.initial]
    m = [np.zeros_like(v) for v in values]
    v = [np.zeros_like(w) for w in values]
    v_hat = [np.zeros_like(w) for w in values]
    history = []
    for t in range(steps):
        b1 = beta_1(t)
        grads = problem.gradients([w.astype("float32") for w in values], t)
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            v_hat[i] = np.maximum(v_hat[i], v[i])
            alpha = lr * np.sqrt(1 - b2 ** (t + 1)) / (1 - b1 ** (t + 1))
            values[i] = values[i] - alpha * m[i] / (
                np.sqrt(v_hat[i] if amsgrad else v[i]) + eps
            )
        history.append([w.copy() for w in values])
    return history


def _numpy_nag(lr, momentum, steps):
    """Keras's NAG form with the step's momentum: m = mu m - lr g;
    w += mu m - lr g."""
    problem = QuadraticProblem(0)
    values = [v.astype("float64") for v in problem.initial]
    m = [np.zeros_like(v) for v in values]
    history = []
    for t in range(steps):
        mu, rate = momentum(t), lr(t)
        grads = problem.gradients([w.astype("float32") for w in values], t)
        for i, g in enumerate(grads):
            m[i] = mu * m[i] - rate * g
            values[i] = values[i] + mu * m[i] - rate * g
        history.append([w.copy() for w in values])
    return history


def _compare(got, want):
    for step, (g, w) in enumerate(zip(got, want)):
        for gv, wv in zip(g, w):
            assert_allclose(gv, wv, rtol=1e-5, atol=1e-5, err_msg=f"step {step}")


def test_nag_with_one_cycle_rate_and_momentum():
    steps = 60
    opt = optimizers.NAG(
        schedules.OneCycle(0.05, steps, 0.3), momentum=schedules.OneCycleMomentum(steps)
    )
    want = _numpy_nag(
        lambda t: one_cycle(t, 0.05, steps, 0.3),
        lambda t: one_cycle_momentum(t, steps),
        steps,
    )
    _compare(run_trajectory(opt, steps), want)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_family_with_a_keras_schedule_as_beta_1(amsgrad):
    beta_1 = keras.optimizers.schedules.ExponentialDecay(0.9, 10, 0.5)
    make = optimizers.AMSGrad if amsgrad else optimizers.AdamW
    kwargs = {} if amsgrad else {"weight_decay": 0.0}
    opt = make(0.02, beta_1=beta_1, beta_2=0.99, **kwargs)
    want = _numpy_adam(0.02, lambda t: 0.9 * 0.5 ** (t / 10), 50, amsgrad)
    _compare(run_trajectory(opt, 50), want)


class _CountingMomentum(keras.optimizers.schedules.LearningRateSchedule):
    """A constant 0.9 that counts its Python calls: inside a compiled step
    they happen only while the step is traced."""

    calls = 0

    def __call__(self, step):
        type(self).calls += 1
        return keras.ops.multiply(
            keras.ops.ones_like(keras.ops.cast(step, "float32")), 0.9
        )

    def get_config(self):
        return {}


@pytest.mark.skipif(
    keras.backend.backend() == "torch",
    reason="Keras's PyTorch trainer runs the train step eagerly: there is no "
    "traced function whose retracing could be counted",
)
def test_compiled_fit_with_a_momentum_schedule_traces_once():
    x, y = regression_data(n=64)
    model = small_model()
    model.compile(
        optimizer=optimizers.NAG(0.01, momentum=_CountingMomentum()),
        loss="mse",
        jit_compile=True,
    )
    _CountingMomentum.calls = 0
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    after_4_steps = _CountingMomentum.calls
    model.fit(x, y, batch_size=16, epochs=5, shuffle=False, verbose=0)
    assert after_4_steps > 0
    # Once per variable per trace, not once per step: 20 more steps, no calls.
    assert after_4_steps <= 2 * len(model.trainable_variables)
    assert _CountingMomentum.calls == after_4_steps


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda m: optimizers.NAG(0.01, momentum=m), "momentum"),
        (lambda m: optimizers.AdamW(beta_1=m), "beta_1"),
        (lambda m: optimizers.AMSGrad(beta_1=m), "beta_1"),
        (lambda m: optimizers.RAdam(beta_1=m), "beta_1"),
    ],
)
def test_schedule_survives_get_config_and_a_keras_file(make, name):
    momentum = schedules.OneCycleMomentum(80, pct_start=0.4, base_momentum=0.75)
    out = assert_serialization_roundtrip(make(momentum), {name: momentum})
    for rebuilt in out.values():
        value = getattr(rebuilt, name)
        assert isinstance(value, schedules.OneCycleMomentum)
        assert value.get_config() == momentum.get_config()


def test_resumed_training_with_a_momentum_schedule(tmp_path):
    x, y = regression_data(n=96)
    fit = dict(batch_size=16, shuffle=False, verbose=0)

    def make():
        return optimizers.AdamW(
            schedules.OneCycle(0.02, 24), beta_1=schedules.OneCycleMomentum(24)
        )

    straight = small_model()
    straight.compile(optimizer=make(), loss="mse")
    straight.fit(x, y, epochs=4, **fit)
    first = small_model()
    first.compile(optimizer=make(), loss="mse")
    first.fit(x, y, epochs=2, **fit)
    path = str(tmp_path / "mid.keras")
    first.save(path)
    resumed = keras.saving.load_model(path, safe_mode=True)
    resumed.fit(x, y, epochs=2, **fit)
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda m: optimizers.NAG(momentum=m), "momentum"),
        (lambda m: optimizers.AdamW(beta_1=m), "beta_1"),
        (lambda m: optimizers.RAdam(beta_1=m), "beta_1"),
    ],
)
def test_a_schedule_starting_outside_the_unit_interval_is_refused(make, name):
    bad = keras.optimizers.schedules.ExponentialDecay(1.2, 10, 0.5)
    with pytest.raises(ValueError, match=f"`{name}`.*1.2.*Received: {name}="):
        make(bad)
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}='fast'"):
        make("fast")
