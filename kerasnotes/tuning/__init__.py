"""Hyperparameter search with KerasTuner over this package's components.

`import kerasnotes.tuning` imports KerasTuner; `import kerasnotes` does not.
"""

from kerasnotes.tuning._hypermodel import HyperMLP
from kerasnotes.tuning._search import SearchResult
from kerasnotes.tuning._search import search

__all__ = ["HyperMLP", "SearchResult", "search"]
