"""Weight initializers: `keras.initializers.Initializer` subclasses.

Each is registered as ``kerasnotes>Name``. The normal ones are untruncated
(Keras's `GlorotNormal` and `HeNormal` draw from a truncated normal); fans
are computed as Keras computes them, receptive field included for conv
kernels.
"""

from kerasnotes.initializers._variance import HeNormal
from kerasnotes.initializers._variance import HeUniform
from kerasnotes.initializers._variance import LecunNormal
from kerasnotes.initializers._variance import XavierNormal
from kerasnotes.initializers._variance import XavierUniform
from kerasnotes.initializers._variance import compute_fans

__all__ = [
    "XavierUniform",
    "XavierNormal",
    "HeUniform",
    "HeNormal",
    "LecunNormal",
    "compute_fans",
]
