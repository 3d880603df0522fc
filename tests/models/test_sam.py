"""SAM and ASAM: against a NumPy closed form of the update (a Dense(1) with
MSE, whose gradient is written out by hand), against the unwrapped model at
`rho=0`, inside `model.fit` with its options, saved and resumed, with
Lookahead and loss scaling, and under `tf.distribute.MirroredStrategy`."""

import io
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from kerasnotes import optimizers
from kerasnotes.models import SAM
from kerasnotes.testing import assert_allclose

BACKEND = keras.backend.backend()
JIT = [
    False,
    pytest.param(
        True,
        marks=pytest.mark.skipif(
            BACKEND == "torch",
            reason="jit_compile=True is torch.compile on PyTorch, which the "
            "contract does not ask of SAM (TensorFlow XLA and JAX jit do)",
        ),
    ),
]

# A fixed linear problem: y_pred = x @ W + b, loss = mean((y_pred - y)^2)
# (+ l2 * sum(W^2) with a kernel regularizer).
X = np.array(
    [[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [-0.7, 0.9, 0.4], [0.1, -0.4, -1.2]],
    dtype="float32",
)
Y = np.array([[1.0], [-0.5], [0.8], [0.3]], dtype="float32")
W0 = np.array([[0.3], [-0.2], [0.5]], dtype="float32")
B0 = np.array([0.1], dtype="float32")


def linear_model(l2=0.0):
    regularizer = keras.regularizers.L2(l2) if l2 else None
    inner = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(1, kernel_regularizer=regularizer),
        ]
    )
    inner.set_weights([W0, B0])
    return inner


# -- the closed form, in float64 ------------------------------------------


def loss_and_grads(w, b, x=X, y=Y, l2=0.0, sample_weight=None):
    """MSE of x @ w + b and its gradient, by hand: with r = x w + b - y and
    s the sample weights (1 by default), L = sum(s r^2) / n + l2 |w|^2,
    dL/dw = 2 x^T (s r) / n + 2 l2 w, dL/db = 2 sum(s r) / n."""
    x, y = x.astype("float64"), y.astype("float64")
    n = len(x)
    s = np.ones((n, 1)) if sample_weight is None else sample_weight.reshape(n, 1)
    r = x @ w + b - y
    loss = float(np.sum(s * r**2) / n + l2 * np.sum(w**2))
    return loss, 2.0 * x.T @ (s * r) / n + 2.0 * l2 * w, 2.0 * np.sum(s * r, 0) / n


def sam_gradient(w, b, rho, adaptive, **kwargs):
    """The gradient SAM/ASAM applies at (w, b): the one at (w, b) + e."""
    _, gw, gb = loss_and_grads(w, b, **kwargs)
    if adaptive:
        norm = np.sqrt(np.sum((w * gw) ** 2) + np.sum((b * gb) ** 2))
        ew, eb = rho * w**2 * gw / (norm + 1e-12), rho * b**2 * gb / (norm + 1e-12)
    else:
        norm = np.sqrt(np.sum(gw**2) + np.sum(gb**2))
        ew, eb = rho * gw / (norm + 1e-12), rho * gb / (norm + 1e-12)
    _, gw2, gb2 = loss_and_grads(w + ew, b + eb, **kwargs)
    return gw2, gb2


def sgd_trajectory(steps, lr, rho, adaptive, **kwargs):
    w, b = W0.astype("float64"), B0.astype("float64")
    for _ in range(steps):
        gw, gb = sam_gradient(w, b, rho, adaptive, **kwargs)
        w, b = w - lr * gw, b - lr * gb
    return w, b


def fit_sam(rho, adaptive, steps, optimizer, l2=0.0, jit=False, **fit):
    model = SAM(linear_model(l2), rho=rho, adaptive=adaptive)
    model.compile(optimizer=optimizer, loss="mse", jit_compile=jit)
    history = model.fit(
        X, Y, batch_size=len(X), epochs=steps, shuffle=False, verbose=0, **fit
    )
    return model, history


# -- the update ------------------------------------------------------------


def test_hand_checkable_first_perturbation():
    """rho=1, one weight: e = g / |g| = +-1, so the gradient is taken one
    unit away, at w - 1 for a positive gradient."""
    x, y = np.array([[1.0]], "float32"), np.array([[0.0]], "float32")
    inner = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    inner.set_weights([np.array([[3.0]], "float32")])
    model = SAM(inner, rho=1.0)
    model.compile(optimizer=keras.optimizers.SGD(0.25), loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    # L = w^2: g(3) = 6 > 0, e = +1, g(4) = 8, w = 3 - 0.25 * 8 = 1.
    assert_allclose(model.get_weights()[0], [[1.0]])


@pytest.mark.parametrize("jit", JIT)
@pytest.mark.parametrize("adaptive", [False, True])
@pytest.mark.parametrize("steps", [1, 3])
def test_sgd_steps_match_numpy(steps, adaptive, jit):
    rho, lr = (0.3, 0.1) if not adaptive else (0.8, 0.1)
    model, _ = fit_sam(rho, adaptive, steps, keras.optimizers.SGD(lr), jit=jit)
    w, b = sgd_trajectory(steps, lr, rho, adaptive)
    got_w, got_b = model.get_weights()
    assert_allclose(got_w, w, rtol=1e-6, atol=1e-6)
    assert_allclose(got_b, b, rtol=1e-6, atol=1e-6)
    # SAM's step differs from plain SGD's by much more than the tolerance.
    plain_w, _ = sgd_trajectory(steps, lr, 0.0, False)
    assert np.abs(plain_w - w).max() > 1e-3


@pytest.mark.parametrize("adaptive", [False, True])
def test_regularization_loss_is_in_both_gradients(adaptive):
    rho, lr, l2 = 0.4, 0.1, 0.3
    model, _ = fit_sam(rho, adaptive, 3, keras.optimizers.SGD(lr), l2=l2)
    w, b = sgd_trajectory(3, lr, rho, adaptive, l2=l2)
    assert_allclose(model.get_weights()[0], w, rtol=1e-6, atol=1e-6)
    assert_allclose(model.get_weights()[1], b, rtol=1e-6, atol=1e-6)
    unregularized, _ = sgd_trajectory(3, lr, rho, adaptive)
    assert np.abs(unregularized - w).max() > 1e-3


def test_asam_leaves_zero_weights_in_place():
    """ASAM's e is proportional to w^2: a zero bias is not perturbed, so its
    gradient is the one at the perturbed kernel alone."""
    inner = linear_model()
    inner.set_weights([W0, np.zeros(1, "float32")])
    model = SAM(inner, rho=0.8, adaptive=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    w, b = W0.astype("float64"), np.zeros(1)
    _, gw, gb = loss_and_grads(w, b)
    ew = 0.8 * w**2 * gw / np.sqrt(np.sum((w * gw) ** 2))
    _, gw2, gb2 = loss_and_grads(w + ew, b)
    assert_allclose(model.get_weights()[0], w - 0.1 * gw2, rtol=1e-6, atol=1e-6)
    assert_allclose(model.get_weights()[1], b - 0.1 * gb2, rtol=1e-6, atol=1e-6)


def bn_dropout_model(seed=0, dropout=True):
    dropout = [keras.layers.Dropout(0.3, seed=seed + 1)] if dropout else []
    return keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(
                6,
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed),
                kernel_regularizer=keras.regularizers.L2(0.01),
            ),
            keras.layers.BatchNormalization(),
            *dropout,
            keras.layers.Dense(
                1, kernel_initializer=keras.initializers.GlorotUniform(seed + 2)
            ),
        ]
    )


def regression(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (np.sin(x.sum(axis=1, keepdims=True)) + 0.1 * rng.normal(size=(n, 1))).astype(
        "float32"
    )
    return x, y


def test_rho_zero_trains_as_the_wrapped_model():
    """Batch norm, dropout and a regularizer included: the second pass sees
    the first pass's state, so at rho=0 it repeats it exactly."""
    x, y = regression()
    fit = dict(batch_size=16, epochs=3, shuffle=False, verbose=0)
    plain = bn_dropout_model()
    plain.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    want = plain.fit(x, y, **fit).history["loss"]
    model = SAM(bn_dropout_model(), rho=0.0)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    got = model.fit(x, y, **fit).history["loss"]
    assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    for a, b in zip(model.get_weights(), plain.get_weights()):
        assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    moved = np.abs(plain.get_weights()[0] - bn_dropout_model().get_weights()[0])
    assert moved.max() > 1e-3


def test_second_pass_leaves_batch_norm_statistics_alone():
    """The moving statistics are updated once per step, at w: after one step
    they equal those of plain training, though the weights do not."""
    x, y = regression()
    plain = bn_dropout_model()
    plain.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    plain.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    model = SAM(bn_dropout_model(), rho=0.5)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    bn, plain_bn = model.model.layers[1], plain.layers[1]
    assert_allclose(bn.moving_mean, plain_bn.moving_mean, rtol=1e-6, atol=1e-7)
    assert_allclose(bn.moving_variance, plain_bn.moving_variance, rtol=1e-6, atol=1e-7)
    assert np.abs(model.get_weights()[0] - plain.get_weights()[0]).max() > 1e-4
    # And the statistics did move from their initial values.
    assert np.abs(keras.ops.convert_to_numpy(bn.moving_mean)).max() > 1e-3


def test_metrics_are_those_of_the_first_pass():
    rho = 0.5
    model = SAM(linear_model(), rho=rho)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(X, Y, batch_size=4, epochs=1, verbose=0).history
    w, b = W0.astype("float64"), B0.astype("float64")
    loss, gw, gb = loss_and_grads(w, b)
    mae = np.mean(np.abs(X @ w + b - Y))
    assert_allclose(history["loss"][0], loss, rtol=1e-6, atol=1e-6)
    assert_allclose(history["mae"][0], mae, rtol=1e-6, atol=1e-6)
    norm = np.sqrt(np.sum(gw**2) + np.sum(gb**2))
    perturbed, _, _ = loss_and_grads(w + rho * gw / norm, b + rho * gb / norm)
    assert abs(perturbed - loss) > 1e-2


# -- inside fit ------------------------------------------------------------


def test_fit_with_validation_data_and_callbacks():
    lr0 = 0.2
    seen = []
    callbacks = [
        keras.callbacks.LearningRateScheduler(lambda epoch: lr0 * 0.5**epoch),
        keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: seen.append(logs["loss"])
        ),
    ]
    model, history = fit_sam(
        0.3,
        False,
        3,
        keras.optimizers.SGD(lr0),
        validation_data=(X[:2], Y[:2]),
        callbacks=callbacks,
    )
    w, b = W0.astype("float64"), B0.astype("float64")
    losses, val_losses = [], []
    for epoch in range(3):
        losses.append(loss_and_grads(w, b)[0])
        gw, gb = sam_gradient(w, b, 0.3, False)
        lr = lr0 * 0.5**epoch
        w, b = w - lr * gw, b - lr * gb
        val_losses.append(loss_and_grads(w, b, x=X[:2], y=Y[:2])[0])
    assert_allclose(model.get_weights()[0], w, rtol=1e-6, atol=1e-6)
    assert_allclose(history.history["loss"], losses, rtol=1e-6, atol=1e-6)
    assert_allclose(history.history["val_loss"], val_losses, rtol=1e-6, atol=1e-6)
    assert_allclose(history.history["learning_rate"], [0.2, 0.1, 0.05], rtol=1e-6)
    assert_allclose(seen, losses, rtol=1e-6, atol=1e-6)


def test_fit_with_sample_weight_matches_numpy():
    s = np.array([0.5, 2.0, 1.0, 0.0], "float32")
    model, _ = fit_sam(0.3, False, 2, keras.optimizers.SGD(0.1), sample_weight=s)
    w, b = W0.astype("float64"), B0.astype("float64")
    for _ in range(2):
        gw, gb = sam_gradient(w, b, 0.3, False, sample_weight=s.astype("float64"))
        w, b = w - 0.1 * gw, b - 0.1 * gb
    assert_allclose(model.get_weights()[0], w, rtol=1e-6, atol=1e-6)
    assert_allclose(model.get_weights()[1], b, rtol=1e-6, atol=1e-6)
    unweighted, _ = sgd_trajectory(2, 0.1, 0.3, False)
    assert np.abs(unweighted - w).max() > 1e-3


def classifier():
    return keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(
                3, activation="softmax", kernel_initializer=keras.initializers.Ones()
            ),
        ]
    )


def test_fit_with_class_weight_equals_the_same_sample_weight():
    x, _ = regression(n=24)
    labels = np.array([0, 1, 2, 2, 1, 0] * 4)
    class_weight = {0: 0.5, 1: 2.0, 2: 1.0}
    runs = []
    for kwargs in (
        dict(class_weight=class_weight),
        dict(sample_weight=np.array([class_weight[c] for c in labels], "float32")),
        {},
    ):
        model = SAM(classifier(), rho=0.1)
        model.compile(
            optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy"
        )
        model.fit(x, labels, batch_size=8, epochs=2, shuffle=False, verbose=0, **kwargs)
        runs.append(model.get_weights()[0])
    assert_allclose(runs[0], runs[1], rtol=1e-6, atol=1e-6)
    assert np.abs(runs[0] - runs[2]).max() > 1e-3


def test_evaluate_predict_and_summary():
    model, _ = fit_sam(0.3, False, 2, keras.optimizers.SGD(0.1))
    w, b = sgd_trajectory(2, 0.1, 0.3, False)
    assert_allclose(model.predict(X, verbose=0), X @ w + b, rtol=1e-6, atol=1e-6)
    assert_allclose(
        model.predict(X, verbose=0), model.model.predict(X, verbose=0), rtol=0, atol=0
    )
    loss = model.evaluate(X, Y, verbose=0)
    assert_allclose(loss, loss_and_grads(w, b)[0], rtol=1e-6, atol=1e-6)
    lines = io.StringIO()
    model.summary(print_fn=lambda line, **_: lines.write(line + "\n"))
    assert "sequential" in lines.getvalue()
    assert "Trainable params: 4 " in lines.getvalue()


def test_unbuilt_wrapped_model_is_built_by_fit():
    inner = keras.Sequential([keras.layers.Dense(1)])
    model = SAM(inner)
    assert not model.built
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.built and inner.built
    assert model.predict(X, verbose=0).shape == (4, 1)


def test_wrapped_model_is_tracked_and_called():
    inner = linear_model()
    model = SAM(inner, rho=0.2)
    assert model.built
    assert model.model is inner
    assert [id(v) for v in model.trainable_variables] == [
        id(v) for v in inner.trainable_variables
    ]
    assert_allclose(model(X), X @ W0 + B0, rtol=1e-6, atol=1e-6)


# -- optimizers ------------------------------------------------------------


def test_lookahead_around_sgd_matches_numpy():
    lr, rho, k, alpha = 0.1, 0.3, 2, 0.5
    opt = optimizers.Lookahead(
        keras.optimizers.SGD(lr), sync_period=k, slow_step_size=alpha
    )
    model, _ = fit_sam(rho, False, 5, opt)
    w, b = W0.astype("float64"), B0.astype("float64")
    slow = [w.copy(), b.copy()]
    for t in range(1, 6):
        gw, gb = sam_gradient(w, b, rho, False)
        w, b = w - lr * gw, b - lr * gb
        if t % k == 0:
            slow = [s + alpha * (f - s) for s, f in zip(slow, (w, b))]
            w, b = slow[0].copy(), slow[1].copy()
    assert_allclose(model.get_weights()[0], w, rtol=1e-6, atol=1e-6)
    assert_allclose(model.get_weights()[1], b, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("adaptive", [False, True])
def test_loss_scale_optimizer_gives_the_unscaled_update(adaptive):
    """The gradients are of the scaled loss; e is scale-invariant and the
    optimizer unscales g', so the step is the plain closed form."""
    rho, lr = 0.3, 0.1
    inner = keras.optimizers.SGD(lr)
    opt = keras.optimizers.LossScaleOptimizer(inner, initial_scale=2.0**12)
    model, _ = fit_sam(rho, adaptive, 3, opt)
    w, b = sgd_trajectory(3, lr, rho, adaptive)
    assert_allclose(model.get_weights()[0], w, rtol=1e-5, atol=1e-6)
    assert_allclose(model.get_weights()[1], b, rtol=1e-5, atol=1e-6)
    assert int(keras.ops.convert_to_numpy(inner.iterations)) == 3


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.optimizers.SGD(0.05, momentum=0.9),
        lambda: optimizers.Lookahead(optimizers.RAdam(0.03), sync_period=3),
    ],
    ids=["sgd", "lookahead_radam"],
)
def test_mixed_float16_without_nan(make):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = regression(n=64)
    model = SAM(bn_dropout_model(), rho=0.05)
    model.compile(optimizer=make(), loss="mse")
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, batch_size=16, epochs=6, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.evaluate(x, y, verbose=0) < 0.9 * before
    for weight in model.get_weights():
        assert np.isfinite(weight).all()
    assert model.model.layers[0].kernel.dtype == "float32"
    assert keras.ops.convert_to_numpy(model.predict(x, verbose=0)).dtype == "float16"


# -- saving ----------------------------------------------------------------


def test_get_config_and_from_config():
    model = SAM(linear_model(), rho=0.2, adaptive=True, name="sharp")
    config = model.get_config()
    assert config["rho"] == 0.2 and config["adaptive"] is True
    assert config["model"] == keras.saving.serialize_keras_object(model.model)
    clone = SAM.from_config(config)
    assert (clone.rho, clone.adaptive, clone.name) == (0.2, True, "sharp")
    assert isinstance(clone.model, keras.Sequential)
    assert clone.model is not model.model
    assert keras.saving.get_registered_name(SAM) == "kerasnotes>SAM"


def test_saved_before_training_loads(tmp_path):
    model = SAM(linear_model(), rho=0.2, adaptive=True)
    path = str(tmp_path / "fresh.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded) is SAM
    assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_save_load_and_resume_equals_uninterrupted(tmp_path):
    x, y = regression()
    fit = dict(batch_size=16, shuffle=False, verbose=0)

    def make():
        # No dropout: a `.keras` file does not restore a seed generator's
        # state, so even plain Keras training would not resume exactly.
        model = SAM(bn_dropout_model(dropout=False), rho=0.1, adaptive=True)
        model.compile(
            optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"]
        )
        return model

    straight = make()
    straight.fit(x, y, epochs=4, **fit)

    first = make()
    first.fit(x, y, epochs=2, **fit)
    path = str(tmp_path / "mid.keras")
    first.save(path)
    resumed = keras.saving.load_model(path, safe_mode=True)
    assert type(resumed) is SAM
    assert (resumed.rho, resumed.adaptive) == (0.1, True)
    assert isinstance(resumed.optimizer, keras.optimizers.Adam)
    assert int(keras.ops.convert_to_numpy(resumed.optimizer.iterations)) == 6
    assert_allclose(
        resumed.predict(x, verbose=0), first.predict(x, verbose=0), rtol=0, atol=0
    )
    resumed.fit(x, y, epochs=2, **fit)
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        assert_allclose(got, want, rtol=1e-6, atol=1e-6)


# -- bad arguments ---------------------------------------------------------


@pytest.mark.parametrize("rho", [-0.1, float("nan"), float("inf"), "0.1", True])
def test_bad_rho(rho):
    with pytest.raises(ValueError, match=r"Argument `rho` must be .*Received: rho="):
        SAM(linear_model(), rho=rho)


def test_negative_rho_message():
    with pytest.raises(ValueError) as error:
        SAM(linear_model(), rho=-0.5)
    assert str(error.value) == "Argument `rho` must be >= 0. Received: rho=-0.5"


@pytest.mark.parametrize(
    "model", [keras.layers.Dense(1), "sequential", None], ids=["layer", "str", "none"]
)
def test_model_must_be_a_keras_model(model):
    with pytest.raises(ValueError, match=r"Argument `model` must be a `keras.Model`"):
        SAM(model)


@pytest.mark.parametrize("adaptive", [1, "yes", None])
def test_adaptive_must_be_a_bool(adaptive):
    with pytest.raises(ValueError, match=r"Argument `adaptive` must be a bool"):
        SAM(linear_model(), adaptive=adaptive)


# -- tf.distribute -----------------------------------------------------------

MIRRORED_SCRIPT = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, os.getcwd())
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from kerasnotes import optimizers
    from kerasnotes.models import SAM
    from tests.optimizers._support import regression_data, small_model

    x, y = regression_data(n=128)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 2
    worst = 0.0
    cases = {
        "SAM SGD": (False, lambda: keras.optimizers.SGD(0.05, momentum=0.9)),
        "ASAM Adam": (True, lambda: keras.optimizers.Adam(0.02)),
        "SAM Lookahead(RAdam)": (
            False, lambda: optimizers.Lookahead(optimizers.RAdam(0.02), 3)),
    }
    for name, (adaptive, make) in cases.items():
        weights = []
        for scope in (strategy, tf.distribute.get_strategy()):
            with scope.scope():
                model = SAM(small_model(), rho=0.5, adaptive=adaptive)
                model.compile(optimizer=make(), loss="mse")
            model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0)
            weights.append(model.get_weights())
        for a, b in zip(*weights):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5, err_msg=name)
            worst = max(worst, float(np.abs(a - b).max()))
        moved = np.abs(weights[0][0] - small_model().get_weights()[0]).max()
        assert moved > 1e-3, (name, moved)
    print("MIRRORED OK", worst)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(
    BACKEND != "tensorflow",
    reason="tf.distribute strategies need the TensorFlow backend",
)
def test_mirrored_strategy_matches_single_device():
    # Logical devices must be configured before TensorFlow starts, so this
    # runs in a fresh process.
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", KERAS_BACKEND="tensorflow")
    done = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "MIRRORED OK" in done.stdout
