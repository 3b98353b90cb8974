"""News of the movement (generator.news): /tin-tuc/ newest first and paginated from the
oldest article (a new article rewrites the first pages only, `_slices`), one listing
per kind and per province (filters without JavaScript), one page per article, the Atom
feeds of the whole site and of each province, and each photo's published sizes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

from generator import photos
from generator.data.cache import default_cache_dir
from generator.model import SiteModel, about_units
from generator.news import URL_ROOT, Article, Photo, renderer
from generator.pages import FileOutput, Page, Source
from generator.pages.common import award_view, model_card
from generator.textvi import slugify

RANK = 35  # the families' order: see generator.pages.collect

PER_PAGE = 20
FEED_ENTRIES = 50
KIND_FIELD = "news.kind"
# The photo's box on the page: the whole column on a phone, at most the reading width.
SIZES = "(min-width: 48rem) 46rem, 100vw"
CARD_SIZES = "(min-width: 48rem) 16rem, 100vw"  # a card of a list
PHOTOS_DIR = "photos"  # in the build cache folder: the encoded sizes, by content hash


def make(source: Source) -> Iterator[Page | FileOutput]:
    model = source.model
    cache = (source.cache_dir or default_cache_dir(source.data_dir)) / PHOTOS_DIR
    yield from listings(model)
    yield from feeds(model)
    for article in model.news:
        yield article_page(model, article)
        for photo in article.photos:
            yield from photo_files(article, photo, cache)


def kind_label(model: SiteModel, kind: str) -> str:
    return model.label(KIND_FIELD, kind)


def kind_url(kind: str) -> str:
    return f"{URL_ROOT}loai/{slugify(kind)}/"


def card(model: SiteModel, article: Article) -> dict[str, Any]:
    """An article as a list shows it."""
    first = article.photos[0] if article.photos else None
    return {
        "title": article.title,
        "url": article.url,
        "date": article.date,
        "summary": article.summary,
        "kind": kind_label(model, article.kind),
        "sample": article.sample,
        "thumb": _image(article, first, lazy=True, sizes=CARD_SIZES) if first else None,
    }


def _filters(model: SiteModel) -> dict[str, list[dict[str, str]]]:
    kinds = [k for k in model.labels.get(KIND_FIELD, {}) if any(a.kind == k for a in model.news)]
    return {
        "kinds": [{"label": kind_label(model, k), "url": kind_url(k)} for k in kinds],
        "provinces": [
            {"label": p.unit.short_name, "url": f"{URL_ROOT}tinh/{p.slug}/"}
            for p in model.provinces
            if model.news_by_unit.get(p.code)
        ],
    }


def listings(model: SiteModel) -> Iterator[Page]:
    filters = _filters(model)
    cards: dict[str, dict[str, Any]] = {}  # an article is on three lists: its card made once
    yield from _listing(model, URL_ROOT, "Tin tức phong trào", model.news, filters, None, cards)
    for kind in model.labels.get(KIND_FIELD, {}):
        chosen = [a for a in model.news if a.kind == kind]
        if chosen:
            url = kind_url(kind)
            title = f"Tin tức: {kind_label(model, kind)}"
            yield from _listing(model, url, title, chosen, filters, url, cards)
    for province in model.provinces:
        chosen = model.news_by_unit.get(province.code, [])
        if chosen:
            url = f"{URL_ROOT}tinh/{province.slug}/"
            title = f"Tin tức ở {province.name}"
            yield from _listing(model, url, title, chosen, filters, url, cards, f"{url}atom.xml")


def _listing(
    model: SiteModel,
    url: str,
    title: str,
    articles: list[Article],
    filters: dict[str, list[dict[str, str]]],
    active: str | None,
    cards: dict[str, dict[str, Any]],
    feed: str | None = None,
) -> Iterator[Page]:
    """One listing: its first page at `url` (the `PER_PAGE` newest articles), then the
    numbered pages `url`trang/K/ counted from the oldest article (`_slices`). `cards`: the
    cards made so far, by article URL."""
    for article in articles:
        if article.url not in cards:
            cards[article.url] = card(model, article)
    slices = _slices(articles, PER_PAGE)
    context = {"filters": filters, "active": active, "feed": feed or f"{URL_ROOT}atom.xml"}
    older = None
    if slices:  # the newest numbered page holding an article the first page does not show
        older = len(slices) - (len(articles) % PER_PAGE == 0)
    yield Page(
        url=url,
        templates=["tin-tuc-danh-sach.html"],
        context={
            **context,
            "heading": title,
            "articles": [cards[a.url] for a in articles[:PER_PAGE]],
            "total": len(articles),
            "pager": _pager(url, None, older, len(slices)) if slices else None,
        },
        title=title,
    )
    for number, chunk in enumerate(slices, 1):
        yield Page(
            url=_page_url(url, number),
            templates=["tin-tuc-danh-sach.html"],
            context={
                **context,
                "heading": title,
                "articles": [cards[a.url] for a in chunk],
                "total": None,  # the count would change every numbered page on a new article
                "span": (chunk[-1].date, chunk[0].date),
                "pager": _pager(url, number, number - 1, len(slices)),
            },
            title=f"{title} (trang {number})",
        )


def _slices(articles: list[Article], size: int) -> list[list[Article]]:
    """The numbered pages of a list (`articles`: newest first), counted from its oldest
    article: page K holds the oldest articles K·size − size + 1 … K·size (newest first on
    the page), whole pages only; none when the list fits on its first page. A new article
    leaves every numbered page as it was (newest-first numbering would move every article
    one slot on every page: ~150 pages rewritten at 1,000 articles); the first page shows
    the newest `size` articles, so it overlaps the newest numbered page (or is it, when the
    count is a multiple of `size`), and the articles newer than the last whole page are on
    the first page only until they fill a page of their own."""
    count = len(articles)
    if count <= size:
        return []
    ends = range(count, count % size, -size)  # page K ends at count - (K - 1) * size
    return [articles[end - size : end] for end in ends]


def _pager(url: str, number: int | None, older: int | None, count: int) -> dict[str, Any]:
    """The pager of the first page (`number` None) or of numbered page `number` of `count`:
    links to the first page, the newer and older pages and the oldest one. None of them
    depends on how many articles there are, save those of the newest numbered page (its
    newer page is the first page until a new numbered page exists), so a new article
    rewrites no other page."""
    newer = None
    if number is not None:
        newer = url if number == count else _page_url(url, number + 1)
    return {
        "number": number,
        "first": url if number is not None else None,
        "newer": newer,
        "older": _page_url(url, older) if older else None,
        "oldest": _page_url(url, 1) if older and older > 1 else None,
    }


def _page_url(url: str, number: int) -> str:
    # News keeps its own published scheme, trang/N/ (the other lists use trang-N/); page N
    # is counted from the oldest article (`_slices`).
    return f"{url}trang/{number}/"


def _image(article: Article, photo: Photo, *, lazy: bool, sizes: str = SIZES) -> dict[str, Any]:
    """What an <img> (in a <picture> with a WebP source) needs: srcsets of every size, the
    smallest JPEG as fallback, the intrinsic size (no layout shift), lazy or not."""
    widths = photos.sizes(photo.width, photo.height)
    base = f"{article.url}{photo.stem}"
    return {
        "webp": ", ".join(f"{base}-{w}.webp {w}w" for w, _ in widths),
        "jpeg": ", ".join(f"{base}-{w}.jpg {w}w" for w, _ in widths),
        "src": f"{base}-{widths[0][0]}.jpg",
        "width": widths[-1][0],
        "height": widths[-1][1],
        "sizes": sizes,
        "alt": photo.alt,
        "caption": photo.caption,
        "credit": photo.credit,
        "generated": photo.generated,
        "lazy": lazy,
    }


_BODIES: dict[str, str] = {}  # body hash → HTML, for the feeds and the page of one build


class Body:
    """An article's body in a page's context: its Markdown, converted to HTML only when a
    template shows it (`str`). A page's key is made from its context (pickled: the Markdown
    only), so a build converts the bodies of the pages it renders, not of all 1,000."""

    __slots__ = ("markdown",)

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def __reduce__(self) -> tuple[type[Body], tuple[str]]:
        return (Body, (self.markdown,))

    def __str__(self) -> str:
        key = hashlib.sha256(self.markdown.encode()).hexdigest()
        if key not in _BODIES:
            _BODIES[key] = renderer().markdown(self.markdown)
        return _BODIES[key]


def body_html(article: Article) -> Body:
    return Body(article.body)


def _links(model: SiteModel, article: Article) -> list[dict[str, str]]:
    """The places an article is about, as links: its xã and provinces."""
    codes = about_units(article, model.ward_by_code, model.model_by_id)
    return [
        {"name": model.unit_names[c], "url": url}
        for c in codes
        if c in model.unit_names and (url := model.unit_url(c) or "")
    ]


def article_page(model: SiteModel, article: Article) -> Page:
    lessons = {lesson.slug: lesson for lesson in model.lessons}
    awards = {a.id: a for a in model.awards}
    context = {
        "article": {
            "title": article.title,
            "date": article.date,
            "summary": article.summary,
            "kind": kind_label(model, article.kind),
            "kind_url": kind_url(article.kind),
            "sample": article.sample,
            "body": body_html(article),
            "photos": [_image(article, p, lazy=i > 0) for i, p in enumerate(article.photos)],
            "corrections": [{"date": c.date, "text": c.text} for c in article.corrections],
            "author": model.unit_names.get(article.author_unit, article.author_unit),
            "author_url": model.unit_url(article.author_unit),
            "places": _links(model, article),
            "models": [
                model_card(model, model.model_by_id[m])
                for m in article.models
                if m in model.model_by_id
            ],
            "awards": [award_view(model, awards[a]) for a in article.awards if a in awards],
            "lessons": [
                {"title": lessons[s].title, "url": lessons[s].url}
                for s in article.lessons
                if s in lessons
            ],
        },
    }
    return Page(
        url=article.url,
        templates=["tin-tuc-bai.html"],
        context=context,
        title=article.title,
    )


def _updated(article: Article) -> datetime:
    last = max([article.date, *(c.date for c in article.corrections)])
    return datetime.combine(last, time.min)


def _feed(model: SiteModel, url: str, title: str, alternate: str, articles: list[Article]) -> Page:
    chosen = articles[:FEED_ENTRIES]
    entries = [
        {
            "id": f"{model.settings.base_url}{a.url}",
            "title": a.title,
            "url": a.url,
            "published": datetime.combine(a.date, time.min),
            "updated": _updated(a),
            "summary": a.summary,
            "kind": kind_label(model, a.kind),
            "body": body_html(a),
        }
        for a in chosen
    ]
    updated = max((_updated(a) for a in chosen), default=datetime.combine(model.today, time.min))
    return Page(
        url=url,
        templates=["tin-tuc-atom.xml"],
        context={
            "feed": {"title": title, "alternate": alternate, "entries": entries},
            "updated": updated,
        },
        title=title,
        in_sitemap=False,
    )


def feeds(model: SiteModel) -> Iterator[Page]:
    yield _feed(model, f"{URL_ROOT}atom.xml", "Tin tức phong trào", URL_ROOT, model.news)
    for province in model.provinces:
        chosen = model.news_by_unit.get(province.code, [])
        if chosen:
            url = f"{URL_ROOT}tinh/{province.slug}/"
            yield _feed(model, f"{url}atom.xml", f"Tin tức ở {province.name}", url, chosen)


def photo_files(article: Article, photo: Photo, cache: Path) -> Iterator[FileOutput]:
    """Each published size of a photo as WebP and JPEG; identified by the source's hash
    and the encoder's settings, so an unchanged photo is never encoded again."""
    for width, _ in photos.sizes(photo.width, photo.height):
        for ext in ("webp", "jpg"):
            yield FileOutput(
                f"{article.url}{photo.stem}-{width}.{ext}",
                f"photo:{photos.ENCODER}|{photo.digest}|{width}|{ext}",
                _producer(photo.path, photo.digest, width, ext, cache),
                sources=[photo.path],
                stored=_stored(photo.path, photo.digest, width, ext, cache),
            )


def _producer(path: Path, digest: str, width: int, ext: str, cache: Path) -> Any:
    return lambda: photos.encoded(path, digest, width, ext, cache)


def _stored(path: Path, digest: str, width: int, ext: str, cache: Path) -> Any:
    return lambda: photos.encoded_file(path, digest, width, ext, cache)


def latest(model: SiteModel, articles: list[Article], count: int = 5) -> list[dict[str, Any]]:
    """The newest articles of a unit or model, for its page (links both ways)."""
    return [card(model, a) for a in articles[:count]]
