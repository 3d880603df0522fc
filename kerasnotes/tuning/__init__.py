"""Hyperparameter search with KerasTuner over this package's components.

`import kerasnotes.tuning` imports KerasTuner; `import kerasnotes` does not.

- `_space`: the choices (activations, optimizers, schedules, ...), one line
  each; `_choices`: the `choose_*` functions that declare them on a user's
  `hp` (and HyperMLP's narrowing rules); `_hypermodel`: HyperMLP over them.
- `_tuners`: KerasTuner's tuners by name; `_search`: `search()`, a short
  sequence of named steps; `_results`: what it returns.
"""

from kerasnotes.tuning._choices import choose_activation
from kerasnotes.tuning._choices import choose_optimizer
from kerasnotes.tuning._choices import choose_regularizer
from kerasnotes.tuning._choices import choose_schedule
from kerasnotes.tuning._hypermodel import HyperMLP
from kerasnotes.tuning._results import SearchResult
from kerasnotes.tuning._search import search

__all__ = [
    "HyperMLP",
    "SearchResult",
    "search",
    "choose_optimizer",
    "choose_activation",
    "choose_regularizer",
    "choose_schedule",
]
