"""Plots of kerasnotes components (matplotlib is imported when one is drawn)."""

from kerasnotes._plot_losses import plot_robust_loss  # noqa: F401
