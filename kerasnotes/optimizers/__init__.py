"""Optimizers: `keras.optimizers.Optimizer` subclasses.

Each is registered as ``kerasnotes>Name``, so
``model.compile(optimizer="kerasnotes>AMSGrad")`` works once ``kerasnotes``
is imported.
"""

from kerasnotes.optimizers._adamw import AdamW
from kerasnotes.optimizers._amsgrad import AMSGrad
from kerasnotes.optimizers._nag import NAG

__all__ = ["NAG", "AdamW", "AMSGrad"]
