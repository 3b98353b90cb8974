"""Issue 4 figures: the map pages of the national synthetic package (~124,000 model sites).

    .venv/bin/python bench/maps_bench.py [--data bench/out/national] [--runs 3]

Loads the package and builds the national model once (validation skipped: it is not the map
stage), then times the map page family alone, as the build runs it: `pages.maps.outputs`
(GeoJSON layers, folium rendering of every map, vendor and basemap files), producing every
map file, and rendering every map page through the site's templates. Prints the median of
--runs runs, and sizes (raw and gzip -9):

- the province map nearest 5,000 model sites (and the largest one): page HTML and its two
  GeoJSON layers (targets: HTML <= 150 KB, layers <= 600 KB raw);
- the shared map assets every map page loads: Leaflet, MarkerCluster, ban-do.js/.css and
  the basemap (target <= 450 KB raw).
Target for the whole family: <= 15 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.data.load import read_package  # noqa: E402
from generator.lessons import load_lessons  # noqa: E402
from generator.model import build_model  # noqa: E402
from generator.pages import Page  # noqa: E402
from generator.pages import maps as map_pages  # noqa: E402
from generator.render import Renderer  # noqa: E402
from generator.settings import load_settings  # noqa: E402

KB = 1024


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9, mtime=0))


def kb(n: int) -> str:
    return f"{n / KB:,.1f} KB"


def renderer(site_dir: Path, model: Any) -> Renderer:
    """The build's renderer with the same globals (`Builder._render_and_write`); assets keep
    their plain names, which only changes a few bytes of each page."""
    s = model.settings
    static = site_dir / "static"
    assets = {
        p.relative_to(static).as_posix(): "/static/" + p.relative_to(static).as_posix()
        for p in static.rglob("*")
        if p.is_file()
    }
    site = {
        "name": s.name,
        "short_name": s.short_name,
        "description": s.description,
        "base_url": s.base_url,
        "contact_organisation": s.contact_organisation,
        "contact_url": s.contact_url,
        "national": s.national,
        "built": model.today,
    }
    return Renderer(site_dir / "templates", {"site": site, "assets": assets})


def render(r: Renderer, page: Page) -> bytes:
    name = r.choose(page.templates)
    context = {"page": {"url": page.url, "title": page.title}, **page.context}
    return r.render(name, context).encode("utf-8")


def run_once(model: Any, data_dir: Path, r: Renderer) -> tuple[dict[str, float], Any]:
    times: dict[str, float] = {}
    start = time.perf_counter()
    pages, files = map_pages.outputs(model, data_dir)
    times["outputs"] = time.perf_counter() - start
    start = time.perf_counter()
    produced = {f.url: f.produce() for f in files}
    times["files"] = time.perf_counter() - start
    start = time.perf_counter()
    html = {p.url: render(r, p) for p in pages}
    times["render"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    return times, (pages, files, produced, html)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "bench/out/national")
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (args.data / "datapackage.yaml").is_file():
        raise SystemExit(
            f"no package in {args.data}: antq synth --scale national --out {args.data}"
        )
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1763683200")

    start = time.perf_counter()
    settings = dataclasses.replace(load_settings(args.site), provinces=None)  # national scope
    dataset = read_package(args.data)
    lessons, _ = load_lessons(args.data, {d.id for d in dataset.legal_documents})
    from datetime import date

    model = build_model(dataset, settings, date(2025, 11, 21), lessons)
    sites = sum(len(w.sites) for p in model.provinces for w in p.wards)
    print(
        f"national model: {len(model.provinces)} provinces, {len(model.ward_by_code):,} xã, "
        f"{sites:,} model sites (loaded in {time.perf_counter() - start:.1f} s, not timed below)"
    )
    r = renderer(args.site, model)
    runs = [run_once(model, args.data, r) for _ in range(args.runs)]
    pages, files, produced, html = runs[-1][1]
    for key in ("outputs", "files", "render", "total"):
        values = [t[key] for t, _ in runs]
        print(
            f"  map stage {key:<8} median {statistics.median(values):6.2f} s  (runs: "
            + ", ".join(f"{v:.2f}" for v in values)
            + ")"
        )
    total = statistics.median(t["total"] for t, _ in runs)
    print(
        f"map pages: {len(pages)}, map files: {len(files)}; "
        f"all map pages built in {total:.2f} s (target <= 15 s): {'OK' if total <= 15 else 'OVER'}"
    )

    by_sites = sorted(
        ((sum(len(w.sites) for w in p.wards), p) for p in model.provinces), key=lambda t: t[0]
    )
    near = min(by_sites, key=lambda t: abs(t[0] - 5000))
    for count, province in (near, by_sites[-1]):
        url = map_pages.map_url(province)
        page = html[url]
        layers = {
            name: produced[f"/ban-do/du-lieu/{province.slug}/{name}"]
            for name in ("xa.geojson", "diem-mo-hinh.geojson")
        }
        raw = sum(len(b) for b in layers.values())
        print(
            f"{province.name} ({count:,} model sites, {len(province.wards)} xã): page HTML "
            f"{kb(len(page))} ({kb(gz(page))} gz; target <= 150 KB: "
            f"{'OK' if len(page) <= 150 * KB else 'OVER'}); layers "
            + ", ".join(f"{n} {kb(len(b))} ({kb(gz(b))} gz)" for n, b in layers.items())
            + f"; layers raw {kb(raw)} (target <= 600 KB: {'OK' if raw <= 600 * KB else 'OVER'})"
        )
    overview = html[map_pages.OVERVIEW_URL]
    print(
        f"national map page /ban-do/: HTML {kb(len(overview))} ({kb(gz(overview))} gz); "
        f"it loads the 34 xa.geojson files ({kb(sum(len(produced[f'/ban-do/du-lieu/{p.slug}/xa.geojson']) for p in model.provinces))}) "
        f"and tinh.geojson ({kb(len(produced['/ban-do/du-lieu/tinh.geojson']))}), no model sites"
    )

    shared = {
        f.url: produced[f.url]
        for f in files
        if f.url.startswith("/vendor/")
        and not f.url.endswith(".png")
        or f.url.endswith(".geojson")
        and f.url.startswith("/static/ban-do/tinh.")
    }
    for rel in ("js/ban-do.js", "css/ban-do.css"):
        shared["/static/" + rel] = (args.site / "static" / rel).read_bytes()
    raw = sum(len(b) for b in shared.values())
    print("shared map assets (each map page loads all of them once, then from cache):")
    for url, data in sorted(shared.items()):
        print(f"  {url:<58} {kb(len(data)):>10} {kb(gz(data)):>10} gz")
    print(
        f"  {'total':<58} {kb(raw):>10} {kb(sum(gz(b) for b in shared.values())):>10} gz "
        f"(target <= 450 KB raw: {'OK' if raw <= 450 * KB else 'OVER'})"
    )
    map_js = [
        b for u, b in produced.items() if u.startswith("/static/ban-do/") and u.endswith(".js")
    ]
    print(
        f"per-map scripts: {len(map_js)}, {kb(min(map(len, map_js)))}–{kb(max(map(len, map_js)))} each"
    )


if __name__ == "__main__":
    main()
