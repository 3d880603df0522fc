"""mkdocs hook: draws the documentation's pictures before each build.

`on_pre_build` runs `docs/_build/figures.py`'s `main` into
`<docs_dir>/figures/` (git-ignored), before mkdocs collects the pages'
files, so the PNGs the pages link are there and come from the code being
documented. `mkdocs serve` rebuilds on every change, and drawing takes tens
of seconds (two pictures train a model), so the pictures are redrawn only
when something they are made from changed: a stamp in the folder records
the modification times of every file under `kerasnotes/` and
`docs/_build/`, the Keras backend and the pictures written; the same stamp
and all those pictures present means nothing is drawn (nor written, so
`mkdocs serve` does not see a change and rebuild again).
"""

import hashlib
import importlib.util
import logging
import os
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WATCHED = (ROOT / "kerasnotes", HERE)
# A dot file: mkdocs leaves it out of the site.
STAMP = ".stamp"

log = logging.getLogger("mkdocs.hooks.figures")


def _figures():
    """`figures.py`, loaded afresh (a `mkdocs serve` session picks up its
    edits)."""
    spec = importlib.util.spec_from_file_location(
        "kerasnotes_docs_figures", HERE / "figures.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sources_digest():
    """A digest of what the pictures are drawn from: the path and
    modification time of every file under `WATCHED` (compiled caches
    left out) and the Keras backend."""
    entries = sorted(
        (str(path.relative_to(ROOT)), path.stat().st_mtime_ns)
        for folder in WATCHED
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    return hashlib.sha256(repr((backend, entries)).encode()).hexdigest()


def _up_to_date(out, digest):
    try:
        recorded, *names = (out / STAMP).read_text().splitlines()
    except (OSError, ValueError):
        return False
    return recorded == digest and all((out / name).is_file() for name in names)


def draw(out):
    """Draws the pictures into `out` unless its stamp says they are current;
    returns whether it drew."""
    out = Path(out)
    digest = sources_digest()
    if _up_to_date(out, digest):
        log.info("figures: %s is up to date (nothing changed)", out)
        return False
    (out / STAMP).unlink(missing_ok=True)
    with warnings.catch_warnings():
        # Keras's and TensorFlow's own deprecation warnings while the two
        # pictures train; mkdocs would log each with its traceback.
        warnings.simplefilter("ignore", DeprecationWarning)
        paths = _figures().main(out)
    kept = {path.name for path in paths}
    for stale in out.glob("*.png"):  # pictures no page is drawn for any more
        if stale.name not in kept:
            stale.unlink()
    (out / STAMP).write_text("\n".join([digest, *sorted(kept)]) + "\n")
    return True


def on_pre_build(config):
    os.environ.setdefault("MPLBACKEND", "Agg")  # no display while building
    draw(Path(config["docs_dir"]) / "figures")
