"""Events: the fixed yearly days, then festivals, conferences and report deadlines."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date

from generator.data.synth.context import Generator, Province
from generator.data.synth.tables import _enum
from generator.data.synth.vocabulary import _BASIS_ASSESSMENT, _BASIS_CLASS, _BASIS_FESTIVAL

_KindOf = Callable[[str], str]


def events(gen: Generator) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """Rows of events.csv: three fixed yearly days, then festivals, conferences, deadlines."""
    rng = gen.rng("events")
    schema = gen.schemas["events"]
    kinds = _enum(schema, "kind")
    recurrences = _enum(schema, "recurrence")
    yearly = "hang_nam" if "hang_nam" in recurrences else recurrences[-1]
    once = "khong" if "khong" in recurrences else recurrences[0]

    def k(value: str) -> str:
        return value if value in kinds else kinds[-1]

    rows = _fixed_events(gen, k, yearly)
    provs = list(gen.provinces.values())
    n = 0
    while len(rows) < gen.scale["events"]:
        n += 1
        _add_dated_event(gen, rng, n, provs, k, once, rows)
    columns = [
        "id",
        "title",
        "kind",
        "date",
        "recurrence",
        "valid_until",
        "unit_code",
        "description",
        "legal_basis",
    ]
    return columns, iter(rows[: gen.scale["events"]])


def _fixed_events(gen: Generator, k: _KindOf, yearly: str) -> list[tuple[object, ...]]:
    """The yearly days every package has (Ngày hội, Ngày truyền thống CAND, the TT 124 deadline)."""
    basis = gen.basis(_BASIS_ASSESSMENT, "TT-BCA")
    rows: list[tuple[object, ...]] = [
        (
            "ngay-hoi-toan-dan-bao-ve-antq",
            "Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
            k("ngay_hoi"),
            "2005-08-19",
            yearly,
            None,
            None,
            "Tổ chức ở khu dân cư, xã, phường, đặc khu trên cả nước.",
            gen.basis(_BASIS_FESTIVAL, "QĐ-TTg"),
        ),
        (
            "ngay-truyen-thong-cand",
            "Ngày truyền thống Công an nhân dân",
            k("ky_niem"),
            "1945-08-19",
            yearly,
            None,
            None,
            None,
            None,
        ),
        (
            "han-danh-gia-an-toan-antt",
            "Hạn hoàn thành đánh giá, công nhận “An toàn về an ninh, trật tự”",
            k("bao_cao"),
            "2022-11-15",
            yearly,
            None,
            None,
            "Khu dân cư đánh giá đến 31/10; các loại khác đến 15/11.",
            basis,
        ),
    ]
    return rows


def _add_dated_event(
    gen: Generator,
    rng: random.Random,
    n: int,
    provs: list[Province],
    k: _KindOf,
    once: str,
    rows: list[tuple[object, ...]],
) -> None:
    """Append one dated event: a local Ngày hội, a provincial conference or a report deadline.

    Long because each of the three branches writes out its nine-field row in
    full; the branches share the draw order of one stream, so they stay in one function.
    """
    year = gen.years[rng.randrange(len(gen.years))]
    r = rng.random()
    if r < 0.5:
        ward = gen.wards[rng.randrange(len(gen.wards))]
        rows.append(
            (
                f"ngay-hoi-{year}-{ward.code}-{n}",
                f"Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm {year} tại {ward.lname}",
                k("ngay_hoi"),
                gen.day(rng, date(year, 8, 1), date(year, 8, 31)),
                once,
                None,
                ward.code,
                "Điểm tổ chức Ngày hội của tỉnh, thành phố.",
                None,
            )
        )
    elif r < 0.8:
        prov = provs[rng.randrange(len(provs))]
        half = rng.random() < 0.5
        title = "Hội nghị sơ kết 6 tháng" if half else "Hội nghị tổng kết"
        when = (
            gen.day(rng, date(year, 6, 15), date(year, 7, 20))
            if half
            else gen.day(rng, date(year, 12, 1), date(year, 12, 28))
        )
        rows.append(
            (
                f"hoi-nghi-{year}-{prov.code}-{n}",
                f"{title} phong trào toàn dân bảo vệ an ninh Tổ quốc năm {year}, {prov.lname}",
                k("hoi_nghi"),
                when,
                once,
                None,
                prov.code,
                None,
                None,
            )
        )
    else:
        prov = provs[rng.randrange(len(provs))]
        rows.append(
            (
                f"bao-cao-{year}-{prov.code}-{n}",
                f"Hạn gửi báo cáo kết quả phân loại phong trào năm {year}, {prov.lname}",
                k("bao_cao"),
                gen.day(rng, date(year, 12, 1), date(year, 12, 20)),
                once,
                None,
                prov.code,
                None,
                gen.basis(_BASIS_CLASS, "QĐ-BCA"),
            )
        )
