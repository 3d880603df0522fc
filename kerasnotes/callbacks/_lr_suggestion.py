"""The learning-rate finder's suggestion: where the swept loss falls fastest
(private; `LRFinder.suggestion()` and `kerasnotes lr-find` call `suggest`).

The rule, step by step (each a function below):

1. the batch losses up to the first non-finite one, against `x = log(lr)`;
2. a centred running median of half-width `w = max(1, n // 20)` points
   (`n` the number of losses): no lag, unlike the EWMA that `LRFinder`
   records and plots, and a spike of a few batches does not move it;
3. the points from `skip_start` to `n - skip_end`, never the `w` points at
   either end (where the window is cut), and in them the minimum of that
   curve, at point `m`: the search is over the points before it;
4. the non-increasing least-squares fit of the curve over those points
   (pool-adjacent-violators): a bump or a wiggle before the minimum is
   flattened into a level stretch;
5. the descents of that fit: runs of points from which it falls, over the
   next `2 w` points, by more than `max(tol, depth / 20)`, where `depth` is
   its whole fall and `tol` three standard deviations of the difference of
   two medians of the noise (estimated from the batch losses' second
   differences, robustly); the deepest run is the main descent;
6. in it, the point where the fit falls most between `i - w` and `i + w`,
   per unit of `log(lr)`: the steepest descent. Its rate is the suggestion.

There is no suggestion (`learning_rate` None, with the reason) when fewer
than `2 w + 3` points are left, when `depth` is within `tol` (the loss
never clearly fell: a flat curve, noise alone), when the loss was lowest at
the last point and still falling there at more than 3/4 of the steepest rate
(the sweep ended before the descent did: no upper side), or when the main
descent starts at the first point kept and falls there at more than 3/4 of the
steepest rate (the sweep started inside the descent).
"""

import math
import typing

import numpy as np

from kerasnotes._internal.validation import check_non_negative_int

# Three standard deviations: a fall larger than this is not the noise's.
Z = 3.0
# A window belongs to a descent when it falls by more than this fraction of
# the whole fall (and by more than the noise).
MIN_FALL_FRACTION = 0.05
# At an end of the sweep, a descent still falling at more than this fraction
# of its steepest rate has no clear steepest point.
EDGE_FRACTION = 0.75
# Standard deviation of the median of k normal values ~ 1.2533 sigma / sqrt(k).
MEDIAN_EFFICIENCY = math.sqrt(math.pi / 2)


class Suggestion(typing.NamedTuple):
    """The outcome of `suggest`.

    Attributes:
        learning_rate: The suggested rate, or None.
        index: Its point in the sweep, or None.
        kind: `"ok"`, or why there is none: `"too_few"`, `"no_descent"`,
            `"still_falling_at_end"`, `"falling_at_start"`.
        reason: One sentence saying why there is none (None with a rate).
        curve: The running median the rule worked on (for plots).
    """

    learning_rate: typing.Optional[float]
    index: typing.Optional[int]
    kind: str
    reason: typing.Optional[str]
    curve: np.ndarray


def suggest(learning_rates, losses, *, skip_start=None, skip_end=1):
    """The steepest descent of the loss before its minimum; see the module
    docstring. `losses` are batch losses (or any curve against the rates)."""
    rates, losses = _finite_prefix(learning_rates, losses)
    n = len(losses)
    half = max(1, n // 20)
    if skip_start is None:
        skip_start = max(half, n // 10)
    skip_start = check_non_negative_int("skip_start", skip_start)
    skip_end = check_non_negative_int("skip_end", skip_end)
    curve = running_median(losses, half)
    # Only points with a whole window: the median's ends are single losses.
    low, high = max(skip_start, half), min(n - skip_end, n - half)
    if high - low < 2 * half + 3:
        return _none(
            "too_few",
            f"only {max(high - low, 0)} of {n} finite losses are left after "
            f"skipping {max(skip_start, half)} at the start and "
            f"{max(skip_end, half)} at the end; a suggestion needs "
            f"{2 * half + 3}",
            curve,
        )
    minimum = low + int(np.argmin(curve[low:high]))
    fit = non_increasing_fit(curve[low : minimum + 1])
    depth = float(fit[0] - fit[-1])
    tol = _noise_tolerance(losses[: minimum + 1], half, scale=np.abs(fit).max())
    if depth <= tol:
        return _none(
            "no_descent",
            f"the loss never clearly fell (by {depth:.3g} before its minimum "
            f"at lr {rates[minimum]:.3g}, within the noise, {tol:.3g})",
            curve,
        )
    start, end = _main_descent(fit, half, max(tol, MIN_FALL_FRACTION * depth))
    fall = _central_fall_rate(fit, np.log(rates), low, half)
    steepest = start + int(np.argmax(fall[start : end + 1]))
    peak = fall[steepest]
    index = low + steepest
    at_end = fall[max(len(fit) - 1 - half, 0)]
    if minimum == high - 1 and at_end > EDGE_FRACTION * peak:
        return _none(
            "still_falling_at_end",
            "the loss was still falling steeply at the end of the sweep "
            f"(lr {rates[minimum]:.3g}): it shows no minimum above the "
            "steepest descent",
            curve,
        )
    at_start = fall[min(half, len(fit) - 1)]
    if start == 0 and at_start > EDGE_FRACTION * peak:
        return _none(
            "falling_at_start",
            "the loss was already falling steeply where the sweep starts "
            f"(lr {rates[low]:.3g}): the descent began below it",
            curve,
        )
    return Suggestion(float(rates[index]), index, "ok", None, curve)


def _none(kind, reason, curve):
    return Suggestion(None, None, kind, reason, curve)


def _finite_prefix(learning_rates, losses):
    """The sweep up to (not including) its first non-finite loss."""
    rates = np.asarray(learning_rates, dtype=np.float64)
    losses = np.asarray(losses, dtype=np.float64)
    finite = np.isfinite(losses)
    n = len(losses) if finite.all() else int(np.argmin(finite))
    return rates[:n], losses[:n]


def running_median(values, half):
    """Centred running median; the window shrinks symmetrically at the ends,
    so that the median of a monotone curve is the curve itself."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    out = np.empty(n)
    for i in range(n):
        k = min(half, i, n - 1 - i)
        out[i] = np.median(values[i - k : i + k + 1])
    return out


def non_increasing_fit(values):
    """The non-increasing sequence closest to `values` in least squares
    (pool adjacent violators)."""
    means, sizes = [], []
    for value in np.asarray(values, dtype=np.float64):
        means.append(value)
        sizes.append(1)
        while len(means) > 1 and means[-2] < means[-1]:
            mean, size = means.pop(), sizes.pop()
            merged = sizes[-1] + size
            means[-1] = (means[-1] * sizes[-1] + mean * size) / merged
            sizes[-1] = merged
    return np.repeat(means, sizes)


def _noise_tolerance(losses, half, scale):
    """`Z` standard deviations of the difference of two running medians of
    the batch noise; the noise's sigma comes from the losses' second
    differences (a trend's curvature aside, `var(d2) = 6 sigma^2`), by the
    median absolute deviation. At least `1e-3 * scale` (rounding)."""
    second = np.diff(losses, 2)
    sigma = 0.0
    if len(second):
        spread = np.median(np.abs(second - np.median(second)))
        sigma = 1.4826 * spread / math.sqrt(6.0)
    median_sigma = MEDIAN_EFFICIENCY * sigma / math.sqrt(2 * half + 1)
    return max(Z * math.sqrt(2.0) * median_sigma, 1e-3 * float(scale))


def _main_descent(fit, half, threshold):
    """`(start, end)` of the deepest run of points from which `fit` falls by
    more than `threshold` over the next `2 * half` points."""
    last = len(fit) - 1
    ahead = np.minimum(np.arange(len(fit)) + 2 * half, last)
    falling = fit - fit[ahead] > threshold
    best, j = (0, last, -math.inf), 0
    while j <= last:
        if not falling[j]:
            j += 1
            continue
        first = j
        while j <= last and falling[j]:
            j += 1
        end = min(j - 1 + 2 * half, last)
        if fit[first] - fit[end] > best[2]:
            best = (first, end, fit[first] - fit[end])
    return best[0], best[1]


def _central_fall_rate(fit, x, offset, half):
    """`(fit[i - half] - fit[i + half]) / (x[i + half] - x[i - half])` at
    each point `i` of `fit` (point `offset + i` of the sweep, `x` the whole
    sweep's `log(lr)`). Past the ends of `fit` its end values stand in, but
    the span stays the full window's (as far as the sweep goes): a fall is
    not made steeper by a shorter window, so a drop just before the minimum
    counts no more than one in the middle of the descent."""
    last = len(fit) - 1
    index = np.arange(len(fit))
    left = np.maximum(index - half, 0)
    right = np.minimum(index + half, last)
    span = (
        x[np.minimum(offset + index + half, len(x) - 1)]
        - x[np.maximum(offset + index - half, 0)]
    )
    fall = np.zeros(len(fit))
    ok = span > 0
    fall[ok] = (fit[left] - fit[right])[ok] / span[ok]
    return fall
