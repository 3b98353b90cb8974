"""What changed in the data, as readers read it: one structured record per record change.

The "Cập nhật" page (generator/pages/updates.py) and web push (generator/push/topics.py) both
show changes; both take `ChangeLine` records from `describe()` and pick the line they need
(`page_line`, `news_line`), so the wording lives here once and neither parses the other's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.diff import RecordChange
from generator.model import SiteModel

RESOURCE_NAMES = {
    "units": "đơn vị hành chính",
    "legacy_units": "đơn vị hành chính cũ",
    "unit_changes": "dòng quy đổi mã đơn vị",
    "places": "nơi được đánh giá",
    "assessments": "kết quả “An toàn về an ninh, trật tự”",
    "movement_classes": "kết quả phân loại phong trào",
    "models": "mô hình",
    "model_sites": "điểm mô hình",
    "awards": "khen thưởng",
    "legal_documents": "văn bản",
    "events": "mục lịch",
    "lessons": "bài học",
}
VERBS = {"added": "Thêm", "changed": "Sửa", "removed": "Xóa"}


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
        return f"Sửa kết quả: {self.text}" if self.edited else self.text

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
    when the page exists."""
    row = change.row
    verb = VERBS[change.kind]
    resource = change.resource
    url: str | None = None
    if resource == "assessments":
        place = model.place_by_id.get(row.get("place_id", ""))
        name = place.name if place else row.get("place_id", "")
        result = {"dat": "đạt", "chua_dat": "chưa đạt"}.get(row.get("result", ""), "")
        where = ""
        if place and place.unit_code in model.ward_by_code:
            ward = model.ward_by_code[place.unit_code]
            where, url = f" ({ward.name})", ward.url
        if change.kind == "removed":
            text = f"Xóa kết quả năm {row.get('year')} của {name}{where}"
        else:
            text = f"{name}{where} {result} “An toàn về an ninh, trật tự” năm {row.get('year')}"
    elif resource == "models":
        entry = model.model_by_id.get(row.get("id", ""))
        url = entry.url if entry and change.kind != "removed" else None
        text = {
            "added": f"Ghi nhận mô hình “{row.get('name')}”",
            "changed": f"Cập nhật mô hình “{row.get('name')}”",
            "removed": f"Gỡ mô hình “{row.get('name')}”",
        }[change.kind]
    elif resource == "awards":
        award = model.label("awards.award", row.get("award"))
        url = model.unit_url(row.get("unit_code"))
        text = f"{verb} khen thưởng: {row.get('recipient_name')} — {award} ({row.get('year')})"
    elif resource == "places":
        home = model.ward_by_code.get(row.get("unit_code", ""))
        url = home.url if home else None
        text = f"{verb} {model.label('places.kind', row.get('kind')).lower()} “{row.get('name')}”"
        if home:
            text += f" ({home.name})"
    elif resource == "lessons":
        slug = change.key[0]
        title = row.get("title") or slug
        url = f"/bai-hoc/{slug}/" if change.kind != "removed" else None
        text = {"added": "Bài học mới", "changed": "Cập nhật bài học", "removed": "Gỡ bài học"}[
            change.kind
        ] + f": “{title}”"
    elif resource == "legal_documents":
        document = model.legal_by_id.get(row.get("id", ""))
        url = document.url if document else None
        text = f"{verb} văn bản {row.get('id')}"
    elif resource == "events":
        url = "/lich/"
        text = f"{verb} lịch: {row.get('title')}"
    elif resource == "model_sites":
        site_model = model.model_by_id.get(row.get("model_id", ""))
        url = site_model.url if site_model else None
        text = (
            f"{verb} điểm mô hình “{site_model.model.name if site_model else row.get('model_id')}”"
        )
    elif resource == "movement_classes":
        url = model.unit_url(row.get("unit_code"))
        unit = model.unit_names.get(row.get("unit_code", ""), row.get("unit_code"))
        text = f"{verb} phân loại phong trào năm {row.get('year')} của {unit}"
    else:
        text = f"{verb} {RESOURCE_NAMES.get(resource, resource)} {' '.join(change.key)}"
    edited = resource == "assessments" and change.kind == "changed"
    return ChangeLine(
        resource=resource,
        kind=change.kind,
        text=text,
        url=url,
        order=(ORDER.get(resource, 99), change.key),
        edited=edited,
        outcome_changed=edited and "result" in change.fields,
    )


# Most interesting first: what citizens follow, then reference tables.
ORDER = {
    name: i
    for i, name in enumerate(
        (
            "assessments",
            "models",
            "awards",
            "lessons",
            "movement_classes",
            "model_sites",
            "places",
            "events",
            "legal_documents",
            "units",
            "legacy_units",
            "unit_changes",
        )
    )
}
