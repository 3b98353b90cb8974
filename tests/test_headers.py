"""Security and cache headers: one source, the same in netlify.toml, _headers and serve."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from generator import headers
from generator.build import BuildOptions, build_site

ROOT = Path(__file__).resolve().parents[1]


def test_netlify_toml_matches_the_generator() -> None:
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    declared = [(h["for"], h["values"]) for h in config["headers"]]
    assert declared == headers.rules()
    assert config["build"]["publish"] == "public"
    for command in (
        config["build"]["command"],
        config["context"]["deploy-preview"]["command"],
    ):
        assert "antq validate" in command and "antq build" in command and "antq check" in command


def test_csp_is_strict() -> None:
    csp = headers.content_security_policy()
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval'" not in csp.replace("wasm-unsafe-eval'", "")
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "https://push.example" in headers.content_security_policy("https://push.example")


def test_paths_get_the_right_cache_policy() -> None:
    assert headers.for_path("/static/css/antq.abc.css")["Cache-Control"].endswith("immutable")
    assert headers.for_path("/sw.js")["Cache-Control"] == "no-cache"
    page = headers.for_path("/tinh/hai-phong/")
    assert page["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert page["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in page


def test_build_writes_headers_and_build_info(make_package, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=make_package(), out_dir=out, site_dir=ROOT / "site"))
    assert (out / "_headers").read_text(encoding="utf-8") == headers.headers_file()
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert info["data_time"] == "2025-11-21T00:00:00Z"  # SOURCE_DATE_EPOCH, not the clock
    # The fixture is not in a git repository: the revision is the data's content hash.
    assert info["data_revision"].startswith("sha256:") and len(info["data_revision"]) == 19


def test_push_settings_reach_pages_and_csp(make_package, tmp_path, monkeypatch) -> None:
    import base64
    import shutil

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )
    key = base64.urlsafe_b64encode(point).rstrip(b"=").decode()
    site = tmp_path / "site"
    shutil.copytree(ROOT / "site", site)
    with (site / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[push]\nservice_url = "https://push.antq.example"\nvapid_public_key = "{key}"\n'
        )
    out = tmp_path / "public"
    build_site(BuildOptions(data_dir=make_package(), out_dir=out, site_dir=site))
    page = (out / "tinh/hai-phong/xa-tan-ky/index.html").read_text(encoding="utf-8")
    assert 'data-follow="xa:11113"' in page
    assert f'<meta name="antq-push-key" content="{key}">' in page
    assert "connect-src 'self' https://push.antq.example" in (out / "_headers").read_text()
    plain = tmp_path / "plain"
    build_site(BuildOptions(data_dir=make_package(), out_dir=plain, site_dir=ROOT / "site"))
    assert "data-follow" not in (plain / "tinh/hai-phong/xa-tan-ky/index.html").read_text()
