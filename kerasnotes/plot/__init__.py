"""Plots of kerasnotes components, training runs and searches.

Every function builds a `matplotlib.figure.Figure` directly (one private
set-up, `kerasnotes/plot/_figure.py`), never through `pyplot`, and nothing
calls `matplotlib.use`: no display is needed, a user's backend (a notebook's
inline one included) is never switched, and `path=` saves in the format of
the file's suffix. matplotlib is imported when a plot is drawn, not here
(install the `plot` extra).
"""

from kerasnotes.plot._activations import plot_activation
from kerasnotes.plot._losses import plot_robust_loss
from kerasnotes.plot._lr_finder import plot_lr_finder
from kerasnotes.plot._schedules import plot_schedule
from kerasnotes.plot._schedules import schedule_values
from kerasnotes.plot._search import plot_learning_curves
from kerasnotes.plot._search import plot_objective_vs_learning_rate

__all__ = [
    "plot_activation",
    "plot_learning_curves",
    "plot_lr_finder",
    "plot_objective_vs_learning_rate",
    "plot_robust_loss",
    "plot_schedule",
    "schedule_values",
]
