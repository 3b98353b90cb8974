"""Issue 16 figures: offline that a reader controls.

    .venv/bin/python bench/offline_bench.py [--runs 5] [--saves 3] [--national bench/out/national]
                                            [--province SLUG] [--skip-lighthouse] [--skip-save]

1. Lighthouse performance of the lesson library page /bai-hoc/ of the sample site (data/ +
   site/), median of --runs. npm `lighthouse@12.2.3` (12 runs on Node 20) is installed once,
   pinned, into ~/.cache/antq-bench/ (outside the repository), and run against Debian
   Chromium (CHROME_PATH) with its default mobile settings. The site is served as a static
   host would: the published headers (CSP) and gzip (bench/_gzserve.py). Prints each run's
   score and total blocking time, the longest main-thread tasks of the median run, and the
   host's benchmark index (a loaded machine scores lower; compare runs on one machine).
   Target: >= 95.

2. "Lưu tỉnh này để dùng khi không có mạng" on the national synthetic build (`antq synth
   --scale national`, made into --national when missing; built with `provinces =
   "national"`): the province with the most files in its list (or --province). Prints the
   bytes the save downloads (from /tinh/<slug>/offline.json; on the wire with gzip) and
   the time from the click to "saved" in Debian Chromium on a 3G profile applied with CDP
   network emulation to the page *and* its service worker (which does the downloading):
   1.6 Mbps down, 750 kbps up, 562.5 ms latency (DevTools' "Fast 3G"), median of --saves,
   each in a fresh context.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gzserve import GzipServer  # noqa: E402

from generator.build import BuildOptions, build_site  # noqa: E402
from tests.browser import chromium_path, launch  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
LH_DIR = Path.home() / ".cache" / "antq-bench" / LIGHTHOUSE.replace("@", "-")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
    " --disable-component-update --disable-sync"
)
SOURCE_DATE_EPOCH = "1763683200"
MB = 1024 * 1024
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}


def build(data: Path, site: Path, out: Path, cache: Path) -> None:
    os.environ["ANTQ_CACHE_DIR"] = str(cache)
    start = time.perf_counter()
    build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=site))
    print(f"built {out} in {time.perf_counter() - start:.0f} s", flush=True)


# -- Lighthouse -------------------------------------------------------------------------------


def lighthouse_bin() -> Path:
    binary = LH_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        LH_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(LH_DIR),
                "-E",
                LIGHTHOUSE,
                "--no-audit",
                "--no-fund",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def lighthouse_run(binary: Path, url: str, report: Path, attempts: int = 3) -> dict[str, Any]:
    """One Lighthouse run; a run that failed to record its trace (NO_NAVSTART, seen on a
    loaded machine) is repeated, up to `attempts` times."""
    env = {**os.environ, "CHROME_PATH": chromium_path()}
    command = [
        str(binary),
        url,
        "--only-categories=performance",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    for attempt in range(attempts):
        if subprocess.run(command, env=env).returncode == 0:
            break
        if attempt == attempts - 1:
            raise SystemExit(f"lighthouse failed {attempts} times on {url}")
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def lighthouse(site: Path, runs: int, tmp: Path) -> None:
    binary = lighthouse_bin()
    reports = []
    with _serving(site) as server:
        for i in range(runs):
            reports.append(lighthouse_run(binary, server.url + "/bai-hoc/", tmp / f"lh-{i}.json"))
    scores = [round(r["categories"]["performance"]["score"] * 100) for r in reports]
    tbt = [r["audits"]["total-blocking-time"]["numericValue"] for r in reports]
    median = statistics.median(scores)
    verdict = "OK" if median >= 95 else "UNDER"
    print(f"\nLighthouse performance of /bai-hoc/ ({LIGHTHOUSE}, mobile defaults, {runs} runs):")
    print(f"  median {median:g} ({verdict}, target >= 95); runs {scores}")
    print(f"  total blocking time, ms: {[round(t) for t in tbt]}")
    mid = reports[scores.index(sorted(scores)[len(scores) // 2])]
    tasks = mid["audits"].get("long-tasks", {}).get("details", {}).get("items", [])[:4]
    print(
        "  longest main-thread tasks of the median run: "
        + ", ".join(f"{t['duration']:.0f} ms ({t['url']})" for t in tasks)
    )
    index = [r["environment"]["benchmarkIndex"] for r in reports]
    print(f"  host benchmark index: {[round(i) for i in index]} (Lighthouse's own CPU measure)")


class _serving:
    def __init__(self, site: Path) -> None:
        self.server = GzipServer(site)

    def __enter__(self) -> GzipServer:
        return self.server.start()  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


# -- saving a province on 3G --------------------------------------------------------------


def national(package: Path, tmp: Path) -> Path:
    if not (package / "datapackage.yaml").is_file():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "synth",
                "--scale",
                "national",
                "--out",
                str(package),
            ],
            check=True,
            cwd=ROOT,
        )
    site = tmp / "site"
    shutil.copytree(ROOT / "site", site)
    toml = site / "site.toml"
    text, count = re.subn(
        r"^provinces\s*=\s*\[[^\]]*\]", 'provinces = "national"', toml.read_text(), flags=re.M
    )
    assert count == 1, toml
    toml.write_text(text)
    out = tmp / "national-site"
    build(package, site, out, tmp / "cache-national")
    return out


def biggest_province(out: Path) -> str:
    lists = {
        p.parent.name: json.loads(p.read_text("utf-8"))
        for p in (out / "tinh").glob("*/offline.json")
    }
    return max(lists, key=lambda slug: len(lists[slug]["province"]["files"]))


def wire_bytes(out: Path, files: list[dict[str, Any]]) -> int:
    total = 0
    for f in files:
        rel = f["url"].lstrip("/") + ("index.html" if f["url"].endswith("/") else "")
        data = (out / rel).read_bytes()
        text = rel.endswith((".html", ".css", ".js", ".json", ".geojson"))
        total += len(gzip.compress(data, 6, mtime=0)) if text else len(data)
    return total


def throttle_worker(browser: Any, base: str) -> None:
    """Fast 3G on the site's service worker too: it is the one downloading a save. CDP on
    the browser target: attach to the worker's target and emulate there."""
    cdp = browser.new_browser_cdp_session()
    targets = cdp.send("Target.getTargets")["targetInfos"]
    workers = [t for t in targets if t["type"] == "service_worker" and t["url"].startswith(base)]
    assert workers, "no service worker target to throttle"
    for target in workers:
        session = cdp.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": False}
        )
        for i, (method, params) in enumerate(
            [("Network.enable", {}), ("Network.emulateNetworkConditions", FAST_3G)], start=1
        ):
            message = json.dumps({"id": i, "method": method, "params": params})
            cdp.send(
                "Target.sendMessageToTarget",
                {"sessionId": session["sessionId"], "message": message},
            )


def save_province(out: Path, slug: str, saves: int) -> None:
    from playwright.sync_api import sync_playwright

    listing = json.loads((out / "tinh" / slug / "offline.json").read_text("utf-8"))
    files = [listing["files"][i] for i in listing["province"]["files"]]
    size = sum(f["size"] for f in files)
    wire = wire_bytes(out, files)
    times = []
    with sync_playwright() as playwright, _serving(out) as server:
        browser = launch(playwright)
        for _ in range(saves):
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            page.goto(server.url + f"/tinh/{slug}/")
            deadline = time.monotonic() + 60
            while not page.evaluate("navigator.serviceWorker.controller !== null"):
                if time.monotonic() > deadline:
                    raise SystemExit("the service worker never took control")
                time.sleep(0.05)
            page.locator(".place-box[data-state=idle]").wait_for(timeout=60_000)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            throttle_worker(browser, server.url)
            start = time.perf_counter()
            page.locator(".place-box [data-action=save]").click()
            page.locator(".place-box[data-state=saved]").wait_for(timeout=900_000)
            times.append(time.perf_counter() - start)
            context.close()
        browser.close()
    print(f"\nSaving province {slug} of the national synthetic build ({len(files)} files):")
    print(
        f"  {size / MB:.2f} MB as stored, ~{wire / MB:.2f} MB on the wire with gzip; "
        f"wards: {len(listing['wards'])}"
    )
    print(
        f"  click → saved on Fast 3G (1.6 Mbps, 562.5 ms, CDP on page and service worker): "
        f"median {statistics.median(times):.1f} s ({', '.join(f'{t:.1f}' for t in times)})"
    )
    xa = max(listing["wards"].values(), key=len)
    xa_size = sum(listing["files"][i]["size"] for i in xa)
    print(f"  a xã's save (the largest): {xa_size / MB:.2f} MB as stored")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--saves", type=int, default=3)
    parser.add_argument("--national", type=Path, default=ROOT / "bench/out/national")
    parser.add_argument("--national-site", type=Path, help="an existing national build to use")
    parser.add_argument("--province")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-save", action="store_true")
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    (ROOT / "bench/out").mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="offline-", dir=ROOT / "bench/out"))
    try:
        if not args.skip_lighthouse:
            sample = tmp / "sample"
            build(ROOT / "data", ROOT / "site", sample, tmp / "cache-sample")
            lighthouse(sample, args.runs, tmp)
        if not args.skip_save:
            out = args.national_site or national(args.national, tmp)
            save_province(out, args.province or biggest_province(out), args.saves)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
