"""Argument checks shared by every kerasnotes component.

Each check raises ``InputError`` (a ``ValueError``) with a message that names the argument and the
value received, in the form Keras uses::

    Argument `momentum` must be in [0, 1). Received: momentum=1.5

A value of the wrong type (a string, a list, None where a number is due)
raises ``InputTypeError``, which is both an ``InputError`` and a
``TypeError``.

Numbers: every real number type is accepted, Python's and NumPy's (``1``,
``0.1``, ``np.float32(0.1)``, ``np.int64(3)``), 0-d NumPy arrays and concrete
0-d tensors of a real dtype (an eager TensorFlow tensor, a JAX array, a CPU
PyTorch tensor); the checks return a plain Python ``int`` or ``float``, so a
``get_config`` holds JSON values. Bools are not numbers here. A float must be
finite in float32 (``|x| <= 3.4028235e+38``), the precision components
compute in: ``1e39`` or ``10**400`` would be ``inf`` in the model. Symbolic
tensors (inside a traced function) have no value to check; the functions that
take them say so.

Checks run at construction time, never with ``assert`` (which ``python -O``
removes), and never fall back silently to a default.
"""

import math
import numbers
import sys

import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError

FLOAT32_MAX = float(np.finfo(np.float32).max)
FLOAT32_TINY = float(np.finfo(np.float32).smallest_subnormal)
INT64_MAX = int(np.iinfo(np.int64).max)


def shown(value):
    """`value` as a message shows it: NumPy scalars as plain Python values
    (``13``, not ``np.int64(13)``), an integer too long to print by its
    digit count."""
    if isinstance(value, np.generic):
        value = value.item()
    try:
        return repr(value)
    except ValueError:  # an int past Python's digit limit for str()
        return f"<an integer of about {int(value.bit_length() * 0.30103)} digits>"


def _fail(name, requirement, value, error=InputError):
    raise error(
        f"Argument `{name}` must be {requirement}. Received: {name}={shown(value)}"
    )


def _concrete(value):
    """A 0-d array-like's NumPy value, or None when `value` is not one (a
    list, a string, an array of several elements, a symbolic tensor)."""
    if not (hasattr(value, "shape") and hasattr(value, "dtype")):
        return None
    try:
        if tuple(value.shape) != ():
            return None
    except (TypeError, ValueError):  # an unknown rank
        return None
    if hasattr(value, "detach"):  # a PyTorch tensor
        value = value.detach().cpu()
    try:
        return np.asarray(value)
    except Exception:  # a symbolic tensor has no value  # noqa: BLE001
        return None


def as_real(name, value):
    """`value` as a Python `int` or `float` when it is a real number of any
    type (see the module's docstring); raises `InputTypeError` otherwise."""
    if isinstance(value, (bool, np.bool_)):
        _fail(name, "a real number (not a bool)", value, InputTypeError)
    if isinstance(value, numbers.Real):
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, numbers.Integral):
            return int(value)
        return float(value)
    array = _concrete(value)
    if array is not None and array.dtype.kind in "iuf":
        return array.item()
    _fail(name, "a real number", value, InputTypeError)


def check_real(name, value):
    """Checks that `value` is a real number finite in float32 (bools are
    rejected); returns it as a Python `int` or `float`."""
    number = as_real(name, value)
    try:
        magnitude = abs(float(number))
    except OverflowError:  # an int beyond float64
        magnitude = math.inf
    if math.isnan(magnitude):
        _fail(name, "finite", value)
    if magnitude > FLOAT32_MAX:
        _fail(name, f"finite in float32 (|x| <= {FLOAT32_MAX:.8g})", value)
    return number


def check_non_negative(name, value):
    """Checks ``value >= 0``."""
    number = check_real(name, value)
    if number < 0:
        _fail(name, ">= 0", value)
    return number


def check_positive(name, value):
    """Checks ``value > 0``, and that it is not 0 in float32 (below
    1.4e-45)."""
    number = check_real(name, value)
    if number <= 0:
        _fail(name, "> 0", value)
    if number < FLOAT32_TINY / 2:
        _fail(name, f"> 0 in float32 (at least {FLOAT32_TINY:.2g})", value)
    return number


def check_unit_interval(name, value, *, closed_low=True, closed_high=False):
    """Checks that `value` lies in the unit interval, [0, 1) by default."""
    number = check_real(name, value)
    low_ok = number >= 0 if closed_low else number > 0
    high_ok = number <= 1 if closed_high else number < 1
    if not (low_ok and high_ok):
        interval = ("[" if closed_low else "(") + "0, 1" + ("]" if closed_high else ")")
        _fail(name, f"in {interval}", value)
    return number


def as_int(name, value, requirement):
    """`value` as a Python `int` when it is an integer of any type (an
    integral float is accepted, a bool is not), at most 2**63 - 1 (int64,
    the step counters' type); `requirement` words the message."""
    number = as_real(name, value) if not isinstance(value, str) else None
    if number is None:
        _fail(name, requirement, value, InputTypeError)
    if isinstance(number, float):
        if not number.is_integer():
            _fail(name, requirement, value)
        number = int(number)
    if abs(number) > INT64_MAX:
        _fail(name, f"{requirement} (at most 2**63 - 1)", value)
    return number


def check_positive_int(name, value):
    """Checks that `value` is an integer > 0 (an integral float is accepted);
    returns it as an `int`."""
    number = as_int(name, value, "a positive integer")
    if number <= 0:
        _fail(name, "a positive integer", value)
    return number


def check_non_negative_int(name, value):
    """Checks that `value` is an integer >= 0 (an integral float is accepted,
    bools are not); returns it as an `int`."""
    number = as_int(name, value, "an integer >= 0")
    if number < 0:
        _fail(name, "an integer >= 0", value)
    return number


def check_int_at_least(name, value, minimum):
    """Checks that `value` is an integer >= `minimum`; returns it as an `int`."""
    requirement = f"an integer >= {minimum}"
    number = as_int(name, value, requirement)
    if number < minimum:
        _fail(name, requirement, value)
    return number


def _same_choice(value, choice):
    if isinstance(choice, str):
        return isinstance(value, str) and str(value) == choice
    if choice is None or isinstance(choice, bool):
        return value is choice
    if isinstance(choice, numbers.Number):
        return (
            isinstance(value, numbers.Number)
            and not isinstance(value, (bool, np.bool_))
            and value == choice
        )
    return value is choice


def is_one_of(value, choices):
    """Whether `value` is one of `choices`, by `check_one_of`'s rule (never
    an error, whatever `value` is: an array, a tensor)."""
    return any(_same_choice(value, choice) for choice in choices)


def check_one_of(name, value, choices):
    """Checks that `value` is one of `choices` (a string matches a string
    only, so an array or a tensor never does); returns the choice itself
    (a `str` for a NumPy string)."""
    for choice in choices:
        if _same_choice(value, choice):
            return choice
    listed = ", ".join(repr(c) for c in choices)
    wrong_type = all(isinstance(c, str) for c in choices) and not isinstance(value, str)
    _fail(name, f"one of {listed}", value, InputTypeError if wrong_type else InputError)


def check_bool(name, value):
    """Checks that `value` is a bool (Python's or NumPy's); returns a `bool`."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(name, "a bool (True or False)", value, InputTypeError)
    return bool(value)


def check_string(name, value, *, allow_none=False):
    """Checks that `value` is a non-empty string (or None when allowed)."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        what = "a string or None" if allow_none else "a string"
        _fail(name, what, value, InputTypeError)
    if not value:
        _fail(name, "a non-empty string", value)
    return str(value)


def check_path(name, value, *, allow_none=False):
    """Checks that `value` is a path (a non-empty string or an
    `os.PathLike`), or None when allowed; returns it as a `str`."""
    import os

    if value is None and allow_none:
        return None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        what = "a path (a string or os.PathLike) or None" if allow_none else "a path"
        _fail(name, what, value, InputTypeError)
    if not value:
        _fail(name, "a non-empty path", value)
    return value


def check_learning_rate(value):
    """Checks a learning rate: a number >= 0 (returned as a Python float, the
    type Keras's base optimizer needs), or a schedule/callable as is."""
    if isinstance(value, (bool, np.bool_)):
        _fail(
            "learning_rate",
            "a number >= 0, a schedule or a callable",
            value,
            InputTypeError,
        )
    if callable(value):
        # Schedules and callables are taken as they are; the base optimizer
        # calls them.
        return value
    if isinstance(value, numbers.Real) or _concrete(value) is not None:
        return float(check_non_negative("learning_rate", value))
    _fail(
        "learning_rate",
        "a number >= 0, a schedule or a callable",
        value,
        InputTypeError,
    )


def _optional(kwargs, name, check, *args):
    if kwargs.get(name) is not None:
        kwargs[name] = check(name, kwargs[name], *args)


def check_base_optimizer_kwargs(kwargs):
    """Checks the base optimizer's keyword arguments that are given, and
    puts their checked values (Python numbers) back into `kwargs`.

    Keras's `Optimizer` does not check most of them: `clipnorm=0` or `-inf`
    silently turns clipping off, `loss_scale_factor=0` zeroes every gradient,
    `use_ema=''` is read as False. Here `weight_decay >= 0`; `clipnorm`,
    `clipvalue`, `global_clipnorm` and `loss_scale_factor` are None or > 0;
    `use_ema` a bool; `ema_momentum` in [0, 1]; `ema_overwrite_frequency`
    None or an integer >= 1; `gradient_accumulation_steps` None or an
    integer >= 2 (Keras's own bound); `name` None or a string.
    """
    _optional(kwargs, "weight_decay", check_non_negative)
    for name in ("clipnorm", "clipvalue", "global_clipnorm", "loss_scale_factor"):
        _optional(kwargs, name, check_positive)
    if "use_ema" in kwargs:
        kwargs["use_ema"] = check_bool("use_ema", kwargs["use_ema"])
    if "ema_momentum" in kwargs:
        kwargs["ema_momentum"] = float(
            check_unit_interval(
                "ema_momentum", kwargs["ema_momentum"], closed_high=True
            )
        )
    _optional(kwargs, "ema_overwrite_frequency", check_positive_int)
    _optional(kwargs, "gradient_accumulation_steps", check_int_at_least, 2)
    _optional(kwargs, "name", check_string)
    return kwargs


def check_optional_weight_decay(kwargs):
    """The former name of `check_base_optimizer_kwargs`."""
    return check_base_optimizer_kwargs(kwargs)


def check_at_least(name, value, minimum, what=None):
    """Checks ``value >= minimum``; `what` describes the bound in the message
    (e.g. ``"initial_learning_rate (0.001)"``), the number itself by default."""
    number = check_real(name, value)
    if number < minimum:
        _fail(name, f">= {what if what is not None else repr(minimum)}", value)
    return number


def check_at_most(name, value, maximum, what=None):
    """Checks ``value <= maximum``; `what` describes the bound in the message."""
    number = check_real(name, value)
    if number > maximum:
        _fail(name, f"<= {what if what is not None else repr(maximum)}", value)
    return number


def check_keras_seed(name, value):
    """Checks a Keras random seed: `None`, an integer (bools rejected) or a
    `keras.random.SeedGenerator`. Returns it, an integer as a Python `int`."""
    import keras  # here, not at the top: the data layer needs no Keras

    if value is None or isinstance(value, keras.random.SeedGenerator):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        return as_int(name, value, "None, an integer or a keras.random.SeedGenerator")
    _fail(
        name,
        "None, an integer or a keras.random.SeedGenerator",
        value,
        InputTypeError,
    )


def check_seed(name, value):
    """Checks a NumPy / scikit-learn seed: None or an integer in
    [0, 2**32 - 1] (an integral float is not a seed); returns an `int`."""
    requirement = "None or an integer in [0, 2**32 - 1]"
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        _fail(name, requirement, value, InputTypeError)
    if not 0 <= value <= 2**32 - 1:
        _fail(name, requirement, value)
    return int(value)


def _eager_value(value):
    """The NumPy value of an eager tensor or array, or None for a symbolic
    one (inside a traced function) or a PyTorch tensor that requires grad
    (computed from trainable weights, checked by the training itself, and
    not worth a device-to-host copy at every step)."""
    if getattr(value, "requires_grad", False):
        return None
    torch = sys.modules.get("torch")
    if torch is not None and torch.compiler.is_compiling():
        return None  # traced by torch.compile: no value yet, as under jit
    if hasattr(value, "detach"):
        value = value.detach().cpu()
    try:
        return np.asarray(value)
    except Exception:  # a symbolic tensor has no value  # noqa: BLE001
        return None


def check_tensor(name, value, check):
    """Applies the scalar check `check(name, number)` to every element of a
    tensor whose value is known (an eager tensor, a NumPy array); returns the
    tensor itself, unchanged. A symbolic tensor (inside `tf.function`,
    `jax.jit` or a functional model) has no value before it runs and passes
    unchecked."""
    array = _eager_value(value)
    if array is None:
        return value
    # bfloat16 and the float8 types (ml_dtypes, as JAX hands them to NumPy)
    # are NumPy "void" kinds.
    real = array.dtype.kind in "iuf" or str(array.dtype).startswith(("bfloat", "float"))
    if not real:
        _fail(name, "a tensor of real numbers", value, InputTypeError)
    if array.size == 0:
        return value
    flat = array.astype("float64").ravel()
    worst = [float("nan")] if np.isnan(flat).any() else [flat.min(), flat.max()]
    for element in worst:
        try:
            check(name, float(element))
        except InputError as error:
            requirement = str(error).split(". Received:")[0]
            raise type(error)(
                f"{requirement} (element {float(element)!r}). "
                f"Received: {name}={shown(value)}"
            ) from None
    return value
