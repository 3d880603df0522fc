import math
import os
import tempfile

import keras
import numpy as np
import pytest

from kerasnotes.losses import AdaptiveRobustLoss
from kerasnotes.losses import TrainableLossModel
from kerasnotes.losses import log_partition
from kerasnotes.losses import robust_loss
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import assert_serialization_roundtrip
from kerasnotes.testing import to_numpy

special = pytest.importorskip("scipy.special", reason="needs SciPy")

# XLA compilation costs TensorFlow more than these small fits take, so only
# the Gaussian test runs under jit_compile=True there; JAX always compiles
# (it is slow eagerly); torch.compile is slow to start, so torch runs eagerly.
JIT = keras.backend.backend() == "jax"
XLA = keras.backend.backend() != "torch"
STEPS_PER_EXECUTION = 1 if keras.backend.backend() == "torch" else 20


def _set_latents(loss, latent_alpha, latent_scale):
    loss.parameter_layer.latent_alpha.assign(latent_alpha)
    loss.parameter_layer.latent_scale.assign(latent_scale)


def test_hand_checked_at_initial_values():
    # alpha = midpoint of [0.001, 1.999] = 1, scale = 1:
    # nll = sqrt(x^2 + 1) - 1 + log(1) + log(2 e K_1(1))
    loss = AdaptiveRobustLoss(reduction=None)
    assert_allclose(loss.alpha, 1.0)
    assert_allclose(loss.scale, 1.0)
    x = np.array([[0.0], [1.0], [-3.0]], "float32")
    expected = np.sqrt(x[:, 0] ** 2 + 1) - 1 + math.log(2 * math.e * special.k1(1.0))
    assert_allclose(loss(np.zeros_like(x), x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("alpha_init", [0.2, 1.0, 1.8])
def test_is_a_normalized_negative_log_likelihood(alpha_init):
    # exp(-nll) is a density: it integrates to 1 over the residual.
    loss = AdaptiveRobustLoss(alpha_init=alpha_init, scale_init=0.7, reduction=None)
    x = np.concatenate([-np.logspace(5, -4, 4000), [0.0], np.logspace(-4, 5, 4000)])
    nll = to_numpy(loss(np.zeros((x.size, 1), "float32"), x[:, None].astype("float32")))
    mass = np.trapezoid(np.exp(-nll.astype(np.float64)), x)
    assert abs(mass - 1.0) < 2e-3, mass


def test_alpha_and_scale_stay_in_bounds():
    loss = AdaptiveRobustLoss(
        num_dims=2, alpha_lo=0.5, alpha_hi=1.5, scale_lo=0.1, reduction=None
    )
    _set_latents(loss, [-60.0, 60.0], [-60.0, 60.0])
    alpha, scale = to_numpy(loss.alpha), to_numpy(loss.scale)
    assert 0.5 <= alpha[0] < 0.5 + 1e-6 and 1.5 - 1e-6 < alpha[1] <= 1.5
    assert scale[0] >= 0.1 and scale[1] > 1.0
    assert np.all(np.isfinite(to_numpy(loss(np.zeros((3, 2)), np.ones((3, 2))))))


def test_per_dimension_parameters():
    loss = AdaptiveRobustLoss(num_dims=3, reduction=None)
    _set_latents(loss, [-1.0, 0.0, 2.0], [-0.5, 0.0, 1.0])
    alpha, scale = to_numpy(loss.alpha), to_numpy(loss.scale)
    assert alpha.shape == (3,) and len(set(alpha.tolist())) == 3
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(5, 3)).astype("float32")
    y_pred = rng.normal(size=(5, 3)).astype("float32")
    per_column = (
        to_numpy(robust_loss(y_pred - y_true, alpha, scale))
        + np.log(scale)
        + to_numpy(log_partition(alpha))
    )
    assert_allclose(loss(y_true, y_pred), per_column.mean(-1), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="num_dims=3"):
        loss(np.zeros((5, 2)), np.zeros((5, 2)))


# Adaptivity ---------------------------------------------------------------


def _regression(noise, n=400, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    clean = x @ np.array([1.5, -2.0, 0.5]) + 0.3
    if noise == "gaussian":
        y = clean + 0.5 * rng.normal(size=n)
    elif noise == "cauchy":
        y = clean + 0.5 * rng.standard_cauchy(size=n)
    else:  # 20% gross outliers, one-sided, on top of small Gaussian noise
        y = clean + 0.1 * rng.normal(size=n)
        bad = rng.permutation(n)[: n // 5]
        y[bad] += rng.uniform(10.0, 30.0, size=bad.size)
    return x, y.astype("float32")[:, None], clean.astype("float32")[:, None]


def _fit(x, y, loss, epochs=20, lr=0.05, jit=JIT):
    keras.utils.set_random_seed(0)
    base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    if isinstance(loss, AdaptiveRobustLoss):
        model = TrainableLossModel(base, loss)
        compile_loss = None
    else:
        model, compile_loss = base, loss
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss=compile_loss,
        jit_compile=jit,
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    model.fit(x, y, batch_size=20, epochs=epochs, verbose=0)
    return model


def test_gaussian_noise_drives_alpha_towards_two():
    x, y, _ = _regression("gaussian")
    loss = AdaptiveRobustLoss()
    _fit(x, y, loss, jit=XLA)
    alpha = float(to_numpy(loss.alpha))
    assert alpha > 1.7, alpha
    # the scale of N(0, 0.5^2) noise is its standard deviation
    assert abs(float(to_numpy(loss.scale)) - 0.5) < 0.1


def test_cauchy_noise_drives_alpha_well_below_one():
    x, y, _ = _regression("cauchy")
    loss = AdaptiveRobustLoss()
    _fit(x, y, loss)
    alpha = float(to_numpy(loss.alpha))
    assert alpha < 0.3, alpha


def test_gross_outliers_lower_clean_error_than_mse():
    x, y, clean = _regression("outliers")
    x_test, _, clean_test = _regression("gaussian", seed=1)
    adaptive = _fit(x, y, AdaptiveRobustLoss())
    mse = _fit(x, y, "mse")
    err_adaptive = np.mean((adaptive.predict(x_test, verbose=0) - clean_test) ** 2)
    err_mse = np.mean((mse.predict(x_test, verbose=0) - clean_test) ** 2)
    assert err_adaptive < 0.1 * err_mse, (err_adaptive, err_mse)


def test_per_dimension_alpha_follows_each_columns_noise():
    # column 0: Gaussian noise, column 1: Cauchy noise, one model, one fit
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3)).astype("float32")
    clean = x @ np.array([[1.5, -1.0], [-2.0, 0.5], [0.5, 2.0]])
    noise = np.stack(
        [0.5 * rng.normal(size=400), 0.5 * rng.standard_cauchy(size=400)], axis=1
    )
    y = (clean + noise).astype("float32")
    loss = AdaptiveRobustLoss(num_dims=2)
    keras.utils.set_random_seed(0)
    base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model = TrainableLossModel(base, loss)
    model.compile(
        optimizer=keras.optimizers.Adam(0.05),
        jit_compile=JIT,
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    model.fit(x, y, batch_size=20, epochs=20, verbose=0)
    alpha = to_numpy(loss.alpha)
    assert alpha[0] > 1.7 and alpha[1] < 0.3, alpha


# TrainableLossModel and serialization --------------------------------------


def test_model_saves_and_restores_the_learned_parameters():
    x, y, _ = _regression("cauchy", n=100)
    loss = AdaptiveRobustLoss(num_dims=1, alpha_init=1.5, scale_init=2.0)
    model = _fit(x, y, loss, epochs=2)
    learned = to_numpy(loss.alpha)
    assert abs(float(learned[0]) - 1.5) > 0.01
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded, TrainableLossModel)
    assert_allclose(loaded.trainable_loss.alpha, learned)
    assert_allclose(loaded.trainable_loss.scale, loss.scale)
    assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    # the reloaded model trains the reloaded loss's parameters
    assert loaded.loss is loaded.trainable_loss
    loaded.fit(x, y, batch_size=20, epochs=1, verbose=0)
    assert abs(float(to_numpy(loaded.trainable_loss.alpha)[0]) - learned[0]) > 1e-5


def test_loss_serialization_roundtrip():
    args = dict(
        num_dims=2,
        alpha_lo=0.5,
        alpha_hi=3.0,
        alpha_init=1.0,
        scale_lo=1e-3,
        scale_init=2.0,
        reduction="sum",
        name="arl",
    )
    out = assert_serialization_roundtrip(
        AdaptiveRobustLoss(**args), args, input_shape=(2,)
    )
    assert_allclose(out["keras_file"].alpha, [1.0, 1.0])
    assert_allclose(out["keras_file"].scale, [2.0, 2.0])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(num_dims=0), "num_dims"),
        (dict(alpha_lo=-0.1), "alpha_lo"),
        (dict(alpha_lo=4.0, alpha_hi=4.0), "alpha_lo"),
        (dict(alpha_hi=0.0005), "alpha_hi"),
        (dict(alpha_hi=4.5), "alpha_hi"),
        (dict(alpha_init=1.999), "alpha_init"),
        (dict(alpha_init=0.0), "alpha_init"),
        (dict(scale_lo=0.0), "scale_lo"),
        (dict(scale_init=1e-6), "scale_init"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`.*Received: {name}=") as info:
        AdaptiveRobustLoss(**kwargs)
    assert repr(kwargs[name]) in str(info.value)


def test_compile_without_the_wrapper_warns_that_nothing_is_learned():
    x, y, _ = _regression("gaussian", n=40)
    loss = AdaptiveRobustLoss()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss=loss)
    with pytest.warns(UserWarning, match="TrainableLossModel"):
        model.fit(x, y, epochs=1, batch_size=20, verbose=0)
    # the model did not hold the weights: alpha stayed where it started
    assert_allclose(loss.alpha, 1.0)


def test_wrapper_rejects_a_loss_without_parameters():
    base = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="`loss`"):
        TrainableLossModel(base, keras.losses.MeanSquaredError())
