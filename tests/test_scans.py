"""Where the personal-data and secret scans run, and what they take for a number or a key.

One rule for a number (generator.data.checks.find_personal_data) in cells, in every file the
build writes and in every file `antq check` reads; one scan (generator.scan) for the build and
`antq check`.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import shutil
import subprocess
from pathlib import Path
from re import _parser  # type: ignore[attr-defined]
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

import generator.build as build_mod
import generator.scan as scan_mod
from generator.build import BuildError, BuildOptions, build_site
from generator.cli import app
from generator.data.checks import find_personal_data, text_checks
from generator.data.messages_vi import say
from generator.diff import short_revision
from generator.pages import FileOutput
from generator.push.vapid import public_key_b64
from generator.scan import scan_published

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EPOCH = "1763683200"  # 21/11/2025
XA = "tinh/hai-phong/xa-tan-ky/index.html"
HINT = (
    " — Cách sửa: xóa số này khỏi dữ liệu, bài học, mẫu trang hoặc site.toml đã tạo ra nó, "
    "rồi xây dựng lại"
)
PHONE = "lỗi: có số điện thoại (091…78): không đăng thông tin cá nhân [personal-data]" + HINT
REFUSED = say("output-refused")
SECRET = ": xóa khỏi trang, thu hồi và tạo khóa mới [secret]"


# -- 1. what is a number -----------------------------------------------------------------------

NUMBERS = {
    "CCCD 012345678901": ("personal-id", "012…01"),
    "số 001204012345,": ("personal-id", "001…45"),
    "(012345678)": ("personal-id", "012…78"),
    "ĐT:0912345678": ("personal-phone", "091…78"),
    "0912.345.678": ("personal-phone", "091…78"),
    "gọi 0912 345 678.": ("personal-phone", "091…78"),
    '<a href="tel:+84912345678">': ("personal-phone", "849…78"),
    "số0912345678": ("personal-phone", "091…78"),  # glued to a Vietnamese letter: a number
    "cccd,０３４２０５００１２３４": ("personal-id", "０３４…３４"),
}
IDENTIFIERS = [
    "urn:antq:ccd90091d3a7093eae089250975b76aa01c2d3e4",  # a commit hash with a 9-digit run
    "#u-0892509751b",  # a shown revision: a letter always follows the digits
    "/pagefind/fragment/en_0123456789ab.pf_fragment",
    "123e4567-e89b-12d3-a456-426614174000",
    "1234567a-1234-5678-9012-426614174000",  # a UUID whose last groups are all digits
    "sub_0912345678_x",
    "QmFzZTY0dXJs012345678901Zm9v",  # base64url
]


@pytest.mark.parametrize("text", list(NUMBERS))
def test_numbers_are_found(text: str) -> None:
    assert find_personal_data(text) == [NUMBERS[text]]
    code, masked = NUMBERS[text]
    assert [(c, p["masked"]) for c, p in text_checks(text)] == [(code, masked)]


@pytest.mark.parametrize("text", IDENTIFIERS)
def test_digit_runs_inside_identifiers_are_not_numbers(text: str) -> None:
    assert find_personal_data(text) == []
    assert text_checks(text) == []


def test_the_scan_prefilter_lets_every_number_through() -> None:
    """`_may_hold_number` rules a file out in byte-level passes before the regex: it must
    pass every number (a phone with separators, an ID as written, a non-ASCII one), and
    (negative control) rule out digit runs that cannot be one: nine digits only once the
    separators are deleted (an award id), eight in a row."""
    for sample in NUMBERS:
        assert scan_mod._may_hold_number(f"<p>{sample}</p>".encode()), sample
        assert scan_published("a.html", f"<p>{sample}</p>".encode()), sample
    for sample in ("kt-2022-00001", "12345678 và 1.234.567", "0912 345 67"):
        assert not scan_mod._may_hold_number(sample.encode()), sample
        assert find_personal_data(sample) == [], sample


def test_a_shown_revision_always_holds_a_letter() -> None:
    assert short_revision("ccd90091d3a7093eae08") == "ccd90091d3"
    assert short_revision("0912345678" + "1b" + "0" * 28) == "09123456781b"
    assert find_personal_data(f"Phiên bản dữ liệu {short_revision('0912345678' + 'a' * 30)}") == []


# -- 1. a build from a repository whose commit hashes hold long digit runs ---------------------


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    env = {
        "GIT_AUTHOR_NAME": "Cán bộ",
        "GIT_AUTHOR_EMAIL": "canbo@example.org",
        "GIT_COMMITTER_NAME": "Cán bộ",
        "GIT_COMMITTER_EMAIL": "canbo@example.org",
        "GIT_AUTHOR_DATE": "1763683200 +0000",
        "GIT_COMMITTER_DATE": "1763683200 +0000",
        "PATH": "/usr/bin:/bin",
        "HOME": str(repo),
    }
    result = subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, check=True, env=env
    )
    return result.stdout.decode().strip()


def _commit_until(repo: Path, stamp: int, wanted: re.Pattern[str], label: str) -> str:
    """Commit the index with a message varied until the commit's hash matches `wanted`
    (the hash is computed here, as git does, then the very object is written)."""
    _git(repo, "add", "-A")
    tree = _git(repo, "write-tree")
    parent = _git(repo, "rev-parse", "HEAD")
    person = f"Cán bộ <canbo@example.org> {stamp} +0000"
    for attempt in range(1_000_000):
        body = (
            f"tree {tree}\nparent {parent}\nauthor {person}\ncommitter {person}\n\n"
            f"{label} (lần {attempt})\n"
        ).encode()
        digest = hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
        if wanted.search(digest):
            written = _git(repo, "hash-object", "-t", "commit", "-w", "--stdin", stdin=body)
            assert written == digest
            _git(repo, "update-ref", "HEAD", digest)
            return digest
    raise AssertionError(label)


# Runs of exactly 9 and 12 digits (ID-shaped), of 10 starting with 0 (phone-shaped), and a
# hash whose first ten characters, the form pages show, are a phone-shaped run.
WANTED = {
    "9 chữ số": re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])"),
    "10 chữ số": re.compile(r"(?<![0-9])0[0-9]{9}(?![0-9])"),
    "12 chữ số": re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])"),
    "đầu mã": re.compile(r"^0[0-9]{9}"),
}


def test_build_accepts_commits_whose_hashes_hold_digit_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("ANTQ_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "good", repo / "data")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Dữ liệu ban đầu")
    events = repo / "data" / "events.csv"
    original = events.read_text(encoding="utf-8")
    hashes = []
    for n, (label, wanted) in enumerate(WANTED.items(), start=1):
        events.write_text(original.replace("Ngày hội toàn", f"Ngày hội {n} toàn", 1), "utf-8")
        hashes.append(_commit_until(repo, 1763683200 + 3600 * n, wanted, f"Sửa lịch: {label}"))
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=repo / "data", out_dir=out, site_dir=ROOT / "site"))
    feed = (out / "cap-nhat/atom.xml").read_text(encoding="utf-8")
    changes = (out / "cap-nhat/index.html").read_text(encoding="utf-8")
    home = (out / "index.html").read_text(encoding="utf-8")
    for digest in hashes:
        assert f"<id>urn:antq:{digest}</id>" in feed
        assert f'id="u-{short_revision(digest)}"' in changes
    shown = short_revision(hashes[-1])
    assert len(shown) > 10 and not shown.isdigit()
    # Citizens read the date, not a hash (issue 13): the revision is a machine identifier,
    # kept in anchors, feed ids and build.json.
    assert shown not in home and "Phiên bản dữ liệu" not in changes


# -- 2. every file the build writes is scanned -------------------------------------------------


def _build(tmp_path: Path, site: Path) -> None:
    build_site(
        BuildOptions(
            data_dir=FIXTURES / "good",
            out_dir=tmp_path / "public",
            site_dir=site,
            cache_dir=tmp_path / "cache",
        )
    )


def test_build_scans_a_data_file_it_produces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    real = build_mod._site_files

    def with_extra(*args: object) -> list[FileOutput]:
        data = b'{\n"lien_he": "0912 345 678"\n}\n'
        return [*real(*args), FileOutput("/du-lieu/them.json", "them", lambda: data)]  # type: ignore[arg-type]

    monkeypatch.setattr(build_mod, "_site_files", with_extra)
    with pytest.raises(BuildError) as err:
        _build(tmp_path, ROOT / "site")
    assert err.value.lines == [f"du-lieu/them.json:2: {PHONE}", REFUSED]
    assert not (tmp_path / "public").exists()


def test_build_scans_the_service_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site = tmp_path / "theme" / "site"
    shutil.copytree(ROOT / "site", site)
    shutil.copytree(ROOT / "pwa", site.parent / "pwa")
    worker = site.parent / "pwa" / "sw.js"
    source = worker.read_text(encoding="utf-8")
    source += "" if source.endswith("\n") else "\n"
    worker.write_text(source + "// Hỗ trợ: 0912 345 678\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        _build(tmp_path, site)
    assert err.value.lines == [f"sw.js:{source.count(chr(10)) + 1}: {PHONE}", REFUSED]


# -- 3 and 4. antq check: NUL, control characters, secrets -------------------------------------


@pytest.fixture
def built(fixture_site: Path) -> Path:
    """The good fixture package (with the sample lesson), built once for the session
    (tests/conftest.py); read only: `site` below is a copy."""
    return fixture_site


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "public"
    shutil.copytree(built, copy)
    return copy


def check(site: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["check", str(site), "--site", str(ROOT / "site")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout.splitlines()[:-1]  # without the summary


def insert(site: Path, html: str, rel: str = XA) -> int:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    text = text.replace("</main>", html + "\n</main>", 1)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(html)].count("\n") + 1


CONTROL_HINT = (
    " — Cách sửa: tìm ký tự này trong dữ liệu, bài học hoặc mẫu trang đã tạo ra tệp, xóa nó "
    "rồi xây dựng lại"
)


def test_nul_byte_does_not_hide_a_page_from_the_scan(site: Path) -> None:
    path = site / XA
    path.write_bytes(b"\0" + path.read_bytes())
    line = insert(site, "<p>AKIAIOSFODNN7EXAMPLE</p>")
    exit_code, lines = check(site)
    assert lines == [
        f"{XA}:1: lỗi: tệp văn bản chứa ký tự NUL (1 lần, lần đầu ở dòng này) "
        f"[output-control-character]{CONTROL_HINT}",
        f"{XA}:{line}: lỗi: có khóa bí mật (khóa AWS: AKIAIO…){SECRET}",
    ]
    assert exit_code == 1


def test_nul_in_a_data_download_and_control_characters_in_a_page(site: Path) -> None:
    csv = site / "du-lieu/places.csv"
    csv.write_bytes(csv.read_bytes() + b"x\0y\n")
    line = insert(site, "<p>Ch\x01\x01\u0085</p>")
    exit_code, lines = check(site)
    rows = csv.read_bytes().count(b"\n")
    assert lines == [
        f"du-lieu/places.csv:{rows}: lỗi: tệp văn bản chứa ký tự NUL (1 lần, lần đầu ở dòng "
        f"này) [output-control-character]{CONTROL_HINT}",
        f"{XA}:{line}: lỗi: trang chứa ký tự điều khiển U+0001 (3 lần, lần đầu ở dòng này) "
        f"[output-control-character]{CONTROL_HINT}",
    ]
    assert exit_code == 1


def test_binary_files_are_not_read_as_text(site: Path) -> None:
    (site / "anh.png").write_bytes(b"\x89PNG\0 0912 345 678 \x01 AKIAIOSFODNN7EXAMPLE")
    assert check(site) == (0, [])


# A fixed P-256 private key, as `antq push keys` would hold it, and its public key.
_D = int.from_bytes(hashlib.sha256(b"antq test key").digest(), "big") % (2**255)
PRIVATE = base64.urlsafe_b64encode(_D.to_bytes(32, "big")).decode().rstrip("=")
PUBLIC = public_key_b64(ec.derive_private_key(_D, ec.SECP256R1()))


def test_a_bare_vapid_private_key_is_a_secret(site: Path) -> None:
    line = insert(site, f"<pre>{PRIVATE}</pre>")
    assert check(site) == (
        1,
        [f"{XA}:{line}: lỗi: có khóa bí mật (khóa riêng VAPID: {PRIVATE[:2]}…){SECRET}"],
    )


def test_the_vapid_public_key_and_lookalikes_are_not_secrets(site: Path) -> None:
    digest = hashlib.sha256(b"x").digest()
    harmless = [
        PUBLIC,  # 87 characters, in every page of a site with push
        hashlib.sha256(b"x").hexdigest(),
        "sha256-" + base64.b64encode(digest).decode(),  # a CSP hash: 43 characters and "="
        base64.urlsafe_b64encode(digest).decode(),  # base64url with its padding
        "phong-trao-toan-dan-bao-ve-an-ninh-to-quoc1",  # a 43-character slug
        "/pagefind/fragment/en_5c1b2d3e4f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d.pf_fragment",
        "ASIA-PACIFIC",
        "ASIAPACIFICREGION2025",
        "eyJhbGciOiJ9",
        "eyJhbGciOiJIUzI1NiJ9.e30",
        "AIzaSyShort",
        "glpat-abc",
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "xoxo-hugs-and-kisses",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # an AWS-secret shape with no name
    ]
    insert(site, "<p>" + " ".join(harmless) + "</p>")
    assert check(site) == (0, [])


SECRETS = {
    "ASIAIOSFODNN7EXAMPLE": "khóa AWS: ASIAIO…",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": (
        "khóa bí mật AWS: aws_secret_access_key = wJ…"
    ),
    '"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"': (
        "khóa bí mật AWS: SecretAccessKey = wJ…"
    ),
    "glpat-xYz1234567890abcdEFGH": "token GitLab: glpat-xY…",
    "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q": "khóa API Google: AIzaSy…",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc": "khóa Stripe: sk_live_4e…",
    "xoxs-1234567890-abcdef": "token Slack: xoxs-12…",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U": (
        "JWT: eyJhbG…"
    ),
    "-----BEGIN PGP PRIVATE KEY BLOCK-----": (
        "khóa riêng PGP: -----BEGIN PGP PRIVATE KEY BLOCK-----"
    ),
    "-----BEGIN PRIVATE KEY-----": "khóa riêng PEM: -----BEGIN PRIVATE KEY-----",
    "ghp_" + "aB3" * 12: "token GitHub: ghp_aB…",
    "gho_" + "aB3" * 12: "token GitHub: gho_aB…",
    "github_pat_" + "aB3_" * 6: "token GitHub: github_pat_aB…",
    "Authorization: Bearer abcdEFGH1234.x": "Authorization: Bearer: ab…",
    "-----BEGIN OPENSSH PRIVATE KEY-----": "khóa riêng PEM: -----BEGIN OPENSSH PRIVATE KEY-----",
}


@pytest.mark.parametrize("secret", list(SECRETS))
def test_secrets_are_found_and_masked(secret: str) -> None:
    found = scan_published("a/index.html", f"<p>\n{secret}\n</p>".encode())
    assert [p.line() for p in found] == [
        f"a/index.html:2: lỗi: có khóa bí mật ({SECRETS[secret]}){SECRET}"
    ]


def _spellings(items: Any) -> set[bytes] | None:
    """Every string the literal start of a parsed regex can spell (its single-character
    classes and plain branches spelled out), up to its first other item; None when it
    starts with no literal (a case-insensitive or an optional part)."""
    found = {b""}
    for op, arg in items:
        if op is _parser.LITERAL:
            parts: set[bytes] | None = {bytes([arg])}
        elif op is _parser.IN and all(o is _parser.LITERAL for o, _ in arg):
            parts = {bytes([c]) for _, c in arg}
        elif op is _parser.BRANCH:
            each = [_spellings(branch) for branch in arg[1]]
            parts = None if None in each else {p for spelt in each for p in spelt or ()}
        else:
            break
        if not parts:
            break
        found = {a + b for a in found for b in parts}
    return None if found == {b""} else found


def test_every_secret_pattern_holds_one_of_its_literals() -> None:
    """The scan searches a file with a secret's regex only when it holds one of that
    pattern's literals (one Aho-Corasick pass over every literal: generator.scan). For a
    regex that starts with a literal, every start it can spell holds one; the others (a
    case-insensitive start, an optional group) name trigger strings, found by the samples of
    `test_secrets_are_found_and_masked`."""
    triggered = {"khóa riêng PEM", "khóa bí mật AWS", "Authorization: Bearer", "khóa riêng VAPID"}
    for kind, regex, _, _, literals in scan_mod._SECRET_PATTERNS:
        starts = _spellings(_parser.parse(regex.pattern.decode()).data)
        if kind in triggered:
            assert starts is None or not all(any(t in s for t in literals) for s in starts)
            continue
        assert starts, kind
        assert all(any(t in start for t in literals) for start in starts), kind
    # Every sample holds a literal of its own pattern, and a page without one none.
    literal = scan_mod._ANY_SECRET_LITERAL
    assert all(literal.find_matches_as_indexes(secret.encode()) for secret in SECRETS)
    assert not literal.find_matches_as_indexes(b"<p>AS1A-PACIFIC ghx_ xoxo- eyj glpat</p>")


def test_a_file_without_a_secret_literal_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control of the one-pass search: with the AWS key's literals left out of
    it, the AWS key (whose file holds no other literal) is no longer found; the others are."""
    import ahocorasick_rs

    page = b"<p>\nASIAIOSFODNN7EXAMPLE\n</p>"
    assert len(scan_published("a/index.html", page)) == 1
    literals = [
        t for *_, these in scan_mod._SECRET_PATTERNS for t in these if t not in (b"AKIA", b"ASIA")
    ]
    monkeypatch.setattr(
        scan_mod,
        "_ANY_SECRET_LITERAL",
        ahocorasick_rs.BytesAhoCorasick(literals, matchkind=ahocorasick_rs.MatchKind.LeftmostFirst),
    )
    assert scan_published("a/index.html", page) == []
    other = b"<p>\nglpat-xYz1234567890abcdEFGH\n</p>"
    assert len(scan_published("a/index.html", other)) == 1


MIXED_CASE = {
    "sEcReT_AcCeSs_KeY = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY": (
        "khóa bí mật AWS: sEcReT_AcCeSs_KeY = wJ…"
    ),
    "AUTHORIZATION: bEaReR abcdEFGH1234.x": "Authorization: Bearer: ab…",
    f"Vapid_PrIvAtE_kEy={PRIVATE}": f"khóa riêng VAPID: Vapid_PrIvAtE_kEy = {PRIVATE[:2]}…",
}


@pytest.mark.parametrize("secret", list(MIXED_CASE))
def test_a_case_insensitive_secret_is_found_in_any_case(secret: str) -> None:
    """The case-insensitive patterns' literals are every case of a part of their words
    (`_any_case`), so that the one-pass search sends a mixed-case name to its pattern. The
    triggers they had before ("ecret"/"ECRET", "earer"/"EARER", "rivate"/"RIVATE") are not
    in these samples (the control: such a file skipped every pattern and was published)."""
    data = f"<p>\n{secret}\n</p>".encode()
    old = (b"ecret", b"ECRET", b"earer", b"EARER", b"rivate", b"RIVATE")
    assert not any(t in data for t in old)
    assert [p.line() for p in scan_published("a/index.html", data)] == [
        f"a/index.html:2: lỗi: có khóa bí mật ({MIXED_CASE[secret]}){SECRET}"
    ]


def test_any_case_spells_every_case() -> None:
    rng = random.Random(18)
    for word, part in ((b"secret", b"ecr"), (b"bearer", b"rer"), (b"private", b"ivat")):
        spellings = scan_mod._any_case(part)
        assert len(set(spellings)) == 2 ** len(part)
        for _ in range(200):
            mixed = bytes(rng.choice((c, ord(chr(c).upper()))) for c in word)
            assert any(s in mixed for s in spellings), mixed
    assert scan_mod._any_case(b"a1") == (b"A1", b"a1")  # (a digit has one case)


def test_a_named_private_key_is_reported_once() -> None:
    found = scan_published("a.js", f'const vapid = {{"privateKey": "{PRIVATE}"}};'.encode())
    assert [p.line() for p in found] == [
        f"a.js:1: lỗi: có khóa bí mật (khóa riêng VAPID: privateKey = {PRIVATE[:2]}…){SECRET}"
    ]


def test_the_build_refuses_a_secret_it_would_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    script = next((site / "static/js").glob("*.js"))
    lines = script.read_text(encoding="utf-8").count("\n")
    with script.open("a", encoding="utf-8") as f:
        f.write(f'\nconst k = "{PRIVATE}";\n')
    with pytest.raises(BuildError) as err:
        _build(tmp_path, site)
    (problem,) = err.value.lines[:-1]
    assert re.fullmatch(
        rf"static/js/{script.stem}\.[a-p]{{10}}\.js:{lines + 2}: lỗi: có khóa bí mật "
        rf"\(khóa riêng VAPID: {re.escape(PRIVATE[:2])}…\){re.escape(SECRET)}",
        problem,
    )


def test_the_decimals_beyond_ascii_are_those_isdecimal_accepts() -> None:
    """The table of non-ASCII digits comes from one regex pass (issue 18): it must hold
    every character `str.isdecimal` accepts, fullwidth and Arabic-Indic digits among them."""
    from generator.scan import _decimals_beyond_ascii

    found = _decimals_beyond_ascii()
    assert found == [chr(cp) for cp in range(0x80, 0x110000) if chr(cp).isdecimal()]
    assert "５" in found and "٣" in found
    # Negative control: letters and other numerals (Roman, superscript) are not decimals.
    assert not {"Ⅻ", "²", "đ", "a"} & set(found)
