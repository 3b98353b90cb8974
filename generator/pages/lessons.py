"""The lesson library: an index, lists by topic and by grade, and one reading page per
lesson (phone and print friendly, with its self-check quiz)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
from markupsafe import Markup

from generator import legal
from generator.lessons import (
    EXTENSION_CONFIGS,
    EXTENSIONS,
    GRADES_PATH,
    LEGAL_LINK,
    TOPICS_PATH,
    Lesson,
    LessonRenderer,
    Question,
    category_slug,
    labels,
    load_schema,
    take_converted,
    words,
)
from generator.model import SiteModel
from generator.pages import Page, Source
from generator.pages.common import legal_link

RANK = 80  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page]:
    yield from pages(source.model, source.data_dir)


RELATED = 6


def topic_url(code: str) -> str:
    return f"/bai-hoc/{TOPICS_PATH}/{category_slug(code)}/"


def grade_url(code: str) -> str:
    return f"/bai-hoc/{GRADES_PATH}/{category_slug(code)}/"


def pages(model: SiteModel, data_dir: Path) -> Iterator[Page]:
    if not model.lessons:
        # The navigation always links here: an empty library still has its page.
        yield Page(
            url="/bai-hoc/",
            templates=["bai-hoc.html"],
            context={"lessons": [], "topics": [], "grades": []},
            title="Bài học pháp luật",
        )
        return
    schema = load_schema(data_dir)
    topic_labels = labels(schema, "topics")
    grade_labels = labels(schema, "grades")
    topic_urls = {t: topic_url(t) for t in topic_labels}
    grade_urls = {g: grade_url(g) for g in grade_labels}
    cards = {lesson.slug: _card(lesson, topic_labels, grade_labels) for lesson in model.lessons}
    topics: list[dict[str, Any]] = [
        {
            "code": t,
            "label": topic_labels[t],
            "url": topic_urls[t],
            "count": sum(t in lesson.topics for lesson in model.lessons),
        }
        for t in topic_labels
    ]
    grades: list[dict[str, Any]] = [
        {
            "code": g,
            "label": grade_labels[g],
            "url": grade_urls[g],
            "count": sum(g in lesson.grades for lesson in model.lessons),
        }
        for g in grade_labels
    ]
    topics = [t for t in topics if t["count"]]
    grades = [g for g in grades if g["count"]]
    yield Page(
        url="/bai-hoc/",
        templates=["bai-hoc.html"],
        context={"lessons": list(cards.values()), "topics": topics, "grades": grades},
        title="Bài học pháp luật",
    )
    for t in topics:
        chosen = [cards[x.slug] for x in model.lessons if t["code"] in x.topics]
        yield _listing(t["url"], f"Bài học về {t['label'].lower()}", chosen, topics, grades)
    for g in grades:
        chosen = [cards[x.slug] for x in model.lessons if g["code"] in x.grades]
        yield _listing(g["url"], f"Bài học dành cho {g['label'].lower()}", chosen, topics, grades)
    by_topic: dict[str, list[Lesson]] = {}  # each topic's first lessons, in library order
    for lesson in model.lessons:
        for topic in lesson.topics:
            first = by_topic.setdefault(topic, [])
            if len(first) <= RELATED:
                first.append(lesson)
    order = {lesson.slug: i for i, lesson in enumerate(model.lessons)}
    for lesson in model.lessons:
        related = _related(lesson, by_topic, order)
        yield _lesson_page(model, lesson, topic_labels, grade_labels, [cards[r] for r in related])


def _related(lesson: Lesson, by_topic: dict[str, list[Lesson]], order: dict[str, int]) -> list[str]:
    """The first RELATED lessons of the library, in its order, that share a topic with
    `lesson`. A few, not all of them: the list must not grow with the library (5,000
    lessons on one topic would put 5,000 cards on every page). Each is among the first
    RELATED + 1 lessons of a topic they share, so those short lists are all it takes."""
    found = {other.slug for t in lesson.topics for other in by_topic.get(t, [])}
    found.discard(lesson.slug)
    return sorted(found, key=order.__getitem__)[:RELATED]


def _card(
    lesson: Lesson, topic_labels: dict[str, str], grade_labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "title": lesson.title,
        "url": lesson.url,
        "summary": lesson.summary,
        "topics": [topic_labels.get(t, t) for t in lesson.topics],
        "grades": [grade_labels.get(g, g) for g in lesson.grades],
        "reading_time": lesson.reading_time,
        "updated": lesson.updated,
    }


def _listing(
    url: str, heading: str, lessons: list[dict[str, Any]], topics: Any, grades: Any
) -> Page:
    return Page(
        url=url,
        templates=["bai-hoc-danh-sach.html"],
        context={
            "heading": heading,
            "lessons": lessons,
            "topics": topics,
            "grades": grades,
            "active": url,
        },
        title=heading,
    )


def _lesson_page(
    model: SiteModel,
    lesson: Lesson,
    topic_labels: dict[str, str],
    grade_labels: dict[str, str],
    related: list[dict[str, Any]],
) -> Page:
    context = {
        "lesson": {
            "slug": lesson.slug,
            "title": lesson.title,
            "summary": lesson.summary,
            "topics": [
                {
                    "label": topic_labels.get(t, t),
                    "url": topic_url(t),
                }
                for t in lesson.topics
            ],
            "grades": [
                {
                    "label": grade_labels.get(g, g),
                    "url": grade_url(g),
                }
                for g in lesson.grades
            ],
            "legal": [link for d in lesson.legal_documents if (link := legal_link(model, d))],
            # Cited documents not in force at the build's date: the page says so (generator.legal).
            "lapsed": _lapsed(model, lesson),
            "updated": lesson.updated,
            "reading_time": lesson.reading_time,
        },
        # The Markdown itself is the input: it is converted by the `lesson_doc` template
        # global during rendering, which runs in the parallel render workers.
        "source": {
            "body": lesson.body,
            "quiz": lesson.quiz_source,
            "links": {
                i: model.legal_by_id[i].url for i in legal_ids(lesson) if i in model.legal_by_id
            },
        },
        "related": related,
    }
    return Page(
        url=lesson.url,
        templates=[f"bai-hoc/{lesson.slug}.html", "bai-hoc-bai.html"],
        context=context,
        title=lesson.title,
    )


_RENDERER: list[LessonRenderer] = []  # one per process: building Python-Markdown costs ~1 ms


def _renderer(links: dict[str, str]) -> LessonRenderer:
    if not _RENDERER:
        _RENDERER.append(LessonRenderer(links))
    renderer = _RENDERER[0]
    renderer.legal_urls = links
    return renderer


class LessonDoc:
    """What a lesson template shows: body HTML, its table of contents, the quiz. The
    conversion is cached (`MARKDOWN_CACHE`): an unchanged lesson is converted once."""

    def __init__(self, source: dict[str, Any]) -> None:
        converted = MARKDOWN_CACHE.convert(source)
        self.body = Markup(converted.body)
        self.toc = [tuple(entry) for entry in converted.toc]
        self.words = converted.words
        self.quiz = [
            {
                "number": q.number,
                "text": Markup(q.text),
                "options": [{"html": Markup(h), "correct": ok} for h, ok in q.options],
                "explanation": Markup(q.explanation),
            }
            for q in converted.quiz
        ]


@dataclass(frozen=True)
class Converted:
    """A lesson's Markdown converted: body HTML, table of contents (id, name), word count,
    the quiz's questions (HTML)."""

    body: str
    toc: tuple[tuple[str, str], ...]
    words: int
    quiz: tuple[Question, ...]


def convert(source: dict[str, Any]) -> Converted:
    """Markdown → HTML for a lesson's page context (`source`: body, quiz, legal links): the
    conversion this build's validation made, with the links' URLs put in, when it made one
    (a cold build: generator.lessons.take_converted), else converted here."""
    count = words(source["body"])
    template = take_converted(source["body"], source["quiz"])
    if template is not None:
        body, toc, quiz = template.resolve(source["links"])
        return Converted(body, tuple(toc), count, tuple(quiz))
    renderer = _renderer(source["links"])
    lesson = Lesson(
        slug="",
        path=Path(),
        title="",
        summary="",
        topics=[],
        grades=[],
        legal_documents=[],
        updated=date.min,
        reading_time=0,
        body=source["body"],
        quiz_source=list(source["quiz"]),
    )
    html, toc = renderer.body(lesson)
    return Converted(html, tuple(toc), count, tuple(renderer.quiz(lesson)))


@functools.cache  # (made for each lesson page's key, ~0.1 ms: constants)
def _extension_set() -> str:
    """The Markdown extensions and their settings, as text (a function's settings by name:
    its code is in the code's version)."""
    return json.dumps(
        [EXTENSIONS, {k: sorted(v) for k, v in EXTENSION_CONFIGS.items()}], sort_keys=True
    )


class MarkdownCache:
    """Converted lessons on disk (issue 18 item 6), keyed by the hash of the source (body,
    quiz, the legal links it resolves), the extension set and the code's version
    (generator.codeversion: the renderer, its filters, Python-Markdown and pymdown). The
    build sets the folder and the version before rendering (`configure`); without a folder
    every lesson is converted. Render workers are forked after `configure` and share it."""

    def __init__(self) -> None:
        self.directory: Path | None = None
        self.code = ""
        self.converted = 0  # conversions made in this process (for tests)

    def configure(self, directory: Path | None, code: str) -> None:
        self.directory, self.code = directory, code

    def key(self, source: dict[str, Any]) -> str:
        digest = hashlib.sha256()
        for part in (self.code, _extension_set()):
            digest.update(part.encode() + b"\0")
        digest.update(
            json.dumps(
                [source["body"], list(source["quiz"]), sorted(source["links"].items())],
                ensure_ascii=False,
            ).encode()
        )
        return digest.hexdigest()

    def convert(self, source: dict[str, Any]) -> Converted:
        if self.directory is None:
            self.converted += 1
            return convert(source)
        path = self.directory / f"{self.key(source)}.msgpack"
        try:
            return _DECODER.decode(path.read_bytes())
        except (OSError, msgspec.DecodeError, ValueError, TypeError):
            pass
        self.converted += 1
        found = convert(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(msgspec.msgpack.encode(found))
        tmp.replace(path)
        return found


_DECODER = msgspec.msgpack.Decoder(Converted)
MARKDOWN_CACHE = MarkdownCache()


def _lapsed(model: SiteModel, lesson: Lesson) -> list[dict[str, Any]]:
    documents = {e.document.id: e.document for e in model.legal}
    cited = [*lesson.legal_documents, *legal_ids(lesson)]
    return [
        {
            "doc": legal_link(model, f.doc.id),
            "since": f.doc.out_of_force_from,
            "not_yet": f.code == "legal-not-yet-in-force",
            "from": legal.starts(f.doc),
            "replacement": legal_link(model, f.replacement.id) if f.replacement else None,
        }
        for f in legal.cited_out_of_force(cited, documents, model.today)
    ]


def legal_ids(lesson: Lesson) -> list[str]:
    """Every legal document the lesson's body links to with `legal:ID`."""
    return sorted(set(LEGAL_LINK.findall(lesson.body + "\n".join(lesson.quiz_source))))
