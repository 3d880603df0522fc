"""Plots (matplotlib, the ``plot`` extra, imported when a function is called)."""

from kerasnotes._plot_schedules import plot_schedule  # noqa: F401
