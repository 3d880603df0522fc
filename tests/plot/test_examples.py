"""The `Example:` of every public function of kerasnotes.plot runs as written
(as a doctest, in a temporary folder since the examples save files)."""

import doctest

import pytest

from kerasnotes import plot

pytest.importorskip("matplotlib", reason="plots need matplotlib")


@pytest.mark.parametrize("name", plot.__all__)
def test_docstring_example_runs(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    function = getattr(plot, name)
    (test,) = doctest.DocTestFinder(recurse=False).find(function, name, globs={})
    assert test.examples, f"{name} has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=lambda text: print(text, end=""))
    assert result.failed == 0 and result.attempted == len(test.examples)
    assert "Example:" in function.__doc__ and "Returns:" in function.__doc__
