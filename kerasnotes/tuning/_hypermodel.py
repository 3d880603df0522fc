"""HyperMLP: a KerasTuner HyperModel over this package's components."""

import keras
import keras_tuner
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_int_at_least
from kerasnotes._internal.validation import check_one_of
from kerasnotes._internal.validation import check_positive_int
from kerasnotes.tuning import _choices
from kerasnotes.tuning import _space

_CATEGORICAL = {
    "activation": lambda: tuple(_space.ACTIVATIONS),
    "optimizer": lambda: tuple(_space.OPTIMIZERS),
    "schedule": lambda: tuple(_space.SCHEDULES),
    "regularizer": lambda: tuple(_space.REGULARIZERS),
    "units": lambda: _space.UNITS,
    "batch_size": lambda: _space.BATCH_SIZES,
}
_RANGES = {
    "depth": _space.DEPTH,
    "learning_rate": _space.LEARNING_RATE,
    "dropout": _space.DROPOUT,
    "regularization_strength": _space.REGULARIZATION_STRENGTH,
}


class DivergedError(keras_tuner.errors.FailedTrialError):
    """A trial whose loss became NaN or infinite."""


def check_finite(history):
    """Raises `DivergedError` (a failed trial) when the loss went NaN/inf."""
    if not isinstance(history, keras.callbacks.History):
        return
    losses = np.asarray(history.history.get("loss", []), dtype="float64")
    if losses.size and not np.isfinite(losses).all():
        raise DivergedError(
            f"training diverged: loss {losses[-1]} after {losses.size} epochs"
        )


class HyperMLP(keras_tuner.HyperModel):
    """A multilayer perceptron for tabular data, as a KerasTuner HyperModel.

    The search space (notes 003 and 004 on hyperparameter search; every table
    lives in `kerasnotes/tuning/_space.py`, one line per choice):

    ```
    depth          int in [1, 4]
    units          16, 32, 64, 128, 256, 512      (powers of two, all layers)
    activation     relu, leaky_relu, elu, selu, swish, ...  each with its
                   initializer (He for the ReLU family, LeCun normal + AlphaDropout
                   for SELU)
    dropout        [0, 0.5] in steps of 0.1
    regularizer    none, l1, l2, elastic_net; strength log-uniform [1e-6, 1e-2]
    optimizer      nag, adamw, amsgrad, radam, lookahead_radam (Ranger),
                   adam, rmsprop
    learning_rate  log-uniform [1e-4, 1e-1]
    schedule       constant, cosine, warmup_cosine, ..., one_cycle_momentum
                   (the one-cycle rate with the momentum cycled against it)
    batch_size     16, 32, 64, 128, 256
    loss           from the task (binary/multiclass cross-entropy; mse or
                   huber for regression, ...)
    ```

    Any choice can be fixed or narrowed: a single value fixes it, a sequence
    restricts a categorical choice, a `(low, high)` pair narrows a range::

        HyperMLP("binary", activation="selu", optimizer=("adamw", "nag"),
                 depth=(2, 3), learning_rate=(1e-3, 1e-2))

    The optimizer, learning rate, schedule, activation and regularizer have
    the names and values a user's own `build(hp)` declares with
    `choose_optimizer`, `choose_activation` and `choose_regularizer`; HyperMLP
    builds its optimizer and regularizers with those functions.

    Trials are ranked by a validation metric that does not depend on the loss
    or the regularizer: cross-entropy (`val_xent`) for classification, RMSE
    (`val_rmse`) for regression. `fit` adds early stopping and stops a trial
    whose loss turns NaN, reporting it to KerasTuner as failed.

    Args:
        task: `"binary"`, `"multiclass"` or `"regression"`.
        num_classes: Number of classes for `"multiclass"`.
        input_dim: Number of input features. `search()` sets it from the data.
        train_size: Number of training rows, used to turn epochs into schedule
            steps. `search()` sets it from the data.
        epochs: Most epochs per trial. Defaults to `30`.
        patience: Early-stopping patience in epochs. Defaults to `5`.
        discrete: Declare every range with a step (log-steps of 10 for the
            learning rate and strength), as grid search needs. Defaults to
            `False`.
        **choices: Fixed values or narrowed choices, by name: `depth`,
            `units`, `activation`, `dropout`, `regularizer`,
            `regularization_strength`, `optimizer`, `learning_rate`,
            `schedule`, `batch_size`, `loss`.

    Example:

    >>> import keras_tuner
    >>> from kerasnotes.tuning import HyperMLP
    >>> hypermodel = HyperMLP("binary", input_dim=4, train_size=100, depth=2,
    ...                       units=16, dropout=0.0)
    >>> hp = keras_tuner.HyperParameters()
    >>> model = hypermodel.build(hp)
    >>> hp.values["depth"], hp.values["units"], hp.values["dropout"]
    (2, 16, 0.0)
    >>> model.count_params()  # (4 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    369

    References:
        - [Bergstra & Bengio, "Random Search for Hyper-Parameter
          Optimization", JMLR 2012](https://jmlr.org/papers/v13/bergstra12a.html)
        - [Li et al., "Hyperband", JMLR 2018](https://arxiv.org/abs/1603.06560)
        - Notes 004, "Hyperparameter tuning" and "hyperparameter priorities".
    """

    def __init__(
        self,
        task="binary",
        num_classes=None,
        *,
        input_dim=None,
        train_size=None,
        epochs=30,
        patience=5,
        discrete=False,
        **choices,
    ):
        super().__init__(name="hyper_mlp", tunable=True)
        task = check_one_of("task", task, _space.TASKS)
        if task == "multiclass":
            if num_classes is None:
                raise InputError(
                    "Argument `num_classes` must be an integer >= 3 for the "
                    f"multiclass task. Received: num_classes={num_classes!r}"
                )
            num_classes = check_int_at_least("num_classes", num_classes, 3)
        elif num_classes is not None:
            num_classes = check_positive_int("num_classes", num_classes)
        self.task = task
        self.num_classes = num_classes
        self.input_dim = (
            None if input_dim is None else check_positive_int("input_dim", input_dim)
        )
        self.train_size = (
            None if train_size is None else check_positive_int("train_size", train_size)
        )
        self.epochs = check_positive_int("epochs", epochs)
        self.patience = check_positive_int("patience", patience)
        self.discrete = check_bool("discrete", discrete)
        self.choices = {}
        for name, value in choices.items():
            self.choices[name] = self._check_choice(name, value)

    def for_data(self, input_dim, train_size):
        """A copy that knows the data's width and row count where this one
        leaves them unset; this HyperMLP is not changed."""
        copy = object.__new__(type(self))
        # KerasTuner's HyperModel.__init__ binds `build` to its instance:
        # the copy takes every other attribute and binds its own.
        base = set(vars(keras_tuner.HyperModel()))
        copy.__dict__.update({k: v for k, v in vars(self).items() if k not in base})
        keras_tuner.HyperModel.__init__(copy, name=self.name, tunable=self.tunable)
        copy.input_dim = self.input_dim or check_positive_int("input_dim", input_dim)
        copy.train_size = self.train_size or check_positive_int(
            "train_size", train_size
        )
        return copy

    def _options(self, name):
        if name == "loss":
            return tuple(_space.LOSSES[self.task])
        return _CATEGORICAL[name]()

    def _check_choice(self, name, value):
        if name in _RANGES:
            return _choices.check_range(name, value, _RANGES[name])
        if name in _CATEGORICAL or name == "loss":
            return _choices.check_choice(name, value, self._options(name))
        raise InputError(
            f"Unknown choice `{name}`. Choices: "
            f"{sorted(list(_RANGES) + list(_CATEGORICAL) + ['loss'])}. "
            f"Received: {name}={value!r}"
        )

    def _categorical(self, hp, name):
        values = self.choices.get(name, self._options(name))
        return _choices.declare_choice(hp, name, values)

    def _range(self, hp, name, *, log=False, step=None):
        return _choices.declare_range(
            hp,
            name,
            self.choices.get(name, _RANGES[name]),
            integer=name == "depth",
            log=log,
            step=step,
            discrete=self.discrete,
        )

    def declare_hyperparameters(self, hp):
        """Declares the whole space, so every tuner sees it up front."""
        self._declare(hp)

    def _declare(self, hp):
        return {
            "depth": self._range(hp, "depth"),
            "units": self._categorical(hp, "units"),
            "activation": self._categorical(hp, "activation"),
            "dropout": self._range(hp, "dropout", step=0.1),
            "regularizer": self._categorical(hp, "regularizer"),
            "regularization_strength": self._range(
                hp, "regularization_strength", log=True
            ),
            "optimizer": self._categorical(hp, "optimizer"),
            "learning_rate": self._range(hp, "learning_rate", log=True),
            "schedule": self._categorical(hp, "schedule"),
            "batch_size": self._categorical(hp, "batch_size"),
            "loss": self._categorical(hp, "loss"),
        }

    def build(self, hp):
        if self.input_dim is None:
            raise InputError(
                "HyperMLP needs `input_dim` (search() sets it from the data)."
            )
        v = self._declare(hp)
        activation = _space.ACTIVATIONS[v["activation"]]
        layers = [keras.Input((self.input_dim,))]
        for _ in range(v["depth"]):
            layers += activation.layers(
                v["units"], activation.initializer(), self._regularizer(hp)
            )
            if v["dropout"] > 0:
                layers.append(activation.dropout(v["dropout"]))
        output, metrics = _space.output_layer(self.task, self.num_classes)
        model = keras.Sequential(layers + [output])
        steps = _space.total_steps(
            self.train_size or 1024, v["batch_size"], self.epochs
        )
        model.compile(
            optimizer=self._optimizer(hp, steps),
            loss=_space.LOSSES[self.task][v["loss"]](),
            metrics=metrics,
        )
        return model

    # The regularizer and the optimizer come from the functions a user's
    # build(hp) calls; `_declare` has declared their names already, so they
    # read the recorded values.
    def _regularizer(self, hp):
        return _choices.choose_regularizer(
            hp,
            regularizers=self.choices.get("regularizer"),
            strength=self.choices.get(
                "regularization_strength", _RANGES["regularization_strength"]
            ),
            discrete=self.discrete,
        )

    def _optimizer(self, hp, total_steps):
        return _choices.choose_optimizer(
            hp,
            total_steps,
            optimizers=self.choices.get("optimizer"),
            learning_rate=self.choices.get("learning_rate", _RANGES["learning_rate"]),
            schedules=self.choices.get("schedule"),
            discrete=self.discrete,
        )

    def fit(self, hp, model, *args, callbacks=None, **kwargs):
        """Trains with the trial's batch size, a NaN stop and, when there is
        validation data to watch, early stopping."""
        kwargs.setdefault("epochs", self.epochs)
        kwargs["batch_size"] = hp.get("batch_size")
        callbacks = list(callbacks or [])
        if kwargs.get("validation_data") is not None:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor=_space.objective_name(self.task),
                    patience=self.patience,
                )
            )
        callbacks.append(keras.callbacks.TerminateOnNaN())
        history = model.fit(*args, callbacks=callbacks, **kwargs)
        check_finite(history)
        return history

    @property
    def objective(self):
        return keras_tuner.Objective(_space.objective_name(self.task), "min")
