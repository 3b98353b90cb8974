"""antq build: stages, atomic output, incremental rebuilds, settings, escaping, privacy."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from watchfiles import Change

from generator import render as render_mod
from generator import search
from generator.build import BuildError, BuildOptions, build_site
from generator.output import skeleton
from generator.serve import _WatchFilter
from generator.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1763683200"  # 21/11/2025


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(ROOT / "site", target)
    return target


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file's bytes, inode and mtime: equal snapshots mean nothing was written."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[path.relative_to(root).as_posix()] = (path.read_bytes(), st.st_ino, st.st_mtime_ns)
    return out


def contents(root: Path) -> dict[str, bytes]:
    return {k: v[0] for k, v in snapshot(root).items()}


def build(data: Path, out: Path, site: Path, *, full: bool = False):
    return build_site(BuildOptions(data_dir=data, out_dir=out, site_dir=site, full=full))


def test_build_writes_the_site(make_package, site_dir, tmp_path) -> None:
    out = tmp_path / "public"
    report = build(make_package(), out, site_dir)
    assets = [p for p in (site_dir / "static").rglob("*") if p.is_file()]
    assert report.pages > 20 and report.written == report.pages + report.files + len(assets)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in home
    ward = (out / "tinh/hai-phong/xa-tan-ky/index.html").read_text(encoding="utf-8")
    # The label is shown, not searched (issue 18 item 5: it is on every xã page).
    assert "Trước 01/7/2025:</span> xã Dân An, huyện Tứ Kỳ, tỉnh Hải Dương" in ward
    assert "4120/QĐ-UBND ngày 05/12/2025" in ward  # dates as dd/mm/yyyy
    assert (
        '<link rel="canonical" href="https://antq.netlify.app/tinh/hai-phong/xa-tan-ky/">' in ward
    )
    assert (out / "du-lieu/places.csv").read_bytes() == (make_package() / "places.csv").read_bytes()
    assert not list(tmp_path.glob(".public.*"))  # no staging directory left behind


def test_every_html_page_has_title_lang_canonical_description(
    make_package, site_dir, tmp_path
) -> None:
    out = tmp_path / "public"
    build(make_package(), out, site_dir)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="vi">' in html, page
        assert "<title>" in html and "<title></title>" not in html, page
        assert 'rel="canonical"' in html and 'name="description"' in html, page
        assert 'property="og:title"' in html, page


def test_wards_listed_in_vietnamese_order(make_package, site_dir, tmp_path) -> None:
    out = tmp_path / "public"
    build(make_package(), out, site_dir)
    html = (out / "tinh/hai-phong/index.html").read_text(encoding="utf-8")
    table = html[html.index('id="ds-xa"') :]
    # Units with a result this year first (Tân Kỳ), then the rest, each in Vietnamese order.
    names = ["Xã Tân Kỳ", "Xã Lạc Phượng", "Xã Nguyên Giáp"]
    positions = [table.index(f">{n}</a>") for n in names]
    assert positions == sorted(positions)


def test_second_build_with_no_change_writes_nothing(make_package, site_dir, tmp_path) -> None:
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    before = snapshot(out)
    report = build(data, out, site_dir)
    assert report.skipped and report.written == 0
    assert snapshot(out) == before


def test_unrelated_input_change_rerenders_nothing(make_package, site_dir, tmp_path) -> None:
    """Past the whole-input shortcut, each page's own input hash still decides."""
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    before = snapshot(out)
    (site_dir / "templates" / "unused.html").write_text("{{ nothing }}", encoding="utf-8")
    report = build(data, out, site_dir)
    assert not report.skipped and report.written == 0 and report.linked == len(before)
    assert snapshot(out) == before


def _edit_place_name(data: Path) -> None:
    places = data / "places.csv"
    text = places.read_text(encoding="utf-8")
    assert "Thôn Nghi Khê," in text
    places.write_text(text.replace("Thôn Nghi Khê,", "Thôn Nghi Khê Mới,", 1), encoding="utf-8")


def test_the_counts_told_to_the_official_add_up(make_package, site_dir, tmp_path) -> None:
    """What a build tells, "ghi mới N, giữ nguyên M" (`written`, `linked`): every file of
    the site is one or the other, whatever the build: a first one, `--full` into the same
    folder (the indexes and data files placed from the build cache), `--full` into a new
    folder, a one-row edit, an edit built in place as `antq serve` does. "giữ nguyên" are
    files of the site replaced: they keep their inode (so may pages placed from the pages'
    store, which the site replaced linked too: those count as written)."""
    data, out = make_package(), tmp_path / "public"
    reports = []

    def told_and_seen(full: bool = False, target: Path = out, **how) -> tuple[int, int, bool]:
        before = {k: v[1] for k, v in snapshot(target).items()} if target.exists() else {}
        options = BuildOptions(data_dir=data, out_dir=target, site_dir=site_dir, full=full)
        report = build_site(dataclasses.replace(options, **how))
        reports.append(report)
        after = snapshot(target)
        kept = sum(before.get(rel) == inode for rel, (_, inode, _) in after.items())
        return report.written + report.linked, len(after), report.linked <= kept

    builds = [told_and_seen(), told_and_seen(full=True)]
    builds.append(told_and_seen(full=True, target=tmp_path / "other"))
    _edit_place_name(data)
    builds.append(told_and_seen())
    places = data / "places.csv"  # antq serve's way: in place, the index made later
    places.write_text(places.read_text(encoding="utf-8").replace(" Mới,", ",", 1), "utf-8")
    builds.append(told_and_seen(in_place=True, defer_search=True))
    assert [(told, True) for told, _, _ in builds] == [(seen, ok) for _, seen, ok in builds]
    assert all(0 < r.written < r.linked for r in reports[-2:])  # (edits: a few written)


def test_one_row_edit_equals_full_build(make_package, site_dir, tmp_path) -> None:
    data, out, clean = make_package(), tmp_path / "public", tmp_path / "clean"
    build(data, out, site_dir)
    before = snapshot(out)
    _edit_place_name(data)
    report = build(data, out, site_dir)
    changed = {k for k, v in snapshot(out).items() if before.get(k, (None, None))[1] != v[1]}
    # Exactly the pages that show that place (its xã, the models with a site there), the
    # download pages (file sizes) and the three downloads. Places are not search text (they
    # are in parts of those pages left out of the index), so the indexes stay as they were.
    # /build.json names the data's revision: outside git, its content hash.
    assert changed == {
        "build.json",
        "tinh/hai-phong/xa-tan-ky/index.html",
        "mo-hinh/tieng-keng-an-ninh/index.html",
        "mo-hinh/to-tu-quan-nghi-khe/index.html",
        "du-lieu/index.html",
        "du-lieu/places/index.html",  # its download sizes
        "du-lieu/places.csv",
        "du-lieu/places.csv.gz",
        "du-lieu/places.json",
        "tinh/hai-phong/offline.json",  # the saved-province list names its xã page's size
    }
    assert report.written == len(changed)
    build(data, clean, site_dir, full=True)
    assert contents(out) == contents(clean)


def test_edit_of_a_yearly_result_keeps_the_search_index(make_package, site_dir, tmp_path) -> None:
    """A result changes figures on the home, province and xã pages, none of them search text:
    the index files stay the same files (same inodes), the pages are rewritten."""
    data, out, clean = make_package(), tmp_path / "public", tmp_path / "clean"
    build(data, out, site_dir)
    before = snapshot(out)
    results = data / "assessments.csv"
    lines = results.read_text(encoding="utf-8").splitlines(keepends=True)
    row = lines[2].split(",")
    assert row[1] == "2025" and row[2] in ("dat", "chua_dat")  # the year the home page shows
    row[2] = "chua_dat" if row[2] == "dat" else "dat"
    lines[2] = ",".join(row)
    results.write_text("".join(lines), encoding="utf-8")
    build(data, out, site_dir)
    changed = {k for k, v in snapshot(out).items() if before.get(k, (None, None))[1] != v[1]}
    assert {"index.html", "tinh/hai-phong/xa-tan-ky/index.html", "du-lieu/index.html"} <= changed
    assert not {k for k in changed if k.startswith("pagefind")}
    build(data, clean, site_dir, full=True)
    assert contents(out) == contents(clean)


def test_edit_of_search_text_rebuilds_the_index_with_few_new_files(
    make_package, site_dir, tmp_path
) -> None:
    data, out, clean = make_package(), tmp_path / "public", tmp_path / "clean"
    build(data, out, site_dir)
    before = snapshot(out)
    awards = data / "awards.csv"  # an award recipient: shown, and searched, on the xã page
    text = awards.read_text(encoding="utf-8")
    assert ",Công an xã Tân Kỳ," in text
    awards.write_text(text.replace(",Công an xã Tân Kỳ,", ",Công an xã Tân Kỳ Mới,"), "utf-8")
    build(data, out, site_dir)
    changed = {k for k, v in snapshot(out).items() if before.get(k, (None, None))[1] != v[1]}
    shards = tuple(url.lstrip("/") for url in search.site_indexes())
    index = {k for k in changed if k.startswith(shards)}
    # Pagefind rebuilds the shards of the site's index that hold the xã's and the
    # province's pages, but most of their files keep their bytes (and inodes).
    assert 0 < len(index) <= 10
    build(data, clean, site_dir, full=True)
    assert contents(out) == contents(clean)


def test_one_row_edit_on_a_synthetic_package(site_dir, tmp_path) -> None:
    from generator.data import synth

    data = tmp_path / "small"
    synth.write_package(data, scale="small", seed=3)
    settings = site_dir / "site.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('["31", "08", "42"]', '["31", "08"]'),
        encoding="utf-8",
    )
    out, clean = tmp_path / "public", tmp_path / "clean"
    build(data, out, site_dir)
    awards = data / "awards.csv"
    lines = awards.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.pop(5)  # a record disappears
    awards.write_text("".join(lines), encoding="utf-8")
    report = build(data, out, site_dir)
    assert 0 < report.written < report.pages // 4
    build(data, clean, site_dir, full=True)
    assert contents(out) == contents(clean)


def test_template_edit_rerenders_exactly_its_pages(make_package, site_dir, tmp_path) -> None:
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    before = snapshot(out)
    template = site_dir / "templates" / "mo-hinh.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(data, out, site_dir)
    after = snapshot(out)
    rewritten = {k for k, v in after.items() if before[k][1] != v[1]}
    model_pages = {
        "mo-hinh/tieng-keng-an-ninh/index.html",
        "mo-hinh/to-tu-quan-nghi-khe/index.html",
    }
    assert rewritten == model_pages


def test_removed_record_removes_its_page(make_package, site_dir, tmp_path) -> None:
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    assert (out / "mo-hinh/to-tu-quan-nghi-khe/index.html").exists()
    _remove_a_model(data)
    build(data, out, site_dir)
    assert not (out / "mo-hinh/to-tu-quan-nghi-khe").exists()


def _remove_a_model(data: Path) -> None:
    """The model "to-tu-quan-nghi-khe" removed with every row that names it."""
    for name, drop in (
        ("models.csv", "to-tu-quan-nghi-khe,"),
        ("model_sites.csv", "ttq-"),
        ("awards.csv", "2025-to-tu-quan"),
        ("news/2025/ngay-hoi-xa-tan-ky/index.md", "awards: [2025-to-tu-quan"),  # cites it
    ):
        path = data / name
        kept = [
            ln
            for ln in path.read_text(encoding="utf-8").splitlines(keepends=True)
            if not ln.startswith(drop)
        ]
        path.write_text("".join(kept), encoding="utf-8")


def test_a_rebuild_writes_into_the_replaced_sites_emptied_folders(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    """A build that replaces a site keeps the old site's folders, emptied of every file, as
    the next build's (output.skeleton: removing ~14,000 folders kept a national rebuild
    waiting ~35 s on this project's disks). What is published is still exactly a fresh
    build's tree: a page removed since leaves no empty folder behind; a failed build hands
    the folders back emptied and leaves the site as it was; antq serve's watcher ignores
    them. Controls: `commit` without `_prune_empty` → the removed model's folder stays;
    the skeleton never taken → another folder inode."""
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    assert not skeleton(out).exists()  # nothing was replaced yet
    build(data, out, site_dir, full=True)
    folders = skeleton(out)
    assert (folders / "mo-hinh/to-tu-quan-nghi-khe").is_dir()
    assert not [p for p in folders.rglob("*") if not p.is_dir()]
    _remove_a_model(data)
    inode = (folders / "mo-hinh").stat().st_ino
    build(data, out, site_dir, full=True)  # written into the skeleton
    assert (out / "mo-hinh").stat().st_ino == inode
    assert not (out / "mo-hinh/to-tu-quan-nghi-khe").exists()
    fresh = tmp_path / "fresh"
    build(data, fresh, site_dir, full=True)
    assert contents(out) == contents(fresh)
    assert _folders(out) == _folders(fresh)
    before = snapshot(out)
    monkeypatch.setattr(render_mod.Renderer, "render", _fails)
    with pytest.raises(RuntimeError):
        build(data, out, site_dir, full=True)
    assert snapshot(out) == before
    assert skeleton(out).is_dir() and not [p for p in skeleton(out).rglob("*") if not p.is_dir()]
    assert [p.name for p in tmp_path.glob(".public*")] == [".public.skeleton"]
    watched = _WatchFilter([], out)
    assert not watched(Change.added, str(skeleton(out) / "mo-hinh" / "index.html"))
    assert watched(Change.added, str(data / "models.csv"))


def _folders(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())


def _fails(self: object, name: str, context: object) -> str:
    raise RuntimeError("simulated crash while rendering")


def test_failure_halfway_through_rendering_leaves_the_site_untouched(
    make_package, site_dir, tmp_path, monkeypatch
) -> None:
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    before = snapshot(out)
    _edit_place_name(data)
    calls = {"n": 0}
    real = render_mod.Renderer.render

    def failing(self, name, context):  # noqa: ANN001
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash while rendering")
        return real(self, name, context)

    monkeypatch.setattr(render_mod.Renderer, "render", failing)
    (site_dir / "templates" / "base.html").write_text(
        (site_dir / "templates" / "base.html").read_text(encoding="utf-8") + "\n", "utf-8"
    )
    with pytest.raises(RuntimeError):
        build(data, out, site_dir)
    assert calls["n"] == 2
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".public.*"))


def test_bad_data_stops_the_build_and_keeps_the_site(make_package, site_dir, tmp_path) -> None:
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    before = snapshot(out)
    bad = ROOT / "tests/fixtures/bad/date-dmy/assessments.csv"
    shutil.copy(bad, data / "assessments.csv")
    with pytest.raises(BuildError) as err:
        build(data, out, site_dir)
    assert any("[date-dmy]" in line for line in err.value.lines)
    assert snapshot(out) == before


def test_verify_stage_refuses_personal_data_in_output(make_package, site_dir, tmp_path) -> None:
    """Data validation refuses phone numbers; a template or setting could still leak one."""
    data, out = make_package(), tmp_path / "public"
    build(data, out, site_dir)
    before = snapshot(out)
    settings = site_dir / "site.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            'organisation = "Nhóm phát triển antq (trang mẫu, dữ liệu minh họa)"',
            'organisation = "Nhóm phát triển antq, gọi 0912 345 678"',
        ),
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as err:
        build(data, out, site_dir)
    assert any("[personal-data]" in line and "091…78" in line for line in err.value.lines)
    assert snapshot(out) == before


def test_xss_in_data_is_rendered_inert(make_package, site_dir, tmp_path) -> None:
    data, out = make_package(), tmp_path / "public"
    models = data / "models.csv"
    models.write_text(
        models.read_text(encoding="utf-8").replace(
            "Tiếng kẻng an ninh,", '"Tiếng kẻng <img src=x onerror=alert(1)>",', 1
        ),
        encoding="utf-8",
    )
    build(data, out, site_dir)
    html = (out / "mo-hinh/tieng-keng-an-ninh/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert "Tiếng kẻng &lt;img src=x onerror=alert(1)&gt;" in html


def test_javascript_urls_never_reach_an_href() -> None:
    assert render_mod.safe_url("javascript:alert(1)") == ""
    assert render_mod.safe_url(" JaVaScRiPt:alert(1)") == ""
    assert render_mod.safe_url("//evil.example/x") == ""
    assert render_mod.safe_url("data:text/html,x") == ""
    assert render_mod.safe_url("https://vbpl.vn/x") == "https://vbpl.vn/x"
    assert render_mod.safe_url("/van-ban/") == "/van-ban/"
    renderer = render_mod.Renderer(ROOT / "site" / "templates", {"site": {}, "assets": {}})
    html = renderer.env.from_string('<a href="{{ u | safe_url }}">x</a>').render(
        u="javascript:alert(1)"
    )
    assert html == '<a href="">x</a>'


def test_settings_report_every_error_at_once(site_dir) -> None:
    (site_dir / "site.toml").write_text(
        'name = "A"\nshort_name = "B"\ndescription = "C"\nbase_url = "ftp:x"\nthemes = 1\n'
        "[scope]\nprovinces = [31]\n[targets]\nxa_percent = 120\n",
        encoding="utf-8",
    )
    with pytest.raises(SettingsError) as err:
        load_settings(site_dir)
    text = "\n".join(err.value.problems)
    assert "khóa không hợp lệ “themes”" in text
    assert "base_url" in text
    assert "provinces" in text
    # A site.toml from before targets became data says where they live now.
    assert "[targets] không còn dùng: mục tiêu phấn đấu nay là dữ liệu" in text
    assert "[settings-targets-moved]" in text


def test_settings_errors_stop_the_build(make_package, site_dir, tmp_path) -> None:
    (site_dir / "site.toml").write_text("name = 1\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(make_package(), tmp_path / "public", site_dir)
    assert len(err.value.lines) >= 5


def test_cli_build_exit_codes(make_package, site_dir, tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from generator.cli import app

    data = make_package("date-dmy")
    runner = CliRunner()
    args = ["build", "--data", str(data), "--out", str(tmp_path / "o"), "--site", str(site_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "[date-dmy]" in result.stdout and "Traceback" not in result.stdout
    good = make_package()
    args[2] = str(good)
    result = runner.invoke(app, [*args, "--verbose"])
    assert result.exit_code == 0, result.stdout
    assert "render+write" in result.stdout
    assert os.path.isfile(tmp_path / "o" / "index.html")


def test_same_inputs_build_the_same_bytes(make_package, site_dir, tmp_path, monkeypatch) -> None:
    data = make_package()
    build(data, tmp_path / "a", site_dir)
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path / "other-cache"))
    build(data, tmp_path / "b", site_dir)
    assert contents(tmp_path / "a") == contents(tmp_path / "b")


def test_compiled_templates_are_reused_until_their_source_changes(tmp_path: Path) -> None:
    """Jinja's bytecode cache (`Renderer(compiled=…)`): a second renderer loads the compiled
    template, and an edited template is compiled again, not served from the cache."""
    templates, compiled = tmp_path / "t", tmp_path / "c"
    templates.mkdir()
    page = templates / "p.html"
    page.write_text("<p>{{ x }} một</p>", encoding="utf-8")
    first = render_mod.Renderer(templates, {}, compiled)
    assert first.render("p.html", {"x": 1}) == "<p>1 một</p>"
    assert len(list(compiled.iterdir())) == 1  # kept
    page.write_text("<p>{{ x }} hai</p>", encoding="utf-8")  # control: the edit is seen
    assert render_mod.Renderer(templates, {}, compiled).render("p.html", {"x": 2}) == "<p>2 hai</p>"


def test_template_references_are_found_once_per_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a template extends or includes (the closure its pages' keys hash) is kept by
    its source's hash beside the compiled templates: a later renderer parses no template,
    and an edited template is parsed again and its new reference seen."""
    templates, compiled = tmp_path / "t", tmp_path / "c"
    templates.mkdir()
    (templates / "base.html").write_text("<main>{% block b %}{% endblock %}</main>")
    (templates / "part.html").write_text("<i>x</i>")
    page = templates / "p.html"
    page.write_text('{% extends "base.html" %}{% block b %}1{% endblock %}')
    first = render_mod.Renderer(templates, {}, compiled)
    assert first.closure("p.html") == {"p.html", "base.html"}
    key = first.template_hash("p.html")
    parsed: list[str] = []
    real = render_mod.jinja2.Environment.parse

    def counted(self: object, source: str, *args: object, **kwargs: object) -> object:
        parsed.append(source)
        return real(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render_mod.jinja2.Environment, "parse", counted)
    again = render_mod.Renderer(templates, {}, compiled)
    assert again.template_hash("p.html") == key and parsed == []
    page.write_text('{% extends "base.html" %}{% block b %}{% include "part.html" %}{% endblock %}')
    edited = render_mod.Renderer(templates, {}, compiled)
    assert edited.closure("p.html") == {"p.html", "base.html", "part.html"}
    assert len(parsed) == 2 and edited.template_hash("p.html") != key  # p.html, part.html
