"""Per-layer gradient norms during training."""

import math
import warnings

import keras
import numpy as np

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.errors import InputTypeError
from kerasnotes._internal.validation import check_bool
from kerasnotes._internal.validation import check_path
from kerasnotes._internal.validation import check_positive
from kerasnotes._internal.validation import check_positive_int
from kerasnotes._internal.validation import shown


class GradientWarning(UserWarning):
    """A layer's gradient norm stayed below the vanishing threshold or above
    the exploding one.

    Example:

    With zero weights after it and ReLU'(0) = 0, the hidden layer's gradient
    is exactly zero, below any vanishing threshold:

    >>> import warnings, keras, numpy as np
    >>> from kerasnotes.callbacks import GradientMonitor, GradientWarning
    >>> x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    >>> model = keras.Sequential([
    ...     keras.Input((2,)),
    ...     keras.layers.Dense(4, activation="relu", kernel_initializer="zeros",
    ...                        name="hidden"),
    ...     keras.layers.Dense(1, kernel_initializer="zeros")])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> monitor = GradientMonitor(x, y, patience=1)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", GradientWarning)
    ...     _ = model.fit(x, y, epochs=1, verbose=0, callbacks=[monitor])
    >>> [str(w.message) for w in caught if w.category is GradientWarning]
    ["Vanishing gradient in layer 'hidden': its gradient norm (0) has been below 1e-06 for 1 measurements in a row (step 0)."]
    >>> monitor.warnings
    [('hidden', 'vanishing', 0)]
    """


class GradientMonitor(keras.callbacks.Callback):
    """Records per-layer gradient norms and warns on vanishing or exploding
    gradients.

    Every `every_n_steps` training steps (and at the first), the gradient of
    the loss on a fixed probe batch `(x, y)` is computed at the current
    weights, and for each layer with trainable weights `W_1 ... W_k`

    ```
    norm(layer) = sqrt(sum_j ||dL/dW_j||_2^2)
    ```

    Norms are added to the batch logs and the epoch logs (so `History`
    records the last measurement of each epoch) as `grad_norm/<layer name>`,
    kept in `.norms` (layer name -> list, one entry per measurement, steps
    in `.steps`), and written as TensorBoard scalars `grad_norm/<layer name>`
    when `log_dir` is given. When a layer's norm stays below
    `vanishing_threshold` (or above `exploding_threshold`) for `patience`
    measurements in a row, a `GradientWarning` is issued, once per layer and
    kind; `.warnings` lists them.

    Vanishing gradients: backpropagation multiplies one Jacobian per layer,
    so with saturating activations (sigmoid: derivative <= 1/4) the first
    layers of a deep net get gradients smaller by orders of magnitude;
    exploding gradients are the opposite (notes 003, "Vanishing and Exploding
    Gradient Problems"; 004, "Vanishing and Exploding Gradient"). ReLU with He
    initialization, batch normalization and residual connections are the
    cures; gradient clipping for exploding ones.

    Backends: TensorFlow, JAX and PyTorch (gradients from `tf.GradientTape`,
    `jax.grad` or `torch.autograd` through `model.stateless_call`, outside
    the compiled train step, so `jit_compile` does not matter). The loss is
    the data loss of a single-output model, without regularization terms.

    Args:
        x: Probe inputs (a batch, array or tensor).
        y: Probe targets.
        every_n_steps: Integer > 0, measure every this many training steps.
            Defaults to `10`.
        vanishing_threshold: Float > 0. Defaults to `1e-6`.
        exploding_threshold: Float > vanishing_threshold. Defaults to `1e3`.
        patience: Integer > 0, measurements in a row before a warning.
            Defaults to `3`.
        log_dir: Directory for TensorBoard event files, or `None`. Defaults
            to `None`.
        loss: The loss to differentiate; defaults to the model's compiled
            loss (`model.loss`).
        training: Run the model in training mode (dropout active) for the
            probe. Defaults to `True`.

    Example:

    >>> import keras, numpy as np, kerasnotes
    >>> x = np.random.default_rng(0).normal(size=(64, 8)).astype("float32")
    >>> y = (x[:, :1] > 0).astype("float32")
    >>> model = keras.Sequential([keras.Input((8,)),
    ...                           keras.layers.Dense(16, activation="relu"),
    ...                           keras.layers.Dense(1, activation="sigmoid")])
    >>> model.compile(optimizer="adam", loss="binary_crossentropy")
    >>> monitor = kerasnotes.callbacks.GradientMonitor(x[:32], y[:32],
    ...                                                every_n_steps=2)
    >>> history = model.fit(x, y, batch_size=16, epochs=2, verbose=0,
    ...                     callbacks=[monitor])
    >>> len([k for k in history.history if k.startswith("grad_norm/")])
    2

    References:
        - [Glorot & Bengio, "Understanding the difficulty of training deep
          feedforward neural networks", AISTATS 2010](
          https://proceedings.mlr.press/v9/glorot10a.html)
        - [Pascanu, Mikolov & Bengio, "On the difficulty of training
          recurrent neural networks", ICML 2013](
          https://arxiv.org/abs/1211.5063)
    """

    def __init__(
        self,
        x,
        y,
        *,
        every_n_steps=10,
        vanishing_threshold=1e-6,
        exploding_threshold=1e3,
        patience=3,
        log_dir=None,
        loss=None,
        training=True,
    ):
        super().__init__()
        self.every_n_steps = check_positive_int("every_n_steps", every_n_steps)
        vanishing_threshold = check_positive("vanishing_threshold", vanishing_threshold)
        exploding_threshold = check_positive("exploding_threshold", exploding_threshold)
        if exploding_threshold <= vanishing_threshold:
            raise InputError(
                "Argument `exploding_threshold` must be > vanishing_threshold "
                f"({vanishing_threshold!r}). "
                f"Received: exploding_threshold={exploding_threshold!r}"
            )
        self.patience = check_positive_int("patience", patience)
        self.vanishing_threshold = float(vanishing_threshold)
        self.exploding_threshold = float(exploding_threshold)
        self.log_dir = check_path("log_dir", log_dir, allow_none=True)
        if x is None:
            raise InputTypeError(
                "Argument `x` must be the inputs of a batch to compute the "
                "gradients on. Received: x=None"
            )
        self.x = x
        self.y = y
        if not (loss is None or isinstance(loss, str) or callable(loss)):
            raise InputTypeError(
                "Argument `loss` must be None (the model's compiled loss), a "
                f"loss name or a callable. Received: loss={shown(loss)}"
            )
        self.loss = loss
        self.training = check_bool("training", training)
        self.norms = {}
        self.steps = []
        self.warnings = []
        self._step = 0
        self._runs = {}
        self._last = {}
        self._writer = None

    def _groups(self):
        """(layer name, indices into model.trainable_variables) per layer."""
        index = {id(v): i for i, v in enumerate(self.model.trainable_variables)}
        groups = []
        for layer in self.model.layers:
            owned = [index[id(v)] for v in layer.trainable_variables if id(v) in index]
            if owned:
                groups.append((layer.name, owned))
        return groups

    def measure(self):
        """The per-layer gradient norms at the current weights (a dict)."""
        from kerasnotes._internal.autodiff import model_loss_fn
        from kerasnotes._internal.autodiff import value_and_grad

        model = self.model
        loss = self.loss if self.loss is not None else model.loss
        if loss is None:
            raise InputError(
                "GradientMonitor needs a loss: compile the model with one or "
                "pass `loss=`."
            )
        fn = model_loss_fn(model, self.x, self.y, loss, training=self.training)
        _, (grads,) = value_and_grad(fn, [v.value for v in model.trainable_variables])
        squares = [
            float(np.sum(np.square(keras.ops.convert_to_numpy(g), dtype=np.float64)))
            for g in grads
        ]
        return {
            name: math.sqrt(sum(squares[i] for i in owned))
            for name, owned in self._groups()
        }

    def on_train_begin(self, logs=None):
        self.norms, self.steps, self.warnings = {}, [], []
        self._step, self._runs, self._last = 0, {}, {}

    def on_train_batch_end(self, batch, logs=None):
        step = self._step
        self._step += 1
        if step % self.every_n_steps:
            return
        norms = self.measure()
        self.steps.append(step)
        for name, norm in norms.items():
            self.norms.setdefault(name, []).append(norm)
            if logs is not None:
                logs[f"grad_norm/{name}"] = norm
            self._check(name, norm, step)
        self._last = norms
        if self.log_dir is not None:
            self._write(norms, step)

    def _check(self, name, norm, step):
        for kind, outside in (
            ("vanishing", norm < self.vanishing_threshold),
            ("exploding", not norm <= self.exploding_threshold),  # NaN too
        ):
            key = (name, kind)
            self._runs[key] = self._runs.get(key, 0) + 1 if outside else 0
            if self._runs[key] == self.patience and not any(
                w[0] == name and w[1] == kind for w in self.warnings
            ):
                bound = (
                    f"below {self.vanishing_threshold:g}"
                    if kind == "vanishing"
                    else f"above {self.exploding_threshold:g}"
                )
                self.warnings.append((name, kind, step))
                warnings.warn(
                    f"{kind.capitalize()} gradient in layer {name!r}: its "
                    f"gradient norm ({norm:.3g}) has been {bound} for "
                    f"{self.patience} measurements in a row (step {step}).",
                    GradientWarning,
                    stacklevel=2,
                )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for name, norm in self._last.items():
                logs[f"grad_norm/{name}"] = norm

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _write(self, norms, step):
        # TensorBoard's own event writer (the `tensorboard` package), so that
        # no TensorFlow is needed on the JAX and PyTorch backends.
        from tensorboard.compat.proto import event_pb2
        from tensorboard.compat.proto import summary_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        if self._writer is None:
            self._writer = EventFileWriter(self.log_dir)
        summary = summary_pb2.Summary(
            value=[
                summary_pb2.Summary.Value(tag=f"grad_norm/{name}", simple_value=norm)
                for name, norm in norms.items()
            ]
        )
        self._writer.add_event(event_pb2.Event(step=step, summary=summary))
        self._writer.flush()
