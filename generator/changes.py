"""What changed in the data, as readers read it: one structured record per record change.

The "Cập nhật" page (generator/pages/updates.py) and web push (generator/push/topics.py) both
show changes; both take `ChangeLine` records from `describe()` and pick the line they need
(`page_line`, `news_line`), so the wording lives here once and neither parses the other's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.data.messages_vi import text
from generator.diff import RecordChange
from generator.model import SiteModel

# Wording lives in the catalogue (update-*); this module only picks the entry.
RESOURCES = (
    "units",
    "legacy_units",
    "unit_changes",
    "places",
    "assessments",
    "movement_classes",
    "models",
    "model_sites",
    "security_teams",
    "security_team_ratings",
    "awards",
    "legal_documents",
    "events",
    "lessons",
    "news",
    "place_classes",
    "emulation_registrations",
    "exemplar_recognitions",
)
RESOURCE_NAMES = {name: text(f"update-resource-{name}") for name in RESOURCES}
VERBS = {kind: text(f"update-verb-{kind}") for kind in ("added", "changed", "removed")}


@dataclass(frozen=True)
class ChangeLine:
    resource: str
    kind: str  # added, changed, removed
    text: str  # the statement of what is now true, or of what was removed
    url: str | None
    order: tuple[int, tuple[str, ...]]  # most interesting first
    edited: bool = False  # an assessment's record was edited (a correction of the record)
    outcome_changed: bool = False  # …and its result itself changed ("chưa đạt" → "đạt")

    def page_line(self) -> str:
        """On the change list every edit of a result record reads as a correction."""
        return text("update-assessment-changed", line=self.text) if self.edited else self.text

    def news_line(self) -> str:
        """In a notification a changed result is the news itself, not a correction."""
        if self.edited and not self.outcome_changed:
            return self.page_line()
        return self.text

    def view(self) -> dict[str, str | None]:
        """What the change-list template reads."""
        return {"text": self.page_line(), "url": self.url, "kind": self.kind}


def describe(model: SiteModel, change: RecordChange) -> ChangeLine:
    """A record change as a reader reads it: one plain Vietnamese statement, with a link
    when the page exists.

    Long because it has one branch per table, each reading its statement from the catalogue.
    """
    row = change.row
    verb = VERBS[change.kind]
    resource = change.resource
    kind = change.kind
    url: str | None = None
    if resource == "assessments":
        place = model.place_by_id.get(row.get("place_id", ""))
        name = place.name if place else row.get("place_id", "")
        outcome = row.get("result", "")
        result = text(f"update-result-{outcome}") if outcome in ("dat", "chua_dat") else ""
        where = ""
        if place and place.unit_code in model.ward_by_code:
            ward = model.ward_by_code[place.unit_code]
            where, url = f" ({ward.name})", ward.url
        year = row.get("year")
        if kind == "removed":
            line = text("update-assessment-removed", year=year, name=name, where=where)
        else:
            line = text("update-assessment", name=name, where=where, result=result, year=year)
    elif resource == "models":
        entry = model.model_by_id.get(row.get("id", ""))
        url = entry.url if entry and kind != "removed" else None
        line = text(f"update-model-{kind}", name=row.get("name"))
    elif resource == "awards":
        award = model.label("awards.award", row.get("award"))
        url = model.unit_url(row.get("unit_code"))
        line = text(
            "update-award",
            verb=verb,
            recipient=row.get("recipient_name"),
            award=award,
            year=row.get("year"),
        )
    elif resource == "places":
        home = model.ward_by_code.get(row.get("unit_code", ""))
        url = home.url if home else None
        place_kind = model.label("places.kind", row.get("kind")).lower()
        line = text("update-place", verb=verb, kind=place_kind, name=row.get("name"))
        if home:
            line += f" ({home.name})"
    elif resource == "lessons":
        slug = change.key[0]
        url = f"/bai-hoc/{slug}/" if kind != "removed" else None
        line = text(f"update-lesson-{kind}", title=row.get("title") or slug)
    elif resource == "news":
        ident = change.key[0]
        url = f"/tin-tuc/{ident}/" if kind != "removed" else None
        line = text(f"update-news-{kind}", title=row.get("title") or ident)
    elif resource == "legal_documents":
        document = model.legal_by_id.get(row.get("id", ""))
        url = document.url if document else None
        line = text("update-legal", verb=verb, id=row.get("id"))
    elif resource == "events":
        url = "/lich/"
        line = text("update-event", verb=verb, title=row.get("title"))
    elif resource == "model_sites":
        site_model = model.model_by_id.get(row.get("model_id", ""))
        url = site_model.url if site_model else None
        site_name = site_model.model.name if site_model else row.get("model_id")
        line = text("update-model-site", verb=verb, name=site_name)
    elif resource == "security_teams":
        url = model.unit_url(row.get("unit_code"))
        unit = model.unit_names.get(row.get("unit_code", ""), row.get("unit_code"))
        line = text("update-security-team", verb=verb, area=row.get("area_name") or "", unit=unit)
    elif resource == "security_team_ratings":
        team = model.security_team_by_id.get(row.get("team_id", ""))
        code = team.unit_code if team else None
        url = model.unit_url(code)
        line = text(
            "update-security-team-rating",
            verb=verb,
            year=row.get("year") or "",
            area=team.area_name if team else row.get("team_id") or "",
            unit=model.unit_names.get(code or "", code or ""),
            rating=model.label("security_team_ratings.rating", row.get("rating")),
        )
    elif resource in VOCABULARY:
        url, line = _vocabulary_line(model, resource, row, verb)
    elif resource == "movement_classes":
        url = model.unit_url(row.get("unit_code"))
        unit = model.unit_names.get(row.get("unit_code", ""), row.get("unit_code"))
        line = text("update-class", verb=verb, year=row.get("year"), unit=unit)
    else:
        what = RESOURCE_NAMES.get(resource, resource)
        line = text("update-other", verb=verb, what=what, key=" ".join(change.key))
    edited = resource == "assessments" and kind == "changed"
    return ChangeLine(
        resource=resource,
        kind=kind,
        text=line,
        url=url,
        order=(ORDER.get(resource, 99), change.key),
        edited=edited,
        outcome_changed=edited and "result" in change.fields,
    )


VOCABULARY = ("place_classes", "emulation_registrations", "exemplar_recognitions")


def _vocabulary_line(
    model: SiteModel, resource: str, row: dict[str, str], verb: str
) -> tuple[str | None, str]:
    """The change line of a place's class, đăng ký thi đua or "điển hình" (issue 14), with
    its xã page."""
    place = model.place_by_id.get(row.get("place_id", ""))
    name = place.name if place else row.get("place_id", "")
    url = model.unit_url(place.unit_code) if place else None
    year = row.get("year") or ""
    if resource == "place_classes":
        return url, text("update-place-class", verb=verb, year=year, name=name)
    if resource == "emulation_registrations":
        goal = model.label("emulation_registrations.goal", row.get("goal"))
        return url, text("update-registration", verb=verb, year=year, name=name, goal=goal)
    kind = model.label("exemplar_recognitions.kind", row.get("kind"))
    status = model.label("exemplar_recognitions.status", row.get("status")).lower()
    return url, text("update-exemplar", verb=verb, year=year, name=name, kind=kind, status=status)


# Most interesting first: what citizens follow, then reference tables.
ORDER = {
    name: i
    for i, name in enumerate(
        (
            "assessments",
            "models",
            "awards",
            "news",
            "lessons",
            "movement_classes",
            "model_sites",
            "security_teams",
            "security_team_ratings",
            "exemplar_recognitions",
            "place_classes",
            "emulation_registrations",
            "places",
            "events",
            "legal_documents",
            "units",
            "legacy_units",
            "unit_changes",
        )
    )
}
