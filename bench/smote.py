"""Per-epoch cost of SMOTEDataset against re-running imbalanced-learn's SMOTE.

Data: 100,000 rows x 30 float32 features, 1% minority (1,000 rows), so every
epoch adds 98,000 synthetic rows. Fresh synthetic samples each epoch can be
had two ways:

- reference: `imblearn.over_sampling.SMOTE(random_state=e).fit_resample(x, y)`
  at every epoch e (k-NN search, interpolation, stacking of all rows);
- ours: `SMOTEDataset.on_epoch_end()`, which draws the (base, neighbour, u)
  triples and the sample order from the neighbour graph built once at
  construction; the interpolation itself happens batch by batch in
  `__getitem__` (two row gathers and one formula per batch).

Two ratios, both measured alternately in this one process (ours, reference,
reference, ours, ...; see bench/_timing.py), medians over the rounds:

1. "resample": the epoch step / `fit_resample` + a permutation of its
   rows -- the per-epoch cost the goal is about (goal <= 0.1). Both sides
   include the epoch's shuffle, which the epoch step draws;
2. "full epoch": the epoch step + every `__getitem__` / `fit_resample` + a
   permutation + slicing every batch out of the resampled arrays -- what an
   epoch of batches costs end to end, interpolation included.

The one-time construction (k-NN graph) is printed too.

Run:  python bench/smote.py [--rounds 7] [--batch-size 256]
"""

import argparse
import time

import _timing  # bench/_timing.py: sys.path[0] is bench/
import numpy as np

from kerasnotes.data import SMOTEDataset


def make_data(n=100_000, d=30, minority=0.01, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    y = np.zeros(n, dtype="int32")
    y[rng.choice(n, int(n * minority), replace=False)] = 1
    x[y == 1] += 0.5
    return x, y


def next_epoch(ds):
    ds.on_epoch_end()


def ours_resample(ds):
    start = time.perf_counter()
    next_epoch(ds)
    return time.perf_counter() - start


def ours_full(ds):
    start = time.perf_counter()
    next_epoch(ds)
    for i in range(len(ds)):
        ds[i]
    return time.perf_counter() - start


def reference_resample(x, y, epoch):
    from imblearn.over_sampling import SMOTE

    start = time.perf_counter()
    x_res, _ = SMOTE(random_state=epoch).fit_resample(x, y)
    np.random.default_rng(epoch).permutation(len(x_res))
    return time.perf_counter() - start


def reference_full(x, y, epoch, batch_size):
    from imblearn.over_sampling import SMOTE

    start = time.perf_counter()
    x_res, y_res = SMOTE(random_state=epoch).fit_resample(x, y)
    order = np.random.default_rng(epoch).permutation(len(x_res))
    for i in range(0, len(order), batch_size):
        rows = order[i : i + batch_size]
        x_res[rows], y_res[rows]
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()

    import imblearn
    import sklearn

    x, y = make_data()
    start = time.perf_counter()
    ds = SMOTEDataset(x, y, batch_size=args.batch_size, seed=0)
    built = time.perf_counter() - start
    ds.on_epoch_end()  # the call `fit` makes before training: draws nothing
    print(
        f"{len(x)} rows x {x.shape[1]} features, {int(y.sum())} minority; "
        f"{sum(ds.n_synthetic_.values())} synthetic rows per epoch; batch "
        f"{args.batch_size}; imbalanced-learn {imblearn.__version__}, "
        f"scikit-learn {sklearn.__version__}; {args.rounds} rounds"
    )
    print(f"SMOTEDataset construction (k-NN graph, once): {built * 1e3:.1f} ms")
    reference_resample(x, y, 0)  # warm up both
    ours_full(ds)

    rows = []
    for name, ours, reference in (
        (
            "resample",
            lambda e: ours_resample(ds),
            lambda e: reference_resample(x, y, e),
        ),
        (
            "full epoch",
            lambda e: ours_full(ds),
            lambda e: reference_full(x, y, e, args.batch_size),
        ),
    ):
        t_ours, t_ref, ratio = _timing.alternate(ours, reference, args.rounds)
        rows.append((name, _timing.median_ms(t_ours), _timing.median_ms(t_ref), ratio))
    print(f"{'per epoch':<12}{'ours ms':>10}{'imblearn ms':>13}{'median ratio':>14}")
    for name, a, b, ratio in rows:
        print(f"{name:<12}{a:>10.1f}{b:>13.1f}{ratio:>14.3f}")
    print("goal: resample ratio <= 0.1")


if __name__ == "__main__":
    main()
