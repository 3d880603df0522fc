"""Callbacks: the learning-rate finder, gradient diagnostics and stochastic
weight averaging.

Callbacks are not saved in models and are not registered with Keras.
"""

from kerasnotes.callbacks._batch_norm import update_batch_norm
from kerasnotes.callbacks._find_learning_rate import find_learning_rate
from kerasnotes.callbacks._gradient_monitor import GradientMonitor
from kerasnotes.callbacks._gradient_monitor import GradientWarning
from kerasnotes.callbacks._lr_finder import LRFinder
from kerasnotes.callbacks._lr_finder import LRFinderWarning
from kerasnotes.callbacks._swa import SWA

__all__ = [
    "LRFinder",
    "LRFinderWarning",
    "find_learning_rate",
    "GradientMonitor",
    "GradientWarning",
    "SWA",
    "update_batch_norm",
]
