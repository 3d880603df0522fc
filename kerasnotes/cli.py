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


def _demo(parser):
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


COMMANDS = {
    "demo": (
        _demo,
        "train a small model on scikit-learn's breast-cancer data with this "
        "package's optimizers and print test metrics",
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
