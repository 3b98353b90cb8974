"""Model movements (mô hình) and their sites."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.data.synth.context import Generator, Model
from generator.data.synth.tables import _enum, _label, _weights
from generator.data.synth.vocabulary import (
    _BASIS_MODEL,
    _MODEL_DESCRIPTIONS,
    _MODEL_NAMES,
    _MODEL_SUFFIX,
    _SITE_PLACE_KIND,
)


def models_rows(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    rng = gen.rng("models")
    schema = gen.schemas["models"]
    fields = _enum(schema, "field")
    field_w = _weights(
        fields, {"tu_quan": 4, "camera": 2, "an_ninh_mang": 1.5, "hoa_giai": 1.5}, 1.0
    )
    levels = _enum(schema, "recognised_by")
    level_w = _weights(
        levels, {"cong_an_tinh": 5, "ubnd_tinh": 3, "bcd138_tinh": 2, "bo_cong_an": 0.5}, 1.0
    )
    statuses = _enum(schema, "status")
    status_w = _weights(statuses, {"dang_hoat_dong": 90, "tam_dung": 6, "ngung": 4}, 1.0)
    basis = gen.basis(_BASIS_MODEL, "BCA")
    provs = list(gen.provinces.values())
    prov_w = [len(p.wards) for p in provs]
    seq: dict[tuple[str, str], int] = {}
    last_year = max(gen.years)
    rows: list[tuple[object, ...]] = []
    for _ in range(gen.scale["models"]):
        prov = rng.choices(provs, prov_w)[0]
        field = rng.choices(fields, field_w)[0]
        ward = prov.wards[rng.randrange(len(prov.wards))]
        names = _MODEL_NAMES.get(field) or (_label(schema, "field", field),)
        title = names[rng.randrange(len(names))]
        name = f"Mô hình “{title}” {ward.lname}"
        key = (prov.code, field)
        seq[key] = seq.get(key, 0) + 1
        mid = f"{prov.code}-{field.replace('_', '-')}-{seq[key]:04d}"
        started = rng.randint(1995, last_year - 1)
        level = rng.choices(levels, level_w)[0]
        dec_year = rng.randint(started, last_year)
        description = " ".join(rng.sample(_MODEL_DESCRIPTIONS, 2))
        status = rng.choices(statuses, status_w)[0]
        gen.models.append(Model(mid, prov.code, started, name, title, field, status == "ngung"))
        rows.append(
            (
                mid,
                name,
                field,
                description,
                prov.code,
                level,
                f"{rng.randint(1, 999)}/{_MODEL_SUFFIX.get(level, 'QĐ-UBND')}",
                gen.day(rng, date(dec_year, 1, 2), date(dec_year, 12, 28)),
                basis,
                status,
                started,
            )
        )
    columns = list(_MODEL_COLUMNS)
    return columns, iter(rows)


# --- model sites ---


def model_sites(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    rng = gen.rng("model_sites")
    target = gen.scale["model_sites"]
    n_models = len(gen.models)
    # Every model has a site; the rest follow a skewed (log-normal) popularity so that a
    # few models are replicated widely, as in reality.
    popularity = [rng.lognormvariate(0, 1) for _ in range(n_models)]
    per_model = [1] * n_models
    for mi in rng.choices(range(n_models), popularity, k=max(target - n_models, 0)):
        per_model[mi] += 1
    last = date(max(gen.years), 6, 30)
    columns = [
        "id",
        "model_id",
        "unit_code",
        "place_id",
        "teams",
        "members",
        "started",
        "exemplar",
        "lat",
        "lon",
    ]

    def rows() -> Iterator[tuple[object, ...]]:
        for model, count in zip(gen.models, per_model, strict=True):
            mid = model.id
            wards = gen.provinces[model.province].wards
            first = date(max(model.started, 2000), 1, 1)
            kind = _SITE_PLACE_KIND.get(model.field, "khu_dan_cu")
            for k in range(1, count + 1):
                ward = wards[rng.randrange(len(wards))]
                place_id = None
                lat, lon = gen.near(rng, ward)
                if rng.random() < 0.7:
                    candidates = gen.places_by_ward[ward.code].get(kind)
                    if candidates:
                        place_id = candidates[rng.randrange(len(candidates))][0]
                        lat, lon = gen.place_coords[place_id]
                teams = rng.randint(1, 12)
                started = gen.day(rng, first, last)
                if not model.stopped:
                    year = int(str(started)[:4])
                    gen.site_years[ward.code] = min(year, gen.site_years.get(ward.code, year))
                yield (
                    f"{mid}-{k:04d}",
                    mid,
                    ward.code,
                    place_id,
                    teams,
                    teams * rng.randint(3, 15),
                    started,
                    "true" if rng.random() < 0.08 else "false",
                    lat,
                    lon,
                )

    return columns, rows()


_MODEL_COLUMNS = (
    "id",
    "name",
    "field",
    "description",
    "province_code",
    "recognised_by",
    "decision_no",
    "decision_date",
    "legal_basis",
    "status",
    "started",
)
