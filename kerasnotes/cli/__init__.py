"""The `kerasnotes` command (also `python -m kerasnotes`).

One module per command (`tune`, which also serves `demo`, `lr_find`,
`compare_optimizers`); each has `add_arguments(parser)` and `run(args)`.
The command line sits on the whole library and nothing in the library
imports it.

The console script is `_kerasnotes_cli.main` (outside this package, so it
runs before `kerasnotes/__init__.py` imports Keras): it sets TensorFlow's
log level first and parses the command line with `parse_args` before the
package is initialized, so `--help` imports neither Keras nor TensorFlow.
For that, this module and each command's `add_arguments` import nothing
heavy at import time.

Errors: the package's own input errors (`InputError`: a bad argument, an
unreadable table) are printed as one line and exit with status 2; any other
exception is a bug and keeps its traceback (exit status 1).
"""

import argparse
import logging
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
        "train one small model per optimizer (NAG, AdamW, AMSGrad, RAdam, "
        "Lookahead(RAdam)) and seed on the 8x8 digits from the same initial "
        "weights; print train and test loss and test accuracy, mean and "
        "spread over the seeds",
    ),
    "lr-find": (
        "lr_find",
        "learning-rate range test on a CSV file or the breast-cancer data: "
        "prints the suggested learning rate and saves the loss curve",
    ),
}


def _version():
    # From the installed metadata, not `kerasnotes.__version__`: the package
    # is not initialized yet when the console script builds the parser.
    from importlib import metadata

    try:
        return metadata.version("kerasnotes")
    except metadata.PackageNotFoundError:  # run from a source tree
        return "unknown"


def build_parser():
    import importlib

    parser = argparse.ArgumentParser(
        prog="kerasnotes",
        description="Verified Keras 3 components built from neural-network notes.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kerasnotes {_version()}"
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


# TensorFlow's C++ log level for the commands (unless the user set one):
# 3 keeps its import-time lines out ("failed call to cuInit: ... (303)" on a
# machine without a GPU reads like a real error); its errors that matter
# reach Python as exceptions. TF_CPP_MIN_LOG_LEVEL=0 shows everything.
TF_LOG_LEVEL = "3"


class _NoRetracingWarning(logging.Filter):
    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


def silence_retracing_warnings():
    """Drops TensorFlow's "N out of the last M calls to <function ...
    multi_step_on_iterator> triggered tf.function retracing" warnings, for
    commands that train one new model after another (a search).

    They are not retracing of one function: each trial builds a new model,
    whose train, test and predict functions Keras traces once each (twice
    where the last batch is smaller, as it is for most row counts), which is
    as few as a new model allows; but TensorFlow counts tracings by the
    Python code object, which all models' functions share, so a search looks
    to it like "a tf.function created repeatedly in a loop", its first
    suggested cause. Other TensorFlow warnings pass. Needs no TensorFlow
    import: a filter on the `tensorflow` logger, where TensorFlow logs.
    """
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _NoRetracingWarning) for f in logger.filters):
        logger.addFilter(_NoRetracingWarning())


def parse_args(argv=None):
    """The parsed command line (`--help` and usage errors exit here)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.parser = parser
    return args


def main(argv=None):
    # Effective only if TensorFlow is not imported yet (the console script
    # sets it before; `python -m kerasnotes` imports the package first).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", TF_LOG_LEVEL)
    return dispatch(parse_args(argv))


def dispatch(args):
    """Runs the parsed command: one line and status 2 for an `InputError`."""
    if args.command is None:
        args.parser.print_help()
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
