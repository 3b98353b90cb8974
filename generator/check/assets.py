"""The references in stylesheets, scripts and the web app manifest."""

from __future__ import annotations

import json
import re
from typing import Any

from generator.check.links import _classify, _Links
from generator.htmlread import blank

_CSS_COMMENT = re.compile(rb"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(rb"""(?i:url)\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""")
_CSS_IMPORT = re.compile(rb"""@(?i:import)\s+(?:"([^"]*)"|'([^']*)')""")


def _css_urls(css: bytes, first_line: int, links: _Links) -> None:
    if b"/*" in css:
        css = _CSS_COMMENT.sub(blank, css)
    for regex, what in ((_CSS_URL, "CSS url()"), (_CSS_IMPORT, "CSS @import")):
        for m in regex.finditer(css):
            url = next((g for g in m.groups() if g is not None), b"").decode(errors="replace")
            if url and not url.startswith("#"):
                line = first_line + css.count(b"\n", 0, m.start())
                links.check(line, "css", what, url)


# Requests a script makes to a literal address: fetch(), dynamic and static import,
# importScripts(), workers, event streams, sockets, beacons, XMLHttpRequest.open() (with its
# method first: window.open() is a navigation, not a request).
_JS_CALL = re.compile(
    rb"""\b(fetch|import|importScripts|Worker|SharedWorker|EventSource|WebSocket|sendBeacon"""
    rb"""|open(?=\s*\(\s*["'][A-Za-z]+["']\s*,))\s*\(\s*(?:["'][A-Za-z]+["']\s*,\s*)?["'`]"""
    rb"""([a-zA-Z][a-zA-Z0-9+.-]*:[^"'`\s]*|//[^"'`\s]+)"""
)
_JS_IMPORT = re.compile(
    rb"""\b(import|export)\s*(?:[\w*{}\s,$]{0,500}?\bfrom\s*)?["']([a-zA-Z][a-zA-Z0-9+.-]*:"""
    rb"""[^"'\s]*|//[^"'\s]+)["']"""
)


def _js_requests(js: bytes, first_line: int, links: _Links) -> None:
    if b"//" not in js and b":" not in js:
        return
    for regex in (_JS_CALL, _JS_IMPORT):
        for m in regex.finditer(js):
            url = m.group(2).decode(errors="replace")
            kind, _ = _classify(url, links.config.base_host)
            if kind in ("external", "unsafe"):
                line = first_line + js.count(b"\n", 0, m.start())
                call = m.group(1).decode()
                links.check(
                    line, "load", f"JS {call}()" if regex is _JS_CALL else f"JS {call}", url
                )


def _scan_manifest(rel: str, data: bytes, links: _Links) -> None:
    try:
        manifest = json.loads(data)
    except ValueError:
        return
    if not isinstance(manifest, dict):
        return

    def line_of(value: str) -> int:
        at = data.find(json.dumps(value).encode())
        return data.count(b"\n", 0, at) + 1 if at >= 0 else 0

    for key in ("start_url", "scope"):
        if isinstance(manifest.get(key), str):
            links.check(line_of(manifest[key]), "link", key, manifest[key])
    entries: list[tuple[str, Any]] = []
    for key in ("icons", "screenshots"):
        entries += [("load", item) for item in manifest.get(key) or [] if isinstance(item, dict)]
    for shortcut in manifest.get("shortcuts") or []:
        if isinstance(shortcut, dict):
            entries.append(("link", shortcut))
            entries += [("load", i) for i in shortcut.get("icons") or [] if isinstance(i, dict)]
    for kind, item in entries:
        for key in ("src", "url"):
            if isinstance(item.get(key), str):
                links.check(line_of(item[key]), kind, f"manifest {key}", item[key])
