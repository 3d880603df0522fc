"""docs/_build/keras_docstrings.py: the Keras-style `Example:` sections become
examples griffe reads (the API reference shows them as code)."""

import importlib.util
import pathlib

import griffe

PATH = pathlib.Path(__file__).resolve().parents[2] / "docs/_build/keras_docstrings.py"


def _module():
    spec = importlib.util.spec_from_file_location("keras_docstrings", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


KERAS_STYLE = """Summary.

Args:
    x: A number.

Example:

>>> f(1.0)
[0.0, 1.0]
>>> g(
...     2)

Between two blocks.

>>> h()

References:
    - [A paper](https://example.org)

Notes passage: 000, "Section"."""

GOOGLE_STYLE = """Summary.

Args:
    x: A number.

Examples:
    >>> f(1.0)
    [0.0, 1.0]
    >>> g(
    ...     2)

    Between two blocks.

    >>> h()

References:
    - [A paper](https://example.org)

Notes passage: 000, "Section"."""


def test_keras_style_example_becomes_an_indented_examples_section():
    assert _module().rewrite_examples(KERAS_STYLE) == GOOGLE_STYLE


def test_prose_after_the_last_block_stays_outside_the_section():
    text = "Summary.\n\nExample:\n\n>>> f()\n1\n\nNotes passage: 000."
    expected = "Summary.\n\nExamples:\n    >>> f()\n    1\n\nNotes passage: 000."
    assert _module().rewrite_examples(text) == expected


def test_an_indented_section_and_a_section_without_code_are_left_alone():
    rewrite = _module().rewrite_examples
    assert rewrite(GOOGLE_STYLE) == GOOGLE_STYLE
    prose = "Summary.\n\nExample:\n\nSee the guide."
    assert rewrite(prose) == prose


def test_griffe_parses_the_rewritten_section_as_examples():
    docstring = griffe.Docstring(_module().rewrite_examples(KERAS_STYLE))
    sections = docstring.parse("google", warnings=False)
    kinds = [section.kind.value for section in sections]
    # References is an admonition to griffe (Material draws it as a box).
    assert kinds == ["text", "parameters", "examples", "admonition", "text"]
    (examples,) = [s for s in sections if s.kind.value == "examples"]
    code = [value for kind, value in examples.value if kind.value == "examples"]
    assert code[0] == ">>> f(1.0)\n[0.0, 1.0]\n>>> g(\n...     2)"
    assert code[-1] == ">>> h()"
    # Without the rewrite, griffe finds no examples section at all.
    plain = griffe.Docstring(KERAS_STYLE).parse("google", warnings=False)
    assert "examples" not in [section.kind.value for section in plain]
