"""Learning-rate schedules: `keras.optimizers.schedules.LearningRateSchedule`
subclasses, pure functions of the optimizer's iteration count written with
`keras.ops` (they run inside a jit-compiled train step on every backend).

Each is registered as ``kerasnotes>Name`` and saves with the optimizer that
uses it. `WarmUp` puts a linear warmup in front of a constant or any schedule.
`OneCycleMomentum` is a schedule for an optimizer's momentum or `beta_1`
(`kerasnotes.optimizers`), the partner of a `OneCycle` rate.
"""

from kerasnotes.schedules._cosine_annealing import CosineAnnealing
from kerasnotes.schedules._cyclical import CyclicalLearningRate
from kerasnotes.schedules._one_cycle import OneCycle
from kerasnotes.schedules._one_cycle_momentum import OneCycleMomentum
from kerasnotes.schedules._step_decay import StepDecay
from kerasnotes.schedules._warm_restarts import CosineAnnealingWarmRestarts
from kerasnotes.schedules._warmup import WarmUp

__all__ = [
    "CosineAnnealing",
    "CosineAnnealingWarmRestarts",
    "WarmUp",
    "CyclicalLearningRate",
    "OneCycle",
    "OneCycleMomentum",
    "StepDecay",
]
