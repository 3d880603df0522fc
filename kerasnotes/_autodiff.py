"""Value and gradient of a function on the active Keras backend.

`keras.ops` has no gradient operation, so this small dispatcher uses
`tf.GradientTape`, `jax.value_and_grad` or `torch.autograd`, for tests, plots
and benchmarks that need gradients of `keras.ops` code outside a training
step. The backend library is imported when a function is called (it is
already loaded as Keras's backend).
"""

import keras
import numpy as np


def value_and_grad(fn, *args):
    """Returns `(fn(*args), (d fn / d arg for each arg))`.

    Args:
        fn: A function of tensors returning a scalar tensor.
        *args: Arrays or tensors (floating point); each is differentiated.

    Returns:
        The value and a tuple with one gradient per argument, as backend
        tensors with the argument's shape (zeros where `fn` does not depend
        on it).
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tensors = [tf.convert_to_tensor(a) for a in args]
        with tf.GradientTape() as tape:
            for t in tensors:
                tape.watch(t)
            value = fn(*tensors)
        grads = tape.gradient(
            value,
            tensors,
            unconnected_gradients=tf.UnconnectedGradients.ZERO,
        )
        return value, tuple(grads)
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        tensors = [jnp.asarray(a) for a in args]
        value, grads = jax.value_and_grad(
            fn, argnums=tuple(range(len(tensors)))
        )(*tensors)
        return value, tuple(grads)
    if backend == "torch":
        import torch

        tensors = [
            keras.ops.convert_to_tensor(a).detach().clone().requires_grad_(True)
            for a in args
        ]
        with torch.enable_grad():
            value = fn(*tensors)
            if value.requires_grad:
                grads = torch.autograd.grad(value, tensors, allow_unused=True)
            else:  # e.g. a step function: no path back to the inputs
                grads = [None] * len(tensors)
        grads = tuple(
            torch.zeros_like(t) if g is None else g
            for t, g in zip(tensors, grads)
        )
        return value.detach(), grads
    raise NotImplementedError(
        f"value_and_grad does not support the {backend!r} backend."
    )


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
