"""HyperMLP's choices as building blocks for a user's own `build(hp)`.

Each `choose_*` function declares a few hyperparameters on a
`keras_tuner.HyperParameters` under the names HyperMLP uses, from the tables
of `_space`, and returns the Keras object they pick. Calling one again with
the same `hp` declares nothing new: KerasTuner returns the values already
recorded, and the function returns a fresh object built from them.

The checks and declarations below (`check_choice`, `check_range`,
`declare_choice`, `declare_range`) are HyperMLP's too: one set of narrowing
rules. A sequence narrows a categorical choice, a single value fixes it
(`hp.Fixed`); a `(low, high)` pair narrows a range, a single number fixes it.
"""

import numbers

import keras_tuner
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import is_one_of
from kerasnotes._internal.validation import shown
from kerasnotes.tuning import _space


def check_choice(argument, value, options):
    """`value` (one option or a sequence of them) as a non-empty tuple of
    `options`; `InputError` naming `argument` otherwise."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    unknown = [v for v in values if not is_one_of(v, options)]
    if unknown or not values:
        raise (
            InputTypeError if not isinstance(value, (str, tuple, list)) else InputError
        )(
            f"Argument `{argument}` must be one or more of {options}. "
            f"Received: {argument}={shown(value)}"
        )
    return tuple(str(v) if isinstance(v, str) else v for v in values)


def check_range(argument, value, bounds):
    """`value` (a number or a `(low, high)` pair within `bounds`) as a sorted
    tuple of one or two numbers; `InputError` naming `argument` otherwise."""
    low, high = bounds
    values = value if isinstance(value, (tuple, list)) else (value,)
    if len(values) not in (1, 2) or not all(
        isinstance(v, numbers.Real)
        and not isinstance(v, (bool, np.bool_))
        and low <= v <= high
        for v in values
    ):
        raise InputError(
            f"Argument `{argument}` must be a number or a (low, high) pair "
            f"within [{low}, {high}]. Received: {argument}={value!r}"
        )
    return tuple(sorted(v.item() if isinstance(v, np.generic) else v for v in values))


def declare_choice(hp, name, values):
    """`hp.Fixed` for one value, else `hp.Choice` over `values`, in order."""
    if len(values) == 1:
        return hp.Fixed(name, values[0])
    return hp.Choice(name, list(values))


def declare_range(
    hp, name, values, *, integer=False, log=False, step=None, discrete=False
):
    """`hp.Fixed` when `values` is one number (or low == high), else `hp.Int`
    (`integer`) or `hp.Float` over `[low, high]`; `discrete` gives a float
    range a step: 10 (a factor) when `log`, else `step` or a fifth of it."""
    low, high = values[0], values[-1]
    if low == high:
        return hp.Fixed(name, low)
    if integer:
        return hp.Int(name, int(low), int(high))
    if discrete:
        step = 10 if log else (step or (high - low) / 5)
    return hp.Float(name, low, high, step=step, sampling="log" if log else "linear")


def _check_hp(hp):
    if not isinstance(hp, keras_tuner.HyperParameters):
        raise InputError(
            "Argument `hp` must be a keras_tuner.HyperParameters (the `hp` "
            f"KerasTuner passes to build). Received: hp={hp!r}"
        )


def _choice(hp, name, argument, value, table):
    options = tuple(table)
    values = options if value is None else check_choice(argument, value, options)
    return declare_choice(hp, name, values)


def choose_schedule(hp, total_steps, learning_rate, *, schedules=None):
    """Declares the learning-rate schedule on `hp` and returns its policy.

    Declares one hyperparameter (HyperMLP's name and values):

    ```
    name       values     what it builds for peak rate lr over T = total_steps
    schedule   constant            lr
               cosine              CosineAnnealing(lr, T): lr -> 0 at step T
               warmup_cosine       WarmUp: 0 -> lr over the first T/10 steps,
                                   then cosine to 0 at step T
               cyclical            CyclicalLearningRate(lr/10, lr,
                                   step_size=T/8, mode="triangular2")
               one_cycle           OneCycle(lr, T)
               one_cycle_momentum  OneCycle(lr, T), and OneCycleMomentum(T)
                                   for the momentum (cycled against the rate)
    ```

    The result is a policy with two attributes: `.learning_rate`, the
    number `learning_rate` or a fresh `LearningRateSchedule` to pass as an
    optimizer's `learning_rate`, and `.momentum`, None or (for
    `one_cycle_momentum`) a fresh `kerasnotes.schedules.OneCycleMomentum` to
    pass as `momentum` (`kerasnotes.optimizers.NAG`) or `beta_1` (this
    package's Adam family). `choose_optimizer` does both.

    Args:
        hp: The `keras_tuner.HyperParameters` of the trial.
        total_steps: Positive integer. Optimizer steps of the whole training
            (`ceil(train_rows / batch_size) * epochs`); the schedules span it.
        learning_rate: Positive number. The peak learning rate.
        schedules: None (every schedule above), one name (fixed) or a
            sequence of names (a narrowed choice). Defaults to `None`.

    Example:

    >>> import keras_tuner
    >>> from kerasnotes.tuning import choose_schedule
    >>> hp = keras_tuner.HyperParameters()
    >>> policy = choose_schedule(hp, 1000, 0.01, schedules="one_cycle_momentum")
    >>> hp.values
    {'schedule': 'one_cycle_momentum'}
    >>> type(policy.learning_rate).__name__, type(policy.momentum).__name__
    ('OneCycle', 'OneCycleMomentum')

    References:
        - [Bergstra & Bengio, "Random Search for Hyper-Parameter
          Optimization", JMLR 2012](https://jmlr.org/papers/v13/bergstra12a.html)
        - [Smith, "A disciplined approach to neural network
          hyper-parameters: Part 1", 2018](https://arxiv.org/abs/1803.09820)
        - Notes 004, "Hyperparameter tuning" (learning rate schedules).
    """
    _check_hp(hp)
    total_steps = check_positive_int("total_steps", total_steps)
    check_positive("learning_rate", learning_rate)
    name = _choice(hp, "schedule", "schedules", schedules, _space.SCHEDULES)
    return _space.SCHEDULES[name](learning_rate, total_steps)


def choose_optimizer(
    hp,
    total_steps,
    *,
    optimizers=None,
    learning_rate=_space.LEARNING_RATE,
    schedules=None,
    discrete=False,
):
    """Declares an optimizer, its peak learning rate and schedule on `hp`.

    Declares, in this order, three hyperparameters with HyperMLP's names and
    values (`kerasnotes/tuning/_space.py`):

    ```
    name           values
    optimizer      nag              kerasnotes.optimizers.NAG, momentum 0.9
                   adamw            kerasnotes.optimizers.AdamW, decay 1e-4
                   amsgrad          kerasnotes.optimizers.AMSGrad
                   radam            kerasnotes.optimizers.RAdam
                   lookahead_radam  Lookahead(RAdam) (Ranger)
                   adam             keras.optimizers.Adam
                   rmsprop          keras.optimizers.RMSprop
    learning_rate  log-uniform in [1e-4, 1e-1]: the schedule's peak rate
    schedule       constant, cosine, warmup_cosine, cyclical, one_cycle,
                   one_cycle_momentum (see `choose_schedule`)
    ```

    and returns a fresh optimizer of the chosen kind whose learning rate is
    the chosen schedule over `total_steps` steps. Under
    `one_cycle_momentum` the momentum schedule becomes NAG's `momentum` or
    the Adam family's `beta_1` (`adam` is then `kerasnotes.optimizers.AdamW`
    with `weight_decay=0`, the same update with a `beta_1` that takes a
    schedule); `rmsprop` keeps Keras's constant momentum.

    Args:
        hp: The `keras_tuner.HyperParameters` of the trial.
        total_steps: Positive integer. Optimizer steps of the whole training
            (`ceil(train_rows / batch_size) * epochs`); the schedules span it.
        optimizers: None (every optimizer above), one name (fixed) or a
            sequence of names (a narrowed choice). Defaults to `None`.
        learning_rate: A `(low, high)` pair within `[1e-4, 1e-1]` (sampled
            log-uniformly) or one number (fixed). Defaults to `(1e-4, 1e-1)`.
        schedules: None (every schedule), one name or a sequence of names.
            Defaults to `None`.
        discrete: Declare the learning rate with a step (powers of 10), as
            grid search needs (HyperMLP's `discrete`). Defaults to `False`.

    Returns:
        A `keras.optimizers.Optimizer`; `hp.values` holds the choice.

    Example:

    >>> import keras_tuner
    >>> from kerasnotes.tuning import choose_optimizer
    >>> hp = keras_tuner.HyperParameters()
    >>> optimizer = choose_optimizer(hp, 1000, optimizers="adamw",
    ...                              learning_rate=1e-3, schedules="cosine")
    >>> hp.values
    {'optimizer': 'adamw', 'learning_rate': 0.001, 'schedule': 'cosine'}
    >>> type(optimizer).__name__
    'AdamW'
    >>> optimizer = choose_optimizer(keras_tuner.HyperParameters(), 1000,
    ...                              optimizers=("nag", "radam"),
    ...                              learning_rate=(1e-3, 1e-2))

    References:
        - [Bergstra & Bengio, "Random Search for Hyper-Parameter
          Optimization", JMLR 2012](https://jmlr.org/papers/v13/bergstra12a.html)
        - Notes 004, "Hyperparameter tuning" and "hyperparameter priorities"
          (the learning rate first, on a log scale).
    """
    _check_hp(hp)
    total_steps = check_positive_int("total_steps", total_steps)
    bounds = check_range("learning_rate", learning_rate, _space.LEARNING_RATE)
    if schedules is not None:
        check_choice("schedules", schedules, tuple(_space.SCHEDULES))
    name = _choice(hp, "optimizer", "optimizers", optimizers, _space.OPTIMIZERS)
    discrete = check_bool("discrete", discrete)
    rate = declare_range(hp, "learning_rate", bounds, log=True, discrete=discrete)
    policy = choose_schedule(hp, total_steps, rate, schedules=schedules)
    return _space.OPTIMIZERS[name](policy.learning_rate, policy.momentum)


def choose_regularizer(
    hp, *, regularizers=None, strength=_space.REGULARIZATION_STRENGTH, discrete=False
):
    """Declares a weight regularizer and its strength on `hp`.

    Declares, in this order, two hyperparameters with HyperMLP's names and
    values:

    ```
    name                     values
    regularizer              none         no penalty (returns None)
                             l1           keras.regularizers.L1(s)
                             l2           keras.regularizers.L2(s)
                             elastic_net  keras.regularizers.L1L2(s, s)
    regularization_strength  s, log-uniform in [1e-6, 1e-2]
    ```

    `regularization_strength` is declared for `none` too (and unused then),
    as HyperMLP does: the space has no conditional branches, which every
    tuner handles the same.

    Args:
        hp: The `keras_tuner.HyperParameters` of the trial.
        regularizers: None (all four), one name or a sequence of names.
            Defaults to `None`.
        strength: A `(low, high)` pair within `[1e-6, 1e-2]` (log-uniform)
            or one number (fixed). Defaults to `(1e-6, 1e-2)`.
        discrete: Declare the strength with a step (powers of 10), as grid
            search needs. Defaults to `False`.

    Returns:
        A fresh Keras regularizer for `kernel_regularizer=`, or None.

    Example:

    >>> import keras_tuner
    >>> from kerasnotes.tuning import choose_regularizer
    >>> hp = keras_tuner.HyperParameters()
    >>> regularizer = choose_regularizer(hp, regularizers="l2", strength=1e-4)
    >>> hp.values
    {'regularizer': 'l2', 'regularization_strength': 0.0001}
    >>> type(regularizer).__name__
    'L2'

    References:
        - [Bergstra & Bengio, "Random Search for Hyper-Parameter
          Optimization", JMLR 2012](https://jmlr.org/papers/v13/bergstra12a.html)
        - Notes 004, "Hyperparameter tuning"; 003 on L1/L2 regularization.
    """
    _check_hp(hp)
    bounds = check_range("strength", strength, _space.REGULARIZATION_STRENGTH)
    name = _choice(hp, "regularizer", "regularizers", regularizers, _space.REGULARIZERS)
    value = declare_range(
        hp,
        "regularization_strength",
        bounds,
        log=True,
        discrete=check_bool("discrete", discrete),
    )
    return _space.REGULARIZERS[name](value)


def choose_activation(hp, *, activations=None):
    """Declares the activation on `hp`; returns it with its initializer.

    Declares one hyperparameter with HyperMLP's name and values, and returns
    `(activation, initializer)`:

    ```
    activation  returned activation                     initializer
    relu        kerasnotes.activations.relu (function)  HeNormal
    leaky_relu  kerasnotes.activations.leaky_relu       HeNormal
    elu         kerasnotes.activations.elu              HeNormal
    selu        kerasnotes.layers.SELU()  (fresh layer) LecunNormal
    swish       kerasnotes.layers.Swish() (fresh layer, HeNormal
                learned beta)
    maxout      a fresh kerasnotes.layers.Maxout with   XavierUniform
                2 pieces and as many units as its input
                has features (set when built)
    ```

    (initializers from `kerasnotes.initializers`, each a fresh instance.)
    The initializer is for the kernel of the Conv/Dense the activation
    follows: it keeps the variance of that layer's outputs stable for this
    activation (He et al. 2015 for the ReLU family, LeCun normal for SELU's
    self-normalization, Glorot for maxout). Give that layer no activation
    and apply the returned one to its output, which works for a function
    and a layer alike::

        activation, initializer = choose_activation(hp)
        x = keras.layers.Conv2D(32, 3, kernel_initializer=initializer)(x)
        x = activation(x)

    A function may also go into `activation=` of the Conv/Dense. Call
    `choose_activation` once per place it is used: each call returns a fresh
    layer (the same choice), so a Swish's `beta` or a maxout's kernel is not
    shared between blocks. The maxout layer keeps the width (it adds
    `2 * d * (d + 1)` weights after a layer of width `d`). SELU's
    self-normalization also wants `keras.layers.AlphaDropout` in place of
    `Dropout`, as HyperMLP does.

    Args:
        hp: The `keras_tuner.HyperParameters` of the trial.
        activations: None (all six), one name (fixed) or a sequence of names
            (a narrowed choice). Defaults to `None`.

    Returns:
        `(activation, initializer)`: a function or a fresh layer, and a fresh
        `keras.initializers.Initializer`.

    Example:

    >>> import keras, keras_tuner
    >>> from kerasnotes.tuning import choose_activation
    >>> hp = keras_tuner.HyperParameters()
    >>> activation, initializer = choose_activation(hp, activations="selu")
    >>> hp.values
    {'activation': 'selu'}
    >>> type(activation).__name__, type(initializer).__name__
    ('SELU', 'LecunNormal')
    >>> x = keras.Input((8, 8, 1))
    >>> y = activation(keras.layers.Conv2D(4, 3, kernel_initializer=initializer)(x))
    >>> y.shape
    (None, 6, 6, 4)

    References:
        - [Bergstra & Bengio, "Random Search for Hyper-Parameter
          Optimization", JMLR 2012](https://jmlr.org/papers/v13/bergstra12a.html)
        - [He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV
          2015](https://arxiv.org/abs/1502.01852)
        - [Klambauer, Unterthiner, Mayr & Hochreiter, "Self-Normalizing
          Neural Networks", NeurIPS 2017](https://arxiv.org/abs/1706.02515)
        - [Goodfellow et al., "Maxout Networks", ICML
          2013](https://arxiv.org/abs/1302.4389)
        - Notes 004, "Hyperparameter tuning"; 003 and 004 on initialization.
    """
    _check_hp(hp)
    name = _choice(hp, "activation", "activations", activations, _space.ACTIVATIONS)
    choice = _space.ACTIVATIONS[name]
    return choice.standalone(), choice.initializer()
