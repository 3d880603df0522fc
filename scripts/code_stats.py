"""Size figures of the package: lines and the longest functions.

    python scripts/code_stats.py [PACKAGE_DIR]

Prints the package's physical lines, its lines of code (neither blank, nor
comment, nor docstring) and the five longest functions, counted both ways.
"""

import ast
import io
import pathlib
import sys
import tokenize


def _docstring_lines(tree):
    lines = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            body = node.body
            if body and isinstance(body[0], ast.Expr):
                value = body[0].value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def _code_lines(source, tree):
    """Line numbers holding code (tokens other than comments and docstrings)."""
    docstrings = _docstring_lines(tree)
    lines = set()
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in skip:
            continue
        for line in range(token.start[0], token.end[0] + 1):
            if line not in docstrings:
                lines.add(line)
    return lines


def main(package):
    physical = code = 0
    functions = []
    for path in sorted(pathlib.Path(package).rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        code_lines = _code_lines(source, tree)
        physical += len(source.splitlines())
        code += len(code_lines)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                span = range(node.lineno, node.end_lineno + 1)
                functions.append(
                    (
                        sum(1 for n in span if n in code_lines),
                        len(span),
                        f"{path}:{node.name}",
                    )
                )
    print(f"{package}: {physical} lines, {code} lines of code")
    print("longest functions (code lines / all lines):")
    for code_count, total, name in sorted(functions, reverse=True)[:5]:
        print(f"  {code_count:4d} / {total:4d}  {name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "kerasnotes")
