"""Value + gradient speed of RobustLoss against keras.losses.Huber.

On 1M residuals (a (1000, 1000) float32 batch), each loss's value and its
gradient with respect to `y_pred` are computed by one jit-compiled function
(`tf.function(jit_compile=True)` on TensorFlow, `jax.jit` on JAX; PyTorch
runs eagerly). The two are timed alternately in this one process (ours,
Huber, Huber, ours, ...; see bench/_timing.py) and the script prints the
median of the per-round ratios ours/Huber. Goal for RobustLoss with a fixed
alpha: ratio <= 2.0. The row with a tensor alpha (every special case
evaluated and selected elementwise, as AdaptiveRobustLoss needs) is shown for
information.

Run:  python bench/losses.py [--rounds 15] [--repeats 10]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import argparse
import time

import _timing  # bench/_timing.py: sys.path[0] is bench/
import keras
import numpy as np

from kerasnotes import losses


def value_and_grad_fn(loss):
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function(jit_compile=True)
        def step(y_true, y_pred):
            with tf.GradientTape() as tape:
                tape.watch(y_pred)
                value = loss(y_true, y_pred)
            return value, tape.gradient(value, y_pred)

        return step
    if backend == "jax":
        import jax

        return jax.jit(jax.value_and_grad(lambda t, p: loss(t, p), argnums=1))
    import torch

    def step(y_true, y_pred):
        y_pred = y_pred.detach().requires_grad_(True)
        value = loss(y_true, y_pred)
        (grad,) = torch.autograd.grad(value, [y_pred])
        return value, grad

    return step


class _TensorAlpha(keras.losses.Loss):
    """robust_loss with alpha as a tensor: the AdaptiveRobustLoss path."""

    def __init__(self, alpha):
        super().__init__(name="tensor_alpha")
        self.alpha_value = np.array(alpha, "float32")

    def call(self, y_true, y_pred):
        return keras.ops.mean(
            losses.robust_loss(y_pred - y_true, self.alpha_value, 1.0), axis=-1
        )


CANDIDATES = {
    "RobustLoss(alpha=1)": lambda: losses.RobustLoss(alpha=1.0),
    "RobustLoss(alpha=0)": lambda: losses.RobustLoss(alpha=0.0),
    "RobustLoss(alpha=0.5)": lambda: losses.RobustLoss(alpha=0.5),
    "RobustLoss(alpha=2)": lambda: losses.RobustLoss(alpha=2.0),
    "tensor alpha=0.5": lambda: _TensorAlpha(0.5),
    "kerasnotes Huber": lambda: losses.Huber(),
}


def timed(fn, y_true, y_pred, repeats):
    start = time.perf_counter()
    for _ in range(repeats):
        value, grad = fn(y_true, y_pred)
    keras.ops.convert_to_numpy(grad[:1, :1])
    return (time.perf_counter() - start) / repeats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    y_true = keras.ops.convert_to_tensor(
        rng.normal(size=(1000, 1000)).astype("float32")
    )
    y_pred = keras.ops.convert_to_tensor(
        (rng.normal(size=(1000, 1000)) * 3).astype("float32")
    )
    reference = value_and_grad_fn(keras.losses.Huber())
    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}, "
        f"1M residuals, {args.rounds} rounds x {args.repeats} calls"
    )
    print(f"{'loss':<24}{'ours ms':>10}{'Huber ms':>10}{'median ratio':>14}")
    for name, make in CANDIDATES.items():
        ours = value_and_grad_fn(make())
        for fn in (ours, reference):  # compile and warm up
            timed(fn, y_true, y_pred, 2)
        t_ours, t_ref, ratio = _timing.alternate(
            lambda _, ours=ours: timed(ours, y_true, y_pred, args.repeats),
            lambda _: timed(reference, y_true, y_pred, args.repeats),
            args.rounds,
        )
        print(
            f"{name:<24}{_timing.median_ms(t_ours):>10.2f}"
            f"{_timing.median_ms(t_ref):>10.2f}{ratio:>14.3f}"
        )


if __name__ == "__main__":
    main()
