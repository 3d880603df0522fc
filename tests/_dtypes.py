"""float64 on every backend, for the dtype tests.

JAX has float64 only in its 64-bit mode (`jax.enable_x64`); TensorFlow and
PyTorch have it always.
"""

import contextlib

import keras


def x64_if_jax(enable=True):
    """JAX's 64-bit mode within the block when `enable` and the backend is
    JAX; otherwise a block that changes nothing."""
    if not enable or keras.backend.backend() != "jax":
        return contextlib.nullcontext()
    import jax

    return jax.enable_x64(True)
