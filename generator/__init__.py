"""antq: open data, static site and offline lessons for the phong trào toàn dân bảo vệ ANTQ."""

from __future__ import annotations

__version__ = "0.1.0"
