"""Screenshots of the built documentation site, in headless Chromium.

    make docs
    python scripts/screenshot_site.py [--site site] [--out /tmp/kerasnotes-shots]

Serves the built site (`make docs` writes it to site/) on a free localhost
port and takes a 1280x1600 screenshot of the home page, one API page
(kerasnotes.optimizers), the notes map and one guide (the last two when the
site has them) with Debian's `chromium` (`apt-get install chromium`), so that
a person can look at the pages as a browser draws them: the theme, the
formulas, the pictures, the tables. Prints the path of each PNG. Chromium
runs offline (no network, a fresh profile each time), as the site must work
offline.
"""

import argparse
import functools
import http.server
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading

PAGES = {
    "home": "",
    "api-optimizers": "api/optimizers/",
    "notes-map": "notes/",
    "guide": None,  # the first guide in guides/, if any
}

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("no chromium on PATH: apt-get install -y chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _pages(site):
    pages = {}
    for name, path in PAGES.items():
        if path is None:
            guides = sorted(p.parent for p in site.glob("guides/*/index.html"))
            if not guides:
                continue
            path = guides[0].relative_to(site).as_posix() + "/"
        if (site / path / "index.html").is_file():
            pages[name] = path
        else:
            print(f"{name}: {path or '/'} is not in the site, skipped")
    return pages


def screenshot(chromium, url, png, width=1280, height=1600, timeout=120):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={width},{height}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    return png


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", default="site", help="the built site (make docs)")
    parser.add_argument(
        "--out", default="/tmp/kerasnotes-shots", help="folder for the PNGs"
    )
    args = parser.parse_args(argv)
    site = pathlib.Path(args.site).resolve()
    if not (site / "index.html").is_file():
        sys.exit(f"no built site in {site}: run `make docs` first")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = _chromium()
    server = _serve(site)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        for name, path in _pages(site).items():
            png = screenshot(chromium, base + path, out / f"{name}.png")
            print(f"{name}: {base + path} -> {png}")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
