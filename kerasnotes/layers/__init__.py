"""Layers: `keras.layers.Layer` subclasses, registered as ``kerasnotes>Name``."""

from kerasnotes.layers._activation_layers import SELU
from kerasnotes.layers._activation_layers import Swish
from kerasnotes.layers._maxout import Maxout

__all__ = ["Swish", "SELU", "Maxout"]
