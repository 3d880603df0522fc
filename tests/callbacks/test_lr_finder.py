import keras
import numpy as np
import pytest

from kerasnotes.callbacks import LRFinder
from kerasnotes.callbacks import find_learning_rate
from kerasnotes.testing import assert_allclose


class _Stub:
    stop_training = False


def _feed(finder, losses):
    finder.set_model(_Stub())
    for loss in losses:
        finder.on_train_batch_end(0, {"loss": loss})
        if finder.model.stop_training:
            break
    return finder


def test_bias_corrected_ewma_by_hand():
    finder = _feed(LRFinder(1e-3, 1.0, num_steps=10, smoothing=0.5), [4.0, 2.0, 3.0])
    # a0 = 2, s0 = 2 / 0.5 = 4; a1 = 1 + 1 = 2, s1 = 2 / 0.75;
    # a2 = 1 + 1.5 = 2.5, s2 = 2.5 / 0.875
    assert_allclose(finder.losses, [4.0, 2.0 / 0.75, 2.5 / 0.875], rtol=1e-12)
    assert finder.raw_losses == [4.0, 2.0, 3.0]
    assert not finder.stopped_early


def test_sweep_is_geometric_from_start_to_end():
    finder = LRFinder(1e-4, 1e-1, num_steps=4)
    assert_allclose(
        [finder.rate_at(i) for i in range(4)], [1e-4, 1e-3, 1e-2, 1e-1], rtol=1e-12
    )
    _feed(finder, [1.0] * 10)
    assert_allclose(finder.learning_rates, [1e-4, 1e-3, 1e-2, 1e-1], rtol=1e-12)
    assert finder.model.stop_training and not finder.stopped_early


def test_divergence_stop_and_non_finite_stop():
    finder = _feed(
        LRFinder(num_steps=50, smoothing=0.0, stop_factor=4.0),
        [1.0, 0.5, 1.9, 2.1, 7.0],
    )
    # best 0.5: 1.9 is below 4 x 0.5 = 2; 2.1 is above, the sweep stops there.
    assert finder.stopped_early and len(finder.losses) == 4
    finder = _feed(LRFinder(num_steps=50), [1.0, 0.9, float("nan"), 0.5])
    assert finder.stopped_early and len(finder.losses) == 3


def _least_squares(n=128, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, 4)) * np.array([1.0, 0.5, 2.0, 1.0])).astype("float32")
    w = np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")
    y = x @ w + 0.01 * rng.normal(size=(n, 1)).astype("float32")
    # Full-batch gradient descent on mean((x w - y)^2) is stable exactly for
    # lr < 2 / L, L the largest eigenvalue of the Hessian 2 x^T x / n.
    hessian = 2.0 * x.T.astype(np.float64) @ x / n
    return x, y, 2.0 / np.linalg.eigvalsh(hessian).max()


def test_least_squares_suggestion_is_stable_and_divergence_stops():
    x, y, lr_stable = _least_squares()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, use_bias=False)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    finder = find_learning_rate(
        model,
        x,
        y,
        start_learning_rate=1e-4,
        end_learning_rate=10.0,
        num_steps=100,
        smoothing=0.9,
        batch_size=len(x),
    )
    assert finder.stopped_early
    assert len(finder.losses) < 100
    # The sweep only blew up past the analytic limit ...
    assert finder.learning_rates[-1] > lr_stable
    diverging = np.asarray(finder.raw_losses) > 2 * finder.raw_losses[0]
    assert np.all(np.asarray(finder.learning_rates)[diverging] > lr_stable)
    # ... and the suggestion lies inside the stable range, not far below it.
    suggestion = finder.suggestion()
    assert lr_stable / 100 < suggestion < lr_stable
    # Gradient descent at the suggested rate does converge.
    model.optimizer.learning_rate = suggestion
    before = model.evaluate(x, y, verbose=0, batch_size=len(x))
    model.fit(x, y, batch_size=len(x), epochs=30, verbose=0)
    assert model.evaluate(x, y, verbose=0, batch_size=len(x)) < 0.1 * before


def _snapshot(model):
    return (
        [np.array(w) for w in model.get_weights()],
        [np.array(keras.ops.convert_to_numpy(v)) for v in model.optimizer.variables],
    )


def test_model_is_bit_identical_after_the_finder():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(96, 6)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)  # non-trivial state
    weights, optimizer_state = _snapshot(model)
    iterations = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
    finder = find_learning_rate(
        model, x, y, start_learning_rate=1e-5, num_steps=12, batch_size=32
    )
    assert len(finder.losses) > 1  # the sweep ran, over several epochs
    assert finder.learning_rates[1] > finder.learning_rates[0]
    after_weights, after_state = _snapshot(model)
    assert len(after_weights) == len(weights)
    for before, after in zip(weights + optimizer_state, after_weights + after_state):
        assert before.dtype == after.dtype
        np.testing.assert_array_equal(after, before)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == iterations
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == (
        np.float32(0.003)
    )


@pytest.mark.parametrize(
    "learning_rate",
    [keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5), lambda: 0.01],
    ids=["schedule", "callable"],
)
def test_schedule_or_callable_optimizer_is_refused(learning_rate):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    x = np.zeros((8, 2), "float32")
    with pytest.raises(ValueError, match="constant learning rate.*schedule or"):
        find_learning_rate(model, x, np.zeros((8, 1), "float32"), num_steps=3)


def test_suggestion_needs_a_sweep():
    with pytest.raises(RuntimeError, match="too few"):
        LRFinder().suggestion()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(start_learning_rate=0.0), "start_learning_rate"),
        (dict(end_learning_rate=-1.0), "end_learning_rate"),
        (dict(start_learning_rate=1.0, end_learning_rate=0.5), "end_learning_rate"),
        (dict(num_steps=1), "num_steps"),
        (dict(num_steps=0), "num_steps"),
        (dict(smoothing=1.0), "smoothing"),
        (dict(stop_factor=1.0), "stop_factor"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        LRFinder(**kwargs)


def test_find_learning_rate_refuses_epochs():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((8, 2), "float32")
    with pytest.raises(ValueError, match="Argument `epochs`.*Received: epochs=3"):
        find_learning_rate(model, x, np.zeros((8, 1), "float32"), epochs=3)
