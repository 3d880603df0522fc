"""The one matplotlib set-up of `kerasnotes.plot` (private).

Every figure is a `matplotlib.figure.Figure` built directly, never through
`pyplot`, and nothing here calls `matplotlib.use`:

- no backend is selected or switched, so a user's session (a notebook's
  inline backend, a GUI backend, `MPLBACKEND`) stays as it was;
- no display is needed: `savefig` picks the canvas from the file's suffix
  (Agg for PNG, the SVG or PDF writer for those);
- the figures are not registered with `pyplot`, so `plt.show()` does not
  pop them up, nothing accumulates in its figure list, and a figure is
  freed when the last reference to it goes;
- in a notebook, a returned `Figure` renders inline (for the functions that
  return an `Axes`, show `ax.figure`).

matplotlib is imported inside these functions, so importing
`kerasnotes.plot` does not import it.
"""

import os

from kerasnotes._internal.errors import InputError

DPI = 100


def check_path(path):
    """Checks that `path` is None, a file name or a writable file object."""
    if path is None or isinstance(path, (str, os.PathLike)):
        return path
    if callable(getattr(path, "write", None)):
        return path
    raise InputError(
        "Argument `path` must be None, a file name or a file object. "
        f"Received: path={path!r}"
    )


def numeric_vector(values):
    """`values` as a non-empty 1-D float64 array, or None if they are not."""
    import numpy as np

    try:
        vector = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        return None
    return vector if vector.ndim == 1 and vector.size else None


def check_axes(ax):
    """Checks that `ax` is None or a matplotlib `Axes`."""
    if ax is None:
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise InputError(
            f"Argument `ax` must be None or a matplotlib Axes. Received: ax={ax!r}"
        )
    return ax


def new_figure(width=6.0, height=4.0, *, ncols=1):
    """A new `Figure` of `ncols` side-by-side axes: `(figure, [axes, ...])`.

    The layout is constrained (titles, labels and legends fit), applied each
    time the figure is drawn, saved or shown.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(1, ncols, squeeze=False)[0]
    return figure, list(axes)


def axes_or_new(ax, width=6.0, height=4.0):
    """`ax` itself when given (drawing on a user's axes), else the axes of a
    new figure."""
    if ax is not None:
        return ax
    _, (ax,) = new_figure(width, height)
    return ax


def savable_formats():
    """The file suffixes (without the dot) `save` can write; raises
    `ImportError` when matplotlib is not installed."""
    from matplotlib.backend_bases import FigureCanvasBase

    return set(FigureCanvasBase.get_supported_filetypes())


def save(figure, path):
    """Writes `figure` to `path` (format from the suffix) when `path` is
    given. The figure's own layout is left as it is."""
    if path is not None:
        figure.savefig(path, dpi=DPI, bbox_inches="tight")
