"""Random edits of a whole antq project, each followed by an incremental build and a clean
build in new processes: the incremental site must equal the clean one byte for byte (issue 18,
"Done when"), with the same messages; when the edit makes bad data both must refuse it with
the same messages, and the published site must stay as it was.

The project is the bundled sample (data/, site/ and a copy of generator/ with pwa/), so that
every family is edited: each table's rows (a cell changed, a row added, removed or moved;
the table saved again with CRLF, a byte-order mark or two columns swapped; a label or a
title in its schema), the lessons and news articles (text, a title, a lesson added or
removed), the templates (visible text, a Jinja comment), the site's settings (its name, its
scope), the service worker's source and the Python modules (a constant added, the date
format changed). Values come from other rows of the same column, so most edits keep the data
valid; the others exercise the refusal path, and are reverted after it, so the next
incremental build follows a refused one.
`--serve`: the incremental builds are `antq serve`'s rebuilds, in one long-lived process.

Used by tests/test_random_edits.py (a few rounds, a fixed seed) and, for longer campaigns, as
a script printing what it did (the seed decides everything, so a failing round can be rerun):

    .venv/bin/python -m tests.random_edits --rounds 40 --seed 7 [--serve] [--work DIR]
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.test_build_reliability import contents

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"  # 21/11/2025: both builds of a round see the same date
_WROTE = re.compile(r"ghi mới (\d+), giữ nguyên (\d+)")
# The closing line of a build (what it wrote and kept, or that nothing changed).
_CLOSING = re.compile(r"^(Đã xây dựng \d+ trang|Không có gì thay đổi:)")


@dataclass
class Build:
    code: int
    out: str
    err: str
    seconds: float
    kept: int  # files kept from the last build (linked, not written)


# `antq serve`'s rebuilds, in one long-lived process as the server makes them (the options it
# builds with: generator.serve.DevServer), one for each line read; the search index caught up
# after each, as the server's indexer does. Replies a line of JSON.
_SERVE = """
import json, sys, time, traceback
from pathlib import Path
from generator import warm
from generator.build import Builder, BuildOptions, build_site
from generator.errors import AntqError
data, out, site = map(Path, sys.argv[1:4])
options = BuildOptions(
    data, out, site, defer_search=True, lock=False, warm=warm.Warm(), in_place=True
)
for _ in sys.stdin:
    started = time.perf_counter()
    try:
        report = build_site(options)
        Builder(options).catch_up_search()
        reply = {"code": 0, "lines": [*report.inbox, *report.warnings], "kept": report.linked}
    except AntqError as exc:
        reply = {"code": 1, "lines": exc.lines, "kept": 0}
    except Exception:
        reply = {"code": 2, "lines": traceback.format_exc().splitlines(), "kept": 0}
    reply["seconds"] = time.perf_counter() - started
    print(json.dumps(reply), flush=True)
"""


@dataclass
class Project:
    """The files a round edits, in `work`: data/, site/ and code/ (generator/ and pwa/)."""

    work: Path
    rng: random.Random
    counter: int = 0
    saved: dict[Path, bytes | None] = field(default_factory=dict)
    servers: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.work / "data"

    @property
    def site(self) -> Path:
        return self.work / "site"

    @property
    def code(self) -> Path:
        return self.work / "code"

    @classmethod
    def make(cls, work: Path, seed: int) -> Project:
        shutil.copytree(ROOT / "data", work / "data")
        shutil.copytree(ROOT / "site", work / "site")
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / "generator", work / "code" / "generator", ignore=ignore)
        shutil.copytree(ROOT / "pwa", work / "code" / "pwa", ignore=ignore)
        return cls(work, random.Random(seed))

    # -- keeping what a round changed, to revert a refused edit -------------------------------

    def keep(self, path: Path) -> None:
        if path not in self.saved:
            self.saved[path] = path.read_bytes() if path.exists() else None

    def write(self, path: Path, text: str) -> None:
        self.keep(path)
        path.write_text(text, encoding="utf-8")

    def remove(self, path: Path) -> None:
        self.keep(path)
        path.unlink()

    def revert(self) -> None:
        for path, data in self.saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        self.saved.clear()

    def fresh(self) -> int:
        self.counter += 1
        return self.counter

    # -- builds -------------------------------------------------------------------------------

    def _env(self, cache: Path, check: bool) -> dict[str, str]:
        """The builds' environment: the edited code first on the path, the round's date."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ANTQ_CHECK_DEPS")}
        env.update(PYTHONPATH=str(self.code), ANTQ_CACHE_DIR=str(cache), SOURCE_DATE_EPOCH=EPOCH)
        if check:  # every page reused by its keys is made anyway and must give the same key
            env["ANTQ_CHECK_DEPS"] = "1"
        return env

    def build(self, out: Path, cache: Path, *, full: bool, check: bool) -> Build:
        """`antq build` in a new process."""
        args = ["--data", str(self.data), "--out", str(out), "--site", str(self.site)]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "generator", "build", *args, *(["--full"] if full else [])],
            cwd=self.work,  # not the repository: its generator/ would come first on sys.path
            env=self._env(cache, check),
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        found = _WROTE.search(done.stdout)
        kept = int(found.group(2)) if found else 0
        return Build(done.returncode, done.stdout, done.stderr, seconds, kept)

    def serve(self, out: Path, cache: Path) -> Callable[[], Build]:
        """A process that rebuilds as `antq serve` does, keeping its warm state between
        rebuilds (keys checked); each call of the result is one rebuild."""
        server = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(self.data), str(out), str(self.site)],
            cwd=self.work,
            env=self._env(cache, check=True),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.servers.append(server)

        def rebuild() -> Build:
            assert server.stdin is not None and server.stdout is not None
            server.stdin.write("build\n")
            server.stdin.flush()
            line = server.stdout.readline()
            if not line:
                raise AssertionError(f"the serving process ended (exit {server.wait()})")
            reply = json.loads(line)
            lines = "\n".join(reply["lines"])
            return Build(reply["code"], lines, "", reply["seconds"], reply["kept"])

        return rebuild

    def stop(self) -> None:
        for server in self.servers:
            if server.stdin is not None:
                server.stdin.close()
            server.wait(timeout=60)
        self.servers.clear()


# -- the edits: each returns what it did, in words, or None when it found nothing to edit ---------


def _tables(project: Project, rows: int) -> list[tuple[str, Path, list[str]]]:
    """(name, CSV path, primary key fields) of each table of the package with a key and at
    least `rows` rows (not one whose schema an edit left unreadable: the builds refuse it)."""
    package = yaml.safe_load((project.data / "datapackage.yaml").read_text(encoding="utf-8"))
    found = []
    for resource in package["resources"]:
        try:
            schema = yaml.safe_load((project.data / resource["schema"]).read_text("utf-8"))
        except yaml.YAMLError:
            continue
        key = schema.get("primaryKey", []) if isinstance(schema, dict) else []
        path = project.data / resource["path"]
        if key and len(_read(path)[1]) > rows:
            found.append((resource["name"], path, list(key)))
    return found


def _line(cells: list[str], like: str) -> str:
    """`cells` as a line of CSV ending as the line `like` does (with CR or not)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue() + ("\r" if like.endswith("\r") else "")


def _read(path: Path) -> tuple[list[str], list[str]]:
    """The table's header cells and its lines (one record a line in these tables: the edits
    rewrite only the lines they change, as an official's editor would; a CR stays at the end
    of its line, a byte-order mark at the start of the header's)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return _cells(lines[0].removeprefix("\ufeff")), lines


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _other_value(rng: random.Random, lines: list[str], column: int, current: str) -> str | None:
    values = sorted({_cells(line)[column] for line in lines[1:]} - {current})
    return rng.choice(values) if values else None


def edit_cell(project: Project) -> str | None:
    """One cell of a random row of a random table: another row's value of that column, or
    (one time in five, for a cell with text) that text with a word added. (A column whose
    rows all hold one value has no other: another cell is tried.)"""
    rng = project.rng
    name, path, _ = rng.choice(_tables(project, rows=2))
    header, lines = _read(path)
    for _ in range(20):
        row = rng.randrange(1, len(lines))
        cells = _cells(lines[row])
        column = rng.randrange(len(header))
        old = cells[column]
        if rng.random() < 0.2 and re.search(r"[^\W\d_]", old):
            new: str | None = f"{old} mới"
        else:
            new = _other_value(rng, lines, column, old)
        if new is not None:
            cells[column] = new
            lines[row] = _line(cells, lines[row])
            project.write(path, "\n".join(lines) + "\n")
            return f"{name} line {row + 1}: {header[column]} {old!r} → {new!r}"
    return None


def _fresh_key(project: Project, lines: list[str], column: int, value: str) -> str:
    """A value for a key column that no row has: the number in `value` moved past every
    row's, else `value` with a suffix."""
    taken = {_cells(line)[column] for line in lines[1:]}
    match = re.search(r"(\d+)(\D*)$", value)
    for step in range(1, 10_000):
        if match:
            number = int(match.group(1)) + step * 1000 + project.fresh()
            width = len(match.group(1))
            candidate = f"{value[: match.start()]}{number:0{width}d}{match.group(2)}"
        else:
            candidate = f"{value}-moi-{project.fresh()}"
        if candidate not in taken:
            return candidate
    raise AssertionError("no fresh key")


def add_row(project: Project) -> str | None:
    """A copy of a random row with a new key (a single key: a fresh value; a key of several
    fields: one of them set to another row's value, which may collide: then refused)."""
    rng = project.rng
    name, path, key = rng.choice(_tables(project, rows=1))
    header, lines = _read(path)
    source = rng.choice(lines[1:])
    cells = _cells(source)
    if len(key) == 1:
        column = header.index(key[0])
        cells[column] = _fresh_key(project, lines, column, cells[column])
    else:
        column = header.index(rng.choice(key))
        new = _other_value(rng, lines, column, cells[column])
        if new is None:
            return None
        cells[column] = new
    at = rng.randrange(1, len(lines) + 1)
    lines.insert(at, _line(cells, source))
    project.write(path, "\n".join(lines) + "\n")
    return f"{name}: row added at line {at + 1} ({', '.join(cells[header.index(k)] for k in key)})"


def remove_or_move_row(project: Project) -> str | None:
    """A random row removed, or (two times in five) put back at another line."""
    rng = project.rng
    name, path, _ = rng.choice(_tables(project, rows=3))
    header, lines = _read(path)
    row = rng.randrange(1, len(lines))
    taken = lines.pop(row)
    if rng.random() < 0.4:
        to = rng.randrange(1, len(lines) + 1)
        lines.insert(to, taken)
        did = f"line {row + 1} moved to line {to + 1}"
    else:
        did = f"line {row + 1} removed ({taken[:60]})"
    project.write(path, "\n".join(lines) + "\n")
    return f"{name}: {did}"


def resave_table(project: Project) -> str | None:
    """A table saved again as another editor would: with CRLF line ends (Excel), with a
    byte-order mark, or with two columns swapped (header and rows) — the same data."""
    rng = project.rng
    name, path, _ = rng.choice(_tables(project, rows=1))
    data = path.read_bytes()
    choice = rng.randrange(3)
    if choice == 0:
        crlf = b"\r\n" in data
        data = data.replace(b"\r\n", b"\n") if crlf else data.replace(b"\n", b"\r\n")
        did = "LF line ends" if crlf else "CRLF line ends"
    elif choice == 1:
        bom = data.startswith(b"\xef\xbb\xbf")
        data = data[3:] if bom else b"\xef\xbb\xbf" + data
        did = "byte-order mark removed" if bom else "byte-order mark added"
    else:
        ends = "\r\n" if b"\r\n" in data else "\n"
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if len(rows[0]) < 2:
            return None
        a, b = rng.sample(range(len(rows[0])), 2)
        for cells in rows:
            cells[a], cells[b] = cells[b], cells[a]
        out = io.StringIO()
        csv.writer(out, lineterminator=ends).writerows(rows)
        data = (
            b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        ) + out.getvalue().encode()
        did = f"columns {rows[0][b]!r} and {rows[0][a]!r} swapped"
    project.keep(path)
    path.write_bytes(data)
    return f"{name}: saved again, {did}"


# A label of a code or a field's title in a table's (or a lesson's) schema: shown on pages.
_SCHEMA_TEXT = re.compile(r"(?:label|title): [^{}\n]*?(?=\}|\n)")


def edit_schema(project: Project) -> str | None:
    """A schema (data/schemas/): a word added to a code's label or a field's title."""
    rng = project.rng
    path = rng.choice(sorted((project.data / "schemas").glob("*.yaml")))
    text = path.read_text(encoding="utf-8")
    found = list(_SCHEMA_TEXT.finditer(text))
    if not found:
        return None
    spot = rng.choice(found)
    end = spot.end() - 1 if spot.group().endswith('"') else spot.end()  # inside its quotes
    text = f"{text[:end]} (sửa {project.fresh()}){text[end:]}"
    project.write(path, text)
    return f"schemas/{path.name}: {spot.group()[:40]!r} changed"


def _markdown_files(project: Project) -> list[Path]:
    lessons = sorted((project.data / "lessons").glob("*.md"))
    news = sorted((project.data / "news").glob("*/*/index.md"))
    return lessons + news


def edit_text(project: Project) -> str | None:
    """A lesson or news article: a paragraph added, a paragraph's word changed, or its
    title changed."""
    rng = project.rng
    files = _markdown_files(project)
    if not files:
        return None
    path = rng.choice(files)
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    choice = rng.randrange(3)
    if choice == 0:
        text = text.rstrip("\n") + f"\n\nMột đoạn bổ sung số {project.fresh()}.\n"
        did = "a paragraph added"
    elif choice == 1:
        words = [m for m in re.finditer(r"(?<=\s)[^\W\d_]{4,}(?=\s)", body)]
        if not words:
            return None
        word = rng.choice(words)
        body = f"{body[: word.start()]}{word.group()} {word.group()}{body[word.end() :]}"
        text = f"{head}\n---\n{body}"
        did = f"word {word.group()!r} doubled"
    else:
        title = re.search(r'^title: "(.*)"$', head, re.M)
        if title is None:
            return None
        head = f'{head[: title.end() - 1]} (cập nhật {project.fresh()})"{head[title.end() :]}'
        text = f"{head}\n---\n{body}"
        did = "title changed"
    project.write(path, text)
    return f"{path.relative_to(project.data)}: {did}"


def add_or_remove_lesson(project: Project) -> str | None:
    rng = project.rng
    lessons = sorted((project.data / "lessons").glob("*.md"))
    if not lessons:
        return None
    if rng.random() < 0.5 and len(lessons) > 2:
        path = rng.choice(lessons)
        project.remove(path)
        return f"lesson {path.name} removed"
    source = rng.choice(lessons)
    text = source.read_text(encoding="utf-8")
    number = project.fresh()
    text = re.sub(r'^title: "(.*)"$', rf'title: "\1 (bản {number})"', text, count=1, flags=re.M)
    target = source.with_name(f"{source.stem}-ban-{number}.md")
    project.write(target, text)
    return f"lesson {target.name} added (a copy of {source.name})"


# Text between two tags in a template, with a letter and no Jinja in it.
_TEMPLATE_TEXT = re.compile(r">([^<>{}%#\n]*[^\W\d_][^<>{}%#\n]*)<")


def edit_template(
    project: Project, path: Path | None = None, visible: bool | None = None
) -> str | None:
    """A template (`path`, else a random one): a word added to some text it shows, or a
    Jinja comment added (a change of the template that changes no page: the pages are made
    again, the same); `visible` chooses, else a coin."""
    rng = project.rng
    if path is None:
        path = rng.choice(sorted((project.site / "templates").glob("*")))
    text = path.read_text(encoding="utf-8")
    found = list(_TEMPLATE_TEXT.finditer(text))
    if visible is None:
        visible = rng.random() < 0.7
    if found and visible:
        spot = rng.choice(found)
        text = f"{text[: spot.end(1)]} (sửa {project.fresh()}){text[spot.end(1) :]}"
        did = f"text {spot.group(1).strip()[:30]!r} changed"
    else:
        text = text + f"{{# ghi chú {project.fresh()} #}}\n"
        did = "a comment added"
    project.write(path, text)
    return f"template {path.name}: {did}"


def edit_settings(project: Project) -> str | None:
    """site.toml: the site's name, or its scope (a province left out, or put back)."""
    rng = project.rng
    path = project.site / "site.toml"
    text = path.read_text(encoding="utf-8")
    scope = re.search(r"^provinces = \[(.*)\]$", text, re.M)
    if rng.random() < 0.5 or scope is None:
        text = re.sub(
            r'^name = "(.*)"$', rf'name = "\1 {project.fresh()}"', text, count=1, flags=re.M
        )
        did = "name changed"
    else:
        codes = re.findall(r'"(\d+)"', scope.group(1))
        every = ["31", "08", "42"]  # the bundled site's provinces
        missing = [c for c in every if c not in codes]
        if len(codes) > 1 and (not missing or rng.random() < 0.6):
            codes.remove(rng.choice(codes))
        else:
            codes.append(rng.choice(missing))
        listed = ", ".join(f'"{c}"' for c in codes)
        text = f"{text[: scope.start()]}provinces = [{listed}]{text[scope.end() :]}"
        did = f"scope now {codes}"
    project.write(path, text)
    return f"site.toml: {did}"


_DATE_FORMAT = 'return f"{value.day:02d}/{value.month:02d}/{value.year}"'


def edit_code(project: Project) -> str | None:
    """A Python module: a constant added (the code's version changes, no byte of the site
    should), or the date format's separator swapped between '/' and '.' (every date)."""
    rng = project.rng
    textvi = project.code / "generator" / "textvi.py"
    source = textvi.read_text(encoding="utf-8")
    dotted = _DATE_FORMAT.replace("/", ".")
    if rng.random() < 0.4 and (_DATE_FORMAT in source or dotted in source):
        old, new = (_DATE_FORMAT, dotted) if _DATE_FORMAT in source else (dotted, _DATE_FORMAT)
        project.write(textvi, source.replace(old, new))
        return f"generator/textvi.py: date format {'/' if new == _DATE_FORMAT else '.'}"
    modules = sorted((project.code / "generator").rglob("*.py"))
    path = rng.choice(modules)
    number = project.fresh()
    project.write(path, path.read_text(encoding="utf-8") + f"\n_RANDOM_EDIT_{number} = {number}\n")
    return f"{path.relative_to(project.code)}: a constant added"


def edit_pwa(project: Project) -> str | None:
    """The service worker's source (pwa/, beside the code): a comment added to one of its
    scripts, which the published service worker carries."""
    path = project.rng.choice(sorted((project.code / "pwa").glob("*.js")))
    text = path.read_text(encoding="utf-8")
    project.write(path, text + f"// sửa {project.fresh()}\n")
    return f"pwa/{path.name}: a comment added"


# (edit, weight): the tables' rows most often, since most of the incremental code is theirs.
EDITS: list[tuple[Callable[[Project], str | None], int]] = [
    (edit_cell, 8),
    (add_row, 4),
    (remove_or_move_row, 5),
    (resave_table, 1),
    (edit_schema, 1),
    (edit_text, 3),
    (add_or_remove_lesson, 1),
    (edit_template, 2),
    (edit_settings, 1),
    (edit_code, 1),
    (edit_pwa, 1),
]


@dataclass
class Report:
    rounds: int = 0
    equal: int = 0
    refused: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    kept: list[int] = field(default_factory=list)
    incremental_s: list[float] = field(default_factory=list)
    clean_s: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    last: str = ""  # what the last round's builds did


def _messages(build: Build, project: Project) -> list[str]:
    """What the build told the official (its problems, or its warnings and the inbox's
    notes), the project's folder left out of the paths; not the closing line, which counts
    the files written and kept (or says nothing changed)."""
    lines = (build.out + build.err).splitlines()
    return [
        line.replace(str(project.work), "") for line in lines if line and not _CLOSING.match(line)
    ]


def run(
    work: Path,
    rounds: int,
    seed: int,
    log: Callable[[str], None] = print,
    *,
    every_kind: bool = False,
    serve: bool = False,
    prepare: Callable[[Project], None] | None = None,
) -> Report:
    """`rounds` rounds of 1–3 random edits on a new project in `work`: after each, the
    incremental build (keys checked) and a clean build of the same files, each in a new
    process; `serve`: the incremental builds are one process's, as `antq serve` rebuilds
    (its warm state patched in memory), and the code is not edited (the server does not
    reload it). `every_kind`: round n's first two edits are of the next two kinds (in
    turn), so that a few rounds edit every family; `prepare`: called on the new project
    before its first build (a negative control breaks its code there)."""
    project = Project.make(work, seed)
    if prepare is not None:
        prepare(project)
    out, cache = work / "public", work / "cache"
    kinds = [(edit, weight) for edit, weight in EDITS if not (serve and edit is edit_code)]
    edits, weights = zip(*kinds, strict=True)
    report = Report()
    try:
        if serve:
            incremental = project.serve(out, cache)
        else:
            incremental = functools.partial(project.build, out, cache, full=False, check=True)
        first = incremental()
        if first.code != 0:
            raise AssertionError(f"the bundled sample does not build: {first.out}{first.err}")
        for number in range(1, rounds + 1):
            chosen = [
                project.rng.choices(edits, weights)[0] for _ in range(project.rng.randint(1, 3))
            ]
            if every_kind:  # two kinds a round, in turn
                chosen[:2] = [edits[i % len(edits)] for i in range(2 * number - 2, 2 * number)]
            did = []
            for edit in chosen:
                what = edit(project)
                if what is not None:
                    did.append(what)
                    report.kinds[edit.__name__] += 1
            summary = f"round {number}: {'; '.join(did) or 'nothing edited'}"
            failure = _round(project, report, number, incremental)
            if failure is not None:
                report.failures.append(f"{summary}\n  {failure}")
                log(f"{summary}\n  FAILED: {failure}")
                break  # the next rounds would start from a site that is already wrong
            log(f"{summary}: {report.last}")
    finally:
        project.stop()
    return report


def _round(
    project: Project, report: Report, number: int, incremental: Callable[[], Build]
) -> str | None:
    """One round's builds after its edits: what went wrong, or None. A refused edit is
    reverted, so that the next round starts from data that builds."""
    out = project.work / "public"
    before = contents(out)
    made = incremental()
    clean_out, clean_cache = (
        project.work / f"clean-{number}",
        project.work / f"clean-{number}-cache",
    )
    clean = project.build(clean_out, clean_cache, full=True, check=False)
    report.rounds += 1
    try:
        said, expected_said = _messages(made, project), _messages(clean, project)
        if made.code == 0 and clean.code == 0:
            after, expected = contents(out), contents(clean_out)
            differing = sorted(
                k for k in after.keys() | expected.keys() if after.get(k) != expected.get(k)
            )
            if differing:
                return f"{len(differing)} files differ from a clean build: {differing[:8]}"
            if said != expected_said:
                return f"other warnings than a clean build's:\n  {said[:6]}\n  {expected_said[:6]}"
            report.equal += 1
            report.kept.append(made.kept)
            report.incremental_s.append(made.seconds)
            report.clean_s.append(clean.seconds)
            report.last = f"equal, {made.kept} files kept"
            return None
        if made.code != 0 and clean.code != 0:
            if said != expected_said:
                return f"refused otherwise than a clean build:\n  {said[:6]}\n  {expected_said[:6]}"
            if contents(out) != before:
                return "the refused build changed the published site"
            project.revert()
            report.refused += 1
            report.last = "refused by both alike"
            return None
        failed = made if made.code else clean
        which = "incremental" if made.code else "clean"
        return f"only the {which} build failed:\n{failed.out[-1500:]}{failed.err[-1500:]}"
    finally:
        project.saved.clear()
        shutil.rmtree(clean_out, ignore_errors=True)
        shutil.rmtree(clean_cache, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--serve", action="store_true", help="rebuild as antq serve does")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="antq-random-edits-"))
    started = time.perf_counter()
    try:
        report = run(work / "project", args.rounds, args.seed, serve=args.serve)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    median = lambda values: sorted(values)[len(values) // 2] if values else 0.0  # noqa: E731
    print(
        f"{report.rounds} rounds (seed {args.seed}): {report.equal} equal to a clean build, "
        f"{report.refused} refused by both alike, {len(report.failures)} failed; "
        f"edits: {dict(report.kinds)}; files kept a round (median): {median(report.kept)}; "
        f"incremental build median {median(report.incremental_s):.2f} s, clean "
        f"{median(report.clean_s):.2f} s; {time.perf_counter() - started:.0f} s in all"
    )
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
