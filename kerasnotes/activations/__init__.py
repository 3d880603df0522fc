"""Activation functions written with `keras.ops`.

Every function is registered with Keras as ``kerasnotes>name``, so a layer
built with ``activation=kerasnotes.activations.swish`` saves to a `.keras` file
and loads back with ``safe_mode=True`` and no ``custom_objects``. The forms are
chosen so that the output is finite wherever the true value is representable
in the input's dtype (float32, float16, bfloat16) and the gradient is finite
on [-1e4, 1e4]; see `docs/layers.md`.
"""

from kerasnotes.activations._activations import elu
from kerasnotes.activations._activations import identity
from kerasnotes.activations._activations import leaky_relu
from kerasnotes.activations._activations import relu
from kerasnotes.activations._activations import selu
from kerasnotes.activations._activations import sigmoid
from kerasnotes.activations._activations import softmax
from kerasnotes.activations._activations import softplus
from kerasnotes.activations._activations import step
from kerasnotes.activations._activations import swish
from kerasnotes.activations._activations import tanh

__all__ = [
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "swish",
    "softplus",
    "softmax",
    "identity",
]
