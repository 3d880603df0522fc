"""Value and gradient of a function on the active Keras backend.

A small dispatcher over `tf.GradientTape`, `jax.value_and_grad` and
`torch.autograd`, for tests, plots and benchmarks that need gradients of
`keras.ops` code outside a training step. The backend is imported when the
function is called.
"""

import keras


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
            grads = torch.autograd.grad(value, tensors, allow_unused=True)
        grads = tuple(
            torch.zeros_like(t) if g is None else g
            for t, g in zip(tensors, grads)
        )
        return value.detach(), grads
    raise NotImplementedError(
        f"value_and_grad does not support the {backend!r} backend."
    )
