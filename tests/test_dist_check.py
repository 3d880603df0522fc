"""scripts/check_dist.py, which `make dist-check` runs on dist/: a module or a
package-data file left out of the wheel or the sdist is reported (checked on
archives written here from the source tree; `make dist-check` builds the real
ones)."""

import importlib.util
import pathlib
import tarfile
import zipfile

import pytest

ROOT = pathlib.Path(__file__).parents[1]


@pytest.fixture(scope="module")
def check_dist():
    path = ROOT / "scripts" / "check_dist.py"
    spec = importlib.util.spec_from_file_location("check_dist", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(dist, check_dist, leave_out=(), extra=()):
    version = check_dist._version()
    files = sorted(check_dist._tracked())
    wheel = dist / f"kerasnotes-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in files:
            if name not in leave_out:
                archive.write(ROOT / name, name)
        for name in extra:
            archive.writestr(name, "")
        archive.writestr(f"kerasnotes-{version}.dist-info/METADATA", "")
    with tarfile.open(dist / f"kerasnotes-{version}.tar.gz", "w:gz") as archive:
        for name in files:
            archive.add(ROOT / name, f"kerasnotes-{version}/{name}")


def test_tracked_files_include_modules_and_package_data(check_dist):
    tracked = check_dist._tracked()
    assert "kerasnotes/__init__.py" in tracked
    assert "kerasnotes/losses/log_z.npz" in tracked
    assert "_kerasnotes_cli.py" in tracked


def test_complete_archives_pass(tmp_path, check_dist):
    _write(tmp_path, check_dist)
    assert check_dist.contents(tmp_path) == []


def test_a_missing_module_or_data_file_fails(tmp_path, check_dist):
    left_out = ("kerasnotes/losses/log_z.npz", "kerasnotes/cli/tune.py")
    _write(tmp_path, check_dist, leave_out=left_out, extra=["tests/__init__.py"])
    assert check_dist.contents(tmp_path) == [
        "the wheel lacks kerasnotes/cli/tune.py",
        "the wheel lacks kerasnotes/losses/log_z.npz",
        "the wheel has tests/__init__.py, not a tracked file of the package",
    ]


def test_a_wheel_of_another_version_fails(tmp_path, check_dist):
    _write(tmp_path, check_dist)
    version = check_dist._version()
    wheel = tmp_path / f"kerasnotes-{version}-py3-none-any.whl"
    wheel.rename(tmp_path / "kerasnotes-0.0.1-py3-none-any.whl")
    (problem,) = check_dist.contents(tmp_path)
    assert problem.startswith(f"expected one wheel of version {version}")
