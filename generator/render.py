"""Jinja2 rendering: autoescape always on, Vietnamese formatting filters, hashed assets, and
the template dependency closure that incremental builds hash."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import MutableMapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from jinja2 import meta

from generator.rows import ROWS
from generator.textvi import format_date, format_number, sort_key, unit_prose


def date_vi(value: date | None) -> str:
    return format_date(value) if value else ""


def date_prose(value: date | None) -> str:
    return f"ngày {value.day} tháng {value.month} năm {value.year}" if value else ""


def number_vi(value: float | int | None, decimals: int = 0) -> str:
    return format_number(value, decimals) if value is not None else ""


def size_vi(value: int | None) -> str:
    """A file size as readers see it: "870 KB", "4,2 MB" (1 KB = 1,024 bytes)."""
    if value is None:
        return ""
    if value >= 1024 * 1024:
        return f"{format_number(value / (1024 * 1024), 1)} MB"
    return f"{format_number(max(1, round(value / 1024)))} KB"


def percent_vi(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    text = format_number(value, decimals)
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return f"{text}%"


def safe_url(value: str | None) -> str:
    """Only http(s) and site-relative links reach an href: a `javascript:` URL becomes inert."""
    if not value:
        return ""
    text = value.strip()
    if text.startswith("/") and not text.startswith("//"):
        return text
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        return text
    return ""


def vi_sorted(items: list[Any], attribute: str | None = None) -> list[Any]:
    if attribute is None:
        return sorted(items, key=sort_key)
    return sorted(items, key=lambda item: sort_key(str(item[attribute])))


# What `getattr` finds on a dict: the class's attributes (a dict has no instance ones).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment, its `x.name` look-up made cheap for the pages' contexts.

    The contexts are dicts (generator.pages), and Jinja's `getattr` tries the attribute
    first: on a dict, for a key, that raises and catches an AttributeError, ~8 million times
    for the national site (issue 18 item 7: the largest cost of its render stage after the
    templates' own code). The same look-up in the same order, without the exception: a
    dict's attribute is one of its class's (`_DICT_ATTRIBUTES`), else the key is read."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one dict, not Jinja's ChainMap over the environment's:
        each page's context copies them and each `{% import %}` compares their keys, a
        ChainMap's keys one by one in Python (~4 % of a national build's rendering).
        `Renderer` sets every global before a template is loaded (Jinja asks the same)."""
        return {**self.globals, **(d or {})}


class Renderer:
    def __init__(
        self, templates_dir: Path, globals_: dict[str, Any], compiled: Path | None = None
    ) -> None:
        """`compiled`: a folder where Jinja keeps each template compiled (its bytecode
        cache: a template is compiled again when its source changes). Jinja's key names
        the template only, not this environment's options: the caller gives a folder per
        version of the code (generator.build: under the code's version)."""
        if compiled is not None:
            compiled.mkdir(parents=True, exist_ok=True)
        self.env = _Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
            autoescape=True,  # every template, whatever its extension
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # One renderer per build: a template is read once, never checked again (Jinja's
            # default stats its file each time a page asks for it: ~4 a page).
            auto_reload=False,
        )
        self.env.filters.update(
            date_vi=date_vi,
            date_prose=date_prose,
            number_vi=number_vi,
            percent_vi=percent_vi,
            size_vi=size_vi,
            safe_url=safe_url,
            vi_sorted=vi_sorted,
            unit_prose=unit_prose,
        )
        # The largest tables' rows, made in Python (generator.rows).
        self.env.globals.update(ROWS)
        self.env.globals.update(globals_)
        self._closure: dict[str, frozenset[str]] = {}
        self._source_hash: dict[str, str] = {}
        self._hash: dict[str, str] = {}
        self._exists_memo: dict[str, bool] = {}
        self._listed: frozenset[str] | None = None  # the templates folder's names (`_exists`)
        # Each template's own references by its source's hash, kept beside the compiled
        # templates: parsing the ~40 templates to find them cost every incremental build
        # about 0.2 s of CPU (issue 21).
        self._refs_path = compiled / "references.json" if compiled is not None else None
        self._refs: dict[str, list[str]] = {}
        if self._refs_path is not None:
            try:
                kept = json.loads(self._refs_path.read_text(encoding="utf-8"))
                if isinstance(kept, dict):
                    self._refs = {
                        str(k): [str(r) for r in v] for k, v in kept.items() if isinstance(v, list)
                    }
            except (OSError, ValueError):
                self._refs = {}

    def choose(self, names: list[str]) -> str:
        """Per-entity template fallback: the first name that exists."""
        for name in names:
            if self._exists(name):
                return name
        raise jinja2.TemplateNotFound(", ".join(names))

    def _exists(self, name: str) -> bool:
        """Asked for every page: known for the renderer's life (one build). A name the
        templates folder does not list (most per-entity names: `xa-<code>.html`) is not
        looked for: one listing of the folder, not a file opened per page."""
        if name not in self._exists_memo:
            if self._listed is None:
                self._listed = frozenset(self.env.loader.list_templates())  # type: ignore[union-attr]
            if name not in self._listed:
                self._exists_memo[name] = False
                return False
            try:
                self._source(name)
                self._exists_memo[name] = True
            except jinja2.TemplateNotFound:
                self._exists_memo[name] = False
        return self._exists_memo[name]

    def _source(self, name: str) -> str:
        source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        self._source_hash[name] = hashlib.sha256(source.encode()).hexdigest()
        return source

    def _references(self, name: str) -> list[str]:
        """The templates `name` extends, includes or imports (not recursively)."""
        source = self._source(name)
        key = self._source_hash[name]
        if key not in self._refs:
            found = meta.find_referenced_templates(self.env.parse(source))
            self._refs[key] = sorted({ref for ref in found if ref is not None})
            self._save_references()
        return self._refs[key]

    def _save_references(self) -> None:
        if self._refs_path is None:
            return
        tmp = self._refs_path.with_name(f"{self._refs_path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(self._refs, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self._refs_path)
        except OSError:
            pass  # a cache only: the references are found again next time

    def closure(self, name: str) -> frozenset[str]:
        """The template and every template it extends, includes or imports, recursively."""
        if name not in self._closure:
            found = {name}
            for ref in self._references(name):
                found |= self.closure(ref)
            self._closure[name] = frozenset(found)
        return self._closure[name]

    def template_hash(self, name: str) -> str:
        if name not in self._hash:
            digest = hashlib.sha256()
            for ref in sorted(self.closure(name)):
                if ref not in self._source_hash:
                    self._source(ref)
                digest.update(ref.encode() + b"\0" + self._source_hash[ref].encode())
            self._hash[name] = digest.hexdigest()
        return self._hash[name]

    def render(self, name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(name).render(context)
