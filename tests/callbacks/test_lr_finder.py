import warnings

import keras
import numpy as np
import pytest

from kerasnotes.callbacks import LRFinder
from kerasnotes.callbacks import LRFinderWarning
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
    with pytest.raises(RuntimeError, match="recorded no losses; run the sweep"):
        LRFinder().suggestion()


# -- the suggestion on the curves that broke the old rule --------------------
#
# Synthetic sweeps with a known true loss: a sigmoid drop in log10(lr) from
# 0.8 to 0.2, centred at `center`, `width` decades wide, plus seeded Gaussian
# batch noise, fed through the finder's own EWMA and divergence stop (the
# default LRFinder(): 1e-7 to 10 in 100 steps, smoothing 0.98). The band a
# suggestion must fall in is computed from the true curve alone: the rates
# where it has made 10% and 90% of its drop, `u = -+ln 9` in
# `1 / (1 + exp(u))`.


def _true_loss(lr, center, width=0.3):
    u = (np.log10(lr) - np.log10(center)) / width
    return 0.2 + 0.6 / (1.0 + np.exp(u))


def _band(center, width=0.3):
    return center * 10 ** (-width * np.log(9)), center * 10 ** (width * np.log(9))


def _sweep(batch_loss, finder=None):
    finder = finder or LRFinder()
    finder.set_model(_Stub())
    for i in range(finder.num_steps):
        finder.on_train_batch_end(0, {"loss": float(batch_loss(i, finder.rate_at(i)))})
        if finder.model.stop_training:
            break
    return finder


def _old_rule(finder):
    """The suggestion before issue 16: the steepest slope of the EWMA against
    log(lr) (numpy.gradient), first tenth and last point left out."""
    rates, losses = np.asarray(finder.learning_rates), np.asarray(finder.losses)
    keep = slice(len(losses) // 10, len(losses) - 1)
    slopes = np.gradient(losses[keep], np.log(rates[keep]))
    return float(rates[keep][np.argmin(slopes)])


def _suggestion_and_warnings(finder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rate = finder.suggestion()
    return rate, [w for w in caught if issubclass(w.category, LRFinderWarning)]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_bump_at_the_start_is_not_the_suggestion(seed):
    # Six batches 0.3 above the rest (steps 6-11) at the start, then the drop
    # centred at 3e-2 and a blow-up past 1 that stops the sweep.
    noise = np.random.default_rng(seed).normal(0.0, 0.05, 100)

    def batch_loss(i, lr):
        bump = 0.3 if 6 <= i <= 11 else 0.0
        return _true_loss(lr, 3e-2) + bump + 0.3 * lr**2 + noise[i]

    finder = _sweep(batch_loss)
    assert finder.stopped_early
    # The old rule took the EWMA's fall after the bump: 9.3e-7, 4 decades
    # below the drop.
    assert _old_rule(finder) == pytest.approx(9.33e-7, rel=0.01)
    rate, caught = _suggestion_and_warnings(finder)
    low, high = _band(3e-2)  # (6.6e-3, 0.137)
    assert low < rate < high and not caught


@pytest.mark.parametrize("seed", [7, 30, 38])
def test_sweep_that_never_diverges_is_not_read_at_its_end(seed):
    # The drop centred at 0.3, then a flat 0.2 up to the end of the range (10):
    # the divergence stop never fires. The EWMA lags the batch losses by up to
    # 1 / (1 - 0.98) steps, so its steepest point drifts right: for these
    # seeds the old rule returned the end of the range, 8.3.
    noise = np.random.default_rng(seed).normal(0.0, 0.05, 100)
    finder = _sweep(lambda i, lr: _true_loss(lr, 0.3) + noise[i])
    assert not finder.stopped_early and len(finder.losses) == 100
    assert _old_rule(finder) == pytest.approx(8.30, rel=0.01)
    rate, caught = _suggestion_and_warnings(finder)
    low, high = _band(0.3)  # (0.066, 1.37)
    assert low < rate < high and not caught


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_suggestion_when_the_range_ends_inside_the_drop(seed):
    # The drop centred at 3: at 10, the end of the range, the loss is still
    # falling; the old rule returned 8.3, the end of the range.
    noise = np.random.default_rng(seed).normal(0.0, 0.05, 100)
    finder = _sweep(lambda i, lr: _true_loss(lr, 3.0) + noise[i])
    assert not finder.stopped_early
    assert _old_rule(finder) == pytest.approx(8.30, rel=0.01)
    rate, caught = _suggestion_and_warnings(finder)
    assert rate is None and len(caught) == 1
    assert "still falling steeply at the end of the sweep" in str(caught[0].message)
    assert finder._suggest().kind == "still_falling_at_end"


@pytest.mark.parametrize("seed", range(12))
def test_suggestion_lies_in_the_true_drop(seed):
    # The plain shape, over many seeds and with noisier batches: a drop at
    # 1e-3 (width 0.4 decades) and a blow-up past 0.1.
    noise = np.random.default_rng(100 + seed).normal(0.0, 0.08, 100)
    finder = _sweep(lambda i, lr: _true_loss(lr, 1e-3, 0.4) + 30 * lr**2 + noise[i])
    rate, caught = _suggestion_and_warnings(finder)
    low, high = _band(1e-3, 0.4)
    assert low < rate < high and not caught


@pytest.mark.parametrize(
    "losses",
    [np.zeros(100), 0.7 + np.random.default_rng(0).normal(0.0, 0.05, 100)],
    ids=["zero", "noise"],
)
def test_no_suggestion_on_a_flat_curve(losses):
    # A single-class target trained with a softmax over one unit has loss 0
    # at every rate; the old rule suggested the first point it kept, 6.4e-7.
    finder = _sweep(lambda i, lr: losses[i])
    if not losses.any():
        assert _old_rule(finder) == pytest.approx(6.43e-7, rel=0.01)
    rate, caught = _suggestion_and_warnings(finder)
    assert rate is None and len(caught) == 1
    assert "the loss never clearly fell" in str(caught[0].message)


def test_no_suggestion_when_the_sweep_starts_inside_the_drop():
    # Sweep 1e-2 to 10 over a drop centred at 1e-2: it falls fastest at once.
    finder = LRFinder(1e-2, 10.0, num_steps=60)
    noise = np.random.default_rng(0).normal(0.0, 0.02, 60)
    _sweep(lambda i, lr: _true_loss(lr, 1e-2) + 0.1 * lr**2 + noise[i], finder)
    rate, caught = _suggestion_and_warnings(finder)
    assert rate is None and "already falling steeply where the sweep starts" in (
        str(caught[0].message)
    )


def test_no_suggestion_from_a_sweep_that_diverged_at_once():
    finder = _sweep(lambda i, lr: [1.0, 0.9, 5.0][i] if i < 3 else np.nan)
    assert finder.stopped_early and len(finder.losses) == 4  # the NaN too
    rate, caught = _suggestion_and_warnings(finder)
    assert rate is None and "only 1 of 3 finite losses" in str(caught[0].message)


def test_suggestion_ignores_a_spike_of_a_few_batches():
    # Three batches at 5x the loss in the middle of the drop (raising the
    # EWMA by 0.1 and making it fall back steeply afterwards) do not move
    # the suggestion out of the drop.
    noise = np.random.default_rng(4).normal(0.0, 0.03, 100)

    def batch_loss(i, lr):
        loss = _true_loss(lr, 1e-3) + 30 * lr**2 + noise[i]
        return 5 * loss if i in (60, 61, 62) else loss

    rate, _ = _suggestion_and_warnings(_sweep(batch_loss))
    low, high = _band(1e-3)
    assert low < rate < high


@pytest.mark.parametrize(
    "kwargs, name",
    [(dict(skip_start=-1), "skip_start"), (dict(skip_end=0.5), "skip_end")],
)
def test_suggestion_bad_arguments(kwargs, name):
    finder = _sweep(lambda i, lr: _true_loss(lr, 1e-3))
    with pytest.raises(ValueError, match=f"Argument `{name}`.*Received: {name}="):
        finder.suggestion(**kwargs)


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


@pytest.mark.slow
def test_suggestion_trains_a_real_model_where_the_old_rule_fails():
    # scikit-learn's 8x8 digits, a 64-32 ReLU MLP, SGD with momentum 0.9:
    # the sweep (1e-7 to 10) does not trip the divergence stop, the old rule
    # read the EWMA's lagging fall (2.7 on TensorFlow, 0.35 on JAX) and
    # training there stays at chance. At the new suggestion (0.079), a
    # one-cycle schedule peaking there and a constant rate a third of it
    # both train.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from kerasnotes.schedules import OneCycle

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    x, x_val, y, y_val = train_test_split(
        x, y, test_size=0.25, random_state=0, stratify=y
    )

    def build(learning_rate):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate, momentum=0.9),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    def accuracy(learning_rate, epochs=8):
        model = build(learning_rate)
        model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
        return model.evaluate(x_val, y_val, verbose=0)[1]

    finder = find_learning_rate(build(0.01), x, y, batch_size=32, shuffle=True)
    assert not finder.stopped_early
    rate, caught = _suggestion_and_warnings(finder)
    assert not caught and 1e-2 < rate < 0.3
    old = _old_rule(finder)
    assert old > 3 * rate
    steps = 8 * int(np.ceil(len(x) / 32))
    assert accuracy(OneCycle(rate, steps)) > 0.9
    assert accuracy(rate / 3) > 0.9
    assert accuracy(old) < 0.5
