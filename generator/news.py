"""News of the movement: one folder per article, data/news/YYYY/SLUG/, holding index.md
(front matter checked against data/schemas/news.yaml, the body in the lessons' Markdown
dialect) and the article's photos (generator.photos).

The front matter is read and checked by the lessons' own code (generator.lessons: the same
YAML reading, field checks and one-line messages); the body goes through the same renderer
and allow-lists, so there is one dialect. The personal-data checks cover the title, the
summary, every body line, and each photo's alt text, caption and credit.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import yaml

from generator import photos
from generator.data import messages_vi
from generator.data.cache import default_cache_dir, make_key
from generator.data.checks import may_have_text_problems, text_checks
from generator.data.messages_vi import problem
from generator.data.messages_vi import text as say_text
from generator.data.problems import Problem
from generator.data.schema import YAML_LOADER, display_path
from generator.filehash import file_digest
from generator.lessons import (
    _FRONT,
    LessonRenderer,
    _check_meta,
    _decoded,
    _front_matter,
    dropped_problems,
)
from generator.textvi import slugify

NEWS_DIR = "news"
SCHEMA_FILE = "schemas/news.yaml"
ARTICLE_FILE = "index.md"
PHOTO_CHECKS = "photo-checks"  # in the cache folder: each photo's verdict, by content hash
URL_ROOT = "/tin-tuc/"
_YEAR = re.compile(r"\d{4}")
# The published photo's name: the file's stem as a slug (it becomes a URL part).
_PHOTO_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.(jpe?g|png|webp)", re.I)


@dataclass(frozen=True)
class Photo:
    file: str
    path: Path
    alt: str
    caption: str
    credit: str
    generated: bool
    width: int
    height: int
    digest: str

    @property
    def stem(self) -> str:
        return _stem(self.file)


@functools.cache
def _stem(file: str) -> str:
    """A photo's published name (Photo.stem): asked for every size of every photo of every
    article in each build (thousands of times), the same few thousand names."""
    return slugify(Path(file).stem)


@dataclass(frozen=True)
class Correction:
    date: date
    text: str


@dataclass
class Article:
    year: int
    slug: str
    path: Path  # the index.md
    title: str
    date: date
    summary: str
    kind: str
    units: list[str]
    models: list[str]
    awards: list[str]
    lessons: list[str]
    author_unit: str
    photos: list[Photo]
    draft: bool
    sample: bool
    corrections: list[Correction]
    body: str
    body_line: int = 1
    tags: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{URL_ROOT}{self.year}/{self.slug}/"

    @property
    def id(self) -> str:
        return f"{self.year}/{self.slug}"


_RENDERER: list[LessonRenderer] = []


def renderer() -> LessonRenderer:
    if not _RENDERER:
        _RENDERER.append(LessonRenderer({}))
    return _RENDERER[0]


def article_folders(data_dir: Path) -> list[Path]:
    """Every folder data/news/*/* in order (whether or not it holds an index.md); a file
    there is not an article (validation calls it a stray file)."""
    root = data_dir / NEWS_DIR
    if not root.is_dir():
        return []
    return sorted(
        p for year in sorted(root.iterdir()) if year.is_dir() for p in year.iterdir() if p.is_dir()
    )


def load_news(
    data_dir: Path,
    refs: Mapping[str, Collection[str]],
    *,
    drafts: bool = False,
    cache_dir: Path | None = None,
) -> tuple[list[Article], list[Problem]]:
    """Every article, newest first (drafts only with `drafts`), and the problems of all,
    located by file and line. `refs`: "table.column" → ids, for the front matter's
    references (units.code, models.id, awards.id, lessons.slug). `cache_dir`: the cache
    folder (default: ANTQ_CACHE_DIR or the one next to the data) that keeps each photo's
    verdict by content hash."""
    folders = article_folders(data_dir)
    if not folders:
        return [], []
    cache = cache_dir or default_cache_dir(data_dir)
    key = _memo_key(data_dir, folders, refs)
    if key not in _LAST:
        _LAST.clear()
        _LAST[key] = _load_all(data_dir, folders, refs, cache)
    articles, found = _LAST[key]
    return [a for a in articles if drafts or not a.draft], list(found)


# The last result of `load_news`: a build validates the package and then loads it, in one
# process, seconds apart. Keyed by every article's text and, for the photos, by what `stat`
# says of each file (size, modification time, inode): within one process only, never
# across builds (there a photo is judged by its content hash, generator.photos.inspect).
_LAST: dict[str, tuple[list[Article], list[Problem]]] = {}


def _memo_key(data_dir: Path, folders: list[Path], refs: Mapping[str, Collection[str]]) -> str:
    limits = f"{photos.MAX_BYTES}|{photos.MAX_PIXELS}"
    digest = hashlib.sha256(f"{data_dir.resolve()}|{limits}".encode())
    for name in sorted(refs):
        digest.update(f"\0{name}\0".encode() + "\0".join(sorted(refs[name])).encode())
    schema = data_dir / SCHEMA_FILE
    digest.update(schema.read_bytes() if schema.is_file() else b"")
    for folder in folders:
        for path in sorted(folder.iterdir()) if folder.is_dir() else [folder]:
            info = path.stat()
            stat = f"\0{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}"
            digest.update(stat.encode())
            if path.name == ARTICLE_FILE:
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _load_all(
    data_dir: Path, folders: list[Path], refs: Mapping[str, Collection[str]], cache: Path
) -> tuple[list[Article], list[Problem]]:
    """Every article, drafts too, newest first, and the problems of all. An article whose
    folder is unchanged since the last run comes from the article store (`ArticleStore`)."""
    if not (data_dir / SCHEMA_FILE).is_file():
        where = display_path(data_dir / SCHEMA_FILE)
        return [], [problem("schema-missing", where, resource=NEWS_DIR, schema=SCHEMA_FILE)]
    schema = load_schema_file(data_dir)
    store = ArticleStore(cache / ARTICLE_STORE, _context(data_dir, refs))
    articles: list[Article] = []
    found: list[Problem] = []
    for folder in folders:
        article, problems = store.get(folder) or store.put(
            folder, load_article(folder, schema, refs, cache / PHOTO_CHECKS)
        )
        found += problems
        failed = any(p.level == "error" for p in problems)
        if article is not None and not failed:
            articles.append(article)
    store.save()
    articles.sort(key=lambda a: (a.date, a.year, a.slug), reverse=True)
    return articles, found


ARTICLE_STORE = "news-articles.json"  # in the cache folder


def _context(data_dir: Path, refs: Mapping[str, Collection[str]]) -> str:
    """What every article's reading depends on besides its folder: the code's version
    (make_key), the schema, the ids the front matter may name, and the working folder
    (messages name files relative to it: generator.data.schema.display_path), the photos'
    limits."""
    digest = hashlib.sha256()
    for name in sorted(refs):
        digest.update(f"\0{name}\0".encode() + "\0".join(sorted(refs[name])).encode())
    schema = file_digest(data_dir / SCHEMA_FILE)
    limits = f"{photos.MAX_BYTES}|{photos.MAX_PIXELS}"
    return make_key("news", schema, digest.hexdigest(), str(Path.cwd().resolve()), limits)


def _enc(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(type(value))


def _dec(kind: type, value: Any) -> Any:
    if kind is Path:
        return Path(value)
    raise NotImplementedError(kind)


# folder → [its key, the article (None when refused), its problems]
_Entry = tuple[str, Article | None, list[dict[str, Any]]]
_STORE_DECODER = msgspec.json.Decoder(dict[str, _Entry], dec_hook=_dec)


class ArticleStore:
    """Each article as read and checked by the last run, kept in the cache folder under a
    key of its folder (path, every file's name and content hash: generator.filehash, so an
    unchanged photo is not read) and the context (`_context`): a build after one new
    article reads and checks that article only, not the 1,000 others. JSON through msgspec
    (typed, no pickle: a cache file cannot run code). A damaged or foreign store is empty."""

    def __init__(self, path: Path, context: str) -> None:
        self.path, self.context = path, context
        try:
            self.kept: dict[str, _Entry] = _STORE_DECODER.decode(path.read_bytes())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
            self.kept = {}
        self.now: dict[str, _Entry] = {}
        self.changed = False

    def _key(self, folder: Path) -> str:
        digest = hashlib.sha256(f"{self.context}\0{folder}".encode())
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                kind = file_digest(path) if path.is_file() and not path.is_symlink() else "-"
                digest.update(f"\0{path.name}\0{kind}".encode())
        return digest.hexdigest()

    def get(self, folder: Path) -> tuple[Article | None, list[Problem]] | None:
        key = self._key(folder)
        entry = self.kept.get(str(folder))
        if entry is None or entry[0] != key:
            self.now[str(folder)] = (key, None, [])  # the key, for `put`
            return None
        self.now[str(folder)] = entry
        return entry[1], [Problem.from_dict(p) for p in entry[2]]

    def put(
        self, folder: Path, result: tuple[Article | None, list[Problem]]
    ) -> tuple[Article | None, list[Problem]]:
        key = self.now[str(folder)][0]
        self.now[str(folder)] = (key, result[0], [p.to_dict() for p in result[1]])
        self.changed = True
        return result

    def save(self) -> None:
        if not self.changed and self.now.keys() == self.kept.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(msgspec.json.encode(self.now, enc_hook=_enc))
        os.replace(tmp, self.path)


def load_schema_file(data_dir: Path) -> dict[str, Any]:
    with (data_dir / SCHEMA_FILE).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = yaml.load(fh, Loader=YAML_LOADER)
    return schema


def load_article(
    folder: Path,
    schema: dict[str, Any],
    refs: Mapping[str, Collection[str]],
    cache: Path | None = None,
) -> tuple[Article | None, list[Problem]]:
    """One article read and checked: its folder's name, front matter, body, photos."""
    path = folder / ARTICLE_FILE
    where = display_path(path)
    year_name, slug = folder.parent.name, folder.name
    if not _YEAR.fullmatch(year_name) or slugify(slug) != slug or not folder.is_dir():
        year = year_name if _YEAR.fullmatch(year_name) else say_text("news-year-word")
        suggestion = f"news/{year}/"
        suggestion += f"{slugify(slug) or 'ten-bai'}/{ARTICLE_FILE}"
        return None, [problem("news-folder", display_path(folder), suggestion=suggestion)]
    if not path.is_file():
        return None, [problem("news-no-index", display_path(folder))]
    text, found = _decoded(where, path.read_bytes())
    if text is None:
        return None, found
    front = _FRONT.match(text)
    if not front:
        detail = messages_vi.text("part-lesson-no-front-matter")
        return None, [problem("news-front-matter", where, row=1, detail=detail)]
    meta, refused = _front_matter(where, front.group(1), "news-front-matter")
    if meta is None:
        return None, refused
    source = front.group(1)
    values = _check_meta(
        where, source, meta, schema, set(), found, refs=refs, unknown_key="news-unknown-key"
    )
    body = text[front.end() :]
    body_line = text.count("\n", 0, front.end()) + 1
    found += _text_problems(where, source, values, body, body_line)
    if isinstance(values.get("date"), date) and values["date"].year != int(year_name):
        found.append(
            problem(
                "news-year",
                where,
                row=_row(source, "date"),
                field="date",
                cell=values["date"].isoformat(),
                year=year_name,
            )
        )
    article_photos = _photos(folder, where, source, values.get("photos") or [], found, cache)
    if any(p.level == "error" for p in found):
        return None, found
    render = renderer()
    render.dropped.clear()
    render.markdown(body)
    found += dropped_problems(where, render.dropped, body, body_line)
    article = _article(path, values, article_photos, body, body_line)
    return article, found


def _article(
    path: Path, values: dict[str, Any], article_photos: list[Photo], body: str, body_line: int
) -> Article:
    """The checked front matter and body as an Article (its folder gives year and slug)."""
    folder = path.parent
    return Article(
        year=int(folder.parent.name),
        slug=folder.name,
        path=path,
        title=values["title"],
        date=values["date"],
        summary=values["summary"],
        kind=values["kind"],
        units=values["units"] or [],
        models=values["models"] or [],
        awards=values["awards"] or [],
        lessons=values["lessons"] or [],
        author_unit=values["author_unit"],
        photos=article_photos,
        draft=bool(values.get("draft")),
        sample=bool(values.get("sample")),
        corrections=[Correction(c["date"], c["text"]) for c in values.get("corrections") or []],
        body=body,
        body_line=body_line,
    )


def _row(source: str, key: str) -> int | None:
    match = re.search(rf"^\s*-?\s*{re.escape(key)}\s*:", source, re.M)
    return source.count("\n", 0, match.start()) + 2 if match else None


def _text_problems(
    where: str, source: str, values: dict[str, Any], body: str, body_line: int
) -> list[Problem]:
    """Phone and ID numbers (and broken text) in the front matter's texts and the body."""
    found: list[Problem] = []
    # Line by line only where the whole text may have a problem (generator.data.checks).
    for offset, line in enumerate(source.split("\n") if may_have_text_problems(source) else []):
        for code, params in text_checks(line):
            if code != "nfd-text":
                found.append(problem(code, where, row=offset + 2, **params))
    for offset, line in enumerate(body.split("\n") if may_have_text_problems(body) else []):
        for code, params in text_checks(line):
            if code != "nfd-text":
                found.append(problem(code, where, row=body_line + offset, **params))
    return found


def _photos(
    folder: Path,
    where: str,
    source: str,
    items: list[dict[str, Any]],
    found: list[Problem],
    cache: Path | None = None,
) -> list[Photo]:
    """Each listed photo: a file of the folder, named as a URL part, readable, not too big,
    without GPS; a photo of identifiable children only with the consent noted."""
    kept: list[Photo] = []
    seen: set[str] = set()
    for item in items:
        name = item.get("file")
        if not isinstance(name, str) or not name:
            continue  # the field check reported it
        row = _row_of_value(source, name)
        photo_where = display_path(folder / name)
        if not _PHOTO_NAME.fullmatch(name) or "/" in name:
            suggestion = f"{slugify(Path(name).stem) or 'anh'}.jpg"
            found.append(
                problem("news-photo-name", where, row=row, cell=name, suggestion=suggestion)
            )
            continue
        stem = slugify(Path(name).stem)
        if stem in seen:
            found.append(problem("news-photo-twice", where, row=row, cell=name))
            continue
        seen.add(stem)
        if item.get("minors") is True and not item.get("minors_consent"):
            found.append(problem("news-photo-minors", where, row=row, cell=name))
        path = folder / name
        if not path.is_file():
            found.append(problem("news-photo-missing", where, row=row, cell=name))
            continue
        try:
            info = photos.inspect(path, cache)
        except photos.PhotoRefused as refused:
            found.append(problem(refused.code, photo_where, path=photo_where, **refused.params))
            continue
        kept.append(
            Photo(
                file=name,
                path=path,
                alt=item.get("alt") or "",
                caption=item.get("caption") or "",
                credit=item.get("credit") or "",
                generated=item.get("generated") is True,
                width=info.width,
                height=info.height,
                digest=info.digest,
            )
        )
    return kept


def _row_of_value(source: str, value: str) -> int | None:
    index = source.find(value)
    return source.count("\n", 0, index) + 2 if index >= 0 else None


def labels(data_dir: Path) -> dict[str, dict[str, str]]:
    """The Vietnamese labels of the schema's coded fields ("news.kind" → code → label)."""
    if not (data_dir / SCHEMA_FILE).is_file():
        return {}
    schema = load_schema_file(data_dir)
    return {
        f"news.{f['name']}": {str(c["value"]): str(c["label"]) for c in f["categories"]}
        for f in schema.get("fields", [])
        if isinstance(f, dict) and f.get("categories")
    }


def dataset_refs(dataset: Any, lessons: list[Any]) -> dict[str, set[str]]:
    """What an article may point to, from a loaded (already validated) dataset."""
    return {
        "units.code": {u.code for u in dataset.units},
        "models.id": {m.id for m in dataset.models},
        "awards.id": {a.id for a in dataset.awards},
        "lessons.slug": {lesson.slug for lesson in lessons},
    }
