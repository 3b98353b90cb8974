"""Issue 15 and 16 figures: Lighthouse 12 and axe on the page families readers use most.

    .venv/bin/python bench/lighthouse_bench.py --site [LABEL=]DIR [--site [LABEL=]DIR ...]
        [--runs 5] [--calibrate] [--family NAME ...] [--diagnostics] [--keep DIR] [--axe]

Each --site is a built site (`antq build`; for the national figures, a build of
`antq synth --scale national --out bench/out/national` with `provinces = "national"` in a
copy of site/, as bench/build_bench.py makes it). Give main's build and the branch's build as
two --site options (e.g. `main=bench/out/main-site branch=public`) to compare them in the
same runs. Each site is served on 127.0.0.1 as Netlify would serve it: the published headers
(CSP included, `generator.headers`) and gzip, not through `antq serve` (live reload, no-store).

Lighthouse 12.2.3 (npm; 13 needs Node >= 22) is installed on first use with `npm i -E` into
~/.cache/antq-bench/ (outside the repository) and runs Debian Chromium (CHROME_PATH, default
/usr/bin/chromium) with its default mobile emulation (Moto G Power, slow 4G, simulated 4x
CPU slowdown). For each page family — home, xã, province, province map, national map, model
list, search, lessons — the largest instance is measured: the province with the most xã, its
first xã. Goals: performance >= 90 on map pages and >= 95 on the others (median of 5), 100
for accessibility, best practices and SEO.

Runs go in rounds (--runs, default 5): each round loads two controls served by the bench
itself — a blank page (`/__trong__/`) and a fixed static article page without script
(`/__doi-chung__/`, ~50 KB) — then every family on every site. What the controls lose in a
round is the host's load at that moment, not the site's cost. Accessibility, best practices
and SEO are audited in the first round only (they do not depend on the host's speed); the
table prints the median performance score of the rounds, each run's score and each run's
benchmarkIndex (Lighthouse's measure of the host's CPU).

Calibration (--calibrate). Simulated throttling multiplies the main-thread time it observes
by the CPU slowdown, 4x by default. Lighthouse's documentation (docs/throttling.md,
"Calibrating the CPU slowdown") says 4x is meant to move a high-end desktop (benchmarkIndex
1500-2000) into the mid-tier mobile range, and that a slower host should use a lower
multiplier, computed from the benchmarkIndex with its CPU slowdown calculator. This
machine's index reads 130-700 (two cores shared by several builds): there 4x emulates a phone
several times slower than Lighthouse's target, and even the blank page loses points. With
--calibrate each run is audited twice from the same trace (gathered once with `-GA`, audited
again with `-A` and `--throttling.cpuSlowdownMultiplier`; simulated throttling applies the
multiplier when auditing, so the page is loaded once): with the default 4x, and with the
calculator's multiplier for that run's own benchmarkIndex (`calibrated_multiplier`: 150 → 1x,
800 → 2x, 1300 → 3x, 1533 → 4x, linear between; 1x below 150). Both medians are printed,
"4x" and "cal"; a calibrated score is never the default one and is reported as such.

`--throttling-method devtools` throttles for real instead (no calibration then).
`--compare NAME` (repeatable): only these families are measured on every --site; the
others on the first --site alone (for builds whose other pages are byte-identical: check with
`diff -rq` first; it halves the runs on a loaded host). `--diagnostics` prints, per family, the observed (unthrottled) main-thread time, the
simulated TBT and LCP, the longest tasks with their scripts, render-blocking resources,
transferred bytes, the LCP element and layout-shift culprits; `--keep DIR` keeps every JSON
report (the calibrated ones as `…-calibrated.json`); `--family NAME` (repeatable) measures
only those families. Progress lines (stderr) give each run's scores as it ends.

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
BLANK_PATH = "/__trong__/"
BLANK = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="icon" href="data:,"><title>Trang trống</title><meta name="description" content="Trang trống để so sánh">'
    "</head><body><main><h1>Trang trống</h1><p>Trang so sánh: tải của máy chủ đo.</p>"
    "</main></body></html>"
).encode()


PEER_PATH = "/__doi-chung__/"
# A fixed static page of an ordinary article's weight (~40 KB of text, inline CSS, no
# script): what it loses between runs is the host's load, independent of the site's code.
PEER = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="icon" href="data:,"><title>Trang đối chứng</title><meta name="description" content="Trang tĩnh để so sánh">'
    "<style>body{font:1rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;"
    "padding:0 1rem;color:#1a1a1a}h1{color:#a3161a}h2{margin-top:2rem}"
    "nav ul{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;list-style:none}</style></head>"
    '<body><nav aria-label="Chính"><ul>'
    + "".join(f'<li><a href="#phan-{i}">Phần {i}</a></li>' for i in range(1, 13))
    + "</ul></nav><main><h1>Trang đối chứng</h1>"
    + "".join(
        f'<h2 id="phan-{i}">Phần {i}</h2>'
        + f"<p>Đoạn {i}.{j}: phong trào toàn dân bảo vệ an ninh Tổ quốc ở cơ sở, "
        "mô hình tự quản, khen thưởng và bài học tuyên truyền cho người dân.</p>" * 25
        for i in range(1, 13)
        for j in (1,)
    )
    + "</main></body></html>"
).encode()
CONTROLS = {"blank": BLANK_PATH, "static peer": PEER_PATH}
CONTROL_BODIES = {BLANK_PATH: BLANK, PEER_PATH: PEER}


class _Handler(SimpleHTTPRequestHandler):
    """The published headers and gzip for text, as the host serves the site."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def send_head(self) -> Any:
        if self.path in CONTROL_BODIES:
            body = CONTROL_BODIES[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
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
        "lessons": "/bai-hoc/",
    }


def calibrated_multiplier(benchmark_index: float) -> float:
    """The CPU slowdown that brings this host to the device Lighthouse's default 4x assumes.

    Lighthouse's throttling documentation (docs/throttling.md, "Calibrating the CPU
    slowdown") says the default 4x moves a high-end desktop (benchmarkIndex 1500-2000) into
    the mid-tier mobile bracket and points to its CPU slowdown calculator for other hosts.
    That calculator maps the index piecewise linearly: 150 → 1x, 800 → 2x, 1300 → 3x,
    1533 → 4x, +1x per 233 above. Below 150 it gives no figure (the host is already slower
    than the target phone): 1x, no slowdown at all, is used there.
    """
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    if benchmark_index >= 150:
        return 1 + (benchmark_index - 150) / 650
    return 1.0


def run_lighthouse(
    binary: Path, url: str, throttling: str, categories: tuple[str, ...], calibrate: bool
) -> dict[str, Any]:
    """One page load, audited with the default 4x CPU slowdown and, when `calibrate`, audited
    again from the same saved trace with the multiplier this run's benchmarkIndex calls for
    (simulated throttling applies the multiplier when auditing, not while loading). One retry
    when Lighthouse itself fails (on a loaded host it sometimes loses the trace: NO_NAVSTART).
    """
    try:
        return _run_lighthouse(binary, url, throttling, categories, calibrate)
    except SystemExit as first:
        print(f"retrying once: {first}", file=sys.stderr)
        return _run_lighthouse(binary, url, throttling, categories, calibrate)


def _lighthouse(binary: Path, args: list[str], report: Path, url: str) -> dict[str, Any]:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(
        [str(binary), url, "--quiet", "--output=json", f"--output-path={report}", *args],
        check=False,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not report.is_file():
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise SystemExit(f"lighthouse failed on {url} ({done.returncode}):\n{tail}")
    data: dict[str, Any] = json.loads(report.read_text("utf-8"))
    return data


def _run_lighthouse(
    binary: Path, url: str, throttling: str, categories: tuple[str, ...], calibrate: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="antq-lh-") as tmp:
        artifacts = Path(tmp) / "artifacts"
        common = [
            f"--only-categories={','.join(categories)}",
            f"--throttling-method={throttling}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu"
            " --disable-background-networking --disable-component-update --no-first-run",
        ]
        default = _lighthouse(
            binary, [*common, f"-GA={artifacts}"], Path(tmp) / "default.json", url
        )
        index = float(default.get("environment", {}).get("benchmarkIndex") or 0)
        out = {"default": default, "benchmark": index, "multiplier": 4.0, "calibrated": None}
        if calibrate and throttling == "simulate":
            multiplier = round(calibrated_multiplier(index), 2)
            saved = artifacts / "artifacts.json"
            data = json.loads(saved.read_text("utf-8"))
            data["settings"]["throttling"]["cpuSlowdownMultiplier"] = multiplier
            saved.write_text(json.dumps(data), "utf-8")
            flag = f"--throttling.cpuSlowdownMultiplier={multiplier}"
            out["multiplier"] = multiplier
            out["calibrated"] = _lighthouse(
                binary, [*common, flag, f"-A={artifacts}"], Path(tmp) / "calibrated.json", url
            )
        return out


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


def _ms(value: Any) -> int:
    return round(value or 0)


def diagnostics(report: dict[str, Any]) -> list[str]:
    """What one report says the page costs: observed main thread, tasks, bytes, LCP, CLS."""
    audits = report["audits"]

    def items(audit: str) -> list[dict[str, Any]]:
        details = audits.get(audit, {}).get("details") or {}
        return list(details.get("items") or [])

    tasks = items("main-thread-tasks")
    observed = sum(t["duration"] for t in tasks)
    longest = sorted(tasks, key=lambda t: -t["duration"])[:3]
    lines = [
        f"main thread observed {_ms(observed)} ms in {len(tasks)} tasks"
        f" (longest {', '.join(str(_ms(t['duration'])) for t in longest)});"
        f" breakdown {_ms(audits['mainthread-work-breakdown'].get('numericValue'))} ms;"
        f" TBT {_ms(audits['total-blocking-time'].get('numericValue'))} ms;"
        f" FCP {_ms(audits['first-contentful-paint'].get('numericValue'))} ms;"
        f" LCP {_ms(audits['largest-contentful-paint'].get('numericValue'))} ms;"
        f" SI {_ms(audits['speed-index'].get('numericValue'))} ms;"
        f" bytes {round((audits['total-byte-weight'].get('numericValue') or 0) / 1024)} KiB;"
        f" host benchmarkIndex {round(report.get('environment', {}).get('benchmarkIndex', 0))}"
    ]
    boot = [
        f"{i['url'].rsplit('/', 1)[-1] or i['url']} {_ms(i.get('scripting'))}"
        for i in items("bootup-time")[:4]
    ]
    if boot:
        lines.append("script time (ms): " + "; ".join(boot))
    long_tasks = [
        f"{(i.get('url') or '?').rsplit('/', 1)[-1]} {_ms(i.get('duration'))}"
        for i in items("long-tasks")[:4]
    ]
    if long_tasks:
        lines.append("long tasks (ms): " + "; ".join(long_tasks))
    blocking = [
        f"{i['url'].rsplit('/', 1)[-1]} {_ms(i.get('wastedMs'))}"
        for i in items("render-blocking-resources")
    ]
    if blocking:
        lines.append("render-blocking (ms): " + "; ".join(blocking))
    lcp = items("largest-contentful-paint-element")
    if lcp:
        first = lcp[0].get("items", [lcp[0]])[0] if lcp[0].get("type") == "table" else lcp[0]
        node = first.get("node") or {}
        lines.append(f"LCP element: {node.get('snippet', '?')[:90]}")
    shifts = [
        f"{round(i.get('score', 0), 3)} {(i.get('node') or {}).get('snippet', '?')[:60]}"
        for i in items("layout-shifts")[:3]
    ]
    if shifts:
        lines.append("layout shifts: " + "; ".join(shifts))
    return lines


def _score(report: dict[str, Any]) -> int:
    return round(100 * (report["categories"]["performance"]["score"] or 0))


def _row(family: str, path: str, runs: list[dict[str, Any]], axe: Any, diag: bool) -> dict:
    reports = [r["default"] for r in runs]
    scores = [round(100 * (r["categories"]["performance"]["score"] or 0)) for r in reports]
    calibrated = [
        round(100 * (r["calibrated"]["categories"]["performance"]["score"] or 0))
        for r in runs
        if r["calibrated"]
    ]
    first = reports[0]
    median_report = sorted(reports, key=lambda r: r["categories"]["performance"]["score"] or 0)[
        len(reports) // 2
    ]
    return {
        "family": family,
        "path": path,
        "performance": statistics.median(scores),
        "perf_runs": scores,
        "calibrated": statistics.median(calibrated) if calibrated else None,
        "cal_runs": calibrated,
        "benchmark": [round(r["benchmark"]) for r in runs],
        "multiplier": [r["multiplier"] for r in runs],
        **{c: round(100 * (first["categories"][c]["score"] or 0)) for c in CATEGORIES[1:]},
        "dom": int(first["audits"]["dom-size"]["numericValue"]),
        "cls": first["audits"]["cumulative-layout-shift"]["displayValue"],
        "axe": axe,
        "failed": sorted(
            {
                a["id"]
                for c in CATEGORIES[1:]
                for a in first["categories"][c]["auditRefs"]
                if first["audits"][a["id"]]["score"] not in (None, 1) and a.get("weight", 0) > 0
            }
        ),
        "diagnostics": diagnostics(median_report) if diag else [],
    }


def _serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(
    sites: dict[str, Path],
    runs: int,
    with_axe: bool,
    *,
    only: list[str] | None = None,
    throttling: str = "simulate",
    keep: Path | None = None,
    with_diagnostics: bool = False,
    calibrate: bool = False,
    compare: list[str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Control rows and, per site, one row per family. Runs go in rounds: each round loads
    the two controls, then every family on every site (with `compare`, the families not in
    it on the first site only), so all rows of a round share the host's load of that moment."""
    binary = lighthouse_bin()
    served = {label: _serve(site) for label, site in sites.items()}
    try:
        paths = {label: families(site) for label, site in sites.items()}
        wanted = [f for f in next(iter(paths.values())) if not only or f in only]
        control_base = next(iter(served.values()))[1]
        axe = {
            label: axe_counts(served[label][1], paths[label]) if with_axe else {} for label in sites
        }
        results: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for number in range(runs):
            # Accessibility, best practices and SEO are stable: audited in the first round.
            categories = CATEGORIES if number == 0 else CATEGORIES[:1]
            jobs = [("controls", name, control_base + path) for name, path in CONTROLS.items()]
            jobs += [
                (label, family, served[label][1] + paths[label][family])
                for family in wanted
                for label in sites
                if not compare or family in compare or label == next(iter(sites))
            ]
            for label, family, url in jobs:
                result = run_lighthouse(binary, url, throttling, categories, calibrate)
                results.setdefault((label, family), []).append(result)
                if keep:
                    keep.mkdir(parents=True, exist_ok=True)
                    name = f"{label}-{family.replace(' ', '-')}-{throttling}-{number}"
                    (keep / f"{name}.json").write_text(json.dumps(result["default"]), "utf-8")
                    if result["calibrated"]:
                        text = json.dumps(result["calibrated"])
                        (keep / f"{name}-calibrated.json").write_text(text, "utf-8")
                cal = result["calibrated"]
                print(
                    f"round {number + 1}/{runs} {label} {family}: 4x {_score(result['default'])}"
                    + (f" cal {_score(cal)} (x{result['multiplier']})" if cal else "")
                    + f" benchmarkIndex {round(result['benchmark'])}",
                    file=sys.stderr,
                    flush=True,
                )
        controls = [
            _row(name, path, results[("controls", name)], "—", with_diagnostics)
            for name, path in CONTROLS.items()
        ]
        rows = {
            label: [
                _row(
                    family,
                    paths[label][family],
                    results[(label, family)],
                    axe[label].get(family, "—"),
                    with_diagnostics,
                )
                for family in wanted
                if (label, family) in results
            ]
            for label in sites
        }
    finally:
        for server, _ in served.values():
            server.shutdown()
            server.server_close()
    return controls, rows


def print_table(name: str, rows: list[dict[str, Any]], runs: int, throttling: str) -> None:
    print(
        f"\n{name} — Lighthouse 12.2.3, mobile, throttling {throttling},"
        f" median of {runs} performance runs (4x = Lighthouse's default CPU slowdown;"
        " cal = the multiplier calibrated from each run's benchmarkIndex)"
    )
    head = f"{'family':<13} {'4x':>4} {'cal':>4} {'goal':>4} {'a11y':>4} {'bp':>4} {'seo':>4}"
    print(head + f" {'DOM':>6} {'CLS':>6} {'axe':>4}  page / 4x runs / cal runs / benchmarkIndex")
    for r in rows:
        goal = 90 if r["family"] in MAP_FAMILIES else 95 if r["family"] not in CONTROLS else "—"
        cal = "—" if r["calibrated"] is None else r["calibrated"]
        print(
            f"{r['family']:<13} {r['performance']:>4} {cal:>4} {goal:>4} {r['accessibility']:>4}"
            f" {r['best-practices']:>4} {r['seo']:>4} {r['dom']:>6} {r['cls']:>6}"
            f" {r['axe']!s:>4}  {r['path']} {r['perf_runs']} {r['cal_runs'] or ''}"
            f" bi {r['benchmark']} x{r['multiplier']} {' '.join(r['failed'])}"
        )
        for line in r["diagnostics"]:
            print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--site", action="append", required=True, help="DIR or LABEL=DIR (repeatable)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--axe", action="store_true")
    parser.add_argument("--family", action="append", help="only this family (repeatable)")
    parser.add_argument("--throttling-method", choices=("simulate", "devtools"), default="simulate")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument(
        "--compare", action="append", help="measured on every site; others on the first only"
    )
    parser.add_argument("--diagnostics", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep every JSON report in this folder")
    args = parser.parse_args()
    if not shutil.which("npm"):
        raise SystemExit("npm is needed (Debian: apt-get install npm)")
    sites = {}
    for given in args.site:
        label, _, folder = given.rpartition("=")
        path = Path(folder).resolve()
        sites[label or path.name] = path
    controls, rows = measure(
        sites,
        args.runs,
        args.axe,
        only=args.family,
        throttling=args.throttling_method,
        keep=args.keep,
        with_diagnostics=args.diagnostics,
        calibrate=args.calibrate,
        compare=args.compare,
    )
    print_table(
        "controls (served by the bench, the same in every run)",
        controls,
        args.runs,
        args.throttling_method,
    )
    for label, site_rows in rows.items():
        print_table(f"{label} ({sites[label]})", site_rows, args.runs, args.throttling_method)


if __name__ == "__main__":
    main()
