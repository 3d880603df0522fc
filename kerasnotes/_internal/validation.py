"""Argument checks shared by every kerasnotes component.

Each check raises ``InputError`` (a ``ValueError``) with a message that names the argument and the
value received, in the form Keras uses::

    Argument `momentum` must be in [0, 1). Received: momentum=1.5

Checks run at construction time, never with ``assert`` (which ``python -O``
removes), and never fall back silently to a default.
"""

import math
import numbers

from kerasnotes._internal.errors import InputError


def _fail(name, requirement, value):
    raise InputError(
        f"Argument `{name}` must be {requirement}. Received: {name}={value!r}"
    )


def check_real(name, value):
    """Checks that `value` is a finite real number (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(name, "a real number", value)
    if not math.isfinite(float(value)):
        _fail(name, "finite", value)
    return value


def check_non_negative(name, value):
    """Checks ``value >= 0``."""
    check_real(name, value)
    if value < 0:
        _fail(name, ">= 0", value)
    return value


def check_positive(name, value):
    """Checks ``value > 0``."""
    check_real(name, value)
    if value <= 0:
        _fail(name, "> 0", value)
    return value


def check_unit_interval(name, value, *, closed_low=True, closed_high=False):
    """Checks that `value` lies in the unit interval, [0, 1) by default."""
    check_real(name, value)
    low_ok = value >= 0 if closed_low else value > 0
    high_ok = value <= 1 if closed_high else value < 1
    if not (low_ok and high_ok):
        interval = ("[" if closed_low else "(") + "0, 1" + ("]" if closed_high else ")")
        _fail(name, f"in {interval}", value)
    return value


def check_positive_int(name, value):
    """Checks that `value` is an integer > 0 (an integral float is accepted)."""
    if isinstance(value, bool):
        _fail(name, "a positive integer", value)
    if isinstance(value, numbers.Integral):
        if value <= 0:
            _fail(name, "a positive integer", value)
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        if value <= 0:
            _fail(name, "a positive integer", value)
        return int(value)
    _fail(name, "a positive integer", value)


def check_non_negative_int(name, value):
    """Checks that `value` is an integer >= 0 (an integral float is accepted,
    bools are not); returns it as an `int`."""
    integral = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and float(value).is_integer()
    )
    if isinstance(value, bool) or not integral or value < 0:
        _fail(name, "an integer >= 0", value)
    return int(value)


def check_one_of(name, value, choices):
    """Checks that `value` is one of `choices`."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        _fail(name, f"one of {listed}", value)
    return value


def check_learning_rate(value):
    """Checks a learning rate: a number >= 0, or a schedule/callable as is."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return check_non_negative("learning_rate", value)
    if callable(value) or hasattr(value, "numpy") or hasattr(value, "shape"):
        # Schedules, callables and backend variables/tensors are taken as
        # they are; the base optimizer handles them.
        return value
    _fail("learning_rate", "a number >= 0, a schedule or a callable", value)


def check_optional_weight_decay(kwargs):
    """Checks the base optimizer's `weight_decay` keyword when it is given."""
    if kwargs.get("weight_decay") is not None:
        check_non_negative("weight_decay", kwargs["weight_decay"])


def check_at_least(name, value, minimum, what=None):
    """Checks ``value >= minimum``; `what` describes the bound in the message
    (e.g. ``"initial_learning_rate (0.001)"``), the number itself by default."""
    check_real(name, value)
    if value < minimum:
        _fail(name, f">= {what if what is not None else repr(minimum)}", value)
    return value


def check_at_most(name, value, maximum, what=None):
    """Checks ``value <= maximum``; `what` describes the bound in the message."""
    check_real(name, value)
    if value > maximum:
        _fail(name, f"<= {what if what is not None else repr(maximum)}", value)
    return value


def check_keras_seed(name, value):
    """Checks a Keras random seed: `None`, an integer (bools rejected) or a
    `keras.random.SeedGenerator`. Returns it, an integer as a Python `int`."""
    import keras  # here, not at the top: the data layer needs no Keras

    if value is None or isinstance(value, keras.random.SeedGenerator):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    _fail(name, "None, an integer or a keras.random.SeedGenerator", value)
