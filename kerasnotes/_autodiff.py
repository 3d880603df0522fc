"""Elementwise derivatives by automatic differentiation, on every backend.

`keras.ops` has no gradient operation, so this module dispatches on
`keras.backend.backend()` to `tf.GradientTape`, `jax.grad` or
`torch.autograd.grad`. The backend library is imported inside the function
that needs it (it is already loaded as Keras's backend). Used by
`kerasnotes.plot.plot_activation` and the tests.
"""

import keras
import numpy as np


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
    backend = keras.backend.backend()
    x = np.asarray(x, dtype=dtype)
    if backend == "tensorflow":
        return _tensorflow(fn, x, dtype)
    if backend == "jax":
        return _jax(fn, x, dtype)
    if backend == "torch":
        return _torch(fn, x, dtype)
    raise ValueError(
        "Argument `backend` must be one of 'tensorflow', 'jax', 'torch'. "
        f"Received: backend={backend!r}"
    )


def _tensorflow(fn, x, dtype):
    import tensorflow as tf

    xt = tf.convert_to_tensor(x, dtype=dtype)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = fn(xt)
        total = tf.reduce_sum(y)
    grad = tape.gradient(
        total, xt, unconnected_gradients=tf.UnconnectedGradients.ZERO
    )
    return keras.ops.convert_to_numpy(y), keras.ops.convert_to_numpy(grad)


def _jax(fn, x, dtype):
    import jax
    import jax.numpy as jnp

    def total(xt):
        y = fn(xt)
        return jnp.sum(y), y

    grad, y = jax.grad(total, has_aux=True)(jnp.asarray(x, dtype=dtype))
    return np.asarray(y), np.asarray(grad)


def _torch(fn, x, dtype):
    import torch

    xt = keras.ops.convert_to_tensor(x, dtype=dtype).detach()
    xt.requires_grad_(True)
    y = fn(xt)
    if not y.requires_grad:
        grad = torch.zeros_like(xt)
    else:
        (grad,) = torch.autograd.grad(y.sum(), xt, allow_unused=True)
        if grad is None:
            grad = torch.zeros_like(xt)
    return (
        keras.ops.convert_to_numpy(y.detach()),
        keras.ops.convert_to_numpy(grad.detach()),
    )
