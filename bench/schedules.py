"""Train-step speed with each schedule against a constant learning rate.

For each schedule, two identical MLPs (batch 256) are compiled with
`jit_compile=True` and SGD with momentum: one with the schedule, one with a
constant learning rate. Their train steps are timed alternately in this one
process (schedule, constant, constant, schedule, ...; see bench/_timing.py),
and the script prints the median of the per-round ratios schedule/constant.
Goal: every ratio <= 1.02.

Run:  python bench/schedules.py [--rounds 15] [--steps 10]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import _timing  # bench/_timing.py: sys.path[0] is bench/
import keras

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
    optimizer = keras.optimizers.SGD(learning_rate, momentum=0.9)
    return _timing.compile_and_warm(model, optimizer, x, y)


def main():
    args, x, y = _timing.train_step_setup(
        __doc__,
        rounds=15,
        steps=10,
        features=512,
        note="SGD(momentum=0.9), jit_compile=True",
    )
    print(f"{'schedule':<30}{'sched ms':>10}{'const ms':>10}{'median ratio':>14}")
    for name, make in SCHEDULES.items():
        models = [compiled(make(), x, y), compiled(0.01, x, y)]
        sched_ms, const_ms, ratio = _timing.compare_steps(
            *models, x, y, args.rounds, args.steps
        )
        print(f"{name:<30}{sched_ms:>10.2f}{const_ms:>10.2f}{ratio:>14.3f}")


if __name__ == "__main__":
    main()
