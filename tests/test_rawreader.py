"""One raw reader for every data table (issue 12): every table of the sample package in
Excel's "CSV UTF-8" form reads the same as the original through every reader, and every
table in cp1258 or UTF-16 ("Unicode Text") form is refused with the same line by
`antq validate` and `antq build`, never with a traceback."""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from generator import diff, geo
from generator.cli import app
from generator.data import synth
from generator.data.load import read_package
from generator.data.rawcsv import read_table
from generator.data.schema import load_package
from generator.data.units import load_unit_tables
from generator.data.validate import validate_package
from generator.pages import opendata

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
RESOURCES = [
    (r["name"], r["path"])
    for r in yaml.safe_load((DATA / "datapackage.yaml").read_text(encoding="utf-8"))["resources"]
]
_SAVE_UTF8 = (
    "Cách sửa: trong Excel chọn File → Save As → kiểu “CSV UTF-8 (Comma delimited)”; "
    "trong LibreOffice chọn Character set “Unicode (UTF-8)”"
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"

runner = CliRunner()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _write(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def excel_utf8(text: str) -> bytes:
    """Excel's "CSV UTF-8 (Comma delimited)" on a Vietnamese Windows: BOM, ';' and CRLF."""
    return b"\xef\xbb\xbf" + _write(_rows(text), ";").encode("utf-8")


def unicode_text(text: str) -> bytes:
    """Excel's "Unicode Text": UTF-16 little-endian with its BOM, tab-separated, CRLF."""
    return _write(_rows(text), "\t").encode("utf-16")


def _cp1258_char(ch: str) -> bytes:
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:  # a precomposed letter cp1258 lacks: base + tone mark
        marks = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", marks[0] + "".join(m for m in marks if m not in _TONES))
        return (base + "".join(m for m in marks[1:] if m in _TONES)).encode("cp1258")


def cp1258(text: str) -> bytes:
    """Excel's plain "CSV" on a Vietnamese Windows: Windows-1258, tones as combining marks.
    Each distinct character is encoded once, then the text is mapped through that table
    (the bytes as Latin-1 characters): a table of 1.4 MB, character by character, took
    seconds."""
    table = {ord(ch): _cp1258_char(ch).decode("latin-1") for ch in set(text)}
    return text.translate(table).encode("latin-1")


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled package, as the working directory (lines say "units.csv")."""
    package = tmp_path / "data"
    shutil.copytree(DATA, package)
    monkeypatch.chdir(package)
    return package


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One validation cache for the refusal cases: each changes one table, the others hit.
    return tmp_path_factory.mktemp("shared-cache")


def test_every_table_in_excel_form_validates_and_loads_the_same(sample: Path) -> None:
    for _, path in RESOURCES:
        text = (DATA / path).read_text(encoding="utf-8")
        (sample / path).write_bytes(excel_utf8(text))
        assert (sample / path).read_bytes().count(b";") > 0
    result = validate_package(sample, use_cache=False)
    assert [p.line() for p in result.problems] == []
    assert read_package(sample) == read_package(DATA)
    assert load_unit_tables(sample) == load_unit_tables(DATA)
    # The basemap command reads the unit tables too.
    assert geo.legacy_provinces(sample) == geo.legacy_provinces(DATA)
    # The open-data download is the plain form the published descriptor declares, the same
    # bytes as the original file's.
    for spec in load_package(sample)[0].resources:
        assert opendata._table(spec)() == (DATA / spec.rel_path).read_bytes(), spec.name


def test_diff_reads_a_revision_in_excel_form_as_the_original() -> None:
    package, _ = load_package(DATA)
    for spec in package.resources:
        data = spec.path.read_bytes()
        key = spec.primary_key
        plain = diff.parse_table(data, key)
        assert len(plain or {}) >= min(10, len(data.splitlines()) - 1), spec.name
        assert diff.parse_table(excel_utf8(data.decode()), key) == plain
        # A revision validation refuses cannot be compared (not "every record changed").
        assert diff.parse_table(unicode_text(data.decode()), key) is None
    assert diff.parse_table(None, ("id",)) == {}  # the file did not exist yet


def test_synthetic_package_from_excel_form_source_is_the_same(sample: Path, tmp_path) -> None:
    for _, path in RESOURCES:
        (sample / path).write_bytes(excel_utf8((DATA / path).read_text(encoding="utf-8")))
    plain = synth.write_package(tmp_path / "plain", scale="small", seed=3, source=DATA)
    excel = synth.write_package(tmp_path / "excel", scale="small", seed=3, source=sample)
    assert plain == excel
    copied = {path for name, path in RESOURCES if name in synth.COPIED}
    for name in plain:
        made, expected = (
            (tmp_path / "excel" / name).read_bytes(),
            (tmp_path / "plain" / name).read_bytes(),
        )
        if name in copied:  # copied as they are: the same records, in the source's form
            assert list(_records(made)) == list(_records(expected))
        else:
            assert made == expected


def _records(data: bytes) -> list[dict[str, str]]:
    table, problems = read_table(data, "-")
    assert table is not None, problems
    return list(table.records())


def _first_non_ascii_line(text: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if not line.isascii())


@pytest.mark.parametrize("form", ["cp1258", "unicode-text"])
@pytest.mark.parametrize("name,path", RESOURCES)
def test_every_table_in_a_refused_form_gives_the_same_line_everywhere(
    name: str,
    path: str,
    form: str,
    sample: Path,
    shared_cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(shared_cache))
    text = (DATA / path).read_text(encoding="utf-8")
    if form == "cp1258":
        data = cp1258(text)
        if text.isascii():
            # unit_changes.csv holds codes only: its cp1258 bytes are its UTF-8 bytes, and an
            # ASCII file is valid UTF-8 — there is nothing to refuse.
            assert data == text.encode("utf-8")
            assert read_table(data, path)[0] is not None
            return
        expected = (
            f"{path}: lỗi: tệp không phải UTF-8: có vẻ được lưu bằng Excel “CSV” kiểu Windows "
            f"(bảng mã Windows-1258), byte lỗi đầu tiên ở dòng {_first_non_ascii_line(text)} "
            f"[encoding-cp1258] — {_SAVE_UTF8}"
        )
    else:
        data = unicode_text(text)
        expected = (
            f"{path}: lỗi: tệp được lưu dạng “Unicode Text” (UTF-16), không phải CSV UTF-8 "
            f"[encoding-utf16] — {_SAVE_UTF8}"
        )
    (sample / path).write_bytes(data)

    result = runner.invoke(app, ["validate", "."])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:-1] == [expected]
    assert result.stdout.splitlines()[-1].startswith("Tổng cộng: 1 lỗi, 0 cảnh báo")

    out = tmp_path / "public"
    result = runner.invoke(
        app, ["build", "--data", ".", "--out", str(out), "--site", str(ROOT / "site")]
    )
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        expected,
        "Dữ liệu có lỗi: chưa xây dựng lại trang web.",
    ]
    assert "Traceback" not in result.output and not out.exists()


def test_utf16_without_its_byte_order_mark_is_refused_too() -> None:
    text = (DATA / "places.csv").read_text(encoding="utf-8")
    data = _write(_rows(text), "\t").encode("utf-16-le")
    # Without the refusal, UTF-8 decodes these bytes: a text full of NUL characters.
    assert "\x00" in data.decode("utf-8", errors="replace")
    table, problems = read_table(data, "places.csv")
    assert table is None and [p.code for p in problems] == ["encoding-utf16"]


def _git(repo: Path, *args: str) -> str:
    import subprocess

    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "HOME": str(repo),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.mark.parametrize("change", ["unicode-text", "symlink"])
def test_diff_tells_nothing_of_a_revision_validation_refuses(
    change: str, make_package, tmp_path: Path
) -> None:
    """A revision with a refused table was never published: no "every record removed"."""
    repo = tmp_path / "repo"
    shutil.copytree(make_package(), repo / "data")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "một")
    legal = repo / "data" / "legal_documents.csv"
    events = repo / "data" / "events.csv"
    if change == "symlink":
        legal.unlink()
        legal.symlink_to("/etc/passwd")
    else:
        legal.write_bytes(unicode_text(legal.read_text(encoding="utf-8")))
    events.write_text(events.read_text(encoding="utf-8").replace("Ngày 19 tháng 8", "Ngày 19/8"))
    _git(repo, "commit", "-qam", "hai")
    package, _ = load_package(repo / "data")
    changes = diff.diff_revisions(package, "HEAD~1", "HEAD")
    assert [(c.resource, c.kind) for c in changes] == [("events", "changed")]


def test_build_reuses_what_antq_validate_checked(make_package, monkeypatch) -> None:
    """`antq validate` passed --max-file-mb as 64.0 and the build 64: the cache keys differed,
    so every build after a validate checked every table again (and the refusal tests above
    took minutes)."""
    package = make_package()
    monkeypatch.chdir(package)
    assert runner.invoke(app, ["validate", "."]).exit_code == 0
    again = validate_package(package)  # as the build calls it
    assert again.checked == [] and len(again.cached) == 17
