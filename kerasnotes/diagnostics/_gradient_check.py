"""Gradient checking: automatic differentiation against finite differences."""

import contextlib
import warnings

import keras
import numpy as np

from kerasnotes._internal import keras_compat
from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import check_seed
from kerasnotes._internal.validation import shown


@contextlib.contextmanager
def _float64():
    """float64 as Keras's default float and dtype policy, in JAX's 64-bit
    mode on JAX, and kept by Keras's type promotion on JAX and PyTorch
    (`keras_compat.float64_promotion`); all restored afterwards."""
    floatx = keras.config.floatx()
    policy = keras.config.dtype_policy()
    x64 = contextlib.nullcontext()
    if keras.backend.backend() == "jax":
        import jax

        x64 = jax.enable_x64(True)
    with x64, keras_compat.float64_promotion():
        keras.config.set_floatx("float64")
        keras.config.set_dtype_policy("float64")
        try:
            yield
        finally:
            keras.config.set_floatx(floatx)
            keras.config.set_dtype_policy(policy)


def _clone_float64(model):
    def clone_layer(layer):
        config = layer.get_config()
        if "dtype" in config:
            config["dtype"] = "float64"
        return layer.__class__.from_config(config)

    def float64_input(tensor):
        dtype = keras.backend.standardize_dtype(tensor.dtype)
        if "float" in dtype:
            dtype = "float64"
        return keras.Input(batch_shape=tuple(tensor.shape), dtype=dtype)

    try:
        # Inputs too: a model casts its inputs to their declared dtype.
        inputs = [float64_input(t) for t in model.inputs]
        clone = keras.models.clone_model(
            model,
            input_tensors=inputs[0] if len(inputs) == 1 else inputs,
            clone_function=clone_layer,
        )
    except Exception as error:  # subclassed models cannot be cloned
        raise InputError(
            "gradient_check needs a Sequential or functional model (it "
            f"rebuilds the model in float64); cloning failed: {error}"
        ) from error
    clone.set_weights([np.asarray(w, dtype=np.float64) for w in model.get_weights()])
    return clone


class _Float64Loss(keras.losses.Loss):
    """`loss` evaluated in float64: the instance's own `call`, so every
    argument it holds is used as it is (rebuilding the loss from its config
    would lose those some losses leave out of it: Keras 3.15's Huber drops
    `delta`), under the base class's casting to this copy's dtype, float64,
    and with the wrapped loss's name and reduction."""

    def __init__(self, loss):
        super().__init__(name=loss.name, reduction=loss.reduction, dtype="float64")
        self.wrapped = loss

    def call(self, y_true, y_pred):
        return self.wrapped.call(y_true, y_pred)


def _float64_loss(loss):
    if isinstance(loss, keras.losses.Loss):
        if type(loss).__call__ is not keras.losses.Loss.__call__:
            # Its own __call__ would be skipped: used as it is (the check
            # warns if the result is not float64).
            return loss
        return _Float64Loss(loss)
    if isinstance(loss, str):
        return keras.losses.get(loss)
    return loss  # a plain function of (y_true, y_pred)


def _as_float64(data):
    data = np.asarray(data)
    return data.astype(np.float64) if np.issubdtype(data.dtype, np.floating) else data


def gradient_check(
    model,
    x,
    y,
    loss,
    *,
    epsilon=1e-6,
    max_entries=64,
    floor=1e-7,
    training=False,
    seed=0,
):
    """Checks automatic differentiation against central finite differences.

    The model and the loss are rebuilt in float64, and for each trainable
    variable `W` the gradient of the loss `L` on `(x, y)` from the backend's
    automatic differentiation (`tf.GradientTape`, `jax.grad`,
    `torch.autograd`) is compared entry by entry with

    ```
    numeric = (L(W + epsilon * e_k) - L(W - epsilon * e_k)) / (2 * epsilon)
    error_k = |autodiff_k - numeric_k| / max(|autodiff_k|, |numeric_k|, floor)
    ```

    and the largest `error_k` is reported. In float64 a correct gradient
    gives errors around `1e-8` or less (truncation `O(epsilon^2)`, rounding
    `O(1e-16 / epsilon)`); errors above about `1e-4` point at a wrong
    gradient, typically a custom one (`keras.ops.custom_gradient`). Kinks
    (ReLU at 0, max, abs) can give large errors at the entries whose
    perturbation crosses them; use smooth activations for the check.

    The model is not changed. Notes: 002, the backpropagation derivation and
    its worked example (this checks it numerically); 003, "Vanishing and
    Exploding Gradient Problems".

    Args:
        model: A built Sequential or functional `keras.Model` (it is cloned
            in float64; custom layers need a `get_config` that passes
            `dtype` on).
        x: A batch of inputs.
        y: Its targets.
        loss: A `keras.losses.Loss`, a loss name, or a function
            `loss(y_true, y_pred)` (averaged over its output).
        epsilon: Float > 0, the finite-difference step. Defaults to `1e-6`.
        max_entries: Integer > 0, the most entries checked per variable
            (chosen at random with `seed` when a variable has more).
            Defaults to `64`.
        floor: Float > 0, the smallest denominator of the relative error.
            Defaults to `1e-7`.
        training: Run the model in training mode. Defaults to `False`.
        seed: Seed for choosing entries. Defaults to `0`.

    Returns:
        A dict: variable path -> largest relative error, in the order of
        `model.trainable_variables`.

    Example:

    >>> import keras, numpy as np
    >>> from kerasnotes.diagnostics import gradient_check
    >>> model = keras.Sequential([keras.Input((3,)),
    ...                           keras.layers.Dense(4, activation="tanh"),
    ...                           keras.layers.Dense(1)])
    >>> x = np.random.default_rng(0).normal(size=(8, 3))
    >>> errors = gradient_check(model, x, x.sum(axis=1, keepdims=True), "mse")
    >>> max(errors.values()) < 1e-6
    True

    References:
        - [CS231n, "Gradient checks"](https://cs231n.github.io/neural-networks-3/#gradcheck)
        - Goodfellow, Bengio & Courville, "Deep Learning", 2016, section
          11.5 (debugging strategies: check gradients against finite
          differences).
    """
    if not isinstance(model, keras.Model):
        raise InputTypeError(
            f"Argument `model` must be a keras.Model. Received: model={shown(model)}"
        )
    if not (isinstance(loss, str) or callable(loss)):
        raise InputTypeError(
            "Argument `loss` must be a loss name or a callable. "
            f"Received: loss={shown(loss)}"
        )
    epsilon = check_positive("epsilon", epsilon)
    max_entries = check_positive_int("max_entries", max_entries)
    floor = check_positive("floor", floor)
    training = check_bool("training", training)
    seed = check_seed("seed", seed)
    paths = [v.path for v in model.trainable_variables]
    rng = np.random.default_rng(seed)
    with _float64():
        fn, values = _float64_loss_fn(model, x, y, loss, training)
        tensors = [keras.ops.convert_to_tensor(v, "float64") for v in values]
        grads = _autodiff_gradients(fn, tensors)
        loss_at = _perturbed_loss(fn, values, tensors)
        errors = {}
        for i, path in enumerate(paths):
            entries = _entries(values[i].size, max_entries, rng)
            errors[path] = _largest_error(loss_at, i, grads[i], entries, epsilon, floor)
    return errors


def _float64_loss_fn(model, x, y, loss, training):
    """The loss of a float64 clone of `model` on `(x, y)` as a function of
    its trainable variables, and their values as float64 NumPy arrays."""
    from kerasnotes._internal.autodiff import model_loss_fn

    clone = _clone_float64(model)
    fn = model_loss_fn(
        clone,
        _as_float64(x),
        _as_float64(y),
        _float64_loss(loss),
        training=training,
    )
    values = [
        np.asarray(keras.ops.convert_to_numpy(v.value), np.float64)
        for v in clone.trainable_variables
    ]
    return fn, values


def _autodiff_gradients(fn, tensors):
    """The backend's gradients of `fn` at `tensors`, as float64 NumPy arrays;
    warns when the backend did not compute in float64."""
    from kerasnotes._internal.autodiff import value_and_grad

    value, (grads,) = value_and_grad(fn, tensors)
    dtype = keras.backend.standardize_dtype(value.dtype)
    if dtype != "float64":
        warnings.warn(
            f"gradient_check ran in {dtype}, not float64, on this "
            "backend: finite differences are much less accurate.",
            RuntimeWarning,
            stacklevel=3,  # the caller of gradient_check
        )
    return [np.asarray(keras.ops.convert_to_numpy(g), np.float64) for g in grads]


def _perturbed_loss(fn, values, tensors):
    """`loss_at(i, flat_index, delta)`: the loss with entry `flat_index` of
    variable `i` moved by `delta`."""

    def loss_at(i, flat_index, delta):
        shifted = values[i].copy()
        shifted.reshape(-1)[flat_index] += delta
        trial = list(tensors)
        trial[i] = keras.ops.convert_to_tensor(shifted, "float64")
        return float(keras.ops.convert_to_numpy(fn(trial)))

    return loss_at


def _entries(size, max_entries, rng):
    """The flat indices checked in a variable of `size` entries."""
    if size <= max_entries:
        return np.arange(size)
    return rng.choice(size, max_entries, replace=False)


def _largest_error(loss_at, i, grad, entries, epsilon, floor):
    """The largest relative error of `grad`, variable `i`'s gradient, over
    `entries`, against central finite differences."""
    worst = 0.0
    for k in entries:
        numeric = (loss_at(i, k, epsilon) - loss_at(i, k, -epsilon)) / (2 * epsilon)
        auto = grad.reshape(-1)[k]
        denominator = max(abs(auto), abs(numeric), floor)
        worst = max(worst, abs(auto - numeric) / denominator)
    return float(worst)
