"""Plots of kerasnotes components (matplotlib is imported when one is drawn,
not here; install the `plot` extra)."""

from kerasnotes._plot_layers import plot_activation
from kerasnotes._plot_losses import plot_robust_loss
from kerasnotes._plot_schedules import plot_lr_finder
from kerasnotes._plot_schedules import plot_schedule

__all__ = ["plot_activation", "plot_lr_finder", "plot_robust_loss", "plot_schedule"]
