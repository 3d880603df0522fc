"""The `kerasnotes` console script (`[project.scripts]` in pyproject.toml).

It lives outside the `kerasnotes` package on purpose. Importing anything in
the package first runs `kerasnotes/__init__.py`, which imports Keras and so
its backend (TensorFlow by default: seconds, and its C++ log lines). From
here the command

- sets TensorFlow's C++ log level (`kerasnotes.cli.TF_LOG_LEVEL`) before
  that import, unless the user set `TF_CPP_MIN_LOG_LEVEL`;
- parses the command line before that import: the package's module is made
  without running its `__init__` (the parser needs only `kerasnotes.cli`
  and `kerasnotes._internal.errors`, which import nothing heavy), and
  `__init__` runs once the line is parsed, before the command. So
  `kerasnotes --help`, `kerasnotes COMMAND --help`, `--version` and usage
  errors never import Keras.

This is what `importlib.util.LazyLoader` does, done by hand: a lazy module
runs its code on the first attribute access, and importing a submodule
reads the package's `__path__`, which would run it at once.
"""

import importlib.util
import os
import sys

_TF_LOG_LEVEL = "3"  # kerasnotes.cli.TF_LOG_LEVEL (a test checks they agree)


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", _TF_LOG_LEVEL)
    if "kerasnotes" in sys.modules:  # initialized already: nothing to defer
        from kerasnotes import cli

        return cli.main(argv)
    spec = importlib.util.find_spec("kerasnotes")
    package = importlib.util.module_from_spec(spec)
    sys.modules["kerasnotes"] = package
    from kerasnotes import cli

    args = cli.parse_args(argv)
    if args.command is not None:
        spec.loader.exec_module(package)  # kerasnotes/__init__.py: Keras
    return cli.dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
