"""Jinja2 rendering: autoescape always on, Vietnamese formatting filters, hashed assets, and
the template dependency closure that incremental builds hash."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from jinja2 import meta

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
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
            autoescape=True,  # every template, whatever its extension
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
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
        self.env.globals.update(globals_)
        self._closure: dict[str, frozenset[str]] = {}
        self._source_hash: dict[str, str] = {}

    def choose(self, names: list[str]) -> str:
        """Per-entity template fallback: the first name that exists."""
        for name in names:
            if self._exists(name):
                return name
        raise jinja2.TemplateNotFound(", ".join(names))

    def _exists(self, name: str) -> bool:
        try:
            self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return False
        return True

    def closure(self, name: str) -> frozenset[str]:
        """The template and every template it extends, includes or imports, recursively."""
        if name not in self._closure:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            found = {name}
            for ref in meta.find_referenced_templates(self.env.parse(source)):
                if ref is not None:
                    found |= self.closure(ref)
            self._closure[name] = frozenset(found)
        return self._closure[name]

    def template_hash(self, name: str) -> str:
        digest = hashlib.sha256()
        for ref in sorted(self.closure(name)):
            if ref not in self._source_hash:
                source, _, _ = self.env.loader.get_source(self.env, ref)  # type: ignore[union-attr]
                self._source_hash[ref] = hashlib.sha256(source.encode()).hexdigest()
            digest.update(ref.encode() + b"\0" + self._source_hash[ref].encode())
        return digest.hexdigest()

    def render(self, name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(name).render(context)
