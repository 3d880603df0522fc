"""The output folder of `kerasnotes tune`: made and checked before any work,
locked for one run at a time, fingerprinted, checked before a resume, and
written file by file atomically.

- `claim(out)`: makes `out` (one-line errors for a file on the path, a folder
  that cannot be made or written) and locks it: `out/.kerasnotes.lock` holds
  the owner's PID under an OS lock (`flock`), so a second run into the same
  folder is refused while the first lives, and a lock left by a process that
  died is taken over (the OS drops its lock with the process). Released when
  the `with` block ends.
- `check_resume(out, project, fingerprint, overwrite)`: a search already in
  `out/project` must have been made from the same data and arguments (the
  fingerprint, in `out/fingerprint.json`) and its files must be readable;
  otherwise one line that names the file or what differs, and `--overwrite`.
- `replacing(path)`: a temporary name in the same folder to write to, renamed
  over `path` when the writer returns: a reader (or a run killed mid-write)
  sees the old file or the new one, never half of one.
"""

import contextlib
import glob
import hashlib
import json
import os
import tempfile

from kerasnotes._internal.errors import InputError

LOCK_NAME = ".kerasnotes.lock"
FINGERPRINT_NAME = "fingerprint.json"
# Temporary names: ".<stem>.tmp-<random><suffix>" (the suffix kept, since
# Keras and matplotlib choose the format by it).
_TEMP_MARK = ".tmp-"


@contextlib.contextmanager
def replacing(path):
    """Yields a temporary path beside `path`; renames it to `path` if the
    block succeeds, deletes it if the block raises (the old `path` stays)."""
    folder, name = os.path.split(os.path.abspath(path))
    stem, suffix = os.path.splitext(name)
    fd, temp = tempfile.mkstemp(
        prefix=f".{stem}{_TEMP_MARK}", suffix=suffix, dir=folder
    )
    os.close(fd)
    try:
        yield temp
        with open(temp, "rb+") as f:  # on disk before the name points at it
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


def _refuse_file_on_path(out):
    """A file where `out` or one of its parents should be a folder."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"--out {out!r} is a file, not a folder")
    parent = os.path.dirname(os.path.abspath(out))
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if parent and not os.path.isdir(parent):
        raise InputError(f"--out {out}: {parent} is a file, not a folder")


def cannot_write_in(folder, *, create=False):
    """Why `folder` takes no new file (made first when `create`), or None.

    Writes and deletes a temporary file, which is what the command will do;
    permission bits alone miss read-only mounts and full disks.
    """
    try:
        if create:
            os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".kerasnotes-check-"):
            pass
    except OSError as error:
        return error.strerror or type(error).__name__
    return None


def make_folder(out):
    """Makes `out` and checks it takes new files; one-line InputErrors."""
    _refuse_file_on_path(out)
    reason = cannot_write_in(out, create=True)
    if reason is not None:
        raise InputError(
            f"--out {out}: cannot create or write in the folder ({reason})"
        )


def _try_lock(fd):
    """An exclusive OS lock on `fd`, without waiting; False if held."""
    if os.name == "nt":  # pragma: no cover (the CI runs on Linux)
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError, or EACCES on some systems
        return False
    return True


def _read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0) or None
    except (OSError, ValueError):
        return None


class FolderLock:
    """`out/.kerasnotes.lock`: the owner's PID under an OS lock."""

    def __init__(self, out):
        self.out = out
        self.path = os.path.join(out, LOCK_NAME)
        self.fd = None
        self.took_over = None  # the PID of a dead owner whose lock was taken

    def acquire(self):
        while True:
            previous = _read_pid(self.path)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                os.close(fd)
                owner = _read_pid(self.path)
                raise InputError(
                    f"--out {self.out} is in use by another kerasnotes run "
                    f"(PID {owner if owner else 'unknown'}, lock file "
                    f"{self.path}); wait for it to end or choose another --out"
                )
            # The holder before us may have deleted the file as we opened it:
            # then our lock is on a name no one else sees; try again.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        os.fsync(fd)
        self.fd = fd
        if previous is not None and previous != os.getpid():
            self.took_over = previous
        return self

    def release(self):
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            os.remove(self.path)  # before the lock goes, so no one reads a
        os.close(self.fd)  # stale PID from a file we are done with
        self.fd = None


@contextlib.contextmanager
def claim(out, print_fn=print):
    """Makes and locks `out` for this run (see the module docstring), and
    removes temporary files a killed run left there."""
    make_folder(out)
    lock = FolderLock(out).acquire()
    try:
        if lock.took_over is not None:
            print_fn(
                f"took over the lock of {out} from PID {lock.took_over}, "
                "whose run has ended"
            )
        for leftover in glob.glob(os.path.join(out, f".*{_TEMP_MARK}*")):
            with contextlib.suppress(OSError):
                os.remove(leftover)
        yield lock
    finally:
        lock.release()


def file_digest(path):
    """SHA-256 of a file's bytes (hex), or None if it cannot be read (the
    data layer reports that)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def fingerprint(csv, arguments):
    """What defines a search: the data (the CSV's bytes, or the built-in
    data's name) and the arguments given as a dict of JSON values."""
    data = "builtin:breast_cancer" if csv is None else file_digest(csv)
    return {"data": data, "arguments": dict(arguments)}


def _differences(old, new):
    parts = []
    if old.get("data") != new["data"]:
        parts.append("the data differ")
    was = old.get("arguments", {})
    for name, value in new["arguments"].items():
        if name in was and was[name] != value:
            flag = "--" + name.replace("_", "-")
            parts.append(f"{flag} {value} (was {was[name]})")
        elif name not in was:
            parts.append(f"{name} not recorded")
    return parts


def _check_readable(out, project):
    """Every JSON and weights file of the search opens; else the file."""
    folder = os.path.join(out, project)
    hint = "rerun with --overwrite to start the search afresh"
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.json"), recursive=True)):
        try:
            with open(path) as f:
                json.load(f)
        except (OSError, ValueError) as error:
            reason = getattr(error, "msg", None) or type(error).__name__
            raise InputError(
                f"--out {out}: cannot resume, {path} is truncated or damaged "
                f"({reason}); {hint}"
            ) from None
    weights = glob.glob(os.path.join(folder, "trial_*", "*.h5"))
    if not weights:
        return
    import h5py

    for path in sorted(weights):
        try:
            h5py.File(path, "r").close()
        except OSError:
            raise InputError(
                f"--out {out}: cannot resume, {path} is truncated or damaged; {hint}"
            ) from None


def check_resume(out, project, print_fn, *, fingerprint, overwrite):
    """Before a search into `out/project`: a search already there must be
    one of the same fingerprint, with readable files; then records the
    fingerprint. With `overwrite` only records it. Data that cannot be read
    (no fingerprint) is left to the data layer, which says why."""
    if fingerprint["data"] is None:
        return
    path = os.path.join(out, FINGERPRINT_NAME)
    if not overwrite and os.path.isdir(os.path.join(out, project)):
        try:
            with open(path) as f:
                old = json.load(f)
        except FileNotFoundError:
            old = None
        except ValueError:
            old = {}
        if old is None:
            differs = f"no {FINGERPRINT_NAME} says what it was made from"
        else:
            differs = "; ".join(_differences(old, fingerprint))
        if differs:
            raise InputError(
                f"--out {out} holds a search on other data or arguments "
                f"({differs}); rerun with --overwrite to replace it, or choose "
                "another --out"
            )
        _check_readable(out, project)
        print_fn(f"resuming the search in {os.path.join(out, project)}")
    with replacing(path) as temp:
        with open(temp, "w") as f:
            json.dump(fingerprint, f, indent=2)
