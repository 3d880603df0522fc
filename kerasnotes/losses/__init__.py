"""Losses: `keras.losses.Loss` subclasses and Barron's robust loss function.

Each class is registered as ``kerasnotes>Name``, so models compiled with them
save to ``.keras`` files and load back once ``kerasnotes`` is imported.
"""

from kerasnotes.losses._adaptive import AdaptiveRobustLoss
from kerasnotes.losses._adaptive import TrainableLossModel
from kerasnotes.losses._adaptive import log_partition
from kerasnotes.losses._huber import Huber
from kerasnotes.losses._perceptron import PerceptronLoss
from kerasnotes.losses._robust import RobustLoss
from kerasnotes.losses._robust import robust_loss

__all__ = [
    "Huber",
    "robust_loss",
    "RobustLoss",
    "AdaptiveRobustLoss",
    "TrainableLossModel",
    "PerceptronLoss",
    "log_partition",
]
