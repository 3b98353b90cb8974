"""“Tìm xã, phường của bạn” (issue 15): the finder's index and its page without JavaScript.

Most people still know their xã by its name before 01/7/2025, or only their old huyện. The
finder matches what they type, with or without diacritics, against every current name
(province, xã/phường/đặc khu) and every old one (province, huyện, xã of `legacy_units`, and
the old names places carry in `places.legacy_unit_name`), and links each match to the page
of the unit that took it over — each of them, when an old ward was split.

`/tim-xa/chi-muc.json` is the index the header's finder (site/static/js/tim-xa.js) loads. It
is precached by the service worker, so the finder works offline. Compact: short keys, names
without their kind word, folded forms precomputed, URLs made from indexes:

    k  kind words, as in running text: ["xã", "phường", "huyện", …]
    p  current provinces: [name, kind, folded, url]
    u  current units:     [name, kind, folded, province index in p(, slug)]: the URL is the
       province's + the slug + "/"; the slug is given only when it is not the kind word and
       the folded name joined by "-" (slugify's own result), which the script makes itself
    o  old names:         [name, kind, folded, parent index in o or -1, targets]
       a target t >= 0 is u[t]; t < 0 is the province p[-1 - t] (an old province)

`folded` is the name lower-cased, tones and letter marks removed, đ → d, and anything but
a–z and 0–9 one space (`folded()`): the script folds the query the same way. Old names whose
successors are all outside the site's scope are left out (their links would be dead).

`/tim-xa/` is where the header's form goes (GET ?q=): static hosting cannot search, so the
page lists every province (with its old provinces), each linking to `/tim-xa/<slug>/`, which
lists the province's units with their old names, each under its own anchor (`#xa-<code>`);
with JavaScript /tim-xa/ shows the matches for q on top. One page per province keeps each
page small (the whole country on one page: some 10,000 elements).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator import pwa
from generator.model import SiteModel
from generator.pages import FileOutput, Page, Source
from generator.textvi import UNIT_NOUNS, fold, slugify, sort_key

RANK = 140  # the families' order: see generator.pages.collect


def make(source: Source) -> Iterator[Page | FileOutput]:
    """The finder's page and its index: it reads no leaf table's rows (the units, their
    old names, the places), so `antq serve` gives the last build's again after a leaf edit."""
    yield from source.reused("finder", frozenset(), lambda: list(_outputs(source)))


def _outputs(source: Source) -> Iterator[Page | FileOutput]:
    model = source.model
    index, data = cached_index(source)
    digest = hashlib.sha256(data).hexdigest()
    yield FileOutput(INDEX_URL, f"finder:{digest}", lambda: data)
    yield from _pages(model, index)


def cached_index(source: Source) -> tuple[FinderIndex, bytes]:
    """The finder's index and its JSON: read from the build's cache when an earlier build
    made it on the same `Source.base` (it covers everything the index reads: the units,
    their old names and the places' are no leaf table's rows, the site's scope, the code),
    else made and kept there (issue 18: 0.3 s of each national build's pages stage).
    ANTQ_CHECK_DEPS=1 makes it anyway: it must be the kept one."""
    path = source.cache_dir / "finder-index.json" if source.cache_dir and source.base else None
    key = f"{_CACHE_MAGIC} {source.base}\n".encode()
    kept = _read_kept(path, key) if path is not None else None
    if kept is not None and not source.check:
        return FinderIndex(**_from_json(kept)), kept
    index = build_index(source.model)
    data = index.to_json()
    if kept is not None and kept != data:
        raise RuntimeError(f"{INDEX_URL}: kept by its base, yet the index changed")
    if path is not None and kept is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(key + data)
        tmp.replace(path)
    return index, data


_CACHE_MAGIC = "antq-finder 1"


def _read_kept(path: Path, key: bytes) -> bytes | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return raw[len(key) :] if raw.startswith(key) else None


def _from_json(data: bytes) -> dict[str, Any]:
    found = json.loads(data)
    return {"kinds": found["k"], "provinces": found["p"], "units": found["u"], "old": found["o"]}


URL = "/tim-xa/"
INDEX_URL = pwa.FINDER_INDEX_URL  # precached by the service worker
# Kind words that start unit names, longest first (the one list, in generator.textvi).
_KIND_WORDS = UNIT_NOUNS
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 17)
def folded(text: str) -> str:
    """What the finder compares: 'Xã Cộng Lạc' → 'xa cong lac', 'Ia H'Drai' → 'ia h drai'.
    Memoised: the national package's places repeat their old xã's and huyện's names (190,000
    calls of 35,000 names per build: the finder's index in 0.3 s instead of 0.65, issue 18)."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


def split_kind(name: str) -> tuple[str, str]:
    """('xã', 'Cộng Lạc') from 'Xã Cộng Lạc' or 'xã Cộng Lạc'; ('', name) without a kind word."""
    for word in _KIND_WORDS:
        head, space = name[: len(word)], name[len(word) : len(word) + 1]
        if head.casefold() == word.casefold() and space == " ":
            return word.lower(), name[len(word) + 1 :].strip()
    return "", name.strip()


@dataclass
class _Old:
    name: str
    parent: int  # index in the old list, -1 for none
    targets: list[int] = field(default_factory=list)


@dataclass
class FinderIndex:
    kinds: list[str]
    provinces: list[list[Any]]
    units: list[list[Any]]
    old: list[list[Any]]

    def to_json(self) -> bytes:
        data = {"k": self.kinds, "p": self.provinces, "u": self.units, "o": self.old}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def build_index(model: SiteModel) -> FinderIndex:
    kinds: dict[str, int] = {}

    def kind_of(name: str) -> tuple[str, int]:
        kind, short = split_kind(name)
        return short, kinds.setdefault(kind, len(kinds))

    p_index = {p.code: i for i, p in enumerate(model.provinces)}
    provinces = []
    for p in model.provinces:
        short, kind = kind_of(p.name)
        provinces.append([short, kind, folded(short), p.url])
    wards = [w for p in model.provinces for w in p.wards]
    u_index = {w.code: i for i, w in enumerate(wards)}
    units = []
    for w in wards:
        short, kind = kind_of(w.name)
        unit: list[Any] = [short, kind, folded(short), p_index[w.province_code]]
        if w.slug != slugify(w.name):  # a slug made unique with the unit's code
            unit.append(w.slug)
        units.append(unit)

    olds = _old_names(model, p_index, u_index)
    old = []
    for former in olds:
        short, kind = kind_of(former.name)
        old.append([short, kind, folded(short), former.parent, former.targets])
    return FinderIndex(list(kinds), provinces, units, old)


def _old_names(model: SiteModel, p_index: dict[str, int], u_index: dict[str, int]) -> list[_Old]:
    """Every old unit with a successor in scope, parents before children, then the old
    names of places that no old unit carries.

    Long because it walks old provinces, districts and wards and then the leftover place names in
    one ordered pass.
    """
    legacy = {u.code: u for u in model.legacy_units}
    successors: dict[str, list[str]] = defaultdict(list)
    for change in sorted(model.unit_changes, key=lambda c: not c.is_default):
        successors[change.legacy_code].append(change.new_code)
    children: dict[str, list[str]] = defaultdict(list)
    for unit in model.legacy_units:
        if unit.parent_code:
            children[unit.parent_code].append(unit.code)

    def targets(code: str) -> list[int]:
        unit = legacy[code]
        if unit.parent_code is None:  # an old province: the province that took it over
            return [-1 - p_index[unit.replaced_by]] if unit.replaced_by in p_index else []
        new = successors.get(code) or ([unit.replaced_by] if unit.replaced_by else [])
        if not new:  # an old huyện: where its xã went
            new = [n for child in children[code] for n in successors.get(child, [])]
        seen: list[int] = []
        for n in new:
            if n in u_index and u_index[n] not in seen:
                seen.append(u_index[n])
        default, rest = seen[:1], sorted(seen[1:])  # units are in Vietnamese order
        return default + rest

    depth: dict[str, int] = {}

    def level(code: str) -> int:
        if code not in depth:
            parent = legacy[code].parent_code
            depth[code] = 0 if parent not in legacy else level(parent) + 1
        return depth[code]

    order = sorted(legacy, key=lambda c: (level(c), sort_key(legacy[c].name), c))
    position: dict[str, int] = {}
    out: list[_Old] = []
    for code in order:
        found = targets(code)
        if not found:
            continue
        parent = position.get(legacy[code].parent_code or "", -1)
        position[code] = len(out)
        out.append(_Old(legacy[code].name, parent, found))

    # Old names of places ("xã Cộng Lạc, huyện Tứ Kỳ, tỉnh Hải Dương"): the first part is the
    # old xã, the rest names its old huyện and province as legacy_units' full names do.
    by_full = {folded(u.full_name): u.code for u in model.legacy_units}
    known = {(folded(e.name), e.parent) for e in out}
    extra: dict[tuple[str, int], _Old] = {}
    for place in sorted(model.place_by_id.values(), key=lambda p: p.id):
        if not place.legacy_unit_name or place.unit_code not in u_index:
            continue
        first, _, rest = place.legacy_unit_name.partition(",")
        parent = position.get(by_full.get(folded(rest), ""), -1)
        key = (folded(first), parent)
        if key in known:
            continue
        entry = extra.setdefault(key, _Old(first.strip(), parent))
        if u_index[place.unit_code] not in entry.targets:
            entry.targets.append(u_index[place.unit_code])
    for key in sorted(extra, key=lambda k: (sort_key(extra[k].name), k[1])):
        out.append(extra[key])
    return out


def _pages(model: SiteModel, index: FinderIndex) -> Iterator[Page]:
    """/tim-xa/ (the form and the provinces) and one page per province (its units and their
    old names): one page for the whole country would hold some 10,000 elements."""
    old_of: dict[int, list[str]] = defaultdict(list)
    for short, _, _, _, targets in index.old:
        for t in targets:
            if t >= 0 and short not in old_of[t]:
                old_of[t].append(short)
    old_provinces: dict[int, list[str]] = defaultdict(list)
    for short, _, _, _, targets in index.old:
        if targets and targets[0] < 0:
            old_provinces[-1 - targets[0]].append(short)
    provinces = []
    position = 0
    for number, p in enumerate(model.provinces):
        units = []
        for w in p.wards:
            short = index.units[position][0]
            olds = [n for n in old_of[position] if folded(n) != folded(short)]
            units.append({"name": w.name, "url": w.url, "old": sorted(olds, key=sort_key)})
            position += 1
        same = folded(p.unit.short_name)
        provinces.append(
            {
                "name": p.name,
                "slug": p.slug,
                "url": p.url,
                "old": [n for n in old_provinces[number] if folded(n) != same],
                "units": units,
                "finder_url": f"{URL}{p.slug}/",
            }
        )
    yield Page(
        url=URL,
        templates=["tim-xa.html"],
        context={"provinces": [{k: v for k, v in pv.items() if k != "units"} for pv in provinces]},
        title="Tìm xã, phường của bạn",
    )
    for view in provinces:
        yield Page(
            url=str(view["finder_url"]),
            templates=["tim-xa-tinh.html"],
            context={"province": view, "finder_root": URL},
            title=f"Tìm xã, phường: {view['name']}",
        )
