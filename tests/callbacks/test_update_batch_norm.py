"""update_batch_norm: the moving statistics are the plain averages of the
batch means and biased batch variances, computed here in NumPy (float64)
from the layers' weights."""

import keras
import numpy as np
import pytest

from kerasnotes.callbacks import update_batch_norm
from kerasnotes.callbacks._batch_norm import batch_norm_layers
from kerasnotes.testing import assert_allclose
from kerasnotes.testing import to_numpy


class _Block(keras.layers.Layer):
    """A custom layer holding a batch-norm layer in a list attribute."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(3)
        self.norms = [keras.layers.BatchNormalization(momentum=0.7, epsilon=1e-3)]

    def call(self, x):
        return self.norms[0](self.dense(x))


def _nested_model():
    """Dense -> [a nested Sequential with a BN] -> ReLU -> [custom layer:
    Dense -> BN]: one BN inside a nested model, one inside a custom layer."""
    inputs = keras.Input((3,))
    h = keras.layers.Dense(4, name="d1")(inputs)
    inner = keras.Sequential(
        [keras.Input((4,)), keras.layers.BatchNormalization(name="bn_inner")],
        name="inner",
    )
    h = keras.layers.ReLU()(inner(h))
    outputs = _Block(name="block")(h)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(3)
    for layer in batch_norm_layers(model):
        # Gamma and beta that are not 1 and 0, and statistics that must go.
        size = layer.gamma.shape[0]
        layer.gamma.assign(rng.uniform(0.5, 2.0, size).astype("float32"))
        layer.beta.assign(rng.normal(size=size).astype("float32"))
        layer.moving_mean.assign(np.full(size, 100.0, "float32"))
        layer.moving_variance.assign(np.full(size, 50.0, "float32"))
    return model


def _layers(model):
    inner = model.get_layer("inner").get_layer("bn_inner")
    return inner, model.get_layer("block").norms[0]


def _weights(layer):
    return [to_numpy(w).astype(np.float64) for w in layer.weights]


def _reference(model, batches):
    """The expected statistics of the two BN layers: per batch, the mean and
    the biased variance of each layer's input in training mode."""
    bn_inner, bn_block = _layers(model)
    k1, b1 = _weights(model.get_layer("d1"))
    gamma, beta = _weights(bn_inner)[:2]
    k2, b2 = _weights(model.get_layer("block").dense)
    stats = {"inner": [], "block": [], "inner_unbiased": []}
    for xb in batches:
        h = np.asarray(xb, np.float64) @ k1 + b1
        mean, var = h.mean(axis=0), h.var(axis=0)
        stats["inner"].append((mean, var))
        stats["inner_unbiased"].append((mean, h.var(axis=0, ddof=1)))
        z = np.maximum(gamma * (h - mean) / np.sqrt(var + bn_inner.epsilon) + beta, 0)
        u = z @ k2 + b2
        stats["block"].append((u.mean(axis=0), u.var(axis=0)))
    return {
        key: (np.mean([m for m, _ in v], axis=0), np.mean([s for _, s in v], axis=0))
        for key, v in stats.items()
    }


def _data(n=50, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, 3)) * [1.0, 3.0, 0.5] + [2.0, -1.0, 0.0]).astype("float32")
    y = rng.normal(size=(n, 3)).astype("float32")
    return x, y


def _check(model, expected):
    bn_inner, bn_block = _layers(model)
    for layer, key in ((bn_inner, "inner"), (bn_block, "block")):
        mean, var = expected[key]
        assert_allclose(layer.moving_mean, mean, rtol=1e-5, atol=1e-5, err_msg=key)
        assert_allclose(layer.moving_variance, var, rtol=1e-5, atol=1e-5, err_msg=key)


def _split(x, sizes):
    bounds = np.cumsum([0, *sizes])
    return [x[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def test_each_batch_counts_once_by_hand():
    model = keras.Sequential([keras.Input((1,)), keras.layers.BatchNormalization()])
    update_batch_norm(model, np.array([[0.0], [2.0], [4.0], [10.0]]), batch_size=3)
    (bn,) = model.layers
    # batches [0, 2, 4] and [10]: means 2 and 10, biased variances 8/3 and 0.
    assert_allclose(bn.moving_mean, [6.0], rtol=1e-6)
    assert_allclose(bn.moving_variance, [4.0 / 3.0], rtol=1e-6)


@pytest.mark.parametrize("form", ["x", "(x, y)", "(x, y, w)"])
def test_arrays_match_numpy_batch_statistics(form):
    model = _nested_model()
    x, y = _data()
    data = {"x": x, "(x, y)": (x, y), "(x, y, w)": (x, y, np.ones(len(x)))}[form]
    update_batch_norm(model, data, batch_size=16)
    expected = _reference(model, _split(x, [16, 16, 16, 2]))
    _check(model, expected)
    # The test tells the biased variance from the unbiased one (torch's
    # update_bn), which the last batch of 2 makes twice as large.
    bn_inner, _ = _layers(model)
    unbiased = expected["inner_unbiased"][1]
    assert np.all(
        np.abs(to_numpy(bn_inner.moving_variance) - unbiased) > 1e-2 * unbiased
    )


def test_tf_data_dataset_matches_numpy_batch_statistics():
    tf = pytest.importorskip(
        "tensorflow", reason="tf.data.Dataset input needs TensorFlow installed"
    )
    x, y = _data()
    for dataset in (
        tf.data.Dataset.from_tensor_slices((x, y)).batch(16),
        tf.data.Dataset.from_tensor_slices(x).batch(16),
    ):
        model = _nested_model()
        update_batch_norm(model, dataset)
        _check(model, _reference(model, _split(x, [16, 16, 16, 2])))


class _Batches(keras.utils.PyDataset):
    def __init__(self, batches, **kwargs):
        super().__init__(**kwargs)
        self.batches = batches
        self.epochs_begun = 0

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        return self.batches[index]

    def on_epoch_begin(self):
        self.epochs_begun += 1


def test_py_dataset_with_uneven_batches_matches_numpy():
    x, y = _data()
    sizes = [20, 3, 27]
    xs, ys = _split(x, sizes), _split(y, sizes)
    dataset = _Batches([(a, b, np.ones(len(a))) for a, b in zip(xs, ys)])
    model = _nested_model()
    update_batch_norm(model, dataset, batch_size=1000)  # ignored for datasets
    _check(model, _reference(model, xs))
    assert dataset.epochs_begun == 1


def test_feature_axis_of_conv_and_channels_first_inputs():
    rng = np.random.default_rng(1)
    for shape, axis, reduce in (((2, 2, 3), -1, (0, 1, 2)), ((3, 2), 1, (0, 2))):
        x = rng.normal(size=(8, *shape)).astype("float32") * 2 + 1
        model = keras.Sequential(
            [keras.Input(shape), keras.layers.BatchNormalization(axis=axis)]
        )
        update_batch_norm(model, x, batch_size=4)
        batches = _split(x.astype(np.float64), [4, 4])
        (bn,) = model.layers
        assert_allclose(
            bn.moving_mean,
            np.mean([b.mean(axis=reduce) for b in batches], axis=0),
            rtol=1e-5,
            atol=1e-6,
        )
        assert_allclose(
            bn.moving_variance,
            np.mean([b.var(axis=reduce) for b in batches], axis=0),
            rtol=1e-5,
            atol=1e-6,
        )


def test_momentum_trainable_and_other_weights_restored_frozen_layer_updated():
    model = _nested_model()
    model.get_layer("inner").trainable = False  # freezes bn_inner
    bn_inner, bn_block = _layers(model)
    trainable_before = [w.path for w in model.trainable_weights]
    others = [(w, to_numpy(w).copy()) for w in model.weights if "moving" not in w.path]
    x, _ = _data()
    update_batch_norm(model, x, batch_size=16)
    assert bn_inner.momentum == 0.99 and bn_block.momentum == 0.7
    assert not bn_inner.trainable and not bn_inner.gamma.trainable
    assert bn_block.trainable and bn_block.gamma.trainable
    assert [w.path for w in model.trainable_weights] == trainable_before
    for variable, value in others:
        assert_allclose(variable, value, rtol=0, atol=0, err_msg=variable.path)
    # The frozen layer's statistics were recomputed too.
    _check(model, _reference(model, _split(x, [16, 16, 16, 2])))


class _Failing(_Batches):
    """Fails on its second batch, after the first has updated the layers."""

    def __getitem__(self, index):
        if index == 1:
            raise RuntimeError("unreadable batch")
        return super().__getitem__(index)


def test_failed_pass_restores_statistics_momentum_and_trainable():
    model = _nested_model()
    model.get_layer("inner").trainable = False
    bn_inner, bn_block = _layers(model)
    before = [to_numpy(w).copy() for w in model.weights]
    x, _ = _data()
    bad = _Failing([x[:10], x[10:20]])
    with pytest.raises(RuntimeError, match="unreadable batch"):
        update_batch_norm(model, bad)
    for variable, value in zip(model.weights, before):
        assert_allclose(variable, value, rtol=0, atol=0, err_msg=variable.path)
    assert bn_inner.momentum == 0.99 and bn_block.momentum == 0.7
    assert not bn_inner.trainable and bn_block.trainable


def test_model_without_batch_norm_is_left_alone_with_a_warning():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    before = [w.copy() for w in model.get_weights()]
    x, _ = _data()
    with pytest.warns(UserWarning, match="no BatchNormalization layer"):
        assert update_batch_norm(model, x) is None
    for value, old in zip(model.get_weights(), before):
        np.testing.assert_array_equal(value, old)


def test_renorm_is_refused():
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.BatchNormalization(renorm=True, name="rn")]
    )
    with pytest.raises(ValueError, match="renorm=True. Received: layer 'rn'"):
        update_batch_norm(model, _data()[0])


class _Infinite(keras.utils.PyDataset):
    @property
    def num_batches(self):
        return None

    def __getitem__(self, index):
        return np.zeros((2, 3), "float32")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"model": "model"},
            "Argument `model` must be a keras.Model or a keras.layers.Layer. "
            "Received: model='model'",
        ),
        (
            {"batch_size": 0},
            "Argument `batch_size` must be a positive integer. Received: batch_size=0",
        ),
        ({"batch_size": 2.5}, "Received: batch_size=2.5"),
        ({"batch_size": True}, "Received: batch_size=True"),
        (
            {"data": np.zeros((0, 3))},
            "Argument `data` must hold at least one "
            "sample. Received: data with 0 samples",
        ),
        (
            {"data": (1, 2, 3, 4)},
            "Argument `data` must be x or a tuple (x,), "
            "(x, y) or (x, y, sample_weight). Received: a tuple of 4 items",
        ),
        ({"data": "x"}, "Argument `data` must be arrays"),
        (
            {"data": [np.zeros((4, 3)), np.zeros((5, 3))]},
            "same number of samples. Received: sample counts [4, 5]",
        ),
        ({"data": _Batches([])}, "Argument `data` must hold at least one batch"),
        ({"data": _Infinite()}, "Argument `data` must be a finite PyDataset"),
    ],
)
def test_bad_arguments(kwargs, message):
    arguments = {
        "model": keras.Sequential(
            [keras.Input((3,)), keras.layers.BatchNormalization()]
        ),
        "data": np.zeros((4, 3), "float32"),
        **kwargs,
    }
    with pytest.raises(ValueError) as info:
        update_batch_norm(**arguments)
    assert message in str(info.value)


def test_infinite_tf_dataset_is_refused():
    tf = pytest.importorskip(
        "tensorflow", reason="tf.data.Dataset input needs TensorFlow installed"
    )
    model = keras.Sequential([keras.Input((3,)), keras.layers.BatchNormalization()])
    dataset = tf.data.Dataset.from_tensor_slices(np.zeros((4, 3), "float32"))
    with pytest.raises(ValueError, match="must be a finite dataset"):
        update_batch_norm(model, dataset.batch(2).repeat())
