"""Issue 17 figures: `antq import` of a 100,000-row workbook, and `antq template`.

    .venv/bin/python bench/import_bench.py [--runs 5] [--rows 100000]

The workbook holds new places in Hải Phòng's xã (written once with openpyxl's write-only
mode); each run imports it into a fresh copy of the bundled data/ — read with calamine,
merged by key, the whole package validated in staging, the table written. Prints medians of
--runs runs with peak memory of the process tree. Targets: import <= 20 s and < 1 GB;
template (province 31, with its rows) <= 2 s.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _measure import median, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ANTQ = [PY, "-m", "generator"]


def make_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    with (ROOT / "data/units.csv").open(encoding="utf-8") as fh:
        xa = [u["code"] for u in csv.DictReader(fh) if u["parent_code"] == "31"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("places")
    ws.append(
        ["id", "name", "kind", "unit_code", "legacy_unit_code", "legacy_unit_name", "lat", "lon"]
    )
    for i in range(rows):
        ws.append(
            [
                f"bench-{i:06d}",
                f"Thôn Thử {i}",
                "khu_dan_cu",
                xa[i % len(xa)],
                None,
                None,
                20.5 + (i % 1000) / 2000,
                106.2 + (i % 700) / 1000,
            ]
        )
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="antq-import-bench-") as tmp:
        work = Path(tmp)
        book = work / "places.xlsx"
        make_workbook(book, args.rows)
        size_mb = book.stat().st_size / 1024 / 1024
        imports: list[tuple[float, float]] = []
        for _ in range(args.runs):
            # The same folder each run, its .antq-cache kept: the first run is an official's
            # first import (every table validated), the others the usual case (unchanged
            # tables come from the cache, places.csv is checked again).
            data = work / "run" / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("nhap"))
            wall, peak, code = run([*ANTQ, "import", str(book), "--data", str(data)])
            if code != 0:
                raise SystemExit(f"import failed (exit {code})")
            rows = sum(1 for _ in (data / "places.csv").open(encoding="utf-8")) - 1
            imports.append((wall, peak))
        from generator.data.schema import load_package
        from generator.importer import map_sheet, read_source
        from generator.workbook import write_template

        package = load_package(ROOT / "data")[0]
        reads = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for sheet in read_source(book):
                map_sheet(sheet, package, "places.xlsx", None)
            reads.append(time.perf_counter() - start)

        inside = [
            write_template(
                ROOT / "data", work / f"in{n}.xlsx", province="31", with_data=True
            ).seconds
            for n in range(args.runs)
        ]
        templates: list[tuple[float, float]] = []
        for n in range(args.runs):
            out = work / f"mau{n}.xlsx"
            cmd = [*ANTQ, "template", "--out", str(out), "--province", "31", "--with-data"]
            wall, peak, code = run(cmd, cwd=ROOT)
            if code != 0:
                raise SystemExit("template failed")
            templates.append((wall, peak))
    print(
        f"import {args.rows:,} rows (xlsx, {size_mb:.1f} MB): first {imports[0][0]:.1f} s "
        f"(peak {imports[0][1]:.0f} MB), median {median([w for w, _ in imports]):.1f} s, "
        f"peak median {median([p for _, p in imports]):.0f} MB, max {max(p for _, p in imports):.0f} MB "
        f"(places.csv after: {rows:,} rows; runs {args.runs})"
    )
    print(f"of which reading and mapping the workbook (in process): median {median(reads):.1f} s")
    print(f"template in process (province 31, with data): median {median(inside):.2f} s")
    print(
        f"template (province 31, with data): median {median([w for w, _ in templates]):.2f} s "
        f"(process, Python start included), peak {median([p for _, p in templates]):.0f} MB"
    )


if __name__ == "__main__":
    main()
