"""Generates `log_z.npz`, the table of log Z(alpha) used by AdaptiveRobustLoss.

Z(alpha) is the normalizer of Barron's distribution (CVPR 2019, eq. 16-17):

```
p(x | alpha, c) = exp(-rho(x, alpha, c)) / (c * Z(alpha))
Z(alpha) = integral over the real line of exp(-rho(x, alpha, 1)) dx
```

finite for alpha >= 0. This script integrates it with
`scipy.integrate.quad` at a grid of alpha in [0, 4] and stores the knots and
log Z in `kerasnotes/losses/log_z.npz` (float64). The grid is uniform with
step 0.005 farther than 0.1 from alpha = 2 and geometric (ratio 1.08,
down to 1e-7) nearer 2, where log Z has a
`|alpha - 2| * log|alpha - 2|` kink that linear interpolation needs dense
knots to follow.

Source: Barron, "A General and Adaptive Robust Loss Function", CVPR 2019
(https://arxiv.org/abs/1701.03077), eq. 1 for rho and eq. 16-17 for the
partition function, integrated here by SciPy quadrature. The table is read by
`kerasnotes/losses/_adaptive.py` (`log_partition`).

Run from anywhere (needs SciPy; takes a few seconds); the output path is
taken relative to this script:

    python scripts/generate_log_z.py

`tests/losses/test_log_z.py` checks the stored table against direct
integration at many alpha values to 1e-4, and that its knots are the ones
this script makes.
"""

import pathlib

import numpy as np

ALPHA_MAX = 4.0
STEP = 0.005
NEAR_TWO_MIN = 1e-7
NEAR_TWO_RATIO = 1.08
NEAR_TWO_MAX = 0.1
ROOT = pathlib.Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "kerasnotes" / "losses" / "log_z.npz"


def rho(x, alpha):
    """Barron's rho(x, alpha, 1) in float64, alpha >= 0 (eq. 1 and limits)."""
    z = np.square(np.asarray(x, dtype=np.float64))
    if alpha == 0.0:
        return np.log1p(0.5 * z)
    if alpha == 2.0:
        return 0.5 * z
    b = abs(alpha - 2.0)
    return b / alpha * np.expm1(0.5 * alpha * np.log1p(z / b))


def log_z(alpha):
    """log Z(alpha) by adaptive quadrature over [0, inf), doubled."""
    from scipy import integrate

    value, _ = integrate.quad(
        lambda x: np.exp(-rho(x, alpha)),
        0.0,
        np.inf,
        epsabs=0.0,
        epsrel=1e-12,
        limit=500,
    )
    return float(np.log(2.0 * value))


def knots():
    """Alpha grid in [0, ALPHA_MAX]: uniform, plus geometric around 2."""
    uniform = np.round(np.arange(0.0, ALPHA_MAX + STEP / 2, STEP), 10)
    offsets = [NEAR_TWO_MIN]
    while offsets[-1] * NEAR_TWO_RATIO < NEAR_TWO_MAX:
        offsets.append(offsets[-1] * NEAR_TWO_RATIO)
    offsets = np.asarray(offsets)
    uniform = uniform[np.abs(uniform - 2.0) >= NEAR_TWO_MAX]
    grid = np.concatenate([uniform, [2.0], 2.0 - offsets, 2.0 + offsets])
    return np.unique(grid)


def main():
    alphas = knots()
    values = np.array([log_z(a) for a in alphas])
    np.savez(OUTPUT, alpha=alphas, log_z=values)
    print(f"wrote {OUTPUT} ({len(alphas)} knots)")


if __name__ == "__main__":
    main()
