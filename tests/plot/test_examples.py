"""Every public function of kerasnotes.plot documents what it returns (its
`Example:` runs in tests/docs/test_doctests.py, with every other one)."""

import pytest

from kerasnotes import plot


@pytest.mark.parametrize("name", plot.__all__)
def test_docstring_has_example_and_returns(name):
    doc = getattr(plot, name).__doc__
    assert "Example:" in doc and "Returns:" in doc
