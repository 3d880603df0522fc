"""`find_learning_rate`: the range test in one call."""

import math

import keras

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_positive_int
from kerasnotes.callbacks._lr_finder import LRFinder


def find_learning_rate(
    model,
    x,
    y=None,
    *,
    start_learning_rate=1e-7,
    end_learning_rate=10.0,
    num_steps=100,
    smoothing=0.98,
    stop_factor=4.0,
    batch_size=32,
    **fit_kwargs,
):
    """Runs `LRFinder` on a compiled model and returns the finder.

    Calls `model.fit(x, y, batch_size=batch_size, epochs=..., callbacks=[finder])`
    with enough epochs for `num_steps` batches; the model's weights and its
    optimizer's state and learning rate are the same afterwards as before.
    Read `finder.suggestion()`, `finder.learning_rates`, `finder.losses`, or
    draw `finder.plot()`.

    Args:
        model: A compiled `keras.Model` whose optimizer has a float learning
            rate.
        x: Training inputs as for `model.fit` (an array, or a dataset /
            `PyDataset` with `y=None`).
        y: Training targets as for `model.fit`. Defaults to `None`.
        start_learning_rate: As for `LRFinder`. Defaults to `1e-7`.
        end_learning_rate: As for `LRFinder`. Defaults to `10.0`.
        num_steps: As for `LRFinder`. Defaults to `100`.
        smoothing: As for `LRFinder`. Defaults to `0.98`.
        stop_factor: As for `LRFinder`. Defaults to `4.0`.
        batch_size: Batch size for array data. Defaults to `32`.
        **fit_kwargs: More arguments for `model.fit` (e.g. `shuffle`,
            `sample_weight`); `verbose` defaults to `0`. `epochs` is not
            one of them: it follows from `num_steps`.

    Returns:
        The `LRFinder`, after its sweep.

    Example:

    >>> import keras, numpy as np, kerasnotes
    >>> x = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
    >>> y = x.sum(axis=1)
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> finder = kerasnotes.callbacks.find_learning_rate(
    ...     model, x, y, start_learning_rate=1e-4, num_steps=50)
    >>> lr = finder.suggestion()
    """
    if "epochs" in fit_kwargs:
        raise InputError(
            "Argument `epochs` is set by find_learning_rate from `num_steps`; "
            "pass `num_steps` instead. "
            f"Received: epochs={fit_kwargs['epochs']!r}"
        )
    batch_size = check_positive_int("batch_size", batch_size)
    finder = LRFinder(
        start_learning_rate=start_learning_rate,
        end_learning_rate=end_learning_rate,
        num_steps=num_steps,
        smoothing=smoothing,
        stop_factor=stop_factor,
    )
    try:
        if y is not None:  # arrays (or a list / dict of arrays for x)
            first = keras.tree.flatten(x)[0]
            batches = math.ceil(len(first) / batch_size)
        else:  # a dataset or PyDataset: its length counts batches
            batches = len(x)
    except TypeError:  # a dataset without a length
        batches = 1
    epochs = max(1, math.ceil(num_steps / max(1, batches)))
    fit_kwargs.setdefault("verbose", 0)
    callbacks = list(fit_kwargs.pop("callbacks", [])) + [finder]
    if y is None:
        model.fit(x, epochs=epochs, callbacks=callbacks, **fit_kwargs)
    else:
        model.fit(
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            callbacks=callbacks,
            **fit_kwargs,
        )
    return finder
