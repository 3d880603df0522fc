"""SWA: the final weights are the arithmetic mean (np.mean, float64) of the
weights a recording callback saw at the chosen epochs."""

import keras
import numpy as np
import pytest

from kerasnotes.callbacks import SWA
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import to_numpy


class _Recorder(keras.callbacks.Callback):
    """Records every weight (float64 copies) after each epoch."""

    def __init__(self):
        super().__init__()
        self.weights = {}

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch] = [
            np.asarray(w, dtype=np.float64) for w in self.model.get_weights()
        ]


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5] + [1.0, 0.0, -1.0]).astype("float32")
    y = (x @ np.array([[1.0], [-1.0], [2.0]]) + 0.1 * rng.normal(size=(n, 1))).astype(
        "float32"
    )
    return x, y


def _model():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, name="d1"),
            keras.layers.BatchNormalization(momentum=0.5, name="bn"),
            keras.layers.ReLU(),
            keras.layers.Dense(1, name="d2"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def _fit(model, callbacks, epochs, **kwargs):
    x, y = _data()
    recorder = _Recorder()
    model.fit(
        x,
        y,
        batch_size=16,
        epochs=epochs,
        callbacks=[recorder, *callbacks],
        verbose=0,
        **kwargs,
    )
    return recorder.weights


def _mean(recorded, epochs):
    return [np.mean(ws, axis=0) for ws in zip(*(recorded[e] for e in epochs))]


def _assert_weights(actual, expected, rtol=1e-5, atol=1e-6):
    assert len(actual) == len(expected)
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=f"weight {i}")


def _differs(actual, expected, tol=1e-4):
    return any(
        np.max(np.abs(to_numpy(a).astype(np.float64) - e)) > tol
        for a, e in zip(actual, expected)
    )


def _index(model, name):
    (i,) = [i for i, w in enumerate(model.weights) if w.path.endswith(name)]
    return i


def test_running_average_by_hand():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    swa = SWA(start_epoch=1, frequency=2)
    swa.set_model(model)
    swa.on_train_begin()
    for epoch, value in enumerate([50.0, 3.0, 50.0, 6.0, 50.0, 12.0]):
        model.set_weights([np.array([[value]], "float32")])
        swa.on_epoch_end(epoch)
        if epoch == 3:
            # (3 + 6) / 2
            assert_allclose(swa.averaged_weights, [[[4.5]]], rtol=1e-7)
    assert swa.averaged_epochs == [1, 3, 5]
    swa.on_train_end()
    # (3 + 6 + 12) / 3; the last weights (12) are replaced.
    assert_allclose(model.get_weights(), [[[7.0]]], rtol=1e-7)


@pytest.mark.parametrize(
    "start_epoch, frequency, epochs, averaged",
    [(0, 1, 3, [0, 1, 2]), (2, 2, 7, [2, 4, 6]), (1, 3, 6, [1, 4])],
)
def test_final_weights_are_the_mean_of_the_chosen_epochs(
    start_epoch, frequency, epochs, averaged
):
    model = _model()
    swa = SWA(start_epoch=start_epoch, frequency=frequency)
    recorded = _fit(model, [swa], epochs)
    assert swa.averaged_epochs == averaged
    expected = _mean(recorded, averaged)
    _assert_weights(model.get_weights(), expected)
    _assert_weights(swa.averaged_weights, expected)
    # The non-trainable statistics are averaged too (they moved between
    # the epochs), and the model is not left at its last epoch.
    moving_mean = _index(model, "bn/moving_mean")
    assert not model.weights[moving_mean].trainable
    assert np.ptp([recorded[e][moving_mean] for e in averaged], axis=0).max() > 1e-3
    assert _differs(model.get_weights(), recorded[epochs - 1])


def test_no_averaged_epoch_leaves_the_weights_and_warns():
    model = _model()
    swa = SWA(start_epoch=5)
    with pytest.warns(UserWarning, match="SWA averaged no epoch.*start_epoch=5"):
        recorded = _fit(model, [swa], 2)
    assert swa.averaged_epochs == [] and swa.averaged_weights is None
    _assert_weights(model.get_weights(), recorded[1], rtol=0, atol=0)


def _batch_norm_reference(model, weights, x, sizes):
    """Batch means and biased variances of the BN input (x @ K + b, with the
    averaged Dense weights), averaged over the batches."""
    kernel = weights[_index(model, "d1/kernel")]
    bias = weights[_index(model, "d1/bias")]
    bounds = np.cumsum([0, *sizes])
    hs = [x[a:b].astype(np.float64) @ kernel + bias for a, b in zip(bounds, bounds[1:])]
    return np.mean([h.mean(0) for h in hs], 0), np.mean([h.var(0) for h in hs], 0)


def test_batch_norm_data_recomputes_statistics_for_the_averaged_weights():
    model = _model()
    x_bn = np.random.default_rng(5).normal(size=(50, 3)).astype("float32") * 2 + 1
    swa = SWA(start_epoch=1, frequency=1, batch_norm_data=(x_bn, None), batch_size=20)
    recorded = _fit(model, [swa], 4)
    assert swa.averaged_epochs == [1, 2, 3] and swa.batch_norm_updated
    average = _mean(recorded, [1, 2, 3])
    mean, var = _batch_norm_reference(model, average, x_bn, [20, 20, 10])
    i_mean, i_var = _index(model, "bn/moving_mean"), _index(model, "bn/moving_variance")
    weights = model.get_weights()
    assert_allclose(weights[i_mean], mean, rtol=1e-5, atol=1e-5)
    assert_allclose(weights[i_var], var, rtol=1e-5, atol=1e-5)
    assert _differs([weights[i_mean]], [average[i_mean]], tol=1e-2)
    others = [i for i in range(len(weights)) if i not in (i_mean, i_var)]
    _assert_weights([weights[i] for i in others], [average[i] for i in others])
    # The averaged statistics stay available.
    _assert_weights(swa.averaged_weights, average)


def _early_stopping():
    # Epoch 0 is the best; no later epoch can beat it by min_delta, so with
    # patience=1 training stops after epoch 1.
    return keras.callbacks.EarlyStopping(
        monitor="loss", min_delta=1e9, patience=1, restore_best_weights=True
    )


def test_swa_after_early_stopping_ends_with_the_average():
    model = _model()
    x_bn = _data(seed=7)[0]
    stopper, swa = _early_stopping(), SWA(batch_norm_data=x_bn, batch_size=16)
    recorded = _fit(model, [stopper, swa], 5)
    assert stopper.stopped_epoch == 1 and stopper.best_epoch == 0
    assert swa.averaged_epochs == [0, 1] and swa.batch_norm_updated
    average = _mean(recorded, [0, 1])
    weights = model.get_weights()
    i_mean, i_var = _index(model, "bn/moving_mean"), _index(model, "bn/moving_variance")
    others = [i for i in range(len(weights)) if i not in (i_mean, i_var)]
    _assert_weights([weights[i] for i in others], [average[i] for i in others])
    mean, var = _batch_norm_reference(model, average, x_bn, [16, 16, 16])
    assert_allclose(weights[i_mean], mean, rtol=1e-5, atol=1e-5)
    assert_allclose(weights[i_var], var, rtol=1e-5, atol=1e-5)


def test_early_stopping_after_swa_restores_the_best_epoch():
    model = _model()
    x_bn = _data(seed=7)[0]
    swa, stopper = SWA(batch_norm_data=x_bn, batch_size=16), _early_stopping()
    recorded = _fit(model, [swa, stopper], 5)
    assert stopper.stopped_epoch == 1 and stopper.best_epoch == 0
    # Every weight, the recomputed statistics included, is epoch 0's.
    _assert_weights(model.get_weights(), recorded[0], rtol=0, atol=0)
    _assert_weights(swa.averaged_weights, _mean(recorded, [0, 1]))
    assert _differs(swa.averaged_weights, recorded[0])


@pytest.mark.parametrize("swa_first", [True, False])
def test_keras_file_after_fit_holds_the_average_checkpoint_an_epoch(
    tmp_path, swa_first
):
    model = _model()
    swa = SWA()
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "checkpoint.keras"))
    callbacks = [swa, checkpoint] if swa_first else [checkpoint, swa]
    recorded = _fit(model, callbacks, 3)
    model.save(tmp_path / "swa.keras")
    average = _mean(recorded, [0, 1, 2])
    loaded = keras.saving.load_model(tmp_path / "swa.keras")
    _assert_weights(loaded.get_weights(), average)
    # The checkpoint was written during training: the last epoch, not the
    # average, whatever the order.
    checkpointed = keras.saving.load_model(tmp_path / "checkpoint.keras")
    _assert_weights(checkpointed.get_weights(), recorded[2], rtol=0, atol=0)
    assert _differs(checkpointed.get_weights(), average)


def test_mixed_precision_keeps_float32_averages():
    keras.config.set_dtype_policy("mixed_float16")  # conftest restores float32
    model = _model()
    assert all(str(w.dtype) == "float32" for w in model.weights)
    swa = SWA(batch_norm_data=_data(seed=3)[0], batch_size=48)
    recorded = _fit(model, [swa], 2)
    assert all(a.dtype == np.float32 for a in swa.averaged_weights)
    assert all(str(w.dtype) == "float32" for w in model.weights)
    average = _mean(recorded, [0, 1])
    i_mean, i_var = _index(model, "bn/moving_mean"), _index(model, "bn/moving_variance")
    _assert_weights(swa.averaged_weights, average)
    weights = model.get_weights()
    others = [i for i in range(len(weights)) if i not in (i_mean, i_var)]
    _assert_weights([weights[i] for i in others], [average[i] for i in others])
    assert swa.batch_norm_updated
    assert np.all(np.isfinite(weights[i_mean])) and np.all(weights[i_var] > 0)


def test_float16_weights_are_averaged_in_float32():
    keras.config.set_dtype_policy("float16")  # conftest restores float32
    model = _model()
    assert all(str(w.dtype) == "float16" for w in model.weights)
    swa = SWA()
    recorded = _fit(model, [swa], 3)
    assert all(a.dtype == np.float32 for a in swa.averaged_weights)
    average = _mean(recorded, [0, 1, 2])
    # float16 averages would be off by up to 5e-4 (relative); float32 ones
    # match the float64 mean of the float16 values to float32 rounding.
    _assert_weights(swa.averaged_weights, average, rtol=1e-6, atol=1e-7)
    _assert_weights(model.get_weights(), average, rtol=1e-3, atol=1e-4)


def test_each_fit_starts_a_new_average_counted_from_initial_epoch():
    model = _model()
    swa = SWA(start_epoch=1)
    _fit(model, [swa], 2)
    assert swa.averaged_epochs == [1]
    recorded = _fit(model, [swa], 5, initial_epoch=2)
    assert swa.averaged_epochs == [2, 3, 4]
    _assert_weights(model.get_weights(), _mean(recorded, [2, 3, 4]))


def test_renorm_is_refused_before_training():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.BatchNormalization(renorm=True),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="renorm=True"):
        _fit(model, [SWA(batch_norm_data=_data()[0])], 2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"start_epoch": -1},
            "Argument `start_epoch` must be an integer >= 0. Received: start_epoch=-1",
        ),
        ({"start_epoch": 1.5}, "Received: start_epoch=1.5"),
        ({"start_epoch": True}, "Received: start_epoch=True"),
        ({"start_epoch": "0"}, "Received: start_epoch='0'"),
        (
            {"frequency": 0},
            "Argument `frequency` must be a positive integer. Received: frequency=0",
        ),
        ({"frequency": -2}, "Received: frequency=-2"),
        ({"frequency": 1.5}, "Received: frequency=1.5"),
        (
            {"batch_size": 0},
            "Argument `batch_size` must be a positive integer. Received: batch_size=0",
        ),
        (
            {"batch_norm_data": np.zeros((0, 3))},
            "Argument `batch_norm_data` must hold at least one sample",
        ),
        ({"batch_norm_data": "x"}, "Argument `batch_norm_data` must be arrays"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError) as info:
        SWA(**kwargs)
    assert message in str(info.value)


def test_integral_floats_are_accepted():
    swa = SWA(start_epoch=2.0, frequency=3.0)
    assert swa.start_epoch == 2 and type(swa.start_epoch) is int
    assert swa.frequency == 3 and type(swa.frequency) is int
