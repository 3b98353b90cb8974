"""Legal-education lessons: Markdown files with front matter in data/lessons/.

The front matter is checked against data/schemas/lesson.yaml with the same one-line
Vietnamese messages as the data; the body is rendered with Python-Markdown and
pymdown-extensions (the dialect of mkdocs-material: admonitions, details, tabs, tables,
footnotes). `legal:ID` links resolve to the legal document's page. The closing
"## Tự kiểm tra" section is a self-check quiz rendered by us so that it works without a
server and, without JavaScript, shows the answers in a details element.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import markdown
import yaml

from generator import markdown_skips
from generator.data import messages_vi
from generator.data.cache import default_cache_dir, generation, make_key
from generator.data.checks import may_have_text_problems, text_checks
from generator.data.messages_vi import problem
from generator.data.problems import Problem
from generator.data.schema import YAML_LOADER, display_path, display_paths, field_key_problems
from generator.lesson_filter import (
    LESSON_ATTRIBUTES,
    AllowedAttributes,
    Dropped,
    PageAttributes,
    control_characters,
    guard_fences,
    shown,
)
from generator.textvi import slugify
from generator.workers import count as worker_count

LESSONS_DIR = "lessons"
SCHEMA_FILE = "schemas/lesson.yaml"
# Lesson syntax, not messages: authors write this heading (and "Giải thích:" before an
# answer's explanation) in the Markdown, so they stay here beside the parser that reads them.
QUIZ_HEADING = "## Tự kiểm tra"
TOPICS_PATH = "chu-de"  # /bai-hoc/chu-de/TOPIC/
GRADES_PATH = "danh-cho"  # /bai-hoc/danh-cho/GRADE/
RESERVED_SLUGS = frozenset({TOPICS_PATH, GRADES_PATH})
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
LEGAL_LINK = re.compile(r"\]\(legal:([^)\s]+)\)")
_QUESTION = re.compile(r"^(\d+)\.\s+(.+)$")
_OPTION = re.compile(r"^ {4}- \[([ xX])\]\s+(.+)$")
_EXPLAIN = re.compile(r"^ {4}>\s?(.*)$")
_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
# Inline text Markdown would return as it is: letters, digits, spaces and punctuation that
# is not Markdown syntax, and no start that reads as a list item. Quiz options are mostly
# such text; converting each through Python-Markdown costs a millisecond per question.
_PLAIN_INLINE = re.compile(r"[\w ,.;:?!%()/\'\"“”‘’–—…-]+")  # "_" is refused apart
_BLOCK_START = re.compile(r"\d+[.)]\s|[-+]\s|!!!|\?\?\?")

EXTENSIONS = [
    "tables",
    "footnotes",
    "admonition",
    "attr_list",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
]
# Headings repeat across a library ("Cách phòng tránh"): each slug is made once a process
# (slugify is a function of its text alone; ~15 µs a heading, ~5 % of a conversion).
_heading_slug = functools.lru_cache(maxsize=8192)(slugify)
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {"slugify": lambda value, separator: _heading_slug(value), "toc_depth": "2-3"},
    "pymdownx.tabbed": {"alternate_style": True, "slugify": lambda v, s: _heading_slug(v)},
    "footnotes": {"BACKLINK_TITLE": messages_vi.text("lesson-footnote-back")},
}


@dataclass(frozen=True)
class Question:
    number: int
    text: str  # HTML
    options: tuple[tuple[str, bool], ...]  # (HTML, correct)
    explanation: str  # HTML


@dataclass
class Lesson:
    slug: str
    path: Path
    title: str
    summary: str
    topics: list[str]
    grades: list[str]
    legal_documents: list[str]
    updated: date
    reading_time: int
    body: str  # Markdown without the quiz
    quiz_source: list[str] = field(default_factory=list)
    body_line: int = 1  # line number of the body's first line in the file
    # What the citations' judgement (generator.data.validate `_legal_problems`) reads of the
    # file as written: the line of `legal_documents:` (1 without one) and every `legal:ID`
    # link in it, front matter included. Found where the file's bytes are at hand (in the
    # checking workers for a large library), not by reading every lesson again (~0.4 s
    # serial at 5,000 lessons: issue 18).
    legal_line: int = 1
    cited: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"/bai-hoc/{self.slug}/"


def load_schema(data_dir: Path) -> dict[str, Any]:
    with (data_dir / SCHEMA_FILE).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = yaml.load(fh, Loader=YAML_LOADER)
    return schema


def labels(schema: dict[str, Any], name: str) -> dict[str, str]:
    for f in schema["fields"]:
        if f["name"] == name:
            return {str(c["value"]): str(c["label"]) for c in f.get("categories", [])}
    return {}


# The last result of `load_lessons`: a build validates the package (which reads the
# lessons) and then loads it (which reads them again) in one process.
_LAST: dict[str, tuple[list[Lesson], list[Problem]]] = {}


def load_lessons(
    data_dir: Path, legal_ids: set[str], *, cache: bool = True, jobs: int | None = 1
) -> tuple[list[Lesson], list[Problem]]:
    """Parse and check every lesson; problems are located by file and line. `cache`: what
    the dialect's filters take out of each lesson is kept in the cache folder under its
    source (`_dropped`); False (`antq validate --no-cache`) renders every lesson again.
    `jobs`: processes checking a large library (None: by the CPUs, `generator.workers`, as
    validation asks unless told otherwise; 1, the default: this one, as `antq serve` needs)."""
    folder = data_dir / LESSONS_DIR
    schema_path = data_dir / SCHEMA_FILE
    if not folder.is_dir():  # no lesson yet: the schema is still the package's, and checked
        if not schema_path.is_file():
            return [], []
        return [], _check_categories(load_schema(data_dir), schema_path)
    paths = sorted(folder.glob("*.md"))
    sources = [path.read_bytes() for path in paths]
    digest = hashlib.sha256(str(folder.resolve()).encode())
    digest.update(schema_path.read_bytes() if schema_path.is_file() else b"")
    digest.update("\0".join(sorted(legal_ids)).encode())
    for path, raw in zip(paths, sources, strict=True):
        digest.update(f"\0{path.name}\0{len(raw)}\0".encode() + raw)
    key = digest.hexdigest()
    if key in _LAST:
        kept, kept_problems = _LAST[key]
        return list(kept), list(kept_problems)
    schema = load_schema(data_dir)
    checks = generation(default_cache_dir(data_dir) / CHECKS) if cache else None
    _CONVERTED.clear()
    lessons: list[Lesson] = []
    problems: list[Problem] = _check_categories(schema, schema_path)
    files = list(zip(paths, sources, display_paths(paths), strict=True))
    for lesson, found in _load_all(files, schema, legal_ids, checks, jobs):
        problems += found
        if lesson is not None and not any(p.level == "error" for p in found):
            lessons.append(lesson)
    _LAST.clear()
    _LAST[key] = (lessons, problems)
    return list(lessons), list(problems)


# A library this large is checked (and converted, `_dropped`) by forked worker processes:
# converting a lesson is ~5 ms, forking ~50 ms.
PARALLEL_MIN_LESSONS = 200
_CHUNK = 50
_JOB: dict[str, Any] = {}  # what the forked workers inherit (see generator.build._JOB)


def _load_all(
    files: list[tuple[Path, bytes, str]],  # (path, its bytes, how messages name it)
    schema: dict[str, Any],
    legal_ids: set[str],
    checks: Path | None,
    jobs: int | None,
) -> list[tuple[Lesson | None, list[Problem]]]:
    """`_load_one` of each file, in order; the conversions the workers made are kept in
    `_CONVERTED` as if this process had made them."""
    workers = jobs or worker_count()  # (ANTQ_WORKERS=1: none forked)
    if workers < 2 or len(files) < PARALLEL_MIN_LESSONS:
        return [_load_one(path, schema, legal_ids, raw, checks, w) for path, raw, w in files]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _JOB.update(files=files, schema=schema, legal_ids=legal_ids, checks=checks)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            starts = range(0, len(files), _CHUNK)
            chunks = list(pool.map(_load_chunk, starts))
    finally:
        _JOB.clear()
    loaded: list[tuple[Lesson | None, list[Problem]]] = []
    for results, converted in chunks:
        loaded += results
        _CONVERTED.update(converted)
    return loaded


def _load_chunk(
    start: int,
) -> tuple[list[tuple[Lesson | None, list[Problem]]], dict[str, Template]]:
    """In a worker: `_load_one` of files [start, start + _CHUNK), and what it converted."""
    _CONVERTED.clear()  # (what the parent held when it forked is not this chunk's)
    files = _JOB["files"][start : start + _CHUNK]
    schema, legal_ids, checks = _JOB["schema"], _JOB["legal_ids"], _JOB["checks"]
    results = [_load_one(path, schema, legal_ids, raw, checks, w) for path, raw, w in files]
    return results, dict(_CONVERTED)


def _type(kind: str) -> dict[str, str]:
    """The Vietnamese name of a front-matter type and how to write it, for "type-error"."""
    return {
        "type_vi": messages_vi.text(f"lesson-type-{kind}"),
        "type_hint": messages_vi.text(f"lesson-hint-{kind}"),
    }


def category_slug(value: str) -> str:
    """The URL part of a topic or grade code: /bai-hoc/chu-de/SLUG/."""
    return slugify(value)


def _check_categories(schema: dict[str, Any], schema_path: Path) -> list[Problem]:
    """Topic and grade codes name pages: each must give a URL part of its own."""
    where = display_path(schema_path)
    text = schema_path.read_text(encoding="utf-8-sig")
    found: list[Problem] = []
    for spec in schema.get("fields", []):
        if isinstance(spec, dict):  # (`references` names the table a list's items are in)
            found += field_key_problems(
                spec, where, messages_vi.text("lesson-what"), extra=("references",)
            )
    if found:  # a cut label is no code to make a page of
        return found
    for name, folder in (("topics", TOPICS_PATH), ("grades", GRADES_PATH)):
        seen: dict[str, str] = {}
        for value in labels(schema, name):
            slug = category_slug(value)
            if not slug or slug in seen:
                match = re.search(rf"value:\s*[\"']?{re.escape(value)}[\"']?\s*[,}}]", text)
                row = text.count("\n", 0, match.start()) + 1 if match else None
                other = (
                    messages_vi.text("part-lesson-category-clash", other=seen[slug])
                    if slug in seen
                    else ""
                )
                found.append(
                    problem(
                        "lesson-category-slug",
                        where,
                        row=row,
                        field=name,
                        cell=value,
                        url=f"/bai-hoc/{folder}/{slug}/",
                        other=other,
                    )
                )
            seen.setdefault(slug, value)
    return found


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 2 if match else None


def front_matter(text: str) -> dict[str, Any] | None:
    """A lesson's front matter as `_load_one` reads it, or None when there is none or it is
    not a YAML mapping: the one parser, also for revisions the site never published
    (generator.diff)."""
    front = _FRONT.match(text)
    if not front:
        return None
    try:
        meta = yaml.load(front.group(1), Loader=YAML_LOADER)
    except (yaml.YAMLError, RecursionError):
        return None
    return meta if isinstance(meta, dict) else None


def _load_one(
    path: Path,
    schema: dict[str, Any],
    legal_ids: set[str],
    raw: bytes | None = None,
    checks: Path | None = None,
    where: str | None = None,
) -> tuple[Lesson | None, list[Problem]]:
    """One lesson file read and checked in reading order: encoding, front matter, fields,
    body, quiz; None with the problems when any is an error. `where`: the path as messages
    name it (`display_path`), when the caller has it."""
    where = where or display_path(path)
    raw = path.read_bytes() if raw is None else raw
    text, found = _decoded(where, raw)
    if text is None:
        return None, found
    front = _FRONT.match(text)
    if not front:
        return None, [
            problem(
                "lesson-front-matter",
                where,
                row=1,
                detail=messages_vi.text("part-lesson-no-front-matter"),
            )
        ]
    meta, refused = _front_matter(where, front.group(1))
    if meta is None:
        return None, refused
    values = _check_meta(where, front.group(1), meta, schema, legal_ids, found)
    body_start = front.end()
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1
    found += _check_body_lines(where, body, body_line, legal_ids)
    main, _, quiz = body.partition(QUIZ_HEADING)
    quiz_lines = quiz.split("\n") if quiz else []
    quiz_line = body_line + main.count("\n")
    found += _check_quiz(where, quiz_lines, quiz_line)
    found += _check_file_name(where, path.name)
    if any(p.level == "error" for p in found):
        return None, found
    lesson = Lesson(
        slug=path.stem,
        path=path,
        title=values["title"],
        summary=values["summary"],
        topics=values["topics"],
        grades=values["grades"],
        legal_documents=values["legal_documents"],
        updated=values["updated"],
        reading_time=values["reading_time"],
        body=main,
        quiz_source=quiz_lines,
        body_line=body_line,
        **_citations(raw),
    )
    found += _check_rendering(where, lesson, body, checks)
    if any(p.level == "error" for p in found):
        return None, found
    return lesson, found


def _citations(raw: bytes) -> dict[str, Any]:
    """`Lesson.legal_line` and `Lesson.cited` of a file's bytes, as a text read of the file
    gives them (`Path.read_text`: UTF-8, universal newlines; no NFC, a BOM kept)."""
    source = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    lines = source.split("\n")
    line = next((i for i, t in enumerate(lines, 1) if t.startswith("legal_documents:")), 1)
    return {"legal_line": line, "cited": tuple(LEGAL_LINK.findall(source))}


def _decoded(where: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """The file's text, NFC; None with the problem when it is not UTF-8 or carries control
    characters."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [problem("encoding-not-utf8", where, line="?")]
    found: list[Problem] = []
    if bad_lines := control_characters(text):
        # Refused before anything reads the text: YAML stops on them, HTML would carry them.
        return None, [
            problem("lesson-control-character", where, row=row, char=char)
            for row, char in bad_lines
        ]
    if not unicodedata.is_normalized("NFC", text):
        found.append(problem("nfd-text", where, nfc=messages_vi.text("part-lesson-whole")))
        text = unicodedata.normalize("NFC", text)
    return text, found


def _front_matter(
    where: str, source: str, code: str = "lesson-front-matter"
) -> tuple[dict[Any, Any] | None, list[Problem]]:
    """The front matter read as a mapping, or None with the one problem (`code`: the
    lesson's, or the news article's) that refuses it."""
    try:
        meta = yaml.load(source, Loader=YAML_LOADER)
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (U+FFFE, …)
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        # Found by the character itself: libyaml's position counts UTF-8 bytes.
        row = source.count("\n", 0, max(source.find(chr(char)), 0)) + 2
        detail = messages_vi.text("part-lesson-bad-character", char=f"U+{char:04X}")
        return None, [problem(code, where, row=row, detail=detail)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 2 if mark is not None else 1
        detail = str(getattr(exc, "problem", None) or exc)
        return None, [problem(code, where, row=row, detail=detail)]
    except RecursionError:  # [[[[… nested past Python's stack
        return None, [problem(code, where, row=2, detail=messages_vi.text("part-lesson-too-deep"))]
    if not isinstance(meta, dict):
        return None, [
            problem(
                code,
                where,
                row=1,
                detail=messages_vi.text("part-lesson-not-mapping"),
            )
        ]
    return meta, []


def _check_meta(
    where: str,
    source: str,
    meta: dict[Any, Any],
    schema: dict[str, Any],
    legal_ids: set[str],
    found: list[Problem],
    *,
    refs: Mapping[str, Collection[str]] | None = None,
    unknown_key: str = "lesson-unknown-key",
) -> dict[str, Any]:
    """Each front-matter field checked against the schema, its value kept; unknown keys and
    bad values added to `found`. `refs`: "table.column" → its ids, for fields with
    `references` (a lesson's are the legal documents'); `unknown_key`: the code for a key
    the schema does not have (the lesson's, or the news article's)."""
    refs = refs if refs is not None else {"legal_documents.id": legal_ids}
    fields = {f["name"]: f for f in schema["fields"]}
    for key in meta:
        if key not in fields:
            found.append(
                problem(
                    unknown_key,
                    where,
                    row=_line_of(source, str(key)),
                    field=str(key),
                    allowed=", ".join(fields),
                )
            )
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        row = _line_of(source, name)
        value = meta.get(name)
        checked = check_field(where, row, name, spec, value, refs, found)
        values[name] = checked
    return values


def _check_body_lines(where: str, body: str, body_line: int, legal_ids: set[str]) -> list[Problem]:
    """The body's text problems and its links to legal documents that do not exist, line by
    line (`body_line`: the file line the body starts on)."""
    found: list[Problem] = []
    # Lines are searched only when the whole body may have a problem (a line's checks find
    # nothing the whole body's do not) or a link: most lessons are searched once.
    checked = may_have_text_problems(body)
    lines = body.split("\n") if checked or "legal:" in body else []
    for offset, line in enumerate(lines):
        for code, params in text_checks(line) if checked else ():
            if code != "nfd-text":
                found.append(problem(code, where, row=body_line + offset, **params))
        for match in LEGAL_LINK.finditer(line) if "legal:" in line else ():
            if match.group(1) not in legal_ids:
                found.append(
                    problem(
                        "foreign-key",
                        where,
                        row=body_line + offset,
                        field="legal:",
                        cell=match.group(1),
                        ref_field="id",
                        ref_resource="legal_documents",
                        ref_file="legal_documents.csv",
                        suggestion=_suggest_legal(legal_ids, match.group(1)),
                    )
                )
    return found


def _check_file_name(where: str, name: str) -> list[Problem]:
    """The file name is the lesson's URL (/bai-hoc/NAME/): a slug, not a library path."""
    stem = name.removesuffix(".md")
    slug = slugify(stem)
    if stem != slug:
        suggestion = f"{slug or 'ten-bai-hoc'}.md"
        return [problem("lesson-file-name", where, name=name, suggestion=suggestion)]
    if slug in RESERVED_SLUGS:
        return [problem("lesson-file-name-reserved", where, name=name, slug=slug)]
    return []


_CHECKER: list[LessonRenderer] = []  # one per process, like the build's
# In the cache folder: what the filters took out of each lesson, by its source. Converting
# every lesson on each run was most of a build's validation on a large library (5,000
# lessons: the render stage converts through its own cache, generator.pages.lessons).
CHECKS = "lesson-checks"


def _check_rendering(
    where: str, lesson: Lesson, body: str, checks: Path | None = None
) -> list[Problem]:
    """Render the lesson as the build will and name what the filters take out."""
    return dropped_problems(where, _dropped(lesson, checks), body, lesson.body_line)


def _dropped(lesson: Lesson, checks: Path | None) -> list[Dropped]:
    """What the filters take out of the lesson's body and quiz (kept under `checks` by the
    hash of both and the code's version: the filters and Markdown are in it). A lesson it
    converts is kept for the render stage (`take_converted`): a cold build converts each
    lesson once."""
    path = None
    source = _source_key(lesson.body, lesson.quiz_source)  # (hashed once: ~3 % of a check)
    if checks is not None:
        key = make_key(CHECKS, source)
        path = checks / key[:2] / f"{key}.json"
        try:
            return [Dropped(*item) for item in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            pass  # not kept yet (or damaged): render it
    if not _CHECKER:
        _CHECKER.append(LessonRenderer({}))
    renderer = _CHECKER[0]
    renderer.dropped.clear()
    template = renderer.template(lesson, source)
    if template is not None:
        _CONVERTED[source] = template
    found = list(renderer.dropped)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        data = [[d.kind, d.name, d.value] for d in found]
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    return found


# The lessons the last validation converted, by their source (`_source_key`), for the render
# stage of the same build (issue 18 item 6: a cold build converted each lesson twice, once
# to name what the filters drop and once for its page). Emptied by each validation that
# reads the lessons, so it holds one library at most; render workers are forked after it
# is filled and inherit it.
_CONVERTED: dict[str, Template] = {}


def _source_key(body: str, quiz_source: list[str]) -> str:
    text = json.dumps([body, quiz_source], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def take_converted(body: str, quiz_source: list[str]) -> Template | None:
    """The conversion the validation made of this lesson source, if it made one."""
    return _CONVERTED.get(_source_key(body, list(quiz_source)))


@dataclass(frozen=True)
class Template:
    """A lesson converted with a placeholder URL for each `legal:ID` link (the real URLs
    are the model's, known only after validation): body HTML, the table of contents' level-2
    entries, the quiz. `resolve` puts the URLs in. Made only when every placeholder came
    out of Python-Markdown whole and nowhere else (see `LessonRenderer.template`), so the
    result is the bytes a conversion with the URLs gives."""

    body: str
    toc: tuple[tuple[str, str], ...]
    quiz: tuple[Question, ...]
    placeholders: tuple[tuple[str, str], ...]  # (placeholder, legal document id)

    def resolve(self, urls: Mapping[str, str]) -> tuple[str, list[tuple[str, str]], list[Question]]:
        """(body HTML, toc, quiz) with each link's URL: `urls` (id → URL) as the renderer
        has them, "/van-ban/" for an id not among them (as `LessonRenderer._links`)."""
        pairs = [(p, urls.get(i, "/van-ban/")) for p, i in self.placeholders]

        def put(html: str) -> str:
            for placeholder, url in pairs:
                if placeholder in html:
                    html = html.replace(placeholder, url)
            return html

        quiz = [
            Question(
                q.number,
                put(q.text),
                tuple((put(h), ok) for h, ok in q.options),
                put(q.explanation),
            )
            for q in self.quiz
        ]
        return put(self.body), list(self.toc), quiz


def dropped_problems(
    where: str, dropped_items: list[Dropped], body: str, body_line: int
) -> list[Problem]:
    """What the dialect's filters took out of a rendered body, each at the first line of
    the body (from the last one named) that holds it (lessons and news articles)."""
    lines = body.split("\n")
    found: list[Problem] = []
    after: dict[tuple[str, str], int] = {}
    allowed = ", ".join(LESSON_ATTRIBUTES)
    for dropped in dropped_items:
        key = (dropped.name, dropped.value)
        index = _find_line(lines, dropped, after.get(key, 0))
        after[key] = index + 1
        row = body_line + index
        if dropped.kind == "url":
            found.append(problem("lesson-url", where, row=row, url=shown(dropped.value)))
        else:
            name, value = dropped.name, dropped.value
            attribute = name + value if name in "#." else f"{name}={value}" if value else name
            found.append(
                problem(
                    "lesson-attribute", where, row=row, attribute=shown(attribute), allowed=allowed
                )
            )
    return found


def _find_line(lines: list[str], dropped: Dropped, start: int) -> int:
    """The index of the line that wrote what was dropped (0, the body's first line, if
    Markdown changed it past recognition)."""
    needles = [dropped.value, dropped.value[:8]] if dropped.value else []
    if dropped.kind == "attribute":
        needles.insert(0, dropped.name + dropped.value if dropped.name in "#." else dropped.name)
    for needle in filter(None, needles):
        for begin in (start, 0):
            for index in range(begin, len(lines)):
                if needle.lower() in lines[index].lower():
                    return index
    return 0


def check_field(
    where: str,
    row: int | None,
    name: str,
    spec: dict[str, Any],
    value: Any,
    refs: Mapping[str, Collection[str]],
    found: list[Problem],
) -> Any:
    """One front-matter field checked against its schema entry; returns the value to keep.
    Shared by lessons and news articles (generator.news). `refs`: "table.column" → its ids,
    for a field with `references`.

    Long because it has one branch per field type of the front-matter schemas.
    """
    constraints = spec.get("constraints", {})
    kind = spec.get("type")

    def bad(code: str, **params: Any) -> None:
        if isinstance(params.get("cell"), list | dict):
            params["cell"] = "[…]"  # never printed whole: it may be a YAML alias bomb
        found.append(problem(code, where, row=row, field=name, **params))

    def known(item: str) -> None:
        target = spec.get("references")
        if target is None:
            return
        ids = refs.get(target, ())
        if item not in ids:
            table, _, column = str(target).partition(".")
            bad(
                "foreign-key",
                cell=item,
                ref_field=column,
                ref_resource=table,
                ref_file=f"{table}.csv" if table != "lessons" else "lessons/",
                suggestion=_suggest_legal(ids, item),
            )

    def listed(item: str) -> None:
        allowed = [str(v) for v in constraints.get("enum", [])]
        if allowed and item not in allowed:
            names = {str(c["value"]): str(c["label"]) for c in spec.get("categories", [])}
            listing = ", ".join(f"{v} ({names.get(v, v)})" for v in allowed)
            bad("enum", cell=item, allowed=listing, enum_hint=messages_vi.text("lesson-hint-enum"))

    if value is None or value == "" or value == []:
        if constraints.get("required"):
            bad("required")
        return value
    if kind == "string":
        if not isinstance(value, str):
            bad("type-error", cell=value, **_type("string"))
        elif constraints.get("maxLength") and len(value) > constraints["maxLength"]:
            bad("too-long", length=len(value), limit=constraints["maxLength"])
        else:
            listed(value)
            known(value)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            bad("type-error", cell=value, **_type("boolean"))
        return value
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            bad("type-error", cell=value, **_type("integer"))
        elif value < constraints.get("minimum", value):
            bad("below-minimum", cell=value, limit=constraints["minimum"])
        elif value > constraints.get("maximum", value):
            bad("above-maximum", cell=value, limit=constraints["maximum"])
        return value
    if kind == "date":
        if isinstance(value, date):
            return value
        dmy = _DMY.match(value) if isinstance(value, str) else None
        if dmy:
            d, m, y = (int(g) for g in dmy.groups())
            bad("date-dmy", cell=value, iso=f"{y:04d}-{m:02d}-{d:02d}")
        else:
            bad("type-error", cell=value, **_type("date"))
        return value
    if kind == "records":  # a list of mappings, each checked against the nested `fields`
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            bad("type-error", cell="[…]", **_type("records"))
            return []
        nested = {f["name"]: f for f in spec.get("fields", [])}
        kept: list[dict[str, Any]] = []
        for item in value:
            for key in item:
                if key not in nested:  # (only the news schema has records: its code)
                    found.append(
                        problem(
                            "news-unknown-key",
                            where,
                            row=row,
                            field=f"{name}.{key}",
                            allowed=", ".join(nested),
                        )
                    )
            kept.append(
                {
                    key: check_field(where, row, f"{name}.{key}", sub, item.get(key), refs, found)
                    for key, sub in nested.items()
                }
            )
        return kept
    if kind == "list":
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float) for v in values):
            # A nested list (or a YAML alias bomb) is not a code: never turned into text.
            bad("type-error", cell="[…]", **_type("list"))
            return []
        items = [str(v) for v in values]
        for item in items:
            listed(item)
            known(item)
        return items
    return value


def _suggest_legal(legal_ids: Any, value: str) -> str:
    """“Có phải là …?” among the legal documents' ids (issue 17)."""
    from generator.data.suggest import Suggester

    return Suggester(dict.fromkeys(legal_ids, "")).text(value)


def _check_quiz(where: str, lines: list[str], first_line: int) -> list[Problem]:
    if not lines:
        return [problem("lesson-quiz", where, detail=messages_vi.text("part-lesson-no-quiz"))]
    found: list[Problem] = []
    questions = _parse_quiz(lines)
    if not questions:
        found.append(
            problem(
                "lesson-quiz",
                where,
                row=first_line,
                detail=messages_vi.text("part-lesson-no-question"),
            )
        )
    for number, line_no, options, _explain in questions:
        correct = sum(1 for _, ok in options if ok)
        if correct != 1 or len(options) < 2:
            found.append(
                problem(
                    "lesson-quiz",
                    where,
                    row=first_line + line_no,
                    detail=messages_vi.text("part-lesson-question", number=number),
                )
            )
    return found


def _parse_quiz(lines: list[str]) -> list[tuple[int, int, list[tuple[str, bool]], list[str]]]:
    questions: list[tuple[int, int, list[tuple[str, bool]], list[str]]] = []
    for index, line in enumerate(lines):
        if m := _QUESTION.match(line):
            questions.append((int(m.group(1)), index, [], []))
        elif questions and (m := _OPTION.match(line)):
            questions[-1][2].append((m.group(2).strip(), m.group(1).lower() == "x"))
        elif questions and (m := _EXPLAIN.match(line)):
            questions[-1][3].append(m.group(1))
    return questions


def is_plain_inline(text: str) -> bool:
    return (
        bool(_PLAIN_INLINE.fullmatch(text))
        and "_" not in text
        and text == text.strip()
        and "  " not in text
        and not _BLOCK_START.match(text)
    )


class LessonRenderer:
    """Markdown → HTML for lesson bodies, with `legal:` links resolved to site URLs.

    Raw HTML in a lesson is shown as text, not passed through: Python-Markdown has no safe
    mode any more, so we remove its raw-HTML block and inline processors."""

    def __init__(self, legal_urls: dict[str, str]) -> None:
        self.legal_urls = legal_urls
        self.dropped: list[Dropped] = []  # what the filters took out, for validation
        # Placeholder mode (`template`): id → placeholder URL, and the links written.
        self._placeholders: dict[str, str] | None = None
        self._nonce = ""
        self._links_made = 0
        self.md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
        self.md.preprocessors.deregister("html_block")
        self.md.inlinePatterns.deregister("html")
        # The same name and priority as attr_list's own, so pymdownx still sees "attr_list".
        self.md.treeprocessors.register(AllowedAttributes(self.md, self.dropped), "attr_list", 8)
        self.md.treeprocessors.register(PageAttributes(self.md, self.dropped), "antq_page", 0)
        guard_fences(self.md, self.dropped)
        markdown_skips.install(self.md)

    def _links(self, text: str) -> str:
        return LEGAL_LINK.sub(lambda m: f"]({self._url(m.group(1))})", text)

    def _url(self, doc_id: str) -> str:
        if self._placeholders is None:
            return self.legal_urls.get(doc_id, "/van-ban/")
        # Placeholder mode (`template`): a URL of the real URLs' shape (a relative path of
        # lower-case letters, digits and "-", which the filters allow and the serializer
        # writes unescaped) that the lesson's text cannot hold: it carries a hash of it.
        self._links_made += 1
        found = self._placeholders.get(doc_id)
        if found is None:
            found = f"/van-ban/{self._nonce}-{len(self._placeholders)}/"
            self._placeholders[doc_id] = found
        return found

    def template(self, lesson: Lesson, source: str = "") -> Template | None:
        """The lesson converted with placeholder URLs (`Template`), its dropped parts in
        `dropped` as `body` and `quiz` record them. None (the parts still recorded) when a
        placeholder was changed or copied on its way (a link inside a code span of a
        heading reaches the heading's id slugified, a highlighted code block may split
        it): the lesson is then converted with its URLs when its page is rendered. `source`:
        its `_source_key`, when the caller has it."""
        nonce = (source or _source_key(lesson.body, lesson.quiz_source))[:24]
        self._nonce, self._placeholders, self._links_made = f"antq{nonce}", {}, 0
        try:
            body, toc = self.body(lesson)
            quiz = self.quiz(lesson)
        finally:
            placeholders, self._placeholders = self._placeholders, None
        texts = [body, *(n for _, n in toc)]
        texts += [t for q in quiz for t in (q.text, q.explanation, *(h for h, _ in q.options))]
        if not placeholders_whole(texts, list(placeholders.values()), self._links_made):
            return None
        pairs = tuple((p, i) for i, p in placeholders.items())
        return Template(body, tuple(toc), tuple(quiz), pairs)

    def body(self, lesson: Lesson) -> tuple[str, list[tuple[str, str]]]:
        self.md.reset()
        html = self.md.convert(self._links(lesson.body))
        toc = [
            (t["id"], t["name"]) for t in getattr(self.md, "toc_tokens", []) if t.get("level") == 2
        ]
        return html, toc

    def markdown(self, source: str) -> str:
        """A Markdown text of the dialect (a news article's body) as HTML."""
        self.md.reset()
        return self.md.convert(self._links(source))

    def inline(self, text: str) -> str:
        if is_plain_inline(text):
            return text  # nothing to convert (tests/test_lessons.py compares both ways)
        self.md.reset()
        html = self.md.convert(self._links(text))
        return html.removeprefix("<p>").removesuffix("</p>")

    def quiz(self, lesson: Lesson) -> list[Question]:
        out = []
        for number, _line, options, explain in _parse_quiz(lesson.quiz_source):
            text = lesson.quiz_source[_line]
            q = _QUESTION.match(text)
            question = q.group(2) if q else text
            explanation = " ".join(explain).strip()
            explanation = explanation.removeprefix("Giải thích:").strip()
            out.append(
                Question(
                    number=number,
                    text=self.inline(question),
                    options=tuple((self.inline(o), ok) for o, ok in options),
                    explanation=self.inline(explanation) if explanation else "",
                )
            )
        return out


def placeholders_whole(texts: list[str], placeholders: list[str], written: int) -> bool:
    """Whether the converted `texts` hold each of the `written` placeholder links once,
    whole, and no other trace of them (a placeholder carries its lesson's nonce; every
    placeholder of a lesson starts with /van-ban/NONCE-)."""
    if not placeholders:
        return written == 0
    nonce = placeholders[0].split("/")[2].partition("-")[0]
    whole = sum(t.count(p) for t in texts for p in placeholders)
    return whole == written and sum(t.count(nonce) for t in texts) == whole


_WORD = re.compile(r"\w+")


def words(text: str) -> int:
    """How many words (runs of word characters) `text` holds: counted by `subn`, which makes
    no list of them (a third less than `len(findall)` on a lesson's body)."""
    return _WORD.subn("", text)[1]
