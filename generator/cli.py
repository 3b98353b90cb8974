"""The `antq` command line."""

from __future__ import annotations

from pathlib import Path

import typer

MAX_FILE_MB_DEFAULT = 64.0  # kept equal to generator.data.rawcsv.MAX_FILE_MB (tested)

app = typer.Typer(
    help="antq — dữ liệu mở và trang web của phong trào toàn dân bảo vệ an ninh Tổ quốc.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
units_app = typer.Typer(help="Đơn vị hành chính tham chiếu.", no_args_is_help=True)
app.add_typer(units_app, name="units")


@units_app.command("refresh")
def units_refresh(
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
) -> None:
    """Tạo lại units.csv, legacy_units.csv và unit_changes.csv từ gói vietnamadminunits."""
    from rich.console import Console

    from generator.data import units

    counts = units.refresh(data)
    console = Console()
    for name, n in counts.items():
        console.print(f"{name}: {n:,} dòng".replace(",", "."))


@app.command("synth")
def synth(
    scale: str = typer.Option("national", "--scale", help="small | national"),
    out: Path = typer.Option(Path("bench/out/national"), "--out", help="Thư mục ghi gói dữ liệu."),
    seed: int = typer.Option(2025, "--seed"),
) -> None:
    """Sinh gói dữ liệu tổng hợp cùng cấu trúc (dùng cho đo hiệu năng và kiểm thử)."""
    from rich.console import Console

    from generator.data import synth as synth_mod

    if scale not in synth_mod.SCALES:
        raise typer.BadParameter(
            f"quy mô không hợp lệ: {scale} (chọn {', '.join(synth_mod.SCALES)})"
        )
    counts = synth_mod.write_package(out, scale=scale, seed=seed)
    console = Console()
    for name, n in counts.items():
        console.print(f"{name}: {n:,} dòng".replace(",", "."))


@app.command("validate")
def validate(
    data: Path = typer.Argument(Path("data"), help="Thư mục gói dữ liệu (mặc định: data/)."),
    strict: bool = typer.Option(False, "--strict", help="Coi cảnh báo là lỗi."),
    output_format: str = typer.Option(
        "text", "--format", help="text | github (thêm chú thích ::error cho GitHub Actions)"
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Kiểm tra lại mọi tệp."),
    max_mb: float = typer.Option(
        MAX_FILE_MB_DEFAULT, "--max-file-mb", help="Từ chối tệp lớn hơn mức này (MB)."
    ),
) -> None:
    """Kiểm tra gói dữ liệu: mỗi vấn đề một dòng tiếng Việt; mã thoát 0 (sạch), 1 (lỗi dữ liệu)."""
    from generator.data.validate import run_cli

    if output_format not in ("text", "github"):
        typer.echo(
            f"antq: định dạng không hợp lệ “{output_format}” (chọn text hoặc github)", err=True
        )
        raise typer.Exit(2)
    raise typer.Exit(
        run_cli(
            data,
            strict=strict,
            github=output_format == "github",
            use_cache=not no_cache,
            max_mb=max_mb,
        )
    )


@app.command("build")
def build(
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    out: Path = typer.Option(Path("public"), "--out", help="Thư mục trang web tạo ra."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="In thời gian từng bước."),
    full: bool = typer.Option(False, "--full", help="Bỏ qua bộ nhớ đệm: tạo lại mọi trang."),
) -> None:
    """Xây dựng trang web tĩnh từ dữ liệu (ghi vào thư mục mới rồi thay thế một lần)."""
    from rich.console import Console

    from generator.build import BuildError, BuildOptions, build_site

    console = Console(stderr=True, highlight=False)
    options = BuildOptions(data_dir=data, out_dir=out, site_dir=site, full=full)
    try:
        report = build_site(options, progress=console.is_terminal)
    except BuildError as exc:
        for line in exc.lines:
            typer.echo(line)
        raise typer.Exit(1) from None
    for line in report.warnings:
        typer.echo(line)
    if report.skipped:
        typer.echo(f"Không có gì thay đổi: {out}/ giữ nguyên ({report.pages} trang).")
    else:
        typer.echo(
            f"Đã xây dựng {report.pages} trang và {report.files} tệp dữ liệu vào {out}/: "
            f"ghi mới {report.written}, giữ nguyên {report.linked}."
        )
    if verbose:
        for stage_name, seconds in report.timings.items():
            typer.echo(f"  {stage_name:<14} {seconds:7.2f} s")
        typer.echo(f"  {'tổng':<14} {sum(report.timings.values()):7.2f} s")


@app.command("serve")
def serve(
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    out: Path = typer.Option(Path("public"), "--out", help="Thư mục trang web tạo ra."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
    port: int = typer.Option(8000, "--port", help="Cổng (0: chọn một cổng còn trống)."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Chỉ trên máy này: 127.0.0.1, localhost hoặc ::1."
    ),
) -> None:
    """Xem trước trang web trên máy này: tự xây dựng lại và tải lại trang khi dữ liệu đổi."""
    from generator.build import BuildOptions
    from generator.serve import run

    options = BuildOptions(data_dir=data, out_dir=out, site_dir=site, parallel=False)
    raise typer.Exit(
        run(options, host=host, port=port, log=lambda line: typer.echo(line, err=True))
    )
