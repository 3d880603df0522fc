"""Recomputing the moving statistics of batch-normalization layers."""

import warnings

import keras
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_positive_int


def update_batch_norm(model, data, batch_size=32):
    """Recomputes the moving statistics of every `BatchNormalization` layer.

    One pass is made over `data` with the model in training mode. Each batch
    `k = 1, ..., K` counts once, whatever its size: for every
    `keras.layers.BatchNormalization` layer, with `mu_k` and `var_k` the mean
    and the biased variance of the layer's input over the batch (and every
    axis but the feature axis),

    ```
    moving_mean     = (1 / K) * sum_k mu_k
    moving_variance = (1 / K) * sum_k var_k,   var_k = mean((x - mu_k)^2)
    ```

    The old statistics are discarded. The variance is the biased one (divided
    by the number of values, not one less), Keras's convention for the moving
    variance (notes 003, "Batch Normalization", "Step 2: Compute Variance");
    `torch.optim.swa_utils.update_bn` averages the unbiased ones, so its
    variances are larger by about `m / (m - 1)` for batches of `m` values.

    This is the step stochastic weight averaging needs (`SWA`): the moving
    statistics, which a network uses at inference in place of the batch
    statistics (notes 000, "BATCH NORMALIZATION (BN)", "How Batch
    Normalization Works", item 3; notes 004, "Batch Normalization"), belong to
    the weights they were gathered with, and the averaged weights never
    produced any. Call it after changing the weights in any other way too.

    How: the model is called eagerly, `model(x, training=True)`, once per
    batch, with each layer's `momentum` set to `(k - 1) / k` for the `k`-th
    batch, so that Keras's update `moving = momentum * moving + (1 - momentum)
    * batch_statistic` keeps the running average of the batch statistics.
    Each layer's `momentum` and `trainable` flag are restored afterwards,
    even when the pass fails (a frozen layer is recomputed too: Keras only
    updates the statistics of a trainable layer, so it is unfrozen for the
    pass); if the pass fails, the statistics are restored as well. Nothing
    else changes: the other weights are not trained. Every layer sees its
    input as in training (dropout active, earlier batch-normalization layers
    normalizing with the batch statistics), as in `update_bn`.

    Layers are found recursively: in `model.layers` of a model (nested models
    included) and in the attributes of a custom layer. A model without
    `BatchNormalization` layers is left as it is, with a warning. A layer
    that the model calls several times per forward pass (a shared layer)
    gets the average over all its calls weighted unequally: avoid it. Layers
    with `renorm=True`, which keep a moving standard deviation instead of a
    variance, are refused.

    Args:
        model: A `keras.Model` or `keras.layers.Layer`, built or not.
        data: The inputs: a NumPy array (or a list or dict of arrays, for a
            model with several inputs), or a tuple `(x,)`, `(x, y)` or `(x,
            y, sample_weight)` of which `x` is used, cut into batches of
            `batch_size` samples (the last one may be smaller); or a
            `tf.data.Dataset` or a finite `keras.utils.PyDataset` yielding
            batches `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`. It must
            hold at least one sample.
        batch_size: Integer > 0, the batch size for array data (datasets
            come batched). Defaults to `32`.

    Returns:
        `None`; the layers' `moving_mean` and `moving_variance` are updated
        in place.

    Example:

    >>> import keras, numpy as np, kerasnotes
    >>> x = np.arange(12, dtype="float32").reshape(6, 2)
    >>> model = keras.Sequential(
    ...     [keras.Input((2,)), keras.layers.BatchNormalization()])
    >>> kerasnotes.callbacks.update_batch_norm(model, x, batch_size=3)
    >>> bn = model.layers[0]
    >>> # batches [0, 2, 4] and [6, 8, 10] in the first column: means 2 and 8,
    >>> # biased variances 8/3 and 8/3
    >>> def values(variable):
    ...     return keras.ops.convert_to_numpy(variable).astype("float64").round(4)
    >>> values(bn.moving_mean).tolist()
    [5.0, 6.0]
    >>> values(bn.moving_variance).tolist()
    [2.6667, 2.6667]

    References:
        - [Izmailov et al., "Averaging Weights Leads to Wider Optima and
          Better Generalization", UAI 2018](https://arxiv.org/abs/1803.05407),
          section 3.2 (batch normalization after averaging).
        - [`torch.optim.swa_utils.update_bn`](https://pytorch.org/docs/stable/optim.html#taking-care-of-batch-normalization).
        - [Ioffe and Szegedy, "Batch Normalization", ICML
          2015](https://arxiv.org/abs/1502.03167), algorithm 1 (the biased
          batch variance).
    """
    if not isinstance(model, keras.layers.Layer):
        raise InputError(
            "Argument `model` must be a keras.Model or a keras.layers.Layer. "
            f"Received: model={model!r}"
        )
    batch_size = check_positive_int("batch_size", batch_size)
    batches = batch_source(data, batch_size)
    layers = batch_norm_layers(model)
    if not layers:
        warnings.warn(
            "update_batch_norm: the model has no BatchNormalization layer; "
            "nothing was changed.",
            UserWarning,
            stacklevel=2,
        )
        return None
    check_supported(layers)
    _recompute(model, layers, batches)
    return None


# -- the layers -----------------------------------------------------------


def batch_norm_layers(model):
    """Every `keras.layers.BatchNormalization` layer in `model` (itself
    included), once each, in the order they are found."""
    found = []
    seen = set()

    def visit(obj):
        if isinstance(obj, keras.layers.Layer):
            if id(obj) in seen:
                return
            seen.add(id(obj))
            if isinstance(obj, keras.layers.BatchNormalization):
                found.append(obj)
            # A model lists its layers; a custom layer holds its sublayers
            # as attributes (alone, or in lists and dicts).
            children = obj.layers if isinstance(obj, keras.Model) else vars(obj)
            visit(children)
        elif isinstance(obj, dict):
            for child in obj.values():
                visit(child)
        elif isinstance(obj, (list, tuple)):
            for child in obj:
                visit(child)

    visit(model)
    return found


def check_supported(layers):
    """Refuses batch renormalization, whose moving statistics are not
    averages of batch variances."""
    for layer in layers:
        if layer.renorm:
            raise InputError(
                "update_batch_norm does not support BatchNormalization layers "
                f"with renorm=True. Received: layer {layer.name!r} with "
                "renorm=True"
            )


def _recompute(model, layers, batches):
    saved = [(layer, layer.momentum, layer.trainable) for layer in layers]
    statistics = [
        (
            layer,
            keras.ops.convert_to_numpy(layer.moving_mean),
            keras.ops.convert_to_numpy(layer.moving_variance),
        )
        for layer in layers
        if layer.built
    ]
    count = 0
    try:
        for layer in layers:
            if not layer.trainable:
                layer.trainable = True
        for x in batches():
            count += 1
            # moving = m * moving + (1 - m) * batch with m = (k - 1) / k
            # keeps the average of the first k batches' statistics.
            momentum = (count - 1) / count
            for layer in layers:
                layer.momentum = momentum
            model(x, training=True)
        if count == 0:
            raise InputError(
                "Argument `data` must hold at least one batch. Received: "
                "a dataset with no batches"
            )
    except BaseException:
        for layer, mean, variance in statistics:
            layer.moving_mean.assign(mean)
            layer.moving_variance.assign(variance)
        raise
    finally:
        for layer, momentum, trainable in saved:
            layer.momentum = momentum
            if layer.trainable != trainable:
                layer.trainable = trainable


# -- the data ---------------------------------------------------------------


def batch_source(data, batch_size, name="data"):
    """Checks `data` and returns a function that yields the inputs `x` of its
    batches, one pass per call. Messages name the argument `name`."""
    if _is_tf_dataset(data):
        return _tf_dataset_source(data, name)
    if isinstance(data, keras.utils.PyDataset):
        return _py_dataset_source(data, name)
    return _array_source(data, batch_size, name)


def _is_tf_dataset(data):
    # Recognized without importing TensorFlow.
    module = type(data).__module__ or ""
    return module.startswith("tensorflow") and hasattr(data, "as_numpy_iterator")


def _inputs_of(batch):
    x, _, _ = keras.utils.unpack_x_y_sample_weight(batch)
    return x


def _tf_dataset_source(data, name):
    if int(data.cardinality()) == -1:  # tf.data.INFINITE_CARDINALITY
        raise InputError(
            f"Argument `{name}` must be a finite dataset. Received: "
            f"{name}={data!r} (infinite)"
        )

    def batches():
        for batch in data.as_numpy_iterator():
            yield _inputs_of(batch)

    return batches


def _py_dataset_source(data, name):
    num_batches = data.num_batches
    if num_batches is None:
        raise InputError(
            f"Argument `{name}` must be a finite PyDataset. Received: "
            f"{name}={data!r} (num_batches=None)"
        )
    if num_batches < 1:
        raise InputError(
            f"Argument `{name}` must hold at least one batch. Received: "
            f"{name}={data!r} (num_batches={num_batches})"
        )

    def batches():
        data.on_epoch_begin()
        for index in range(num_batches):
            yield _inputs_of(data[index])
        data.on_epoch_end()

    return batches


def _is_numeric(dtype):
    return np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)


def _array_source(data, batch_size, name):
    x = data
    if isinstance(data, tuple):
        if not 1 <= len(data) <= 3:
            raise InputError(
                f"Argument `{name}` must be x or a tuple (x,), (x, y) or "
                f"(x, y, sample_weight). Received: a tuple of {len(data)} items"
            )
        x = data[0]
    try:
        x = keras.tree.map_structure(np.asarray, x)
    except Exception as error:
        raise InputError(
            f"Argument `{name}` must be arrays, a tf.data.Dataset or a "
            f"keras.utils.PyDataset. Received: {name} of type "
            f"{type(data).__name__}"
        ) from error
    leaves = keras.tree.flatten(x)
    if not leaves or any(
        leaf.ndim == 0 or not _is_numeric(leaf.dtype) for leaf in leaves
    ):
        raise InputError(
            f"Argument `{name}` must be arrays (numbers, with a batch axis), "
            "a tf.data.Dataset or a keras.utils.PyDataset. Received: "
            f"{name} of type {type(data).__name__}"
        )
    sizes = {len(leaf) for leaf in leaves}
    if len(sizes) > 1:
        raise InputError(
            f"Argument `{name}` must hold arrays with the same number of "
            f"samples. Received: sample counts {sorted(sizes)}"
        )
    (size,) = sizes
    if size == 0:
        raise InputError(
            f"Argument `{name}` must hold at least one sample. Received: "
            f"{name} with 0 samples"
        )

    def batches():
        for start in range(0, size, batch_size):
            part = slice(start, start + batch_size)
            yield keras.tree.map_structure(lambda leaf, part=part: leaf[part], x)

    return batches
