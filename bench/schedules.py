"""Train-step speed with each schedule against a constant learning rate.

For each schedule, two identical MLPs (batch 256) are compiled with
`jit_compile=True` and SGD with momentum: one with the schedule, one with a
constant learning rate. Their train steps are timed alternately in this one
process (schedule, constant, constant, schedule, ...), and the script prints
the median of the per-round ratios schedule/constant. Goal: every ratio
<= 1.02.

Run:  python bench/schedules.py [--rounds 15] [--steps 10]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import argparse
import statistics
import time

import keras
import numpy as np

from kerasnotes import schedules

SCHEDULES = {
    "CosineAnnealing": lambda: schedules.CosineAnnealing(0.01, 1000, 1e-4),
    "CosineAnnealingWarmRestarts": lambda: schedules.CosineAnnealingWarmRestarts(
        0.01, 10, t_mul=2.0, m_mul=0.9, min_learning_rate=1e-4
    ),
    "WarmUp(CosineAnnealing)": lambda: schedules.WarmUp(
        schedules.CosineAnnealing(0.01, 1000), 50
    ),
    "CyclicalLearningRate": lambda: schedules.CyclicalLearningRate(
        1e-3, 1e-2, 20, mode="exp_range", gamma=0.999
    ),
    "OneCycle": lambda: schedules.OneCycle(0.01, 1000),
    "StepDecay": lambda: schedules.StepDecay(0.01, 30, 0.5),
}


def mlp(inputs=512, width=1024, outputs=10):
    """512 -> 1024 -> 1024 -> 10: about 1.58M parameters."""
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((inputs,)),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(width, activation="relu"),
            keras.layers.Dense(outputs),
        ]
    )


def compiled(learning_rate, x, y):
    model = mlp()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate, momentum=0.9),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=True,
    )
    for _ in range(3):  # compile and warm up
        model.train_on_batch(x, y)
    return model


def timed_steps(model, x, y, steps):
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    # Force completion of asynchronous work before stopping the clock.
    keras.ops.convert_to_numpy(model.trainable_variables[0])
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, 512)).astype("float32")
    y = rng.integers(0, 10, size=(args.batch,))
    print(
        f"backend {keras.backend.backend()}, keras {keras.__version__}, "
        f"batch {args.batch}, {args.rounds} rounds x {args.steps} steps, "
        "SGD(momentum=0.9), jit_compile=True"
    )
    print(f"{'schedule':<30}{'sched ms':>10}{'const ms':>10}{'median ratio':>14}")
    for name, make in SCHEDULES.items():
        models = [compiled(make(), x, y), compiled(0.01, x, y)]
        ratios, times = [], ([], [])
        for round_ in range(args.rounds):
            order = (0, 1) if round_ % 2 == 0 else (1, 0)
            elapsed = [0.0, 0.0]
            for i in order:
                elapsed[i] = timed_steps(models[i], x, y, args.steps)
            ratios.append(elapsed[0] / elapsed[1])
            times[0].append(elapsed[0] / args.steps * 1e3)
            times[1].append(elapsed[1] / args.steps * 1e3)
        print(
            f"{name:<30}{statistics.median(times[0]):>10.2f}"
            f"{statistics.median(times[1]):>10.2f}"
            f"{statistics.median(ratios):>14.3f}"
        )


if __name__ == "__main__":
    main()
