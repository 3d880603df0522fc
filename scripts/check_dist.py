"""Checks what `python -m build` wrote into dist/ (run by `make dist-check`).

python scripts/check_dist.py contents dist
    The sdist and the wheel carry every file of the package tracked by git
    (`git ls-files kerasnotes _kerasnotes_cli.py`: every module and every
    package-data file, .npz and .json included), the wheel nothing else
    outside its .dist-info, and both have pyproject.toml's version.

python scripts/check_dist.py smoke
    Run by the fresh environment's interpreter, from outside the source
    tree: kerasnotes comes from that environment (the wheel), not from the
    source tree or the editable install of .venv; every module of it
    imports, kerasnotes.tuning and kerasnotes.plot included; its package
    data loads; its version is the metadata's.
"""

import importlib
import pathlib
import subprocess
import sys
import tarfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _version():
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def _tracked():
    """The package's files as git tracks them (the source tree's files when
    this is not a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "kerasnotes", "_kerasnotes_cli.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        files = set(out.split())
    except (OSError, subprocess.CalledProcessError):
        files = {
            str(path.relative_to(ROOT))
            for path in (ROOT / "kerasnotes").rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        } | {"_kerasnotes_cli.py"}
    return {name for name in files if (ROOT / name).is_file()}


def contents(dist):
    dist = pathlib.Path(dist)
    version = _version()
    wheels = sorted(dist.glob("kerasnotes-*.whl"))
    sdists = sorted(dist.glob("kerasnotes-*.tar.gz"))
    problems = []
    if [w.name for w in wheels] != [f"kerasnotes-{version}-py3-none-any.whl"]:
        problems.append(f"expected one wheel of version {version}: {wheels}")
    if [s.name for s in sdists] != [f"kerasnotes-{version}.tar.gz"]:
        problems.append(f"expected one sdist of version {version}: {sdists}")
    if problems:
        return problems
    expected = _tracked()
    in_wheel = set(zipfile.ZipFile(wheels[0]).namelist())
    prefix = f"kerasnotes-{version}/"
    with tarfile.open(sdists[0]) as sdist:
        in_sdist = {
            name[len(prefix) :] for name in sdist.getnames() if name.startswith(prefix)
        }
    for name in sorted(expected - in_wheel):
        problems.append(f"the wheel lacks {name}")
    for name in sorted(expected - in_sdist):
        problems.append(f"the sdist lacks {name}")
    info = f"kerasnotes-{version}.dist-info/"
    for name in sorted(in_wheel - expected):
        if not name.startswith(info):
            problems.append(f"the wheel has {name}, not a tracked file of the package")
    if not problems:
        print(
            f"{wheels[0].name}: {len(in_wheel)} files; {sdists[0].name}: "
            f"{len(in_sdist)} files; the {len(expected)} tracked files of the "
            "package are in both"
        )
    return problems


def smoke():
    import pkgutil
    from importlib import metadata

    import kerasnotes

    problems = []
    prefix = pathlib.Path(sys.prefix).resolve()
    where = pathlib.Path(kerasnotes.__file__).resolve()
    if not where.is_relative_to(prefix):
        problems.append(f"kerasnotes imported from {where}, outside {sys.prefix}")
    if where.is_relative_to(ROOT / "kerasnotes"):
        problems.append(f"kerasnotes imported from the source tree: {where}")
    import _kerasnotes_cli

    cli = pathlib.Path(_kerasnotes_cli.__file__).resolve()
    if cli == ROOT / "_kerasnotes_cli.py" or not cli.is_relative_to(prefix):
        problems.append(f"_kerasnotes_cli imported from {cli}")
    if kerasnotes.__version__ != metadata.version("kerasnotes"):
        problems.append(f"__version__ {kerasnotes.__version__!r} is not the metadata's")
    modules = [
        info.name
        for info in pkgutil.walk_packages(kerasnotes.__path__, "kerasnotes.")
        if not info.name.endswith("__main__")
    ]
    for name in modules:
        importlib.import_module(name)
    # The package data: the log-partition table behind AdaptiveRobustLoss.
    import numpy as np

    from kerasnotes.losses import log_partition

    value = float(np.asarray(log_partition([2.0]))[0])
    if abs(value - 0.5 * np.log(2 * np.pi)) > 1e-5:  # log sqrt(2 pi) at alpha=2
        problems.append(f"log_partition(2) = {value}")
    print(
        f"kerasnotes {kerasnotes.__version__} from {where.parent}: "
        f"{len(modules)} modules import, its package data loads"
    )
    return problems


def main(argv):
    if argv[:1] == ["contents"] and len(argv) == 2:
        problems = contents(argv[1])
    elif argv == ["smoke"]:
        problems = smoke()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(f"dist-check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
