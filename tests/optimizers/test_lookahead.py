"""Lookahead against optax.lookahead (recorded), a NumPy closed form, and
inside `model.fit` on every backend."""

import keras
import numpy as np
import pytest

from kerasnotes import optimizers
from kerasnotes.callbacks import LRFinder
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from tests.optimizers._goldens import assert_matches_trajectory
from tests.optimizers._goldens import golden
from tests.optimizers._goldens import names
from tests.optimizers._support import QuadraticProblem
from tests.optimizers._support import regression_data
from tests.optimizers._support import run_trajectory
from tests.optimizers._support import small_model


def _inner(case):
    kwargs = case["kwargs"]["inner_kwargs"]
    if case["kwargs"]["inner"] == "sgd":
        return keras.optimizers.SGD(
            kwargs["learning_rate"], momentum=kwargs["momentum"]
        )
    return keras.optimizers.Adam(
        kwargs["learning_rate"],
        beta_1=kwargs["beta_1"],
        beta_2=kwargs["beta_2"],
        epsilon=kwargs["epsilon"],
    )


@pytest.mark.parametrize("name", names("lookahead_"))
def test_matches_optax_lookahead(name):
    case = golden(name)
    opt = optimizers.Lookahead(
        _inner(case),
        sync_period=case["kwargs"]["sync_period"],
        slow_step_size=case["kwargs"]["slow_step_size"],
    )
    got = assert_matches_trajectory(opt, case["trajectory"])
    start = QuadraticProblem(0).initial[0]
    assert np.abs(got[-1][0] - start).max() > 0.1


@pytest.mark.parametrize("sync_period, alpha", [(1, 0.5), (3, 0.8), (4, 1.0)])
def test_matches_numpy_closed_form_around_sgd(sync_period, alpha):
    """Zhang et al. 2019, Algorithm 1, with plain SGD inside, in float64."""
    lr, steps = 0.03, 24
    problem = QuadraticProblem(0)
    fast = [v.astype("float64") for v in problem.initial]
    slow = [v.copy() for v in fast]
    want = []
    for t in range(1, steps + 1):
        grads = problem.gradients([w.astype("float32") for w in fast], t - 1)
        fast = [w - lr * g for w, g in zip(fast, grads)]
        if t % sync_period == 0:
            slow = [s + alpha * (f - s) for s, f in zip(slow, fast)]
            fast = [s.copy() for s in slow]
        want.append(fast)
    opt = optimizers.Lookahead(keras.optimizers.SGD(lr), sync_period, alpha)
    got = run_trajectory(opt, steps)
    for step, (g, w) in enumerate(zip(got, want)):
        for gv, wv in zip(g, w):
            assert_allclose(gv, wv, rtol=1e-5, atol=1e-6, err_msg=f"step {step}")


def test_hand_checked_synchronization():
    w = keras.Variable([1.0, 2.0])
    opt = optimizers.Lookahead(
        keras.optimizers.SGD(0.1), sync_period=2, slow_step_size=0.5
    )
    one = keras.ops.ones(2)
    opt.apply_gradients([(one, w)])
    assert_allclose(w, [0.9, 1.9])  # a fast step
    assert_allclose(opt.slow_weights[0], [1.0, 2.0])  # slow: the start
    opt.apply_gradients([(one, w)])
    # fast reached [0.8, 1.8]; slow = 1 + 0.5 * (0.8 - 1) = 0.9; fast = slow
    assert_allclose(opt.slow_weights[0], [0.9, 1.9])
    assert_allclose(w, [0.9, 1.9])
    assert int(keras.ops.convert_to_numpy(opt.iterations)) == 2


@pytest.mark.parametrize(
    "inner, kind",
    [
        ("adam", keras.optimizers.Adam),
        ("kerasnotes>RAdam", optimizers.RAdam),
        (
            {"class_name": "SGD", "config": {"learning_rate": 0.02}},
            keras.optimizers.SGD,
        ),
        (optimizers.NAG(0.01), optimizers.NAG),
    ],
)
def test_wraps_a_name_a_config_or_an_instance(inner, kind):
    opt = optimizers.Lookahead(inner)
    # isinstance: on PyTorch, Keras's SGD and Adam are backend subclasses.
    assert isinstance(opt.inner_optimizer, kind)
    model = small_model()
    model.compile(optimizer=opt, loss="mse")
    x, y = regression_data()
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_learning_rate_reads_and_sets_through():
    inner = keras.optimizers.Adam(0.01)
    opt = optimizers.Lookahead(inner)
    assert float(keras.ops.convert_to_numpy(opt.learning_rate)) == pytest.approx(0.01)
    opt.learning_rate = 0.003
    assert float(keras.ops.convert_to_numpy(inner.learning_rate)) == pytest.approx(
        0.003
    )


def _rate(optimizer):
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def test_reduce_lr_on_plateau_acts_on_the_inner_optimizer():
    x, y = regression_data(n=64)
    rates = []
    for wrap in (True, False):
        model = small_model()
        opt = keras.optimizers.SGD(0.02)
        model.compile(optimizer=optimizers.Lookahead(opt) if wrap else opt, loss="mse")
        plateau = keras.callbacks.ReduceLROnPlateau(
            monitor="loss", factor=0.5, patience=0, min_delta=1e9, verbose=0
        )
        model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[plateau])
        rates.append(_rate(opt))
    assert rates[0] < 0.02  # it was reduced ...
    assert rates[0] == pytest.approx(rates[1])  # ... as without the wrapper


def test_lr_finder_sweeps_the_inner_rate_and_restores_it():
    x, y = regression_data(n=64)
    model = small_model()
    inner = keras.optimizers.SGD(0.02)
    model.compile(optimizer=optimizers.Lookahead(inner), loss="mse")
    finder = LRFinder(start_learning_rate=1e-4, end_learning_rate=1.0, num_steps=8)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[finder])
    assert len(finder.learning_rates) == 8
    assert finder.learning_rates[-1] == pytest.approx(1.0)
    assert _rate(inner) == pytest.approx(0.02)


def test_jit_compiled_fit_matches_eager_steps():
    x, y = regression_data(n=64)
    weights = []
    for jit in (True, False):
        model = small_model()
        opt = optimizers.Lookahead(optimizers.RAdam(0.02), sync_period=3)
        model.compile(optimizer=opt, loss="mse", jit_compile=jit, run_eagerly=not jit)
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_resumed_mid_period_equals_uninterrupted(tmp_path):
    x, y = regression_data(n=96)
    fit = dict(batch_size=16, shuffle=False, verbose=0)

    def make():
        return optimizers.Lookahead(optimizers.RAdam(0.02), sync_period=5)

    straight = small_model()
    straight.compile(optimizer=make(), loss="mse")
    straight.fit(x, y, epochs=4, **fit)

    first = small_model()
    first.compile(optimizer=make(), loss="mse")
    first.fit(x, y, epochs=2, **fit)  # 12 steps: 2 into a period of 5
    path = str(tmp_path / "mid.keras")
    first.save(path)
    resumed = keras.saving.load_model(path, safe_mode=True)
    assert type(resumed.optimizer) is optimizers.Lookahead
    assert type(resumed.optimizer.inner_optimizer) is optimizers.RAdam
    assert int(keras.ops.convert_to_numpy(resumed.optimizer.iterations)) == 12
    for saved, loaded in zip(
        first.optimizer.slow_weights, resumed.optimizer.slow_weights
    ):
        assert_allclose(loaded, saved, rtol=0, atol=0)
    # Between synchronizations the slow weights differ from the model's.
    assert (
        np.abs(
            keras.ops.convert_to_numpy(first.optimizer.slow_weights[0])
            - first.get_weights()[0]
        ).max()
        > 1e-4
    )
    resumed.fit(x, y, epochs=2, **fit)
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_mixed_precision_without_nan():
    keras.config.set_dtype_policy("mixed_float16")
    x, y = regression_data(n=128)
    model = small_model()
    model.compile(optimizer=optimizers.Lookahead(optimizers.RAdam(0.01)), loss="mse")
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    for w in model.get_weights():
        assert np.isfinite(w).all()


def test_explicit_loss_scale_optimizer_matches_float32():
    """LossScaleOptimizer(Lookahead(...)) in float32: a finite loss scale
    leaves the gradients as they were, so the weights equal the unwrapped run."""
    x, y = regression_data(n=64)
    weights = []
    for wrap in (True, False):
        model = small_model()
        opt = optimizers.Lookahead(keras.optimizers.Adam(0.01), sync_period=3)
        if wrap:
            opt = keras.optimizers.LossScaleOptimizer(opt, initial_scale=2.0**10)
        model.compile(optimizer=opt, loss="mse")
        model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_accumulated_inner_steps_do_not_count():
    """With gradient_accumulation_steps=2 the inner optimizer updates every
    second call; only its updates count towards a synchronization."""
    w = keras.Variable([1.0])
    inner = keras.optimizers.SGD(0.1, gradient_accumulation_steps=2)
    opt = optimizers.Lookahead(inner, sync_period=1)
    one = keras.ops.ones(1)
    opt.apply_gradients([(one, w)])
    assert_allclose(w, [1.0])  # accumulated, no update, no synchronization
    assert_allclose(opt.slow_weights[0], [1.0])
    opt.apply_gradients([(one, w)])
    assert_allclose(w, [0.95])  # fast 0.9; slow = 1 + 0.5 * (0.9 - 1)
    assert_allclose(opt.slow_weights[0], [0.95])
    assert int(keras.ops.convert_to_numpy(opt.iterations)) == 1


@pytest.mark.skipif(
    keras.backend.backend() == "jax",
    reason="Keras's LossScaleOptimizer.apply branches with side effects, which "
    "JAX cannot trace; on JAX wrap it outside: LossScaleOptimizer(Lookahead(...))",
)
def test_skipped_inner_steps_do_not_count():
    """A LossScaleOptimizer inside skips a step with non-finite gradients:
    its iterations stay, and no synchronization happens."""
    w = keras.Variable([1.0])
    inner = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.SGD(0.1), initial_scale=1.0
    )
    opt = optimizers.Lookahead(inner, sync_period=1)
    opt.apply_gradients([(keras.ops.ones(1), w)])
    assert_allclose(w, [0.95])  # slow = 1 + 0.5 * (0.9 - 1)
    opt.apply_gradients([(keras.ops.convert_to_tensor([np.inf]), w)])
    assert_allclose(w, [0.95])
    assert_allclose(opt.slow_weights[0], [0.95])
    assert int(keras.ops.convert_to_numpy(opt.iterations)) == 1


def test_serialization_roundtrip():
    inner = optimizers.RAdam(2e-3, beta_1=0.8)
    opt = optimizers.Lookahead(inner, sync_period=4, slow_step_size=0.7)
    out = assert_serialization_roundtrip(
        opt,
        {
            "optimizer": inner,
            "sync_period": 4,
            "slow_step_size": 0.7,
        },
    )
    inner = out["keras_file"].inner_optimizer
    assert type(inner) is optimizers.RAdam
    assert inner.beta_1 == pytest.approx(0.8)
    assert len(out["keras_file"].slow_weights) == 2  # Dense kernel and bias


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(sync_period=0), "sync_period"),
        (dict(sync_period=2.5), "sync_period"),
        (dict(slow_step_size=0.0), "slow_step_size"),
        (dict(slow_step_size=1.5), "slow_step_size"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}=") as info:
        optimizers.Lookahead("sgd", **kwargs)
    assert repr(next(iter(kwargs.values()))) in str(info.value)


@pytest.mark.parametrize("inner", [3, None, keras.layers.Dense(2), "no_such_optimizer"])
def test_inner_must_be_an_optimizer(inner):
    with pytest.raises(ValueError, match="`optimizer`.*Received: optimizer="):
        optimizers.Lookahead(inner)


def test_base_options_belong_to_the_inner_optimizer():
    with pytest.raises(ValueError, match="clipnorm.*inner optimizer"):
        optimizers.Lookahead("adam", clipnorm=1.0)
