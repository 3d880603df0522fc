"""Optimizers: `keras.optimizers.Optimizer` subclasses.

Each is registered as ``kerasnotes>Name``, so
``model.compile(optimizer="kerasnotes>AMSGrad")`` works once ``kerasnotes``
is imported. `Lookahead` wraps any optimizer; `Lookahead(RAdam())` is
"Ranger". The momentum of `NAG` and the `beta_1` of `AdamW`, `AMSGrad` and
`RAdam` take a float or a schedule (`kerasnotes.schedules.OneCycleMomentum`).
"""

from kerasnotes.optimizers._adamw import AdamW
from kerasnotes.optimizers._amsgrad import AMSGrad
from kerasnotes.optimizers._lookahead import Lookahead
from kerasnotes.optimizers._nag import NAG
from kerasnotes.optimizers._radam import RAdam

__all__ = ["NAG", "AdamW", "AMSGrad", "RAdam", "Lookahead"]
