"""`plot_lr_finder`: the learning-rate range test's loss curve."""

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes.plot import _figure


def _recorded(finder):
    try:
        rates = np.asarray(finder.learning_rates, dtype="float64")
        losses = np.asarray(finder.losses, dtype="float64")
    except (AttributeError, TypeError, ValueError):
        raise InputError(
            "Argument `finder` must be a kerasnotes.callbacks.LRFinder (with "
            f"`learning_rates` and `losses`). Received: finder={finder!r}"
        ) from None
    if rates.ndim != 1 or rates.shape != losses.shape:
        raise InputError(
            "Argument `finder` must have one loss per learning rate. Received: "
            f"finder with {rates.size} learning rates and {losses.size} losses"
        )
    if rates.size == 0:
        raise InputError(
            "Argument `finder` has recorded nothing; run the sweep (`model.fit` "
            "with the callback, or `find_learning_rate`) first. "
            f"Received: finder={finder!r}"
        )
    return rates, losses


def _suggestion(finder):
    try:
        return finder.suggestion()
    except RuntimeError:  # nothing recorded (a finder of the user's own)
        return None


def _batch_median(finder, rates):
    """The running median of the batch losses that `suggestion()` reads, or
    None when the finder holds no batch losses for its rates."""
    from kerasnotes.callbacks._lr_suggestion import running_median

    raw = _as_vector(getattr(finder, "raw_losses", None), rates.shape)
    if raw is None:
        return None
    finite = np.isfinite(raw)
    n = raw.size if finite.all() else int(np.argmin(finite))
    if n < 3:
        return None
    return running_median(raw[:n], max(1, n // 20))


def _as_vector(values, shape):
    try:
        values = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        return None
    return values if values.shape == shape else None


def _zoom(ax, losses):
    """Keeps the interesting part in view: the blow-up that stopped the sweep
    would otherwise flatten the rest of the curve."""
    kept = losses[np.isfinite(losses)]
    if kept.size < 2:
        return
    low, first = kept.min(), kept[0]
    top = first + 0.5 * (first - low) if first > low else kept.max()
    margin = 0.05 * (top - low) or 0.05 * abs(low) or 1.0
    ax.set_ylim(low - margin, top + margin)


def plot_lr_finder(finder, *, ax=None, path=None):
    """Draws the smoothed loss against the learning rate, suggestion marked.

    The curve is `finder.losses` (bias-corrected EWMA) against
    `finder.learning_rates` on a log axis, non-finite losses left out and the
    vertical range cut just above the first loss, so the divergence that
    ended the sweep does not flatten the rest. `finder.suggestion()` is
    marked with a red dot and a dashed vertical line (when there is one; a
    sweep without a clear suggestion has no marker, and the finder warns
    why). The suggestion is read from the batch losses, whose running
    median is drawn thin, the dot on it (when the finder has them): the
    EWMA lags them, so its own steepest stretch lies to the right of the
    marker.
    `LRFinder.plot()` calls this function.

    The figure is built without `pyplot` and no matplotlib backend is
    selected; in a notebook, show the new figure as `ax.figure`.

    Args:
        finder: A `kerasnotes.callbacks.LRFinder` that has run its sweep
            (anything with `learning_rates`, `losses` and `suggestion()`).
        ax: A matplotlib `Axes` to draw on. Defaults to `None` (a new
            figure).
        path: Where to save the figure (PNG, SVG, ... by extension).
            Defaults to `None` (not saved).

    Returns:
        The matplotlib `Axes` drawn on.

    Example:

    >>> import numpy as np
    >>> from kerasnotes.callbacks import LRFinder
    >>> from kerasnotes.plot import plot_lr_finder
    >>> finder = LRFinder(1e-4, 1.0, num_steps=41, smoothing=0.0)
    >>> finder.learning_rates = list(np.geomspace(1e-4, 1.0, 41))
    >>> finder.losses = list(1.0 - np.tanh(3.0 * (np.linspace(-4, 0, 41) + 2)))
    >>> ax = plot_lr_finder(finder, path="lr_find.png")
    >>> ax.get_legend().get_texts()[1].get_text()
    'suggestion 0.01'
    """
    rates, losses = _recorded(finder)
    _figure.check_axes(ax)
    _figure.check_path(path)
    ax = _figure.axes_or_new(ax)
    finite = np.isfinite(losses)
    ax.plot(rates[finite], losses[finite], label="smoothed loss")
    median = _batch_median(finder, rates)
    _zoom(ax, losses if median is None else np.concatenate([losses, median]))
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss (EWMA, bias-corrected)")
    suggested = _suggestion(finder)
    if suggested is not None:
        index = int(np.argmin(np.abs(rates - suggested)))
        on = losses if median is None or index >= median.size else median
        ax.plot(
            [suggested],
            [on[index]],
            "o",
            color="red",
            label=f"suggestion {suggested:.3g}",
        )
        ax.axvline(suggested, color="red", alpha=0.3, linestyle="--")
    if median is not None:
        ax.plot(
            rates[: median.size],
            median,
            color="gray",
            linewidth=0.8,
            label="batch losses, running median",
        )
    ax.legend()
    ax.grid(True, alpha=0.3)
    _figure.save(ax.figure, path)
    return ax
