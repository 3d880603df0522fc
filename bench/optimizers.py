"""Train-step speed of each optimizer against its Keras reference.

For each pair, two identical ~4M-parameter MLPs (batch 256) are compiled with
`jit_compile=True`; their train steps are timed alternately in this one
process (ours, reference, reference, ours, ...; see bench/_timing.py), and the
script prints the median of the per-round ratios ours/reference.

Goals: NAG, AdamW and AMSGrad <= 1.05 against their Keras counterparts;
RAdam <= 1.10 against Keras's Adam (the rectification adds a few scalar
operations and an element-wise select per weight); Lookahead(Adam) <= 1.15
against the same Adam alone. Lookahead branches (`ops.cond`) on whether the
step synchronizes, so the pass over the slow and fast weights is done only
every `sync_period` steps on TensorFlow and JAX; each step also evaluates
the condition and a first-step branch that copies the slow weights once.

Run:  python bench/optimizers.py [--rounds 15] [--steps 10]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import _timing  # bench/_timing.py: sys.path[0] is bench/
import keras

from kerasnotes import optimizers

PAIRS = {
    "NAG": (
        lambda: optimizers.NAG(0.01, momentum=0.9),
        lambda: keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True),
    ),
    "AdamW": (
        lambda: optimizers.AdamW(1e-3, weight_decay=0.004),
        lambda: keras.optimizers.AdamW(1e-3, weight_decay=0.004),
    ),
    "AMSGrad": (
        lambda: optimizers.AMSGrad(1e-3),
        lambda: keras.optimizers.Adam(1e-3, amsgrad=True),
    ),
    "RAdam": (
        lambda: optimizers.RAdam(1e-3),
        lambda: keras.optimizers.Adam(1e-3),
    ),
    "Lookahead(Adam)": (
        lambda: optimizers.Lookahead(keras.optimizers.Adam(1e-3)),
        lambda: keras.optimizers.Adam(1e-3),
    ),
}


def main():
    args, x, y = _timing.train_step_setup(__doc__, rounds=15, steps=10, features=512)
    print(
        f"{'optimizer':<16}{'params':>10}{'ours ms':>10}{'ref ms':>10}"
        f"{'median ratio':>14}"
    )
    for name, (ours, reference) in PAIRS.items():
        models = [
            _timing.compile_and_warm(_timing.mlp(), make(), x, y)
            for make in (ours, reference)
        ]
        ours_ms, ref_ms, ratio = _timing.compare_steps(
            *models, x, y, args.rounds, args.steps
        )
        print(
            f"{name:<16}{models[0].count_params():>10}"
            f"{ours_ms:>10.2f}{ref_ms:>10.2f}{ratio:>14.3f}"
        )


if __name__ == "__main__":
    main()
