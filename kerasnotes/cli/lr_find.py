"""`kerasnotes lr-find`: the learning-rate range test on a CSV file or on
scikit-learn's breast-cancer data."""

import os
import warnings

from kerasnotes._internal.errors import InputError
from kerasnotes.cli import _out
from kerasnotes.cli import check_positive

OPTIMIZERS = {
    "sgd": lambda keras: keras.optimizers.SGD(0.01),
    "momentum": lambda keras: keras.optimizers.SGD(0.01, momentum=0.9),
    "adam": lambda keras: keras.optimizers.Adam(0.001),
}


def add_arguments(parser, name):
    parser.add_argument(
        "--csv", help="CSV file (default: scikit-learn's breast-cancer data)"
    )
    parser.add_argument("--target", help="target column of the CSV file")
    parser.add_argument(
        "--plot",
        default="lr_find.png",
        help="where to save the plot (lr_find.png; '' for none)",
    )
    parser.add_argument(
        "--optimizer",
        choices=list(OPTIMIZERS),
        default="sgd",
        help="optimizer swept (sgd)",
    )
    parser.add_argument("--batch-size", type=int, default=32, help="batch size (32)")
    parser.add_argument("--num-steps", type=int, default=100, help="sweep steps (100)")
    parser.add_argument(
        "--start-lr", type=float, default=1e-7, help="first rate (1e-7)"
    )
    parser.add_argument("--end-lr", type=float, default=10.0, help="last rate (10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")


def run(args):
    if (args.csv is None) != (args.target is None):
        raise InputError("--csv and --target go together")
    check_positive(args, "batch_size")
    if args.num_steps <= 1:
        raise InputError(f"--num-steps must be > 1, got {args.num_steps}")
    if not 0 < args.start_lr < args.end_lr:
        raise InputError(
            f"need 0 < --start-lr < --end-lr, got {args.start_lr} and {args.end_lr}"
        )
    run_lr_find(
        args.csv,
        args.target,
        plot=args.plot,
        optimizer=args.optimizer,
        batch_size=args.batch_size,
        num_steps=args.num_steps,
        start_learning_rate=args.start_lr,
        end_learning_rate=args.end_lr,
        seed=args.seed,
    )
    return 0


def check_plot_path(plot):
    """Checks, before the sweep, that the plot can be written to `plot`:
    matplotlib is installed, the suffix is a format it writes, and the folder
    exists and takes a new file (tried with a temporary one). Empty or None:
    no plot."""
    if not plot:
        return
    from kerasnotes.plot import _figure

    try:
        formats = _figure.savable_formats()
    except ImportError:
        raise InputError(
            "--plot needs matplotlib (pip install 'kerasnotes[plot]'); "
            "pass --plot '' for no plot"
        ) from None
    suffix = os.path.splitext(plot)[1].lstrip(".").lower()
    if suffix and suffix not in formats:
        raise InputError(
            f"--plot {plot}: matplotlib cannot write .{suffix} files; use one "
            f"of {', '.join('.' + f for f in sorted(formats))}"
        )
    if os.path.isdir(plot):
        raise InputError(f"--plot {plot} is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(plot))
    if not os.path.isdir(folder):
        raise InputError(f"--plot {plot}: folder {folder} does not exist")
    reason = _out.cannot_write_in(folder)
    if reason is not None:
        raise InputError(f"--plot {plot}: cannot write in {folder} ({reason})")
    if os.path.exists(plot) and not os.access(plot, os.W_OK):
        raise InputError(f"--plot {plot}: the file is not writable")


# What to change when the sweep gives no clear suggestion, by its kind.
NO_SUGGESTION_HINTS = {
    "too_few": "rerun with more --num-steps or a smaller --start-lr",
    "no_descent": "check the data, the target and the model",
    "still_falling_at_end": "rerun with a larger --end-lr",
    "falling_at_start": "rerun with a smaller --start-lr",
}


def _hint(finder, kind):
    if kind == "no_descent" and not finder.stopped_early:
        if finder.end_learning_rate < 1.0:  # it ended before rates that train
            return "rerun with a larger --end-lr"
    return NO_SUGGESTION_HINTS[kind]


def report_suggestion(finder, print_fn=print):
    """Prints the suggestion and how to use it, or one line saying why there
    is none. Returns the rate or None."""
    result = finder._suggest()
    if result.learning_rate is None:
        hint = _hint(finder, result.kind)
        print_fn(f"no clear learning-rate suggestion: {result.reason}; {hint}")
        return None
    print_fn(f"suggested learning rate: {result.learning_rate:.4g}")
    print_fn(
        "(the steepest descent of the loss while the rate grew: use it as the "
        "peak of a one-cycle schedule; a constant rate is safer about 3x lower)"
    )
    return result.learning_rate


def load_data(csv=None, target=None, seed=0):
    """Standardized features and encoded targets to sweep on.

    A CSV is read whole (rows with missing values dropped) and standardized;
    the built-in data is the training part of the split `kerasnotes tune`
    makes. Returns `(x, y, table)`.
    """
    from kerasnotes.data import _tabular

    table = _tabular.read_table(csv, target, dropna=csv is not None)
    x, y = table.x, table.y
    if csv is None:
        (x, y), _, _ = _tabular.split_table(table, seed)
    return _tabular.standardize(_tabular.fit_standardizer(x), x), y, table


def build_model(n_features, task, num_classes, optimizer, seed):
    """The small MLP, compiled with the swept optimizer."""
    import keras

    from kerasnotes.cli._models import small_mlp

    model, loss = small_mlp(n_features, task, num_classes, seed=seed)
    model.compile(optimizer=OPTIMIZERS[optimizer](keras), loss=loss)
    return model


def run_lr_find(
    csv=None,
    target=None,
    *,
    plot="lr_find.png",
    optimizer="sgd",
    batch_size=32,
    num_steps=100,
    start_learning_rate=1e-7,
    end_learning_rate=10.0,
    seed=0,
    print_fn=print,
):
    """Runs the range test and prints the suggestion; returns the finder."""
    import keras

    from kerasnotes.callbacks import LRFinderWarning
    from kerasnotes.callbacks import find_learning_rate

    check_plot_path(plot)
    x, y, table = load_data(csv, target, seed)
    source = (
        "scikit-learn breast cancer (training split)"
        if csv is None
        else f"{csv} (target {target!r})"
    )
    num_classes = len(table.classes) if table.task == "multiclass" else None
    model = build_model(x.shape[1], table.task, num_classes, optimizer, seed)
    print_fn(
        f"{source}: {len(x)} rows, {x.shape[1]} features, {table.task}; "
        f"optimizer {optimizer}, batch {batch_size}, Keras backend "
        f"{keras.backend.backend()}"
    )
    finder = find_learning_rate(
        model,
        x,
        y,
        start_learning_rate=start_learning_rate,
        end_learning_rate=end_learning_rate,
        num_steps=num_steps,
        batch_size=batch_size,
        shuffle=True,
    )
    stop = "diverged" if finder.stopped_early else "completed"
    print_fn(
        f"swept {len(finder.losses)} steps from {finder.learning_rates[0]:.3g} "
        f"to {finder.learning_rates[-1]:.3g} ({stop})"
    )
    report_suggestion(finder, print_fn)
    if plot:
        with warnings.catch_warnings():  # its reason is printed above
            warnings.simplefilter("ignore", LRFinderWarning)
            with _out.replacing(plot) as temp:
                finder.plot(path=temp)
        print_fn(f"plot saved to {plot}")
    return finder
