"""Plots (matplotlib is imported when a function is called, not here)."""

from kerasnotes._plot_layers import plot_activation

__all__ = ["plot_activation"]
