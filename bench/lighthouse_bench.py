"""Issue 15 figures: Lighthouse 12 and axe on the page families readers use most.

    .venv/bin/python bench/lighthouse_bench.py --site public [--site bench/out/national-site]
        [--runs 5] [--axe]

Each --site is a built site (`antq build`; for the national figures, a build of
`antq synth --scale national` with `provinces = "national"`, as bench/build_bench.py makes
it). The site is served on 127.0.0.1 as Netlify would serve it: the published headers (CSP
included, `generator.headers`) and gzip, not through `antq serve` (live reload, no-store).

Lighthouse 12.2.3 (npm; 13 needs Node >= 22) is installed on first use with `npm i -E` into
~/.cache/antq-bench/ (outside the repository) and runs Debian Chromium (CHROME_PATH, default
/usr/bin/chromium) with its default mobile emulation (Moto G Power, slow 4G, 4x CPU
slowdown). For each page family — home, xã, province, province map, national map, model list,
search — the largest instance is measured: the province with the most xã, its first xã. Prints
the median of --runs performance scores, the lowest accessibility, best-practices and SEO
scores over the runs, and the page's DOM element count (Lighthouse's dom-size audit). Goals:
performance >= 90 on map pages and >= 95 on the others, 100 for the other three categories.

--axe also runs axe-core (axe-playwright-python; WCAG 2.1 A/AA and best practices) on each
page at 360 px and prints its violation count (goal 0).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.headers import for_path  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
CACHE = Path.home() / ".cache" / "antq-bench" / "lighthouse-12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MAP_FAMILIES = ("province map", "national map")
COMPRESSED = (".html", ".js", ".css", ".json", ".geojson", ".svg", ".webmanifest", ".xml")
TYPES = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".geojson": "application/geo+json",
}


class _Handler(SimpleHTTPRequestHandler):
    """The published headers and gzip for text, as the host serves the site."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        if self.path.split("?", 1)[0].endswith("/") is False and path.name == "index.html":
            return super().send_head()  # the redirect to the folder's URL
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def end_headers(self) -> None:
        for name, value in for_path(self.path.split("?", 1)[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def lighthouse_bin() -> Path:
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "i", "-E", "--no-audit", "--no-fund", "--prefix", str(CACHE), LIGHTHOUSE],
            check=True,
        )
    return binary


def families(site: Path) -> dict[str, str]:
    """Family → URL path of its largest instance in the built `site`."""
    provinces = [p for p in (site / "tinh").iterdir() if (p / "index.html").is_file()]
    biggest = max(provinces, key=lambda p: (sum(1 for q in p.iterdir() if q.is_dir()), p.name))
    first_xa = sorted(q.name for q in biggest.iterdir() if (q / "index.html").is_file())[0]
    return {
        "home": "/",
        "xã": f"/tinh/{biggest.name}/{first_xa}/",
        "province": f"/tinh/{biggest.name}/",
        "province map": f"/ban-do/{biggest.name}/",
        "national map": "/ban-do/",
        "model list": "/mo-hinh/",
        "search": "/tim-kiem/?q=an+ninh",
    }


def run_lighthouse(binary: Path, url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="antq-lh-") as tmp:
        report = Path(tmp) / "report.json"
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run(
            [
                str(binary),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu"
                " --disable-background-networking --disable-component-update --no-first-run",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        data: dict[str, Any] = json.loads(report.read_text("utf-8"))
        return data


def axe_counts(base: str, paths: dict[str, str]) -> dict[str, int]:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        }
    }
    out = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        for family, path in paths.items():
            page.goto(base + path, wait_until="networkidle")
            out[family] = Axe().run(page, options=options).violations_count
        browser.close()
    return out


def measure(site: Path, runs: int, with_axe: bool) -> list[dict[str, Any]]:
    binary = lighthouse_bin()
    handler = partial(_Handler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []
    try:
        paths = families(site)
        axe = axe_counts(base, paths) if with_axe else {}
        for family, path in paths.items():
            reports = [run_lighthouse(binary, base + path) for _ in range(runs)]
            scores = {
                c: [round(100 * (r["categories"][c]["score"] or 0)) for r in reports]
                for c in CATEGORIES
            }
            rows.append(
                {
                    "family": family,
                    "path": path,
                    "performance": statistics.median(scores["performance"]),
                    "perf_runs": scores["performance"],
                    **{c: min(scores[c]) for c in CATEGORIES[1:]},
                    "dom": int(reports[0]["audits"]["dom-size"]["numericValue"]),
                    "cls": reports[0]["audits"]["cumulative-layout-shift"]["displayValue"],
                    "axe": axe.get(family, "—"),
                    "failed": sorted(
                        {
                            a["id"]
                            for r in reports
                            for c in CATEGORIES[1:]
                            for a in (r["categories"][c]["auditRefs"])
                            if r["audits"][a["id"]]["score"] not in (None, 1)
                            and a.get("weight", 0) > 0
                        }
                    ),
                }
            )
    finally:
        server.shutdown()
        server.server_close()
    return rows


def print_table(name: str, rows: list[dict[str, Any]], runs: int) -> None:
    print(f"\n{name} — Lighthouse 12.2.3, mobile, median of {runs} performance runs")
    head = f"{'family':<13} {'perf':>5} {'goal':>4} {'a11y':>4} {'bp':>4} {'seo':>4} {'DOM':>6}"
    print(head + f" {'CLS':>6} {'axe':>4}  page / runs / failed audits")
    for r in rows:
        goal = 90 if r["family"] in MAP_FAMILIES else 95
        print(
            f"{r['family']:<13} {r['performance']:>5} {goal:>4} {r['accessibility']:>4}"
            f" {r['best-practices']:>4} {r['seo']:>4} {r['dom']:>6} {r['cls']:>6}"
            f" {r['axe']!s:>4}  {r['path']} {r['perf_runs']} {' '.join(r['failed'])}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--axe", action="store_true")
    args = parser.parse_args()
    if not shutil.which("npm"):
        raise SystemExit("npm is needed (Debian: apt-get install npm)")
    for site in args.site:
        print_table(str(site), measure(site.resolve(), args.runs, args.axe), args.runs)


if __name__ == "__main__":
    main()
