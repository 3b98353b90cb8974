"""Issue 3 figures: `antq build` on the national synthetic package (~700k rows).

    .venv/bin/python bench/build_bench.py [--runs 3] [--out bench/out/national] [--no-pss]

Each run, on a copy of the package (bench/out/national itself is never modified) and a copy
of site/ with `provinces = "national"`, with SOURCE_DATE_EPOCH=1763683200:

1. full build, cold validation cache (fresh ANTQ_CACHE_DIR, fresh output directory);
2. full build, warm validation cache (`--full`, same cache, fresh output directory);
3. no-change rebuild (same output directory, run again: stops early);
4. one-row edit: one recipient name in awards.csv changed (text that search indexes),
   incremental rebuild; the copy is restored afterwards;
5. one-row edit of assessments.csv (the largest table, 400,000 rows): one yearly result
   flipped (not search text: the indexes are reused); restored afterwards;
6. a model's name changed (many pages read it) in a copy of the package that is a git
   repository, committed, incremental rebuild (runs alternate the name there and back, so
   every run is one committed edit);
7. `antq serve` on the sample data (data/): one award recipient's name edited, the time until
   the server hands out the page that shows the new name (polled every 20 ms).

`--serve-edits`: the serve path alone: `antq serve` on a copy of the national package
(which keeps the records and model in memory between rebuilds: generator.warm), each of the
two one-row edits (4 and 5) made and undone `--runs` times, the seconds from the file written
to the edited site served and the server's CPU seconds meanwhile, with the server's log of
each rebuild's stages (`antq serve --verbose`: wall/CPU seconds); then row 7.

`--serve-tables assessments` makes only that table's edits, `--no-sample` leaves row 7 out.

`--edits-only`: only the two one-row edits (4 and 5), after one untimed build, with the CPU
seconds of each edit rebuild's process tree beside its wall time (a shared machine's wall
time is mostly waiting; compare two trees' rows from runs made back to back or together).

`--full-only`: only the whole-build rows (1, 2 and 3), each with the CPU seconds of its
process tree beside its wall time (and the kernel's part of them: on a filesystem that
skips recently freed inodes, ext4 without a journal, the same cold build's kernel seconds
grow from ~8 to ~25 when many files were removed before; issue 18: 18-22 s of a cold
build's ~60 CPU s in ext4's inode allocation on a busy afternoon, 5.6 s on a tmpfs), and
the stage timings of the warm full build. The builds write under the temporary folder:
`TMPDIR=<a tmpfs>` measures the code without the filesystem's share (the package is only
read from --out).

`--root DIR` measures the antq source tree at DIR (e.g. a copy of main) with this
interpreter and this bench: run it once with and once without, back to back, to compare.

Prints medians of --runs runs with the peak RSS sum of the process tree (the build forks
render workers, whose shared pages this counts once per process), the page count and output size, the files the edit rebuild wrote, and the
`--verbose` stage timings of one warm full build and of one edit rebuild. Then, unless
--no-pss, one more cold and one more warm build measure the peak PSS of the process tree
(the RSS sum counts pages shared by the forked workers once per process).
Targets: full build <= 60 s, memory < 2 GB, no-change <= 2 s, one-row edit <= 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import median, run  # noqa: E402
from _pss import run_pss  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ANTQ = [PY, "-m", "generator"]
SOURCE_DATE_EPOCH = "1763683200"
BUILT = re.compile(
    r"Đã xây dựng (\d+) trang và (\d+) tệp dữ liệu .*ghi mới (\d+), giữ nguyên (\d+)"
)
UNCHANGED = "Không có gì thay đổi"
LAST_CPU = 0.0  # CPU seconds (user + system) of the last run_capture's process tree
LAST_SYS = 0.0  # the system part of LAST_CPU


def run_capture(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, float, str]:
    """`_measure.run`, with the command's stdout and stderr kept in `log` and `log.err`
    (`exec` keeps the same process, so the wall time and the memory are the command's own).
    Stops on a failed build."""
    global LAST_CPU, LAST_SYS
    err = log.with_suffix(".err")
    wrapped = ["sh", "-c", 'e=$1; shift; exec "$@" >"$0" 2>"$e"', str(log), str(err), *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, mem, code = run(wrapped, cwd=ROOT, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    LAST_SYS = after.ru_stime - before.ru_stime
    text = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        errors = err.read_text(encoding="utf-8", errors="replace")
        raise SystemExit(f"build failed ({code}): {' '.join(cmd)}\n{text}{errors}")
    return wall, mem, text


def _cpu(runs: list[tuple[float, float]]) -> str:
    """The median CPU seconds of runs of (CPU s, the kernel's part), and that part's."""
    return (
        f"{median([c for c, _ in runs]):.2f} CPU s"
        f" ({median([k for _, k in runs]):.2f} in the kernel)"
    )


def national_site(dest: Path, source: Path = ROOT / "site") -> Path:
    """site/ (`source`: another tree's) copied with the national scope."""
    shutil.copytree(source, dest)
    toml = dest / "site.toml"
    text, count = re.subn(
        r"^provinces\s*=\s*\[[^\]]*\]", 'provinces = "national"', toml.read_text(), flags=re.M
    )
    if count != 1:
        raise SystemExit(f"no `provinces = [...]` line to replace in {toml}")
    toml.write_text(text)
    return dest


def edited_awards(original: bytes) -> tuple[bytes, str, str]:
    """awards.csv with the recipient name of one individual's award changed (a typo fixed)."""
    text = original.decode("utf-8")
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    kind, name = header.index("recipient_kind"), header.index("recipient_name")
    middle = len(lines) // 2
    for i in range(middle, len(lines)):
        row = next(csv.reader([lines[i]]))
        if row[kind] == "ca_nhan":
            break
    else:
        raise SystemExit("awards.csv has no award to an individual to edit")
    old = row[name]
    given = "Sang" if not old.endswith(" Sang") else "Sơn"
    row[name] = old.rsplit(" ", 1)[0] + " " + given
    out = io.StringIO()
    ending = "\r\n" if lines[i].endswith("\r\n") else "\n"
    csv.writer(out, lineterminator=ending).writerow(row)
    lines[i] = out.getvalue()
    return "".join(lines).encode("utf-8"), old, row[name]


def edited_assessment(original: bytes) -> tuple[bytes, str]:
    """assessments.csv with the result of the middle row flipped (dat <-> chua_dat)."""
    lines = original.decode("utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    result, place, year = (header.index(n) for n in ("result", "place_id", "year"))
    i = len(lines) // 2
    row = next(csv.reader([lines[i]]))
    row[result] = "chua_dat" if row[result] == "dat" else "dat"
    out = io.StringIO()
    ending = "\r\n" if lines[i].endswith("\r\n") else "\n"
    csv.writer(out, lineterminator=ending).writerow(row)
    lines[i] = out.getvalue()
    return "".join(lines).encode("utf-8"), f"{row[place]} {row[year]} → {row[result]}"


def edited_model(original: bytes, run: int) -> bytes:
    """models.csv with the name of the model that most model sites run renamed (odd runs)
    or as it was (even runs)."""
    lines = original.decode("utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    name = header.index("name")
    row = next(csv.reader([lines[1]]))
    if run % 2:
        row[name] = row[name] + " (đổi tên)"
    out = io.StringIO()
    ending = "\r\n" if lines[1].endswith("\r\n") else "\n"
    csv.writer(out, lineterminator=ending).writerow(row)
    lines[1] = out.getvalue()
    return "".join(lines).encode("utf-8")


def git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        "GIT_AUTHOR_DATE": "2025-11-21T00:00:00Z",
        "GIT_COMMITTER_DATE": "2025-11-21T00:00:00Z",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bytes(response.read())
    except OSError:
        return b""


def serve_edit(tmp: Path, runs: int) -> list[float]:
    """`antq serve` on a copy of data/: seconds from an award recipient's edit to the page
    that shows it being served (one server, `runs` edits, each waited for)."""
    data = tmp / "serve-data"
    shutil.copytree(ROOT / "data", data)
    out = tmp / "serve-public"
    port = free_port()
    env = {
        **os.environ,
        "ANTQ_CACHE_DIR": str(tmp / "serve-cache"),
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }
    cmd = [
        *ANTQ,
        "serve",
        "--data",
        str(data),
        "--out",
        str(out),
        "--site",
        str(ROOT / "site"),
        "--port",
        str(port),
    ]
    log = (tmp / "serve.log").open("wb")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    times: list[float] = []
    try:
        deadline = time.monotonic() + 600
        while not (out / "index.html").is_file():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"antq serve did not build: see {tmp / 'serve.log'}")
            time.sleep(0.2)
        awards = data / "awards.csv"
        original = awards.read_bytes()
        current = original
        for _ in range(runs):
            edited, old, new = edited_awards(current)
            page = next(
                (p for p in sorted(out.rglob("*.html")) if old.encode() in p.read_bytes()), None
            )
            if page is None:
                raise SystemExit(f"no page shows {old!r}")
            url = f"http://127.0.0.1:{port}/{page.relative_to(out).as_posix()}"
            time.sleep(1.0)  # the watcher is idle
            start = time.perf_counter()
            awards.write_bytes(edited)
            while new.encode() not in fetch(url):
                if time.perf_counter() - start > 600:
                    raise SystemExit("the edit never reached the served page")
                time.sleep(0.02)
            times.append(time.perf_counter() - start)
            current = edited
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return times


# The one-row edits `--serve-edits` makes, in this order (`--serve-tables`).
SERVE_TABLES = ("awards", "assessments")


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and of its children it waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _revision(port: int) -> str:
    """The data revision of the site being served (/build.json, swapped with the pages)."""
    found = re.search(rb'"data_revision": "([^"]*)"', fetch(f"http://127.0.0.1:{port}/build.json"))
    return found.group(1).decode() if found else ""


def _search_current(port: int, deadline: float) -> None:
    """Wait until the search page no longer says its index is catching up."""
    while b"data-antq-search" in fetch(f"http://127.0.0.1:{port}/tim-kiem/"):
        if time.monotonic() > deadline:
            raise SystemExit("the search index never caught up")
        time.sleep(0.2)


def _save(path: Path, data: bytes, scratch: Path) -> None:
    """Save `path` as an editor that writes a new file and renames it does: the server
    never sees the 45 MB assessments.csv half written (a save caught mid-write is built as
    it is, and the next event builds it again: not the one-row edit being measured)."""
    tmp = scratch / f".{path.name}.saving"
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _served(
    server: subprocess.Popen[bytes], port: int, path: Path, data: bytes, tmp: Path, log: Path
) -> tuple[float, float, float]:
    """Save `data` as `path` and wait until the server serves the new data revision, then
    until its search index caught up (the server is idle again: the next edit's timing
    holds nothing of this one). Returns the wall seconds to the site served, the server's
    CPU seconds meanwhile and the wall seconds to the search index caught up."""
    time.sleep(1.0)  # the watcher is idle
    before, cpu = _revision(port), proc_cpu(server.pid)
    start = time.perf_counter()
    _save(path, data, tmp)
    while _revision(port) == before:
        if time.perf_counter() - start > 1800 or server.poll() is not None:
            raise SystemExit(f"the edit never reached the site: see {log}")
        time.sleep(0.02)
    wall, cpu = time.perf_counter() - start, proc_cpu(server.pid) - cpu
    _search_current(port, time.monotonic() + 1800)
    search = time.perf_counter() - start
    _idle(server.pid, time.monotonic() + 1800)
    return wall, cpu, search


def _idle(pid: int, deadline: float) -> None:
    """Wait until the server and its children use almost no CPU for a second: the search
    page can say "caught up" before the server marked its index pending, and the next
    edit would then be timed while Pagefind still runs."""
    while time.monotonic() < deadline:
        before = proc_cpu(pid) + _children_cpu(pid)
        time.sleep(1.0)
        if proc_cpu(pid) + _children_cpu(pid) - before < 0.05:
            return
    raise SystemExit("the server never went idle")


def _children_cpu(pid: int) -> float:
    """CPU seconds of the running children of `pid` (Pagefind, render workers)."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            with contextlib.suppress(OSError):
                total += proc_cpu(int(child))
    return total


def serve_national(
    source: Path, site: Path, tmp: Path, runs: int, tables: tuple[str, ...] = SERVE_TABLES
) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """`antq serve` on a copy of the national package: for each one-row edit (build_bench's
    awards and assessments edits, alternately made and undone: each is one edit), the
    seconds from the file written to the edited site being served (its /build.json names
    the new data revision: it is swapped in with the pages) and the server's CPU seconds
    meanwhile (its render workers included). Waits for the search index between edits."""
    pkg = tmp / "serve-national"
    shutil.copytree(source, pkg)
    out, port = tmp / "serve-national-public", free_port()
    env = {
        **os.environ,
        "ANTQ_CACHE_DIR": str(tmp / "serve-national-cache"),
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }
    cmd = [*ANTQ, "serve", "--data", str(pkg), "--out", str(out), "--site", str(site)]
    cmd.append("--verbose")  # each rebuild's stages, wall/CPU seconds
    log_path = tmp / "serve-national.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [*cmd, "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    found: dict[str, tuple[list[float], list[float], list[float]]] = {}
    try:
        deadline = time.monotonic() + 3600
        while not _revision(port):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"antq serve did not build: see {log_path}")
            time.sleep(0.5)
        _search_current(port, deadline)
        edits = {
            "awards": lambda data: edited_awards(data)[0],
            "assessments": lambda data: edited_assessment(data)[0],
        }
        for table in tables:
            edit = edits[table]
            path = pkg / f"{table}.csv"
            original = path.read_bytes()
            versions = [edit(original), original]
            walls, cpus, searches = [], [], []
            for i in range(runs):
                wall, cpu, search = _served(server, port, path, versions[i % 2], tmp, log_path)
                walls.append(wall)
                cpus.append(cpu)
                searches.append(search)
            if runs % 2:  # undone as an edit too, waited for: not timed as the next one
                _served(server, port, path, original, tmp, log_path)
            found[table] = (walls, cpus, searches)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    print("serve log (national), each rebuild's stages as wall/CPU seconds:")
    for line in lines[-8 * runs - 4 :]:
        print(f"  {line}")
    return found


def serve_only(
    source: Path, runs: int, tables: tuple[str, ...] = SERVE_TABLES, sample: bool = True
) -> None:
    """`--serve-edits`: the serve path's figures (the one-row edits on the national package,
    then the sample data's edit → page served), medians of `runs`; `tables`: the edits
    made (`--serve-tables`), `sample`: the sample data's row too (not with `--no-sample`)."""
    tmp = Path(tempfile.mkdtemp(prefix="antq-serve-bench-"))
    try:
        site = national_site(tmp / "site", ROOT / "site")  # (--root's own templates)
        start = time.perf_counter()
        found = serve_national(source, site, tmp, runs, tables)
        print(f"antq serve, national: {time.perf_counter() - start:.0f} s in all")
        for table, (walls, cpus, searches) in found.items():
            print(
                f"antq serve, national, one-row edit of {table}.csv -> site served: "
                f"median {median(walls):.2f} s wall, {median(cpus):.2f} CPU s   "
                f"(runs: {', '.join(f'{w:.2f}' for w in walls)})   [target <= 1 s]"
            )
            print(
                f"antq serve, national, {table}.csv edit -> search caught up: "
                f"median {median(searches):.1f} s   [target <= 15 s after the pages]"
            )
        if not sample:
            return
        reloads = serve_edit(tmp, runs)
        print(
            f"antq serve, sample data, edit -> page served: median {median(reloads):.2f} s"
            f"   (runs: {', '.join(f'{t:.2f}' for t in reloads)})   [target <= 1 s]"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def tree_size(root: Path) -> tuple[int, int, int]:
    """(files, HTML files, bytes) under root."""
    files = html = size = 0
    for folder, _, names in os.walk(root):
        for name in names:
            files += 1
            html += name.endswith(".html")
            size += os.stat(os.path.join(folder, name)).st_size
    return files, html, size


def print_stages(what: str, walls: list[float], logs: list[str]) -> None:
    """The `--verbose` stage lines of the run whose wall time is the median."""
    order = sorted(range(len(walls)), key=lambda i: walls[i])
    pick = order[(len(order) - 1) // 2]
    print(f"stage timings (--verbose) of one {what} ({walls[pick]:.1f} s wall):")
    for line in logs[pick].splitlines():
        if line.startswith("  "):
            print(line)


def edits_only(build: list[str], env: dict[str, str], log: Path, runs: int, pkg: Path) -> None:
    """Rows 4 and 5 alone: one untimed build, then each edit rebuilt and restored `runs`
    times; wall and CPU seconds, and the stage timings of the median run."""
    awards, assessments = pkg / "awards.csv", pkg / "assessments.csv"
    edits = {
        "awards.csv recipient_name": (awards, edited_awards(awards.read_bytes())[0]),
        "assessments.csv yearly result": (
            assessments,
            edited_assessment(assessments.read_bytes())[0],
        ),
    }
    start = time.perf_counter()
    run_capture(build, env, log)
    print(
        f"first build (untimed row): {time.perf_counter() - start:.1f} s wall, {LAST_CPU:.1f} CPU s"
    )
    for what, (path, edited) in edits.items():
        original = path.read_bytes()
        walls, cpus, logs = [], [], []
        for _ in range(runs):
            path.write_bytes(edited)
            try:
                w, _, text = run_capture([*build, "--verbose"], env, log)
            finally:
                path.write_bytes(original)
            walls.append(w), cpus.append(LAST_CPU), logs.append(text)
            run_capture(build, env, log)  # back to the original data
        counts = BUILT.search(logs[-1])
        written = f"ghi mới {counts.group(3)}" if counts else "?"
        print(
            f"one-row edit, {what}: median {median(walls):.2f} s wall, "
            f"{median(cpus):.2f} CPU s ({written})   [target <= 1 s]"
        )
        print_stages(f"{what} edit rebuild", walls, logs)


def full_only(
    build: list[str], env: dict[str, str], log: Path, runs: int, dirs: tuple[Path, Path]
) -> None:
    """Rows 1, 2 and 3 alone, `runs` times: wall and CPU seconds of each, the output's
    shape and the stage timings of the median warm full build."""
    out, cache = dirs
    rows: dict[str, tuple[list[float], list[float], list[float]]] = {
        "full build, cold validation cache": ([], [], []),
        "full build, warm validation cache (--full)": ([], [], []),
        "no-change rebuild": ([], [], []),
    }
    cold, warm, same = rows.values()
    warm_logs: list[str] = []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        w, _, _ = run_capture(build, env, log)
        cold[0].append(w), cold[1].append(LAST_CPU), cold[2].append(LAST_SYS)
        shutil.rmtree(out)
        w, _, text = run_capture([*build, "--full", "--verbose"], env, log)
        warm[0].append(w), warm[1].append(LAST_CPU), warm[2].append(LAST_SYS)
        warm_logs.append(text)
        w, _, text = run_capture(build, env, log)
        if UNCHANGED not in text:
            raise SystemExit("the no-change rebuild did not stop early")
        same[0].append(w), same[1].append(LAST_CPU), same[2].append(LAST_SYS)
    files, html, nbytes = tree_size(out)
    built = BUILT.search(warm_logs[-1])
    pages = f"{built.group(1)} pages + {built.group(2)} data files" if built else "?"
    print(f"output: {pages}; {files:,} files ({html:,} HTML), {nbytes / 1e6:.0f} MB")
    for what, (walls, cpus, kernel) in rows.items():
        print(
            f"{what}: median {median(walls):.2f} s wall, {_cpu(list(zip(cpus, kernel, strict=True)))}"
            f"   (runs: {', '.join(f'{w:.2f}' for w in walls)})"
        )
    print_stages("warm full build", warm[0], warm_logs)


def main() -> None:
    global ROOT
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "national")
    parser.add_argument(
        "--no-pss", action="store_true", help="skip the two extra builds that measure PSS"
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="the antq source tree to measure (default: this one)",
    )
    parser.add_argument(
        "--edits-only", action="store_true", help="only the two one-row edits (rows 4, 5)"
    )
    parser.add_argument(
        "--full-only", action="store_true", help="only the whole-build rows (1, 2, 3)"
    )
    parser.add_argument(
        "--serve-edits",
        action="store_true",
        help="only the serve path: the two one-row edits on the national package, and the "
        "sample data's edit (row 7)",
    )
    parser.add_argument(
        "--serve-tables",
        default=",".join(SERVE_TABLES),
        help="with --serve-edits: the tables edited, comma-separated (awards, assessments)",
    )
    parser.add_argument(
        "--no-sample", action="store_true", help="with --serve-edits: not the sample data's row"
    )
    args = parser.parse_args()
    ROOT = args.root.resolve()
    print(f"code measured: {ROOT}")
    source: Path = args.out.resolve()
    if not (source / "datapackage.yaml").exists():
        wall, mem, _ = run([*ANTQ, "synth", "--scale", "national", "--out", str(source)], cwd=ROOT)
        print(f"synth national: {wall:.1f} s, {mem:.0f} MB")
    if args.serve_edits:
        tables = tuple(t for t in args.serve_tables.split(",") if t)
        if not set(tables) <= set(SERVE_TABLES):
            raise SystemExit(f"--serve-tables: one of {', '.join(SERVE_TABLES)}")
        serve_only(source, args.runs, tables, sample=not args.no_sample)
        return
    tmp = Path(tempfile.mkdtemp(prefix="antq-build-bench-"))
    try:
        pkg = tmp / "national"
        shutil.copytree(source, pkg)
        site = national_site(tmp / "site", ROOT / "site")  # (--root's own templates)
        out, cache, log = tmp / "public", tmp / "cache", tmp / "stdout.txt"
        env = {**os.environ, "ANTQ_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
        build = [*ANTQ, "build", "--data", str(pkg), "--out", str(out), "--site", str(site)]
        awards = pkg / "awards.csv"
        original = awards.read_bytes()
        edited, old_name, new_name = edited_awards(original)
        assessments = pkg / "assessments.csv"
        original_results = assessments.read_bytes()
        edited_results, flipped = edited_assessment(original_results)
        rows = sum(max(0, sum(1 for _ in f.open("rb")) - 1) for f in pkg.glob("*.csv"))
        size = sum(f.stat().st_size for f in pkg.glob("*.csv")) / 1e6
        print(f"package: {source} — {rows:,} rows, {size:.1f} MB of CSV (built from a copy)")
        print(f"one-row edit: awards.csv recipient_name “{old_name}” → “{new_name}”")
        print(f"one-row edit of the largest table: assessments.csv {flipped}")
        print(f"runs: {args.runs}, CPUs: {os.cpu_count()}")
        if args.edits_only:
            edits_only(build, env, log, args.runs, pkg)
            return
        if args.full_only:
            full_only(build, env, log, args.runs, (out, cache))
            return

        gitpkg = tmp / "git-national"
        shutil.copytree(source, gitpkg)
        git(gitpkg, "init", "-q")
        git(gitpkg, "add", "-A")
        git(gitpkg, "commit", "-q", "-m", "national")
        models = gitpkg / "models.csv"
        original_models = models.read_bytes()
        git_out, git_cache = tmp / "git-public", tmp / "git-cache"
        git_env = {**env, "ANTQ_CACHE_DIR": str(git_cache)}
        git_build = [
            *ANTQ,
            "build",
            "--data",
            str(gitpkg),
            "--out",
            str(git_out),
            "--site",
            str(site),
        ]
        renamed, renamed_mem, renamed_logs = [], [], []  # the model's name, in git

        cold, cold_mem, warm, warm_mem, same, same_mem, edit, edit_mem = ([] for _ in range(8))
        cold_cpu: list[tuple[float, float]] = []  # (CPU s, the kernel's part) of each run
        warm_cpu: list[tuple[float, float]] = []
        big, big_mem, big_logs = [], [], []  # the assessments.csv edit
        warm_logs: list[str] = []
        same_logs: list[str] = []
        edit_logs: list[str] = []
        shape: tuple[int, int, int] = (0, 0, 0)
        for _ in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            w, m, _ = run_capture(build, env, log)
            cold.append(w), cold_mem.append(m), cold_cpu.append((LAST_CPU, LAST_SYS))

            shutil.rmtree(out)
            w, m, text = run_capture([*build, "--full", "--verbose"], env, log)
            warm.append(w), warm_mem.append(m), warm_logs.append(text)
            warm_cpu.append((LAST_CPU, LAST_SYS))
            shape = tree_size(out)

            w, m, text = run_capture(build, env, log)
            same.append(w), same_mem.append(m), same_logs.append(text)

            awards.write_bytes(edited)
            try:
                w, m, text = run_capture([*build, "--verbose"], env, log)
            finally:
                awards.write_bytes(original)
            edit.append(w), edit_mem.append(m), edit_logs.append(text)

            run_capture(build, env, log)  # back to the original data
            assessments.write_bytes(edited_results)
            try:
                w, m, text = run_capture([*build, "--verbose"], env, log)
            finally:
                assessments.write_bytes(original_results)
            big.append(w), big_mem.append(m), big_logs.append(text)

        run_capture(git_build, git_env, log)  # the git copy built once, not timed
        for i in range(args.runs):
            models.write_bytes(edited_model(original_models, i + 1))
            git(gitpkg, "commit", "-q", "-am", f"model name {i + 1}")
            w, m, text = run_capture([*git_build, "--verbose"], git_env, log)
            renamed.append(w), renamed_mem.append(m), renamed_logs.append(text)
        reloads = serve_edit(tmp, args.runs)

        built = BUILT.search(warm_logs[-1])
        pages = f"{built.group(1)} pages + {built.group(2)} data files" if built else "?"
        files, html, nbytes = shape
        print(
            f"output: {pages}; {files:,} files ({html:,} HTML), {nbytes / 1e6:.0f} MB on disk (apparent size)"
        )
        print(
            f"full build, cold validation cache: median {median(cold):.1f} s, peak RSS sum {max(cold_mem):.0f} MB   [target <= 60 s, < 2048 MB]"
            f"   ({_cpu(cold_cpu)})"
        )
        print(
            f"full build, warm validation cache (--full): median {median(warm):.1f} s, peak RSS sum {max(warm_mem):.0f} MB   [target <= 60 s, < 2048 MB]"
            f"   ({_cpu(warm_cpu)})"
        )
        skipped = sum(UNCHANGED in t for t in same_logs)
        print(
            f"no-change rebuild: median {median(same):.2f} s, peak {max(same_mem):.0f} MB   [target <= 2 s]"
            f"   (stopped early in {skipped}/{len(same_logs)} runs)"
        )
        counts = [BUILT.search(t) for t in edit_logs]
        written = ", ".join(
            f"ghi mới {c.group(3)}, giữ nguyên {c.group(4)}" if c else "?" for c in counts
        )
        print(
            f"one-row edit rebuild: median {median(edit):.2f} s, peak {max(edit_mem):.0f} MB   [target <= 1 s]"
            f"   (files written / linked per run: {written})"
        )
        print(
            f"one-row edit of assessments.csv: median {median(big):.2f} s, peak {max(big_mem):.0f} MB   [target <= 1 s]"
        )
        counts = [BUILT.search(t) for t in renamed_logs]
        written = ", ".join(
            f"ghi mới {c.group(3)}, giữ nguyên {c.group(4)}" if c else "?" for c in counts
        )
        print(
            f"a model's name, committed in a git repository: median {median(renamed):.2f} s, peak {max(renamed_mem):.0f} MB"
            f"   (files written / linked per run: {written})"
        )
        print(
            f"antq serve, sample data, edit -> page served: median {median(reloads):.2f} s"
            f"   (runs: {', '.join(f'{t:.2f}' for t in reloads)})   [target <= 1 s]"
        )
        print_stages("warm full build", warm, warm_logs)
        print_stages("one-row edit rebuild", edit, edit_logs)
        print_stages("assessments.csv edit rebuild", big, big_logs)
        print_stages("model name edit rebuild (git)", renamed, renamed_logs)
        if not args.no_pss:
            # Forked workers share their parent's pages: the RSS sum above counts them once
            # per process. PSS counts each page once in all; one extra build of each kind.
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            cold_pss = run_pss(build, cwd=ROOT, env=env)
            shutil.rmtree(out)
            warm_pss = run_pss([*build, "--full"], cwd=ROOT, env=env)
            print(
                f"peak tree PSS (shared pages counted once; one extra build each): cold {cold_pss:.0f} MB, warm --full {warm_pss:.0f} MB   [target < 2048 MB]"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
