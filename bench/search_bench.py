"""Issue 18 item 5 figures: the search stage on the national synthetic package.

    .venv/bin/python bench/search_bench.py [--pkg bench/out/national] [--skip-options] [--bytes]

On a copy of the package and of site/ (national scope), SOURCE_DATE_EPOCH fixed, one cache:

1. `antq build --verbose`: the stage timings, the search stage among them;
2. the ways to make the site index from that build's search copies, each timed (wall and the
   CPU seconds of this process and its children): today's Pagefind command over the copies;
   Pagefind's Python API (`pagefind.index`) fed the same copies from memory; one index per
   content family (the first folder of the URL), each made apart, as `mergeIndex` would
   search them (the sum, the largest, and those an award edit touches);
3. one-row edit (an award's recipient, text the search indexes): `antq build --verbose`
   (today's path: the pages wait for the index), then restored and rebuilt;
4. the same edit under `antq serve` on the same output and cache (it starts without building):
   seconds until the edited page is served, and until the search page no longer says the
   index is catching up, with the server's CPU seconds (its children's included);
5. with --bytes, after step 1: bench/search_bytes.py on the built site.

Wall seconds depend on the machine's load (it is shared): compare rows of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import edited_awards, free_port, national_site  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from generator import search  # noqa: E402

ANTQ = [sys.executable, "-m", "generator"]
NOTICE = "Đang cập nhật chỉ mục tìm kiếm".encode()


def cpu() -> float:
    """CPU seconds of this process and its waited-for children (and theirs)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(what: str, fn, *args) -> tuple[float, float]:  # noqa: ANN001
    wall, used = time.perf_counter(), cpu()
    fn(*args)
    wall, used = time.perf_counter() - wall, cpu() - used
    print(f"  {what}: {wall:.1f} s wall, {used:.1f} s CPU", flush=True)
    return wall, used


def antq(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([*ANTQ, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"antq {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def stage_lines(output: str) -> str:
    return " ".join(line.strip() for line in output.splitlines() if line.startswith("  "))


def python_api(copies: Path, out: Path) -> None:
    """The site index through Pagefind's Python API, the copies fed from memory."""
    from pagefind.index import IndexConfig, PagefindIndex

    files = sorted(p for p in copies.rglob("*.html"))

    async def main() -> None:
        config = IndexConfig(
            root_selector="main",
            exclude_selectors=list(search.EXCLUDE_SELECTORS),
            force_language="vi",
            output_path=str(out),
        )
        async with PagefindIndex(config=config) as index:
            for path in files:
                rel = path.relative_to(copies).as_posix()
                await index.add_html_file(content=path.read_text(encoding="utf-8"), source_path=rel)
            await index.write_files(output_path=str(out))

    asyncio.run(main())


def families(copies: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = defaultdict(list)
    for path in copies.rglob("*.html"):
        rel = path.relative_to(copies)
        found[rel.parts[0] if len(rel.parts) > 1 else "(gốc)"].append(path)
    return dict(found)


def per_family(copies: Path, work: Path, touched: set[str]) -> None:
    print("  one index per content family (each made apart):")
    total_wall = total_cpu = 0.0
    rows = []
    for name, paths in sorted(families(copies).items(), key=lambda kv: -len(kv[1])):
        src = work / "fam" / name
        for path in paths:
            target = src / path.relative_to(copies)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
        wall, used = time.perf_counter(), cpu()
        search.run_pagefind(src, work / "fam-out" / name)
        wall, used = time.perf_counter() - wall, cpu() - used
        total_wall += wall
        total_cpu += used
        rows.append((name, len(paths), wall, used))
    for name, count, wall, used in rows:
        mark = "  ← the award edit" if name in touched else ""
        print(f"    {name}: {count} pages, {wall:.1f} s wall, {used:.1f} s CPU{mark}")
    edit_wall = sum(r[2] for r in rows if r[0] in touched)
    print(
        f"    all families: {total_wall:.1f} s wall, {total_cpu:.1f} s CPU; the families the "
        f"award edit touches: {edit_wall:.1f} s wall",
        flush=True,
    )


def fetch(url: str) -> bytes | None:
    """The body, or None when the server did not answer in time (a loaded machine)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return bytes(response.read())
    except OSError:
        return None


def has(url: str, what: bytes) -> bool | None:
    body = fetch(url)
    return None if body is None else what in body


def serve_edit(pkg: Path, out: Path, site: Path, env: dict[str, str], tmp: Path) -> None:
    awards = pkg / "awards.csv"
    original = awards.read_bytes()
    edited, old, new = edited_awards(original)
    page = next(p for p in sorted(out.rglob("*.html")) if old.encode() in p.read_bytes())
    port = free_port()
    cmd = [*ANTQ, "serve", "--data", str(pkg), "--out", str(out), "--site", str(site)]
    log_path = tmp / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*cmd, "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 900
            while not has(base + "tim-kiem/", b"</html>"):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"antq serve did not start: see {log_path}")
                time.sleep(0.2)
            time.sleep(2.0)  # the watcher is registered and idle
            url = base + page.relative_to(out).as_posix()
            before = proc_cpu(server.pid)
            start = time.perf_counter()
            awards.write_bytes(edited)
            while not has(url, new.encode()):
                if time.perf_counter() - start > 900:
                    raise SystemExit("the edit never reached the served page")
                time.sleep(0.02)
            live = time.perf_counter() - start
            notice_seen = has(base + "tim-kiem/", NOTICE)
            while has(base + "tim-kiem/", NOTICE) is not False:  # an answer without it
                if time.perf_counter() - start > 900:
                    raise SystemExit("the index never caught up")
                time.sleep(0.05)
            caught = time.perf_counter() - start
            used = proc_cpu(server.pid) - before
            print(
                f"  antq serve, award edit: page served after {live:.2f} s; search caught up "
                f"after {caught:.1f} s ({caught - live:.1f} s after the page; notice shown "
                f"meanwhile: {notice_seen}); server CPU {used:.1f} s (children included)",
                flush=True,
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
            awards.write_bytes(original)
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        print(f"    serve: {line}")


def proc_cpu(pid: int) -> float:
    """utime + stime + cutime + cstime of a running process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(f) for f in fields[11:15]) / ticks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pkg", type=Path, default=ROOT / "bench" / "out" / "national")
    parser.add_argument("--skip-options", action="store_true")
    parser.add_argument("--bytes", action="store_true", help="first-search bytes (Chromium)")
    args = parser.parse_args()
    if not (args.pkg / "datapackage.yaml").exists():
        antq(["synth", "--scale", "national", "--out", str(args.pkg)], dict(os.environ))
    tmp = Path(tempfile.mkdtemp(prefix="antq-search-bench-"))
    try:
        pkg = tmp / "national"
        shutil.copytree(args.pkg, pkg)
        site = national_site(tmp / "site")
        out, cache = tmp / "public", tmp / "cache"
        env = {**os.environ, "ANTQ_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1763683200"}
        build = ["build", "--data", str(pkg), "--out", str(out), "--site", str(site), "--verbose"]
        print(f"package: {args.pkg}; CPUs: {os.cpu_count()}; load: {os.getloadavg()}", flush=True)
        wall, used = time.perf_counter(), cpu()
        text = antq(build, env)
        wall, used = time.perf_counter() - wall, cpu() - used
        print(f"full build: {wall:.1f} s wall, {used:.1f} s CPU; {stage_lines(text)}", flush=True)

        if args.bytes:
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "search_bytes.py"), "--site", str(out)]
            )
        copies = next((cache / "build").glob("*-search")) / search.INDEX_DIR
        awards = pkg / "awards.csv"
        original = awards.read_bytes()
        edited, old, new = edited_awards(original)
        if not args.skip_options:
            print(f"site index from {sum(1 for _ in copies.rglob('*.html'))} search copies:")
            timed("today's Pagefind command", search.run_pagefind, copies, tmp / "idx-cli")
            timed("Pagefind's Python API, copies from memory", python_api, copies, tmp / "idx-py")
            awards.write_bytes(edited)
            antq(build, env)  # to learn which copies the edit changes
            changed = {
                p.relative_to(copies).parts[0] if len(p.relative_to(copies).parts) > 1 else "(gốc)"
                for p in copies.rglob("*.html")
                if new.encode() in p.read_bytes()
            }
            awards.write_bytes(original)
            antq(build, env)
            per_family(copies, tmp, changed)

        awards.write_bytes(edited)
        wall, used = time.perf_counter(), cpu()
        text = antq(build, env)
        wall, used = time.perf_counter() - wall, cpu() - used
        search_s = re.search(r"search\D*([\d.]+)", stage_lines(text))
        print(
            f"  antq build, award edit (today's path: pages wait for the index): {wall:.1f} s "
            f"wall, {used:.1f} s CPU, search stage {search_s.group(1) if search_s else '?'} s; "
            f"{stage_lines(text)}",
            flush=True,
        )
        awards.write_bytes(original)
        antq(build, env)
        serve_edit(pkg, out, site, env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
