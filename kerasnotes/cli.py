"""The `kerasnotes` command (also `python -m kerasnotes`).

Subcommands are registered in `COMMANDS`: each is a function that adds its
arguments to a parser and returns the function that runs it. Errors the user
can fix are printed as one line and exit with status 2, never a traceback.
"""

import argparse
import os
import sys


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


def _compare_optimizers(parser):
    parser.add_argument(
        "--epochs", type=int, default=60, help="most epochs per model (60)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")

    def run(args):
        from kerasnotes._demo import run_demo

        if args.epochs <= 0:
            raise UsageError(f"--epochs must be > 0, got {args.epochs}")
        run_demo(epochs=args.epochs, seed=args.seed)
        return 0

    return run


def _add_tune_arguments(parser, *, demo=False):
    from kerasnotes._tuning_choices import OVERSAMPLING_METHODS
    from kerasnotes._tuning_choices import TUNERS

    if not demo:
        parser.add_argument(
            "--csv",
            help="CSV file (default: scikit-learn's bundled breast-cancer data)",
        )
        parser.add_argument("--target", help="target column of the CSV")
        parser.add_argument(
            "--task",
            choices=["auto", "binary", "multiclass", "regression"],
            default="auto",
        )
        parser.add_argument(
            "--dropna", action="store_true", help="drop rows with missing values"
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="start afresh instead of resuming in --out",
        )
    parser.add_argument("--tuner", choices=TUNERS, default="bayesian")
    parser.add_argument("--max-trials", type=int, default=6 if demo else 10)
    parser.add_argument(
        "--epochs", type=int, default=20 if demo else 30, help="most epochs per trial"
    )
    parser.add_argument(
        "--oversample",
        choices=OVERSAMPLING_METHODS,
        help="oversample the training part (classification)",
    )
    parser.add_argument(
        "--out",
        default="kerasnotes-demo" if demo else "kerasnotes-tune",
        help="output folder",
    )
    parser.add_argument("--seed", type=int, default=0)


def _tune_runner(demo):
    def run(args):
        from kerasnotes.tuning._command import DataError
        from kerasnotes.tuning._command import run_tune

        for name in ("max_trials", "epochs"):
            if getattr(args, name) <= 0:
                flag = "--" + name.replace("_", "-")
                raise UsageError(f"{flag} must be > 0, got {getattr(args, name)}")
        try:
            run_tune(
                None if demo else args.csv,
                None if demo else args.target,
                task="auto" if demo else args.task,
                tuner=args.tuner,
                max_trials=args.max_trials,
                epochs=args.epochs,
                oversample=args.oversample,
                out=args.out,
                seed=args.seed,
                dropna=False if demo else args.dropna,
                overwrite=True if demo else args.overwrite,
            )
        except DataError as error:
            raise UsageError(str(error)) from None
        except ValueError as error:
            raise UsageError(str(error).splitlines()[0]) from None
        return 0

    return run


def _lr_find(parser):
    parser.add_argument(
        "--csv", help="CSV file (default: scikit-learn's breast-cancer data)"
    )
    parser.add_argument("--target", help="target column of the CSV file")
    parser.add_argument(
        "--plot", default="lr_find.png", help="where to save the plot (lr_find.png)"
    )
    parser.add_argument(
        "--optimizer",
        choices=["sgd", "momentum", "adam"],
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
        from kerasnotes._lr_find_cli import DataError
        from kerasnotes._lr_find_cli import run_lr_find

        if (args.csv is None) != (args.target is None):
            raise UsageError("--csv and --target go together")
        if args.batch_size <= 0:
            raise UsageError(f"--batch-size must be > 0, got {args.batch_size}")
        if args.num_steps <= 1:
            raise UsageError(f"--num-steps must be > 1, got {args.num_steps}")
        if not 0 < args.start_lr < args.end_lr:
            raise UsageError(
                f"need 0 < --start-lr < --end-lr, got {args.start_lr} and {args.end_lr}"
            )
        try:
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
        except DataError as error:
            raise UsageError(str(error)) from error
        return 0

    return run


def _tune(parser):
    _add_tune_arguments(parser)
    return _tune_runner(demo=False)


def _demo_search(parser):
    _add_tune_arguments(parser, demo=True)
    return _tune_runner(demo=True)


COMMANDS = {
    "demo": (
        _demo_search,
        "`kerasnotes tune` on scikit-learn's breast-cancer data with a small "
        "budget (6 trials): the best model, its hyperparameters, report.md and "
        "pictures in --out",
    ),
    "tune": (
        _tune,
        "search a model for a CSV (or the built-in data) with KerasTuner over "
        "this package's components; writes the best model, its "
        "hyperparameters, report.md and pictures to --out",
    ),
    "compare-optimizers": (
        _compare_optimizers,
        "train one small model per optimizer (NAG, AdamW, AMSGrad) on the "
        "breast-cancer data and print test metrics",
    ),
    "lr-find": (
        _lr_find,
        "learning-rate range test on a CSV file or the breast-cancer data: "
        "prints the suggested learning rate and saves the loss curve",
    ),
}


def build_parser():
    from kerasnotes import __version__

    parser = argparse.ArgumentParser(
        prog="kerasnotes",
        description="Verified Keras 3 components built from neural-network notes.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kerasnotes {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (add_arguments, summary) in COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=summary)
        command.set_defaults(run=add_arguments(command))
    return parser


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except UsageError as error:
        print(f"kerasnotes {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kerasnotes {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
