"""The package as a whole: the scales, which tables are copied, `write_package`."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from generator.data.synth.generator import _Generator
from generator.data.synth.scales import SCALES
from generator.data.synth.tables import _read_csv, _write_table

DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / "data"


# Resources copied from the source package rather than invented.
COPIED = ("units", "legacy_units", "unit_changes", "legal_documents")

SYNTHETIC_DESCRIPTION = (
    "DỮ LIỆU TỔNG HỢP, sinh tự động bằng lệnh `antq synth` (quy mô {scale}, seed {seed}) để đo "
    "hiệu năng và kiểm thử; cùng cấu trúc với gói dữ liệu mở của phong trào toàn dân bảo vệ an "
    "ninh Tổ quốc. Đơn vị hành chính, bảng quy đổi mã và văn bản pháp luật chép từ gói thật; "
    "nơi được đánh giá, kết quả, phân loại, mô hình, điểm mô hình, khen thưởng và lịch là bịa, "
    "không phản ánh thực tế và không có thông tin về cá nhân có thật."
)


def write_package(
    out: Path,
    scale: str,
    seed: int,
    source: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic data package to `out`; return rows written per CSV file name.

    `progress`, if given, is called with each resource name as its file is started (the
    national package takes a few seconds). `source` defaults to the project's data/ package
    (looked up at call time so tests can point DEFAULT_SOURCE elsewhere).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    out = Path(out)
    source = Path(source) if source is not None else DEFAULT_SOURCE
    (out / "schemas").mkdir(parents=True, exist_ok=True)
    gen = _Generator(source, out, SCALES[scale], seed)

    # Descriptor: unchanged except that it says it is synthetic.
    package = dict(gen.package)
    package["description"] = SYNTHETIC_DESCRIPTION.format(scale=scale, seed=seed)
    (out / "datapackage.yaml").write_text(
        yaml.safe_dump(package, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    for res in gen.package["resources"]:
        schema_path = res.get("schema")
        if isinstance(schema_path, str):
            (out / schema_path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / schema_path, out / schema_path)

    def report(name: str) -> None:
        if progress is not None:
            progress(name)

    report("units")
    counts = gen.copy_reference()
    steps: list[tuple[str, Callable[[], tuple[list[str], Iterator[tuple[object, ...]]]]]] = [
        ("places", gen.places),
        ("assessments", gen.assessments),
        ("targets", gen.targets),
        ("movement_classes", gen.movement_classes),
        ("models", gen.models_rows),
        ("model_sites", gen.model_sites),
        ("awards", gen.awards),
        ("events", gen.events),
    ]
    for name, step in steps:
        report(name)
        columns, rows = step()
        counts[name] = _write_table(out / gen.paths[name], gen.schemas[name], columns, rows)

    # Any other resource the descriptor gains later is copied as is, so the package stays whole.
    for name, path in gen.paths.items():
        if name not in counts and (source / path).is_file():
            report(name)
            shutil.copyfile(source / path, out / path)
            counts[name] = len(_read_csv(source / path)[1])

    # Keyed by file name, in descriptor order.
    return {gen.paths[name]: counts[name] for name in gen.paths if name in counts}
