"""Pages and files of the installable site (issue #5): the offline fallback page, the search
page, the web app manifest and the icons. The service worker and the lesson library's
download list are made after the pages, from their bytes (generator/pwa.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator import pwa, search
from generator.lessons import labels, load_schema
from generator.model import SiteModel
from generator.pages import FileOutput, Page, Source
from generator.pages.lessons import topic_url

RANK = 130  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    yield from pages(source.model, source.data_dir)
    yield from files(source.model)


# The site's main sections, as the search page lists them when it cannot search (no
# JavaScript): the same as the header's navigation, plus the pages only the footer links.
SECTIONS = [
    ("/bai-hoc/", "Bài học pháp luật"),
    ("/mo-hinh/", "Mô hình tự quản"),
    ("/khen-thuong/", "Khen thưởng"),
    ("/van-ban/", "Văn bản pháp luật và văn bản chỉ đạo"),
    ("/lich/", "Lịch phong trào"),
    ("/phan-loai/", "Phân loại phong trào"),
    ("/cap-nhat/", "Cập nhật mới"),
    ("/du-lieu/", "Dữ liệu mở"),
    ("/huong-dan/", "Hướng dẫn cập nhật dữ liệu"),
]


def pages(model: SiteModel, data_dir: Path) -> Iterator[Page]:
    yield Page(
        url=pwa.OFFLINE_URL,
        templates=["offline.html"],
        context={"has_lessons": bool(model.lessons)},
        title="Không có kết nối mạng",
        in_sitemap=False,
    )
    yield Page(
        url=pwa.SEARCH_URL,
        templates=["tim-kiem.html"],
        context={
            "topics": _topics(model, data_dir),
            # The site index's other shards and the lessons' shards, merged in
            # (generator.search.site_indexes, library_indexes).
            "site_shards": search.site_indexes()[1:],
            "library": search.library_indexes([x.url for x in model.lessons])
            if model.lessons
            else [],
            # The news' search indexes, merged in (generator.search.news_index_dir).
            "news": search.news_indexes([a.url for a in model.news]) if model.news else [],
            "provinces": [{"name": p.name, "url": p.url} for p in model.provinces],
            "sections": [{"url": url, "label": label} for url, label in SECTIONS],
        },
        title="Tìm kiếm",
    )


def _topics(model: SiteModel, data_dir: Path) -> list[dict[str, Any]]:
    if not model.lessons:
        return []
    topic_labels = labels(load_schema(data_dir), "topics")
    counts = {t: sum(t in lesson.topics for lesson in model.lessons) for t in topic_labels}
    return [
        {"label": label, "url": topic_url(code), "count": counts[code]}
        for code, label in topic_labels.items()
        if counts[code]
    ]


def files(model: SiteModel) -> list[FileOutput]:
    return [pwa.manifest_output(model.settings), *pwa.icon_outputs()]
