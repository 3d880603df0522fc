"""The error type of the package's own input checks."""


class InputError(ValueError):
    """Input the caller must fix: a bad argument, an unreadable table, labels
    that cannot be used.

    Raised by every argument check in kerasnotes and by the data layer. It is
    a `ValueError`, so ``except ValueError`` still catches it; the `kerasnotes`
    command prints it as one line and exits with status 2, while any other
    exception keeps its traceback.
    """


class InputTypeError(InputError, TypeError):
    """An argument of the wrong type (a string where a number is due, a list
    where a name is due).

    Both an `InputError` (so a `ValueError`, and the command's one-line
    message) and a `TypeError`, Python's error for a wrong type, so either
    ``except`` catches it.
    """
