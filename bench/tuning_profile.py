"""Where search()'s fixed cost per trial goes: a cProfile table.

Runs `--trials` trials of one fixed configuration through
`kerasnotes.tuning.search` (the set-up of bench/tuning.py: 1600 rows, every
HyperMLP choice fixed) under cProfile, after a warm-up search, and prints,
per trial, the cumulative seconds spent in the calls a trial's fixed cost is
made of (writing checkpoints, collecting garbage, clearing the session,
building the model, the oracle) beside the training itself. Calls nest
(building is inside the trial, a checkpoint write may be inside `fit`), so
the rows do not add up to the total; "outside fit" is the total less `fit`.

Run it at two commits to compare them:

    python bench/tuning_profile.py [--trials 5] [--epochs 10] [--top 0]

`--top N` also prints cProfile's own N most expensive calls by cumulative
time.
"""

import argparse
import cProfile
import pstats

from tuning import data
from tuning import searched

# (row label, function name, file fragment) as cProfile names them.
ROWS = (
    ("search() total", "search", "kerasnotes/tuning/_search.py"),
    ("Model.fit", "fit", "trainer.py"),
    ("save_weights (checkpoints)", "save_weights", "models/model.py"),
    ("load_weights (reloads)", "load_weights", "models/model.py"),
    ("gc.collect", "<built-in method gc.collect>", "~"),
    ("clear_session", "clear_session", "keras"),
    ("build the model", "_build_hypermodel", "keras_tuner"),
    ("oracle: create_trial", "create_trial", "keras_tuner"),
    ("oracle: end_trial", "end_trial", "keras_tuner"),
    ("oracle/tuner saves (json)", "save", "keras_tuner/src/engine/stateful.py"),
)


def cumulative(stats, name, fragment):
    """Cumulative seconds of the calls named `name` in a file matching
    `fragment` (a top-level entry, so recursion is counted once)."""
    total = 0.0
    for (path, _, function), (_, _, _, cum, _) in stats.stats.items():
        if function == name and fragment in path:
            total += cum
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--tuner", default="random")
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args()
    x, y, x_val, y_val = data()
    searched(x, y, x_val, y_val, 1, 1, args.tuner)  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    searched(x, y, x_val, y_val, args.epochs, args.trials, args.tuner)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(
        f"{args.tuner} search, {args.trials} trials x {args.epochs} epochs; "
        "cumulative seconds per trial"
    )
    values = {label: cumulative(stats, *where) for label, *where in ROWS}
    for label, seconds in values.items():
        print(f"{label:<30}{seconds / args.trials:>9.3f}")
    outside = values["search() total"] - values["Model.fit"]
    print(f"{'outside fit':<30}{outside / args.trials:>9.3f}")
    if args.top:
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
