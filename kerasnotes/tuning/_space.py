"""The choices HyperMLP searches over: adding a choice is one line.

Each table maps a name (the value KerasTuner records) to a small factory.
The notes' advice (004, "hyperparameter priorities", "powers of two for
sizes"; 003 and 004 on initialization) shapes the defaults: each activation
comes with the initializer that keeps its activations' variance stable, SELU
with LeCun normal and AlphaDropout (Klambauer et al. 2017).
"""

import dataclasses
import math

import keras

from kerasnotes import activations
from kerasnotes import initializers
from kerasnotes import layers
from kerasnotes import losses
from kerasnotes import optimizers
from kerasnotes import schedules
from kerasnotes.layers import _maxout as _maxout_layer


def _dense(activation=None, layer=None):
    """Dense with `activation` (a function), or followed by `layer()`."""

    def build(units, initializer, regularizer):
        dense = keras.layers.Dense(
            units,
            activation=activation,
            kernel_initializer=initializer,
            kernel_regularizer=regularizer,
        )
        return [dense] if layer is None else [dense, layer()]

    return build


def _maxout(pieces):
    def build(units, initializer, regularizer):
        return [
            layers.Maxout(
                units,
                pieces=pieces,
                kernel_initializer=initializer,
                kernel_regularizer=regularizer,
            )
        ]

    return build


@dataclasses.dataclass(frozen=True)
class Activation:
    """How an activation choice is built: HyperMLP's hidden block, and the
    activation on its own for a user's model (`choose_activation`)."""

    layers: object  # (units, initializer, regularizer) -> list of layers
    initializer: object  # () -> keras initializer
    # () -> a function or a fresh layer, applied to the output of a
    # Conv/Dense that has no activation
    standalone: object
    dropout: object = keras.layers.Dropout  # (rate) -> dropout layer


def _function(function, initializer):
    """An activation function, fused into each Dense."""
    return Activation(_dense(function), initializer, lambda: function)


def _layer(layer, initializer, dropout=keras.layers.Dropout):
    """An activation layer (`layer()`), after each Dense."""
    return Activation(_dense(layer=layer), initializer, layer, dropout)


# name -> Activation(block, initializer, standalone[, dropout])
ACTIVATIONS = {
    "relu": _function(activations.relu, initializers.HeNormal),
    "leaky_relu": _function(activations.leaky_relu, initializers.HeNormal),
    "elu": _function(activations.elu, initializers.HeNormal),
    "selu": _layer(layers.SELU, initializers.LecunNormal, keras.layers.AlphaDropout),
    "swish": _layer(layers.Swish, initializers.HeNormal),
    "maxout": Activation(
        _maxout(pieces=2),
        initializers.XavierUniform,
        lambda: _maxout_layer.SameWidthMaxout(2),
    ),
}


def _or(momentum, default):
    """The schedule's momentum, or the optimizer's usual constant."""
    return default if momentum is None else momentum


def _adam(learning_rate, momentum):
    """Keras's Adam; with a momentum schedule, this package's AdamW without
    decay (the same update, and its beta_1 takes a schedule)."""
    if momentum is None:
        return keras.optimizers.Adam(learning_rate)
    return optimizers.AdamW(learning_rate, weight_decay=0.0, beta_1=momentum)


# name -> (learning_rate or schedule, momentum schedule or None) -> optimizer.
# The momentum schedule is the momentum of NAG and the beta_1 of the Adam
# family; Keras's RMSprop takes a constant momentum only and keeps its own.
OPTIMIZERS = {
    "nag": lambda lr, m: optimizers.NAG(lr, momentum=_or(m, 0.9)),
    "adamw": lambda lr, m: optimizers.AdamW(lr, weight_decay=1e-4, beta_1=_or(m, 0.9)),
    "amsgrad": lambda lr, m: optimizers.AMSGrad(lr, beta_1=_or(m, 0.9)),
    "radam": lambda lr, m: optimizers.RAdam(lr, beta_1=_or(m, 0.9)),
    "lookahead_radam": lambda lr, m: optimizers.Lookahead(
        optimizers.RAdam(lr, beta_1=_or(m, 0.9))
    ),
    "adam": _adam,
    "rmsprop": lambda lr, m: keras.optimizers.RMSprop(lr),
}


@dataclasses.dataclass(frozen=True)
class Policy:
    """What a schedule choice sets: the learning rate (a float or a schedule)
    and, for momentum cycling, a schedule for the optimizer's momentum."""

    learning_rate: object
    momentum: object = None


# name -> (peak learning rate, total optimizer steps) -> Policy
SCHEDULES = {
    "constant": lambda lr, steps: Policy(lr),
    "cosine": lambda lr, steps: Policy(schedules.CosineAnnealing(lr, steps)),
    "warmup_cosine": lambda lr, steps: Policy(
        schedules.WarmUp(
            schedules.CosineAnnealing(lr, max(1, steps - _warmup(steps))),
            _warmup(steps),
        )
    ),
    "cyclical": lambda lr, steps: Policy(
        schedules.CyclicalLearningRate(
            lr / 10, lr, step_size=max(1, steps // 8), mode="triangular2"
        )
    ),
    "one_cycle": lambda lr, steps: Policy(schedules.OneCycle(lr, max(steps, 10))),
    "one_cycle_momentum": lambda lr, steps: Policy(
        schedules.OneCycle(lr, max(steps, 10)),
        schedules.OneCycleMomentum(max(steps, 10)),
    ),
}


def _warmup(steps):
    """The first tenth of training, at least one step."""
    return max(1, steps // 10)


# name -> strength -> regularizer (or None)
REGULARIZERS = {
    "none": lambda strength: None,
    "l1": lambda strength: keras.regularizers.L1(strength),
    "l2": lambda strength: keras.regularizers.L2(strength),
    "elastic_net": lambda strength: keras.regularizers.L1L2(strength, strength),
}

# task -> loss name -> () -> loss
LOSSES = {
    "binary": {"binary_crossentropy": keras.losses.BinaryCrossentropy},
    "multiclass": {
        "sparse_categorical_crossentropy": (keras.losses.SparseCategoricalCrossentropy)
    },
    "regression": {
        "mse": keras.losses.MeanSquaredError,
        "huber": losses.Huber,
        "robust": losses.RobustLoss,  # Barron's loss, alpha=1 (pseudo-Huber)
    },
}

TASKS = tuple(LOSSES)

# Powers of two (notes 004): hidden sizes and batch sizes.
UNITS = tuple(2**k for k in range(4, 10))  # 16 .. 512
BATCH_SIZES = tuple(2**k for k in range(4, 9))  # 16 .. 256
DEPTH = (1, 4)
LEARNING_RATE = (1e-4, 1e-1)
DROPOUT = (0.0, 0.5)
REGULARIZATION_STRENGTH = (1e-6, 1e-2)


def output_layer(task, num_classes):
    """The output layer and the metrics the search compares on."""
    if task == "binary":
        return keras.layers.Dense(1, activation="sigmoid"), [
            keras.metrics.BinaryCrossentropy(name="xent"),
            keras.metrics.BinaryAccuracy(name="accuracy"),
        ]
    if task == "multiclass":
        return keras.layers.Dense(num_classes, activation="softmax"), [
            keras.metrics.SparseCategoricalCrossentropy(name="xent"),
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
        ]
    return keras.layers.Dense(1), [
        keras.metrics.RootMeanSquaredError(name="rmse"),
        keras.metrics.MeanAbsoluteError(name="mae"),
    ]


def objective_name(task):
    """The validation metric trials are ranked by; the same for every loss
    and regularizer, unlike `val_loss`."""
    return "val_rmse" if task == "regression" else "val_xent"


def total_steps(train_size, batch_size, epochs):
    return max(1, math.ceil(train_size / batch_size) * epochs)
