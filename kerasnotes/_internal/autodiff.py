"""Backend-dispatching automatic differentiation (private).

`value_and_grad(fn, *args)` returns `fn(*args)` and the gradients of that
scalar with respect to each positional argument (a tensor or a nested
list/tuple/dict of tensors; the gradients have the same structure). It uses
`tf.GradientTape` on TensorFlow, `jax.value_and_grad` on JAX and
`torch.autograd.grad` on PyTorch; each backend is imported inside the call,
so importing this module imports none of them.
"""

import keras
import numpy as np


def _tensorflow(fn, args):
    import tensorflow as tf

    args = keras.tree.map_structure(tf.convert_to_tensor, args)
    with tf.GradientTape() as tape:
        tape.watch(keras.tree.flatten(args))
        value = fn(*args)
    grads = tape.gradient(
        value, args, unconnected_gradients=tf.UnconnectedGradients.ZERO
    )
    return value, tuple(grads)


def _jax(fn, args):
    import jax
    import jax.numpy as jnp

    args = keras.tree.map_structure(jnp.asarray, args)
    value, grads = jax.value_and_grad(fn, argnums=tuple(range(len(args))))(*args)
    return value, tuple(grads)


def _torch(fn, args):
    import torch

    def leaf(x):
        tensor = torch.as_tensor(keras.ops.convert_to_tensor(x))
        return tensor.detach().requires_grad_(True)

    args = keras.tree.map_structure(leaf, args)
    flat = keras.tree.flatten(args)
    with torch.enable_grad():
        value = fn(*args)
        if value.requires_grad:
            grads = torch.autograd.grad(value, flat, allow_unused=True)
        else:  # e.g. a step function: no path back to the inputs
            grads = [None] * len(flat)
    grads = [torch.zeros_like(x) if g is None else g for g, x in zip(grads, flat)]
    return value.detach(), tuple(keras.tree.pack_sequence_as(args, grads))


def value_and_grad(fn, *args):
    """`(fn(*args), (d fn / d args[0], d fn / d args[1], ...))` on the
    current Keras backend; `fn` must return a scalar tensor."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow(fn, args)
    if backend == "jax":
        return _jax(fn, args)
    if backend == "torch":
        return _torch(fn, args)
    raise NotImplementedError(
        f"Automatic differentiation is not available on backend {backend!r}."
    )


def model_loss_fn(model, x, y, loss, *, training=True, sample_weight=None):
    """A function of the trainable values that returns the scalar loss of
    `model` on `(x, y)`, running the model statelessly (no variable is
    changed, batch-norm statistics and RNG state included). The loss is the
    data term only: layers' regularization penalties are not added."""
    non_trainable = [v.value for v in model.non_trainable_variables]
    loss = keras.losses.get(loss) if isinstance(loss, (str, dict)) else loss

    def fn(trainable_values):
        y_pred, _ = model.stateless_call(
            trainable_values, non_trainable, x, training=training
        )
        if isinstance(loss, keras.losses.Loss):
            value = loss(y, y_pred, sample_weight=sample_weight)
        else:
            value = keras.ops.mean(loss(y, y_pred))
        return value

    return fn


def value_and_derivative(fn, x, dtype="float32"):
    """Returns `(fn(x), d sum(fn(x)) / dx)` as NumPy arrays.

    For an elementwise `fn` the second array is the derivative `fn'(x)` at
    every point of `x`. Where the output does not depend on `x` (a step
    function), the derivative is 0, not an error.

    Args:
        fn: A callable taking and returning a tensor (an activation function
            or a layer).
        x: Array-like of points.
        dtype: The dtype `x` is converted to. Defaults to `"float32"`.

    Returns:
        A tuple of two NumPy arrays of the shape of `x`.
    """
    x = np.asarray(x, dtype=dtype)
    _, (grad,) = value_and_grad(lambda t: keras.ops.sum(fn(t)), x)
    y = fn(keras.ops.convert_to_tensor(x, dtype=dtype))
    return keras.ops.convert_to_numpy(y), keras.ops.convert_to_numpy(grad)
