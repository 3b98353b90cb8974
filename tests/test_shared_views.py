"""Issue 18 item 7: views one build's pages share (generator.pages.common.SHARED: a model's
card, made once per build and process, not once per xã page it runs in) are never shown
stale by the next build in the same process (`antq serve` patches its model in place: the
same entry objects, other values).

The edit here changes a model's entry in place, as a patch would, between two builds of one
process; the next build (`collect`, as every build lists its pages) shows it. Negative
control, kept as a test: a memo that is never forgotten (keyed by the entry only) shows the
old card on the next build.
"""

from __future__ import annotations

import dataclasses
import gc
import weakref
from datetime import date
from pathlib import Path
from typing import Any

from generator.data.load import read_package
from generator.data.schema import load_package
from generator.model import ModelEntry, SiteModel, build_model
from generator.pages import collect, common, units
from generator.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "good"


def _model() -> SiteModel:
    package, _ = load_package(GOOD)
    settings = load_settings(ROOT / "site")
    return build_model(read_package(GOOD), settings, date(2025, 11, 21), labels=package.labels())


def _card_on_ward_page(model: SiteModel, entry: ModelEntry) -> dict[str, Any]:
    """The card of `entry` on the page of the first xã it runs in."""
    ward = model.ward_by_code[entry.sites[0].unit_code]
    province = model.province_by_code[ward.province_code]
    cards = units.ward_page(model, province, ward).context["models"]
    return next(card for card in cards if card["url"] == entry.url)


def _next_build(model: SiteModel, tmp_path: Path) -> None:
    package, _ = load_package(GOOD)
    collect(model, GOOD, package, cache_dir=tmp_path / "cache")


def _edit_in_place(entry: ModelEntry) -> None:
    """A site added to the model, the entry the same object (as `antq serve`'s patch)."""
    entry.sites.append(dataclasses.replace(entry.sites[0], id="them-mot-noi"))


def test_a_card_is_shared_by_one_builds_pages_and_made_again_by_the_next(tmp_path) -> None:
    model = _model()
    entry = next(e for e in model.models if len({s.unit_code for s in e.sites}) > 1)
    wards = [model.ward_by_code[code] for code in sorted({s.unit_code for s in entry.sites})]
    _next_build(model, tmp_path)
    cards = []
    for ward in wards:
        province = model.province_by_code[ward.province_code]
        page = units.ward_page(model, province, ward)
        cards += [card for card in page.context["models"] if card["url"] == entry.url]
    assert len(cards) == 2 and cards[0] is cards[1]  # one card for the build's pages
    assert cards[0] == common._card(model, entry)  # what it would be made again
    sites = cards[0]["sites"]
    _edit_in_place(entry)
    _next_build(model, tmp_path)
    assert _card_on_ward_page(model, entry)["sites"] == sites + 1


def test_a_card_never_forgotten_is_shown_stale(tmp_path, monkeypatch) -> None:
    """The negative control of the first test: without `forget` (a memo keyed by the entry
    only, kept for the process's life) the next build's page shows the old count."""
    monkeypatch.setattr(common._Shared, "forget", lambda self: None)
    model = _model()
    entry = model.models[0]
    sites = _card_on_ward_page(model, entry)["sites"]
    _edit_in_place(entry)
    _next_build(model, tmp_path)
    assert _card_on_ward_page(model, entry)["sites"] == sites  # stale
    monkeypatch.undo()
    common.SHARED.forget()


def test_a_build_over_keeps_neither_its_model_nor_its_cards() -> None:
    """Held here, the national model's objects were walked by the search stage's collection
    (0.6 s) and their memory kept from Pagefind: the model gone, so are its cards."""
    model = _model()
    entry = model.models[0]
    _card_on_ward_page(model, entry)
    assert common.SHARED.cards
    gone = weakref.ref(model)
    del model, entry
    gc.collect()
    assert gone() is None and not common.SHARED.cards
