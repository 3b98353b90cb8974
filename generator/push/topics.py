"""Topics people follow, and how a change in the data becomes a message for a topic.

The vocabulary, all from the data package as the site shows it (the site's scope):

    tinh:<code>     a province (its page /tinh/<slug>/)
    xa:<code>       a xã / phường / đặc khu (its page)
    mo-hinh:<id>    a model (/mo-hinh/<id>/)
    bai-hoc         the lesson library (/bai-hoc/)

A record change reaches the topics of the places it is about: an assessment its place's xã and
province; a model its own topic and its provinces; a model site the model, the xã and the
province; an award its unit (xã or province) and its model; a lesson `bai-hoc`; a new news
article the xã, provinces and models it is about and its author unit. Reference
tables (units, legal documents) notify nobody: a reorganisation of the map is not news to a
follower of one xã.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model and the diff are loaded only when a run is planned: a notifier
    # worker (`antq push notify --worker`) sends what is planned and never needs them.
    from generator.diff import RecordChange
    from generator.model import SiteModel

LESSONS_TOPIC = "bai-hoc"
TOPIC_PATTERN = re.compile(r"^(?:(?:tinh|xa|mo-hinh):[A-Za-z0-9_.-]{1,64}|bai-hoc)$")
MAX_TOPIC_LENGTH = 80


@dataclass(frozen=True)
class Vocabulary:
    labels: dict[str, str]  # topic → what it is, in Vietnamese ("Xã Lạc Phượng")
    urls: dict[str, str]  # topic → its page

    def __contains__(self, topic: object) -> bool:
        return isinstance(topic, str) and topic in self.labels

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Item:
    """One change as a follower reads it."""

    text: str
    url: str | None
    order: tuple[int, tuple[str, ...]]  # most interesting first, as on the "Cập nhật" page


def load_model(data_dir: Path, site_dir: Path) -> SiteModel:
    """The site's model of the data in data_dir (the working tree, as deployed), as the
    build makes it: the same category labels (describe() names award kinds with them), the
    lessons and the news articles, passed in when it is built: the model is not written
    afterwards. The articles come from the build's stores (generator.news.ArticleStore,
    generator.filehash) when the build left them: the photos are not read again."""
    from generator.data.cache import default_cache_dir
    from generator.data.load import read_package
    from generator.data.schema import load_package
    from generator.filehash import HASHES
    from generator.lessons import load_lessons
    from generator.model import build_model
    from generator.news import dataset_refs, load_news
    from generator.news import labels as news_labels
    from generator.revision import data_revision
    from generator.settings import load_settings

    settings = load_settings(site_dir)
    dataset = read_package(data_dir)
    package, _ = load_package(data_dir)
    lessons, _ = load_lessons(data_dir, {d.id for d in dataset.legal_documents})
    if HASHES.store is None:  # not inside a build: the build's store of input hashes
        HASHES.configure(default_cache_dir(data_dir), trust=True)
    articles, _ = load_news(data_dir, dataset_refs(dataset, lessons))
    HASHES.save()
    return build_model(
        dataset,
        settings,
        data_revision(data_dir, dataset, lessons).date,
        lessons,
        labels={**package.labels(), **news_labels(data_dir)},
        news=articles,
    )


def vocabulary(model: SiteModel) -> Vocabulary:
    labels: dict[str, str] = {}
    urls: dict[str, str] = {}
    for province in model.provinces:
        labels[f"tinh:{province.code}"] = province.name
        urls[f"tinh:{province.code}"] = province.url
    for ward in model.ward_by_code.values():
        labels[f"xa:{ward.code}"] = ward.name
        urls[f"xa:{ward.code}"] = ward.url
    for entry in model.models:
        labels[f"mo-hinh:{entry.id}"] = f"Mô hình “{entry.model.name}”"
        urls[f"mo-hinh:{entry.id}"] = entry.url
    labels[LESSONS_TOPIC] = "Thư viện bài học pháp luật"
    urls[LESSONS_TOPIC] = "/bai-hoc/"
    return Vocabulary(labels, urls)


def _unit_topics(model: SiteModel, code: str | None) -> set[str]:
    """A xã and its province, or a province alone."""
    if not code:
        return set()
    if code in model.ward_by_code:
        return {f"xa:{code}", f"tinh:{model.ward_by_code[code].province_code}"}
    if code in model.province_by_code:
        return {f"tinh:{code}"}
    return set()


def change_topics(
    model: SiteModel, change: RecordChange, place_units: dict[str, str] | None = None
) -> set[str]:
    """The topics a record change is news for. `place_units` maps place ids to unit codes for
    places the change set itself removed (no longer in the model)."""
    row = change.row
    resource = change.resource
    topics: set[str] = set()
    if resource == "assessments":
        place_id = row.get("place_id", "")
        place = model.place_by_id.get(place_id)
        code = place.unit_code if place else (place_units or {}).get(place_id)
        topics |= _unit_topics(model, code)
    elif resource in ("place_classes", "emulation_registrations", "exemplar_recognitions"):
        place = model.place_by_id.get(row.get("place_id", ""))
        topics |= _unit_topics(model, place.unit_code if place else None)
    elif resource == "places":
        topics |= _unit_topics(model, row.get("unit_code"))
    elif resource == "models":
        model_id = row.get("id", "")
        topics.add(f"mo-hinh:{model_id}")
        entry = model.model_by_id.get(model_id)
        for code in entry.province_codes if entry else [row.get("province_code", "")]:
            topics |= _unit_topics(model, code)
    elif resource == "model_sites":
        topics.add(f"mo-hinh:{row.get('model_id', '')}")
        topics |= _unit_topics(model, row.get("unit_code"))
    elif resource == "awards":
        topics |= _unit_topics(model, row.get("unit_code"))
        if row.get("model_id"):
            topics.add(f"mo-hinh:{row['model_id']}")
    elif resource in ("movement_classes", "security_teams"):
        topics |= _unit_topics(model, row.get("unit_code"))
    elif resource == "security_team_ratings":
        team = model.security_team_by_id.get(row.get("team_id", ""))
        topics |= _unit_topics(model, team.unit_code if team else None)
    elif resource == "events":
        # National days (no unit) are on the calendar everyone has; local ones are news.
        topics |= _unit_topics(model, row.get("unit_code"))
    elif resource == "lessons":
        topics.add(LESSONS_TOPIC)
    elif resource == "news" and change.kind == "added":
        # A new article is news for each xã and province it is about (and the province of
        # the unit that wrote it) and each model; a correction is on "Cập nhật" only.
        for code in [*row.get("units", "").split(), row.get("author_unit", "")]:
            topics |= _unit_topics(model, code)
        for model_id in row.get("models", "").split():
            topics.add(f"mo-hinh:{model_id}")
            entry = model.model_by_id.get(model_id)
            for code in entry.province_codes if entry else []:
                topics |= _unit_topics(model, code)
    return topics


def topic_items(model: SiteModel, changes: list[RecordChange]) -> dict[str, list[Item]]:
    """topic → the changes its followers will read about, most interesting first."""
    from generator.changes import describe

    place_units = {
        c.row["id"]: c.row.get("unit_code", "")
        for c in changes
        if c.resource == "places" and c.row.get("id")
    }
    out: dict[str, list[Item]] = {}
    for change in changes:
        topics = change_topics(model, change, place_units)
        if not topics:
            continue
        line = describe(model, change)
        item = Item(line.news_line(), line.url, line.order)
        for topic in topics:
            out.setdefault(topic, []).append(item)
    for items in out.values():
        items.sort(key=lambda i: i.order)
    return out
