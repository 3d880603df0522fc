"""RAdam against torch.optim.RAdam (recorded) and a NumPy closed form."""

import math

import keras
import numpy as np
import pytest

from kerasnotes import optimizers
from kerasnotes import schedules
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.optimizers._goldens import assert_matches_trajectory
from tests.optimizers._goldens import golden
from tests.optimizers._goldens import names
from tests.optimizers._support import QuadraticProblem
from tests.optimizers._support import run_trajectory


def numpy_radam(problem, steps, learning_rate, beta_1, beta_2, epsilon, threshold=5.0):
    """Liu et al. 2020, Algorithm 2, in float64, with epsilon added to
    sqrt(v) as torch.optim.RAdam adds it."""
    values = [v.astype("float64") for v in problem.initial]
    m = [np.zeros_like(v) for v in values]
    v = [np.zeros_like(w) for w in values]
    rho_inf = 2 / (1 - beta_2) - 1
    history, rectified = [], []
    for t in range(1, steps + 1):
        grads = problem.gradients([w.astype("float32") for w in values], t - 1)
        rho_t = rho_inf - 2 * t * beta_2**t / (1 - beta_2**t)
        rectified.append(rho_t > threshold)
        for i, g in enumerate(grads):
            m[i] = beta_1 * m[i] + (1 - beta_1) * g
            v[i] = beta_2 * v[i] + (1 - beta_2) * g * g
            m_hat = m[i] / (1 - beta_1**t)
            if rho_t > threshold:
                r = math.sqrt(
                    (rho_t - 4)
                    * (rho_t - 2)
                    * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
                )
                adaptive = math.sqrt(1 - beta_2**t) / (np.sqrt(v[i]) + epsilon)
                values[i] = values[i] - learning_rate * r * m_hat * adaptive
            else:
                values[i] = values[i] - learning_rate * m_hat
        history.append([w.copy() for w in values])
    return history, rectified


@pytest.mark.parametrize("name", names("radam_"))
def test_matches_torch_radam(name):
    case = golden(name)
    got = assert_matches_trajectory(
        optimizers.RAdam(**case["kwargs"]), case["trajectory"]
    )
    start = QuadraticProblem(0).initial[0]
    assert np.abs(got[-1][0] - start).max() > 0.1  # the weights really moved


@pytest.mark.parametrize("name", names("radam_"))
def test_matches_numpy_closed_form_both_phases(name):
    kwargs = golden(name)["kwargs"]
    want, rectified = numpy_radam(
        QuadraticProblem(0),
        100,
        kwargs["learning_rate"],
        kwargs["beta_1"],
        kwargs["beta_2"],
        kwargs["epsilon"],
    )
    # The trajectory includes un-rectified first steps and rectified ones.
    assert not any(rectified[:4]) and all(rectified[10:])
    got = run_trajectory(optimizers.RAdam(**kwargs), 100)
    for step, (g, w) in enumerate(zip(got, want)):
        for gv, wv in zip(g, w):
            assert_allclose(gv, wv, rtol=1e-5, atol=1e-5, err_msg=f"step {step}")


def test_first_steps_are_bias_corrected_momentum():
    # rho_1 = 1 and rho_2 ~ 2 <= 5: the first steps are lr * m_hat.
    lr, b1 = 0.1, 0.9
    w = keras.Variable([1.0])
    opt = optimizers.RAdam(learning_rate=lr, beta_1=b1)
    opt.apply_gradients([(np.array([2.0], "float32"), w)])
    assert_allclose(w, [1.0 - lr * 2.0])  # m_hat = g on the first step
    opt.apply_gradients([(np.array([4.0], "float32"), w)])
    m2 = b1 * (1 - b1) * 2.0 + (1 - b1) * 4.0
    assert_allclose(w, [1.0 - lr * 2.0 - lr * m2 / (1 - b1**2)])


def test_never_rectified_when_rho_inf_is_below_the_threshold():
    # beta_2 = 0.5: rho_inf = 3 < 5, so every step is lr * m_hat.
    lr, b1 = 0.01, 0.9
    got = run_trajectory(optimizers.RAdam(lr, beta_1=b1, beta_2=0.5), 20)
    problem = QuadraticProblem(0)
    values = [v.astype("float64") for v in problem.initial]
    m = [np.zeros_like(v) for v in values]
    for t in range(1, 21):
        grads = problem.gradients([w.astype("float32") for w in values], t - 1)
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            values[i] = values[i] - lr * m[i] / (1 - b1**t)
        for gv, wv in zip(got[t - 1], values):
            assert_allclose(gv, wv, rtol=1e-5, atol=1e-6, err_msg=f"step {t}")


def test_low_threshold_rectifies_the_first_step():
    # rho_1 = 1 > 0.5: the first step is the rectified one, r_1 from its
    # closed form with rho_t = 1.
    lr, b2, eps = 0.1, 0.999, 1e-7
    rho_inf = 2 / (1 - b2) - 1
    r = math.sqrt(3 * rho_inf / ((rho_inf - 4) * (rho_inf - 2)))
    w = keras.Variable([1.0])
    opt = optimizers.RAdam(lr, beta_2=b2, epsilon=eps, rectify_threshold=0.5)
    opt.apply_gradients([(np.array([2.0], "float32"), w)])
    v = (1 - b2) * 4.0
    step = lr * r * 2.0 * math.sqrt(1 - b2) / (math.sqrt(v) + eps)
    assert_allclose(w, [1.0 - step], rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(clipnorm=0.5),
        dict(global_clipnorm=1.0),
        dict(weight_decay=0.01),
        dict(use_ema=True, ema_momentum=0.9),
    ],
)
def test_base_options_act_as_on_keras_adam(kwargs):
    """Each base option changes RAdam exactly as it changes keras Adam: the
    difference it makes to the first step (a bias-corrected momentum step,
    i.e. lr * g, the same for both) is the same."""

    def first_step(make, **extra):
        return run_trajectory(make(**extra), 1)[0][0]

    ours = first_step(lambda **k: optimizers.RAdam(0.05, **k), **kwargs) - first_step(
        lambda **k: optimizers.RAdam(0.05, **k)
    )
    keras_sgd = first_step(
        lambda **k: keras.optimizers.SGD(0.05, **k), **kwargs
    ) - first_step(lambda **k: keras.optimizers.SGD(0.05, **k))
    assert_allclose(ours, keras_sgd, rtol=1e-5, atol=1e-6)


def test_gradient_accumulation_and_loss_scale_factor():
    from tests.optimizers._support import regression_data
    from tests.optimizers._support import small_model

    x, y = regression_data(n=64)
    model = small_model()
    model.compile(
        optimizer=optimizers.RAdam(
            0.01, gradient_accumulation_steps=2, loss_scale_factor=128.0
        ),
        loss="mse",
    )
    model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 4
    # Same as two accumulated half-batches at the same rate: one batch of 32.
    plain = small_model()
    plain.compile(optimizer=optimizers.RAdam(0.01), loss="mse")
    plain.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), plain.get_weights()):
        assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_jit_compiled_fit_on_every_backend():
    from tests.optimizers._support import regression_data
    from tests.optimizers._support import small_model

    x, y = regression_data()
    model = small_model()
    model.compile(optimizer=optimizers.RAdam(0.01), loss="mse", jit_compile=True)
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_compile_by_registered_name():
    from tests.optimizers._support import small_model

    model = small_model()
    model.compile(optimizer="kerasnotes>RAdam", loss="mse")
    assert type(model.optimizer) is optimizers.RAdam


def test_serialization_roundtrip():
    opt = optimizers.RAdam(
        learning_rate=2e-3, beta_1=0.8, beta_2=0.99, epsilon=1e-5, rectify_threshold=6.0
    )
    out = assert_serialization_roundtrip(
        opt,
        {
            "learning_rate": 2e-3,
            "beta_1": 0.8,
            "beta_2": 0.99,
            "epsilon": 1e-5,
            "rectify_threshold": 6.0,
        },
    )
    assert "amsgrad" not in out["keras_file"].get_config()


def test_serialization_roundtrip_with_beta_1_schedule():
    momentum = schedules.OneCycleMomentum(50, pct_start=0.4, base_momentum=0.8)
    out = assert_serialization_roundtrip(
        optimizers.RAdam(beta_1=momentum), {"beta_1": momentum}
    )
    loaded = out["keras_file"].beta_1
    assert isinstance(loaded, schedules.OneCycleMomentum)
    assert loaded.get_config() == momentum.get_config()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(learning_rate=-1e-3), "learning_rate"),
        (dict(beta_1=1.0), "beta_1"),
        (dict(beta_2=-0.1), "beta_2"),
        (dict(epsilon=0.0), "epsilon"),
        (dict(rectify_threshold=0.0), "rectify_threshold"),
        (dict(rectify_threshold=-5), "rectify_threshold"),
        (dict(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}=") as info:
        optimizers.RAdam(**kwargs)
    assert repr(next(iter(kwargs.values()))) in str(info.value)
