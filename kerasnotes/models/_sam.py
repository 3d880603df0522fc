"""SAM: sharpness-aware minimization around any Keras model."""

import keras
from keras import ops

from kerasnotes._internal.errors import InputError
from kerasnotes._internal.validation import check_non_negative

# Added to the norm in the denominator of the perturbation, as in Foret et
# al.'s and davda54/sam's implementations.
EPSILON = 1e-12


def _check_model(model):
    if not isinstance(model, keras.Model):
        raise InputError(
            "Argument `model` must be a `keras.Model`. "
            f"Received: model={model!r} (of type {type(model).__name__})"
        )
    return model


def _check_adaptive(adaptive):
    if not isinstance(adaptive, bool):
        raise InputError(
            f"Argument `adaptive` must be a bool. Received: adaptive={adaptive!r}"
        )
    return adaptive


def perturbations(grads, weights, rho, adaptive):
    """The ascent step `e` for each weight (`None` where its gradient is).

    SAM: `e = rho * g / (||g|| + 1e-12)`; ASAM:
    `e = rho * w^2 * g / (||w * g|| + 1e-12)`; `||.||` is the global norm
    over every gradient given (computed in float32).

    Both are invariant to a positive factor on `g`: `c g / ||c g|| =
    g / ||g||` and `w^2 c g / ||w c g|| = w^2 g / ||w g||`. So gradients of
    a loss scaled for mixed precision (`optimizer.scale_loss`, a
    `LossScaleOptimizer`) give the same `e` as the unscaled ones, up to the
    `1e-12`, which is negligible either way; they need no unscaling here.
    """
    present = [(g, w) for g, w in zip(grads, weights) if g is not None]
    if not present:
        return [None] * len(grads)
    if adaptive:
        measured = [ops.multiply(w, g) for g, w in present]
    else:
        measured = [g for g, _ in present]
    squares = [ops.sum(ops.square(ops.cast(m, "float32"))) for m in measured]
    norm = ops.sqrt(ops.sum(ops.stack(squares)))
    factor = ops.divide(ops.cast(rho, "float32"), norm + EPSILON)
    steps = []
    for g, w in zip(grads, weights):
        if g is None:
            steps.append(None)
            continue
        direction = ops.multiply(ops.square(w), g) if adaptive else g
        steps.append(ops.multiply(ops.cast(factor, direction.dtype), direction))
    return steps


@keras.saving.register_keras_serializable(package="kerasnotes")
class SAM(keras.Model):
    """Sharpness-aware minimization (SAM, and ASAM with `adaptive=True`).

    Wraps a model and trains it to a minimum whose whole neighbourhood has a
    low loss: at every step it climbs, within a ball of radius `rho`, to
    the (first-order) worst point near the weights `w`, takes the gradient
    there, and applies that gradient at `w` with the compiled optimizer
    (Foret et al. 2021, Algorithm 1). A flat minimum generalizes better than
    a sharp one, so SAM is a regularizer: one more way to fight overfitting,
    next to the L1/L2 penalties, dropout and early stopping of the notes
    (000, "OVERFITTING AND UNDERFITTING", "Finding the Balance" and
    "REGULARIZATION"; 003, "Overfitting" and "Regularization: L1 and L2";
    004, "How Regularization Helps with Overfitting:", "Overfitting and
    Underfitting:" and "NN Regularization"). With `L` the training loss of
    the batch (the compiled loss plus the model's regularization losses,
    as `compute_loss` returns it), each `train_step` is:

    ```
    g  = grad L(w)                                # first pass, at w
    e  = rho * g / (||g|| + 1e-12)                # SAM
    e  = rho * w^2 * g / (||w * g|| + 1e-12)      # ASAM (adaptive=True)
    g' = grad L(w + e)                            # second pass, at w + e
    w  = optimizer.apply(g', w)                   # from w, not from w + e
    ```

    `||.||` is the global L2 norm over all trainable variables together;
    ASAM's products are elementwise (Kwon et al. 2021, with the
    normalization `T_w = |w|`; like the reference implementation
    davda54/sam, without the paper's extra `eta`). Any optimizer works,
    `keras.optimizers.*` and `kerasnotes.optimizers.*` (`Lookahead`
    included), and so do its options (clipping, weight decay, EMA,
    gradient accumulation): it only ever sees `g'`.

    What each step leaves behind. After the step the model holds the
    optimizer's update of `w` (the perturbation is undone by restoring the
    saved `w`, not by subtracting `e`, so no rounding is left). The logged
    loss and metrics are those of the first pass, at `w`, as in
    davda54/sam. The second pass runs the model in the same state as the
    first (same `BatchNormalization` statistics, same random seeds, so the
    same dropout mask): it evaluates the same batch loss at `w + e`, and
    its updates to non-trainable variables are discarded; the model keeps
    those of the first pass, so the moving statistics are updated once per
    step (davda54/sam's advice for batch norm). Hence with `rho=0` SAM
    trains exactly as the wrapped model would, dropout and batch norm
    included. Each step costs two forward and backward passes; on
    TensorFlow and PyTorch it also copies the weights and the non-trainable
    variables, which is cheap unless the model has large frozen layers.

    Backends. The step follows the keras.io guides "Customizing what happens
    in fit()": on TensorFlow a `tf.GradientTape` per pass, with `w + e`
    assigned to the variables and `w` restored (the step compiles with
    `jit_compile=True`); on JAX a stateless step, `jax.value_and_grad` of
    Keras's own `compute_loss_and_updates` at `w` and at `w + e` (jit
    compiled too); on PyTorch `zero_grad()` and `loss.backward()` per pass,
    the perturbation under `torch.no_grad()`. Mixed precision: the
    gradients come from `optimizer.scale_loss(loss)`, so the
    `LossScaleOptimizer` that `compile` adds under a `mixed_float16` policy
    unscales `g'` (and skips the step when it is not finite); `e` needs no
    unscaling, `g / ||g||` and `w^2 g / ||w g||` being scale-invariant.

    `tf.distribute` (e.g. `MirroredStrategy`). Keras divides each replica's
    loss by the number of replicas, so the per-replica gradients sum to the
    gradient of the global batch. In replica context the first gradients are
    all-reduced (`ReduceOp.SUM`) before `e` is computed, so `||g||` is the
    global norm and every replica perturbs its copy of the weights by the
    same `e`; the second gradients are handed to the optimizer per replica,
    since `optimizer.apply` all-reduces them itself. The result equals
    training on one device.

    Saving. `get_config` holds the wrapped model's serialized config, so a
    SAM model saves to a `.keras` file and loads with `safe_mode=True` and
    no `custom_objects` (import `kerasnotes` first), optimizer state
    included; training resumed from it continues exactly. To keep the
    wrapped model alone, save `sam.model`.

    Args:
        model: The `keras.Model` to train (any kind: Sequential, functional,
            subclassed). It is a tracked attribute, `sam.model`; SAM's
            weights are its weights, and `sam(x)` is `model(x)`.
        rho: Float >= 0, the radius of the neighbourhood (of the ball, for
            SAM; of the ellipsoid `|| e / |w| || <= rho`, for ASAM). `0`
            gives plain training. Foret et al. use 0.05 (up to 0.1-0.2 on
            noisy labels); Kwon et al. recommend a larger `rho` for ASAM
            (0.5 to 2 on CIFAR). Defaults to `0.05`.
        adaptive: Bool. `True` for ASAM, whose neighbourhood scales with
            each weight's magnitude, so a model and a reparametrization of
            it with rescaled weights are perturbed alike. Defaults to
            `False`.
        **kwargs: `keras.Model` keyword arguments (`name`).

    Example:

    >>> import keras, numpy as np
    >>> from kerasnotes.models import SAM
    >>> inner = keras.Sequential(
    ...     [keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
    ...      keras.layers.Dense(1)])
    >>> model = SAM(inner, rho=0.05)
    >>> model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    >>> x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    >>> history = model.fit(x, x.sum(axis=1), epochs=2, verbose=0)
    >>> model.predict(x[:3], verbose=0).shape
    (3, 1)

    References:
        - [Foret, Kleiner, Mobahi & Neyshabur, "Sharpness-Aware Minimization
          for Efficiently Improving Generalization", ICLR 2021](
          https://arxiv.org/abs/2010.01412)
        - [Kwon, Kim, Park & Choi, "ASAM: Adaptive Sharpness-Aware
          Minimization for Scale-Invariant Learning of Deep Neural Networks",
          ICML 2021](https://arxiv.org/abs/2102.11600)
        - [davda54/sam](https://github.com/davda54/sam), the PyTorch
          reference implementation.
    """

    def __init__(self, model, rho=0.05, adaptive=False, **kwargs):
        model = _check_model(model)
        rho = float(check_non_negative("rho", rho))
        adaptive = _check_adaptive(adaptive)
        super().__init__(**kwargs)
        self.model = model
        self.rho = rho
        self.adaptive = adaptive
        if model.built:
            self.built = True

    def build(self, input_shape=None):
        if not self.model.built and input_shape is not None:
            self.model.build(input_shape)
        self.built = True

    def call(self, inputs, training=None):
        return self.model(inputs, training=training)

    def get_config(self):
        return {
            "name": self.name,
            "model": keras.saving.serialize_keras_object(self.model),
            "rho": self.rho,
            "adaptive": self.adaptive,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["model"] = keras.saving.deserialize_keras_object(config["model"])
        return cls(**config)

    # -- training --------------------------------------------------------

    def train_step(self, *args):
        """One SAM step: `train_step(data)` on TensorFlow and PyTorch,
        `train_step(state, data)` (stateless) on JAX."""
        backend = keras.backend.backend()
        if backend == "tensorflow":
            return self._tensorflow_train_step(*args)
        if backend == "jax":
            return self._jax_train_step(*args)
        if backend == "torch":
            return self._torch_train_step(*args)
        raise NotImplementedError(f"SAM does not support the {backend!r} backend.")

    def _loss_metric(self):
        """The `loss` mean that `compile` creates (Keras's loss tracker)."""
        for metric in self.metrics:
            if metric.name == "loss":
                return metric
        return None

    def _track_loss(self, loss, x):
        """Updates the logged loss, weighted by the batch size as Keras does."""
        metric = self._loss_metric()
        if metric is not None:
            batch = ops.shape(next(i for i in keras.tree.flatten(x) if i is not None))
            metric.update_state(loss, sample_weight=batch[0])

    def _tensorflow_train_step(self, data):
        import tensorflow as tf

        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        weights = self.trainable_variables
        state = self.non_trainable_variables

        def gradients():
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(
                    x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
                )
                scaled = self.optimizer.scale_loss(loss)
            return loss, y_pred, tape.gradient(scaled, weights)

        state_before = [tf.identity(v.value) for v in state]
        loss, y_pred, grads = gradients()
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        # Keras divides each replica's loss by the number of replicas.
        self._track_loss(loss * tf.cast(replicas, loss.dtype), x)

        grads = [None if g is None else tf.convert_to_tensor(g) for g in grads]
        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            # The norm must be the global one: sum the per-replica gradients
            # (each already divided by the number of replicas) first.
            present = [i for i, g in enumerate(grads) if g is not None]
            reduced = context.all_reduce(
                tf.distribute.ReduceOp.SUM, [grads[i] for i in present]
            )
            for i, g in zip(present, reduced):
                grads[i] = g
        steps = perturbations(grads, weights, self.rho, self.adaptive)

        state_after = [tf.identity(v.value) for v in state]
        saved = [tf.identity(v.value) for v in weights]
        for v, e in zip(weights, steps):
            if e is not None:
                v.assign_add(e)
        for v, value in zip(state, state_before):
            v.assign(value)

        _, _, sharp_grads = gradients()

        for v, value in zip(weights, saved):
            v.assign(value)
        for v, value in zip(state, state_after):
            v.assign(value)
        # Per replica: `apply` all-reduces the gradients itself.
        self.optimizer.apply(sharp_grads, weights)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def _torch_train_step(self, data):
        import torch

        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        weights = self.trainable_variables
        state = self.non_trainable_variables

        def gradients():
            y_pred = self(x, training=True)
            self.zero_grad()
            loss = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
            self.optimizer.scale_loss(loss).backward()
            return loss, y_pred, [v.value.grad for v in weights]

        def snapshot(variables):
            return [v.value.detach().clone() for v in variables]

        state_before = snapshot(state)
        loss, y_pred, grads = gradients()
        self._track_loss(loss.detach(), x)

        with torch.no_grad():
            steps = perturbations(grads, weights, self.rho, self.adaptive)
            state_after = snapshot(state)
            saved = snapshot(weights)
            for v, e in zip(weights, steps):
                if e is not None:
                    v.assign_add(e)
            for v, value in zip(state, state_before):
                v.assign(value)

        _, _, sharp_grads = gradients()

        with torch.no_grad():
            for v, value in zip(weights, saved):
                v.assign(value)
            for v, value in zip(state, state_after):
                v.assign(value)
            self.optimizer.apply(sharp_grads, weights)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def _jax_train_step(self, state, data):
        import jax

        weights, non_trainable, optimizer_variables, metrics_variables = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        # Keras's JAX trainer's own loss: stateless forward pass, compiled
        # and regularization losses, `optimizer.scale_loss`.
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)

        def gradients(at):
            return grad_fn(
                at,
                non_trainable,
                metrics_variables,
                x,
                y,
                sample_weight,
                training=True,
                optimizer_variables=optimizer_variables,
            )

        (_, aux), grads = gradients(weights)
        loss, y_pred, new_non_trainable, new_metrics_variables = aux
        steps = perturbations(grads, weights, self.rho, self.adaptive)
        perturbed = [w + e for w, e in zip(weights, steps)]
        # Same non-trainable state and metrics as the first pass; what the
        # second pass does to them is dropped.
        _, sharp_grads = gradients(perturbed)

        weights, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, sharp_grads, weights
        )
        logs, new_metrics_variables = self._stateless_metrics(
            new_metrics_variables, loss, x, y, y_pred, sample_weight
        )
        state = (weights, new_non_trainable, optimizer_variables, new_metrics_variables)
        return logs, state

    def _stateless_metrics(self, metrics_variables, loss, x, y, y_pred, sample_weight):
        """Metrics update on explicit metric values (JAX): returns the logs
        and the new metric values."""
        mapping = list(zip(self.metrics_variables, metrics_variables))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            self._track_loss(loss, x)
            logs = self.compute_metrics(x, y, y_pred, sample_weight)
        new_values = []
        for variable, old in zip(self.metrics_variables, metrics_variables):
            new = scope.get_current_value(variable)
            new_values.append(old if new is None else new)
        return logs, new_values
