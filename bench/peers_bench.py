"""Pages per second of antq, Hugo and mkdocs-material on the same generated Markdown corpus.

    .venv/bin/python bench/peers_bench.py [--pages 5000] [--runs 3] [--seed 2025]
        [--root DIR] [--peer DIR]

--root: the antq source tree measured (default: this one); --peer: a second tree (e.g.
main's worktree: `git worktree add --detach /tmp/x/main-peer main`) built in the same runs,
right after --root's, so that both are compared with the same peers under the same load.

The corpus (bench/_corpus.py) is --pages Vietnamese pages of 500–900 words with headings,
a table, a list, an admonition, bold and italic text and a closing self-check quiz. Each
tool builds it from scratch (fresh output directory) --runs times, interleaved:

- antq: the pages are lessons (data/lessons/*.md with validated front matter) added to a
  copy of the small fixture package tests/fixtures/good, built with the repo's site/ and a
  fresh ANTQ_CACHE_DIR (cold: validating the lessons is part of the build). antq also writes
  its other pages (data, legal documents, lesson lists by topic and grade) and counts them.
  Its search (Pagefind over the pages' search copies) is part of the build.
- Hugo + Pagefind (Debian package `hugo`): a minimal site, one layout showing the title and
  the content in <main>; taxonomies, RSS, sitemap and robots.txt disabled. Admonitions render
  as text. Then Pagefind (the same binary antq runs, from the `pagefind_bin` wheel) indexes
  Hugo's output with antq's language and root options: one timed command, `hugo && pagefind`,
  so both tools have a search index at the end.
- Pagefind alone: the same Pagefind command over Hugo's output (Hugo's build made first,
  untimed): the search index's own time, the floor of any tool here that searches its
  5,000 pages with Pagefind (antq's engine in this wave); printed beside the budget that
  3x mkdocs-material's pages/s leaves for a whole build.
- mkdocs-material (own venv in bench/out/peers-venv): theme material, admonition, tables and
  toc; plugins: [search] (material's search plugin, which writes its search index); the nav
  is the home page only, other pages are built outside it. With no `nav` at all
  (--mkdocs-auto-nav) MkDocs lists every page in every page's navigation, which is quadratic
  in pages.

Pages = HTML files actually written. Prints median wall time, CPU seconds (user + system of
the process tree), pages, pages/s and peak process-tree memory per tool, and the ratios.
Targets: antq >= 3x faster than mkdocs-material (pages/s); antq time <= 2 x the time of
Hugo + Pagefind.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import Doc, corpus  # noqa: E402
from _measure import median, run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
OUT = ROOT / "bench" / "out"
VENV = OUT / "peers-venv"
FIXTURE = ROOT / "tests" / "fixtures" / "good"
SOURCE_DATE_EPOCH = "1763683200"
HUGO = "Hugo+Pagefind"
# Pagefind alone over Hugo's output (Hugo's build made first, untimed): the search index's
# own time, which every tool compared here pays for 5,000 pages with Pagefind as its engine.
PAGEFIND_ALONE = "Pagefind alone"
PEER = "antq-peer"
# What antq passes Pagefind (generator.search._command) that applies to any site.
PAGEFIND_OPTIONS = ["--root-selector", "main", "--force-language", "vi"]

HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "vi"
title = "Bài học pháp luật"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
"""
HUGO_LAYOUTS = {
    "baseof.html": (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        "<title>{{ .Title }}</title></head>\n"
        '<body><main>{{ block "main" . }}{{ end }}</main></body></html>\n'
    ),
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n',
    "list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}<ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n'
    ),
}
MKDOCS_CONFIG = """\
site_name: Bài học pháp luật
site_url: https://example.org/
theme:
  name: material
  language: vi
use_directory_urls: true
markdown_extensions: [admonition, tables, toc]
plugins: [search]
"""
# The home page alone in the nav (pages outside it are still built; MkDocs just says so).
MKDOCS_HOME_NAV = """\
nav: [index.md]
validation:
  nav:
    omitted_files: ignore
"""


def html_pages(root: Path) -> int:
    return sum(name.endswith(".html") for _, _, names in os.walk(root) for name in names)


def legal_ids() -> list[str]:
    """The fixture's document ids a lesson can link as `legal:ID` (no white space: an id
    such as "Hướng dẫn 22/HD-BCA-V05" is cited in front matter, not linked)."""
    with (FIXTURE / "legal_documents.csv").open(encoding="utf-8") as fh:
        return [row["id"] for row in csv.DictReader(fh) if not any(c.isspace() for c in row["id"])]


def ensure_hugo() -> str | None:
    hugo = shutil.which("hugo")
    if hugo:
        return hugo
    print("hugo not found: installing the Debian package")
    install = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "hugo"]
    if subprocess.run(install, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, check=False)
        subprocess.run(install, capture_output=True, check=False)
    return shutil.which("hugo")


def ensure_mkdocs() -> Path:
    mkdocs = VENV / "bin" / "mkdocs"
    if not mkdocs.exists():
        print(f"creating {VENV} with mkdocs-material")
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "pip"), "install", "-q", "mkdocs-material"]
        subprocess.run(pip, check=True)
    return mkdocs


def pagefind_binary() -> str:
    """The Pagefind binary antq runs (the `pagefind_bin` wheel's), for Hugo's output too."""
    from pagefind_bin import get_executable

    return str(get_executable())


def check_search(name: str, dest: Path) -> None:
    """Stop unless the build made its search index: the tools are compared with search."""
    index = {
        "antq": dest / "pagefind" / "pagefind-entry.json",
        PEER: dest / "pagefind" / "pagefind-entry.json",
        HUGO: dest / "pagefind" / "pagefind-entry.json",
        PAGEFIND_ALONE: dest / "pagefind" / "pagefind-entry.json",
        "mkdocs-material": dest / "search" / "search_index.json",
    }[name]
    if not index.is_file():
        raise SystemExit(f"{name}: no search index ({index} missing)")


def version(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def setup_antq(root: Path, docs: list[Doc]) -> Path:
    data = root / "data"
    shutil.copytree(FIXTURE, data)
    (data / "lessons").mkdir()
    for doc in docs:
        (data / "lessons" / f"{doc.slug}.md").write_text(doc.antq(), encoding="utf-8")
    return data


def setup_hugo(root: Path, docs: list[Doc]) -> Path:
    site = root / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    for doc in docs:
        (site / "content" / f"{doc.slug}.md").write_text(doc.plain(), encoding="utf-8")
    return site


def setup_mkdocs(root: Path, docs: list[Doc], auto_nav: bool) -> Path:
    project = root / "mkdocs"
    (project / "docs").mkdir(parents=True)
    config = MKDOCS_CONFIG if auto_nav else MKDOCS_CONFIG + MKDOCS_HOME_NAV
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    (project / "docs" / "index.md").write_text(
        "# Bài học pháp luật\n\nThư viện bài học.\n", encoding="utf-8"
    )
    for doc in docs:
        (project / "docs" / f"{doc.slug}.md").write_text(doc.plain(), encoding="utf-8")
    return project


def print_antq(
    name: str,
    walls: dict[str, list[float]],
    cpus: dict[str, list[float]],
    speed: dict[str, float],
    logs: list[str],
) -> None:
    """An antq tree's stage timings (of its median run) and its ratios to the peers."""
    antq_wall = median(walls[name])
    pick = sorted(range(len(walls[name])), key=lambda i: walls[name][i])
    pick_run = pick[(len(pick) - 1) // 2]
    print(f"{name} stage timings (--verbose) of the median run ({walls[name][pick_run]:.1f} s):")
    for line in logs[pick_run].splitlines():
        if line.startswith("  "):
            print(line)
    mk_wall = median(walls["mkdocs-material"])
    print(
        f"{name} vs mkdocs-material: {speed[name] / speed['mkdocs-material']:.2f}x the pages/s "
        f"(wall time mkdocs-material / {name} = {mk_wall / antq_wall:.2f})   [target >= 3x faster]"
    )
    if PAGEFIND_ALONE in walls:
        alone = median(walls[PAGEFIND_ALONE])
        print(
            f"  3x mkdocs-material is {mk_wall / 3:.2f} s for the whole build; {PAGEFIND_ALONE} "
            f"over the same pages (Hugo's) takes {alone:.2f} s ({median(cpus[PAGEFIND_ALONE]):.2f}"
            f" CPU s): {alone / (mk_wall / 3):.2f}x that budget before any page is validated or"
            f" rendered; {name} without its search stage: see the stage timings above"
        )
    if HUGO in walls:
        hugo_wall = median(walls[HUGO])
        print(
            f"{name} vs {HUGO}: {name} time / their time = {antq_wall / hugo_wall:.2f} "
            f"(CPU s: {median(cpus[name]) / median(cpus[HUGO]):.2f}); "
            f"pages/s {name} / theirs = {speed[name] / speed[HUGO]:.2f}   [target: time ratio <= 2]"
        )
    else:
        print(f"{name} vs {HUGO}: Hugo not available, not measured")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--mkdocs-auto-nav",
        action="store_true",
        help="no `nav` in mkdocs.yml: every page lists every page (quadratic)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="the antq source tree to measure (default: this one), e.g. a copy of main",
    )
    parser.add_argument(
        "--peer",
        type=Path,
        help="a second antq source tree (e.g. main's worktree), built in the same runs, "
        "alternating with --root's: its figures and ratios are printed beside",
    )
    args = parser.parse_args()
    code_root = args.root.resolve()
    peer_root = args.peer.resolve() if args.peer else None
    print(f"antq code measured: {code_root}" + (f"; peer: {peer_root}" if peer_root else ""))
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    hugo = ensure_hugo()
    pagefind = pagefind_binary()
    mkdocs = ensure_mkdocs()
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="peers-", dir=OUT))
    try:
        docs = corpus(args.pages, args.seed, legal_ids())
        words = sum(len(d.body.split()) for d in docs)
        print(f"corpus: {len(docs)} pages, {words / len(docs):.0f} words per page on average")
        antq_data = setup_antq(tmp, docs)
        hugo_site = setup_hugo(tmp, docs) if hugo else None
        mkdocs_project = setup_mkdocs(tmp, docs, args.mkdocs_auto_nav)
        env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
        env.pop("ANTQ_CACHE_DIR", None)

        tools: dict[str, Callable[[Path], tuple[float, float, int]]] = {}
        prepare: dict[str, Callable[[Path], None]] = {}  # made before the timed build

        antq_logs: dict[str, list[str]] = {}

        def antq_build(name: str, tree: Path) -> Callable[[Path], tuple[float, float, int]]:
            """`antq build` as the source tree `tree` makes it (its code and its site/)."""
            antq_logs[name] = []

            def build_antq(dest: Path) -> tuple[float, float, int]:
                cache = tmp / f"{name}-cache"
                shutil.rmtree(cache, ignore_errors=True)
                cmd = [PY, "-m", "generator", "build", "--data", str(antq_data)]
                cmd += ["--out", str(dest), "--site", str(tree / "site"), "--verbose"]
                # `exec` keeps the same process: stdout goes to a file, the figures are antq's.
                log, err = tmp / f"{name}-stdout.txt", tmp / f"{name}-stderr.txt"
                script = 'e=$1; shift; exec "$@" >"$0" 2>"$e"'
                wrapped = ["sh", "-c", script, str(log), str(err), *cmd]
                result = run(wrapped, cwd=tree, env={**env, "ANTQ_CACHE_DIR": str(cache)})
                antq_logs[name].append(log.read_text(encoding="utf-8", errors="replace"))
                if result[2] != 0:
                    print(antq_logs[name][-1] + err.read_text(encoding="utf-8", errors="replace"))
                return result

            return build_antq

        tools["antq"] = antq_build("antq", code_root)
        if peer_root is not None:
            tools[PEER] = antq_build(PEER, peer_root)
        if hugo and hugo_site:
            site = hugo_site

            def build_hugo(dest: Path) -> tuple[float, float, int]:
                # One command, so the time and the memory are both tools' together.
                index = [pagefind, "--site", str(dest), "--silent", *PAGEFIND_OPTIONS]
                script = 'h=$1; shift; "$h" --quiet --destination "$0" && exec "$@"'
                return run(["sh", "-c", script, str(dest), hugo, *index], cwd=site, env=env)

            tools[HUGO] = build_hugo

            def hugo_first(dest: Path) -> None:
                command = [hugo, "--quiet", "--destination", str(dest)]
                subprocess.run(command, cwd=site, env=env, check=True)

            def pagefind_alone(dest: Path) -> tuple[float, float, int]:
                return run([pagefind, "--site", str(dest), "--silent", *PAGEFIND_OPTIONS], env=env)

            prepare[PAGEFIND_ALONE] = hugo_first
            tools[PAGEFIND_ALONE] = pagefind_alone

        def build_mkdocs(dest: Path) -> tuple[float, float, int]:
            return run([str(mkdocs), "build", "-q", "-d", str(dest)], cwd=mkdocs_project, env=env)

        tools["mkdocs-material"] = build_mkdocs

        walls: dict[str, list[float]] = {name: [] for name in tools}
        cpus: dict[str, list[float]] = {name: [] for name in tools}
        mems: dict[str, list[float]] = {name: [] for name in tools}
        pages: dict[str, int] = {}
        for _ in range(args.runs):
            for name, build in tools.items():
                dest = tmp / f"site-{name}"
                shutil.rmtree(dest, ignore_errors=True)
                if name in prepare:
                    prepare[name](dest)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                wall, mem, code = build(dest)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if code != 0:
                    raise SystemExit(f"{name} build failed (exit {code})")
                walls[name].append(wall)
                cpus[name].append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
                mems[name].append(mem)
                pages[name] = html_pages(dest)
                check_search(name, dest)
                shutil.rmtree(dest, ignore_errors=True)

        versions = {
            "antq": version([PY, "-c", "import generator; print('antq', generator.__version__)"]),
            "mkdocs-material": version(
                [
                    str(VENV / "bin" / "python"),
                    "-c",
                    "from importlib.metadata import version as v; "
                    "print('mkdocs-material', v('mkdocs-material'), '/ mkdocs', v('mkdocs'), "
                    "'/ Markdown', v('Markdown'))",
                ]
            ),
        }
        if peer_root is not None:
            versions[PEER] = versions["antq"] + f" (tree {peer_root})"
        if hugo:
            versions[HUGO] = version([hugo, "version"]) + " / " + version([pagefind, "--version"])
            versions[PAGEFIND_ALONE] = version([pagefind, "--version"])
        print(f"runs: {args.runs} (cold, full builds, fresh output), CPUs: {os.cpu_count()}")
        nav = "automatic (every page in every page's nav)" if args.mkdocs_auto_nav else "home only"
        print(f"mkdocs-material: search plugin on, nav {nav}; Hugo: Pagefind over its output")
        for name in tools:
            print(f"version {name}: {versions[name]}")
        speed: dict[str, float] = {}
        for name in tools:
            wall = median(walls[name])
            speed[name] = pages[name] / wall
            print(
                f"{name:<16} median {wall:6.2f} s  {median(cpus[name]):6.2f} CPU s  "
                f"{pages[name]:>6} pages  {speed[name]:7.0f} pages/s  "
                f"peak {max(mems[name]):.0f} MB   (runs: {', '.join(f'{w:.2f}' for w in walls[name])})"
            )
        for name in antq_logs:
            print_antq(name, walls, cpus, speed, antq_logs[name])
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
