"""The `kerasnotes` command (also `python -m kerasnotes`).

One module per command (`tune`, which also serves `demo`, `lr_find`,
`compare_optimizers`); each has `add_arguments(parser)` and `run(args)`.
The command line sits on the whole library and nothing in the library
imports it.

Errors: the package's own input errors (`InputError`: a bad argument, an
unreadable table) are printed as one line and exit with status 2; any other
exception is a bug and keeps its traceback (exit status 1).
"""

import argparse
import os
import sys

from kerasnotes._internal.errors import InputError

# name -> (module under kerasnotes.cli, one-line summary)
COMMANDS = {
    "demo": (
        "tune",
        "`kerasnotes tune` on scikit-learn's breast-cancer data with a small "
        "budget (6 trials): the best model, its hyperparameters, report.md and "
        "pictures in --out",
    ),
    "tune": (
        "tune",
        "search a model for a CSV (or the built-in data) with KerasTuner over "
        "this package's components; writes the best model, its "
        "hyperparameters, report.md and pictures to --out",
    ),
    "compare-optimizers": (
        "compare_optimizers",
        "train one small model per optimizer (NAG, AdamW, AMSGrad) on the "
        "breast-cancer data and print test metrics",
    ),
    "lr-find": (
        "lr_find",
        "learning-rate range test on a CSV file or the breast-cancer data: "
        "prints the suggested learning rate and saves the loss curve",
    ),
}


def build_parser():
    import importlib

    from kerasnotes import __version__

    parser = argparse.ArgumentParser(
        prog="kerasnotes",
        description="Verified Keras 3 components built from neural-network notes.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kerasnotes {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, summary) in COMMANDS.items():
        command = importlib.import_module(f"kerasnotes.cli.{module}")
        subparser = sub.add_parser(name, help=summary, description=summary)
        command.add_arguments(subparser, name)
        subparser.set_defaults(run=command.run)
    return parser


def check_positive(args, *names):
    """Each `--name` of `names` must be > 0."""
    for name in names:
        value = getattr(args, name)
        if value <= 0:
            raise InputError(f"--{name.replace('_', '-')} must be > 0, got {value}")


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except InputError as error:
        first_line = str(error).strip().splitlines()[0]
        print(f"kerasnotes {args.command}: error: {first_line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kerasnotes {args.command}: interrupted", file=sys.stderr)
        return 130
