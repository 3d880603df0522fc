"""The documentation's pictures (docs/_build/figures.py and its mkdocs hook).

The slow test draws every picture and checks it against the pages: each
`![...](figures/NAME.png)` a page names is written and is a real picture,
and each picture written is named by a page. The fast ones check that each
component page shows a picture and the hook's redraw rule.
"""

import importlib.util
import os
import re
import struct
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
COMPONENT_PAGES = (
    "layers.md",
    "losses.md",
    "schedules.md",
    "callbacks.md",
    "data.md",
    "cli.md",
    "plot.md",
)
# A page's image link to a picture of docs/figures/ (from a page in docs/ or
# in a folder below it).
FIGURE_LINK = re.compile(r"!\[[^\]]+\]\((?:\.\./)*figures/([^)\s]+)\)")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _load(name):
    spec = importlib.util.spec_from_file_location(
        f"docs_build_{name}", BUILD / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _named_on(page):
    return FIGURE_LINK.findall(page.read_text(encoding="utf-8"))


def _named_by_pages():
    """{picture name: [pages naming it]} over every page of the site."""
    named = {}
    for page in sorted(DOCS.rglob("*.md")):
        if BUILD in page.parents:
            continue
        for name in _named_on(page):
            named.setdefault(name, []).append(str(page.relative_to(DOCS)))
    return named


def _png_size(path):
    """(width, height) from a PNG's header, or None if it is not a PNG."""
    head = path.read_bytes()[:24]
    if head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("page", COMPONENT_PAGES)
def test_each_component_page_shows_a_picture(page):
    assert _named_on(DOCS / page), f"docs/{page} shows no figures/*.png"


def test_each_caption_follows_its_picture():
    """Every picture has a one-line caption (an italic line) right below."""
    for page in COMPONENT_PAGES:
        lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if FIGURE_LINK.search(line):
                caption = lines[i + 2] if i + 2 < len(lines) else ""
                assert lines[i + 1] == "" and re.fullmatch(r"\*[^*].*\*", caption), (
                    f"docs/{page} line {i + 1}: no caption below {line}"
                )


@pytest.fixture
def hook(monkeypatch, tmp_path):
    """The hook, watching a folder of its own, drawing with a stand-in for
    figures.py that counts its calls."""
    module = _load("figures_hook")
    watched = tmp_path / "src"
    watched.mkdir()
    (watched / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "WATCHED", (watched,))
    calls = []

    class Figures:
        @staticmethod
        def main(out):
            calls.append(out)
            out.mkdir(parents=True, exist_ok=True)
            (out / "one.png").write_bytes(PNG_SIGNATURE)
            return [out / "one.png"]

    monkeypatch.setattr(module, "_figures", lambda: Figures)
    module.calls = calls
    module.source = watched / "a.py"
    return module


def test_hook_draws_once_until_a_source_changes(hook, tmp_path):
    out = tmp_path / "docs" / "figures"
    hook.on_pre_build({"docs_dir": str(tmp_path / "docs")})
    assert hook.calls == [out]
    stamp = (out / hook.STAMP).read_text()
    assert not hook.draw(out)  # nothing changed: nothing drawn nor written
    assert len(hook.calls) == 1 and (out / hook.STAMP).read_text() == stamp

    stat = hook.source.stat()
    os.utime(hook.source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert hook.draw(out)
    assert len(hook.calls) == 2


def test_hook_redraws_a_missing_picture_and_drops_stale_ones(hook, tmp_path):
    out = tmp_path / "figures"
    assert hook.draw(out)
    (out / "one.png").unlink()
    (out / "gone.png").write_bytes(PNG_SIGNATURE)  # drawn by an older figures.py
    assert hook.draw(out)
    assert sorted(p.name for p in out.glob("*.png")) == ["one.png"]


def test_hook_redraws_for_another_backend(hook, tmp_path, monkeypatch):
    out = tmp_path / "figures"
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert hook.draw(out)
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert hook.draw(out)
    assert not hook.draw(out)


@pytest.mark.slow
@pytest.mark.one_backend
def test_every_picture_the_pages_name_is_drawn(tmp_path):
    """Draws the pictures, or, where `make docs` has just built the site in
    the same run (`KERASNOTES_DOCS_SITE`, as in CI), checks the ones its
    build drew (the hook deletes pictures no longer drawn)."""
    from matplotlib.image import imread

    prebuilt = os.environ.get("KERASNOTES_DOCS_SITE")
    if prebuilt:
        folder = ROOT / prebuilt / "figures"
        written = sorted(folder.glob("*.png"))
    else:
        folder = tmp_path / "figures"
        written = _load("figures").main(folder)
        assert all(path.parent == folder for path in written)
    names = sorted(path.name for path in written)
    assert names, f"no pictures in {folder}"
    assert names == sorted(p.name for p in folder.iterdir() if p.suffix == ".png")
    assert len(set(names)) == len(names)
    named = _named_by_pages()
    missing = sorted(set(named) - set(names))
    assert not missing, (
        f"named by pages but not drawn: { {n: named[n] for n in missing} }"
    )
    unnamed = sorted(set(names) - set(named))
    assert not unnamed, f"drawn but named by no page: {unnamed}"
    for path in written:
        size = _png_size(path)
        assert size is not None, f"{path.name} is not a PNG"
        assert min(size) >= 300, f"{path.name} is {size[0]} x {size[1]} pixels"
        assert path.stat().st_size > 10_000, f"{path.name}: {path.stat().st_size} B"
        pixels = imread(path)[..., :3]
        # Drawn on, not a blank canvas: a good share of non-white pixels.
        drawn = np.mean(np.any(pixels < 0.9, axis=-1))
        assert drawn > 0.02, f"{path.name}: {drawn:.1%} of the pixels drawn on"
