"""Train-step time of SAM and ASAM against plain training of the same MLP.

Two identical ~4M-parameter MLPs (batch 256), one wrapped in
`kerasnotes.models.SAM`, are compiled with `jit_compile=True` and the same
optimizer (Adam); their train steps are timed alternately in this one process
(SAM, plain, plain, SAM, ...; see bench/_timing.py), and the script prints the
median of the per-round ratios SAM / plain.

Goal: <= 2.1 for SAM and ASAM. A SAM step is two forward and backward passes
(the gradient at w, then at w + e) plus one optimizer update, so 2 is the
floor; the rest is the global norm, the perturbation, and (on TensorFlow and
PyTorch) copying the weights to restore them.

Run:  python bench/sam.py [--rounds 15] [--steps 10]
Backend: KERAS_BACKEND (tensorflow by default).
"""

import _timing  # bench/_timing.py: sys.path[0] is bench/
import keras

from kerasnotes.models import SAM

CASES = {
    "SAM": dict(rho=0.05, adaptive=False),
    "ASAM": dict(rho=0.5, adaptive=True),
}


def main():
    args, x, y = _timing.train_step_setup(__doc__, rounds=15, steps=10, features=512)
    print(
        f"{'model':<8}{'params':>10}{'SAM ms':>10}{'plain ms':>10}{'median ratio':>14}"
    )
    for name, kwargs in CASES.items():
        sam = _timing.compile_and_warm(
            SAM(_timing.mlp(), **kwargs), keras.optimizers.Adam(1e-3), x, y
        )
        plain = _timing.compile_and_warm(
            _timing.mlp(), keras.optimizers.Adam(1e-3), x, y
        )
        sam_ms, plain_ms, ratio = _timing.compare_steps(
            sam, plain, x, y, args.rounds, args.steps
        )
        print(
            f"{name:<8}{sam.count_params():>10}"
            f"{sam_ms:>10.2f}{plain_ms:>10.2f}{ratio:>14.3f}"
        )


if __name__ == "__main__":
    main()
