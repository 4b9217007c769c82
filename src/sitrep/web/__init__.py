"""The analyst's web page: static files built by scripts/build_web.py and served by sitrep.api.

`STATIC_DIR` holds index.html, app.js, app.css, vendor/ (Leaflet) and data/ (province borders
and country outlines as GeoJSON). Nothing here needs Node at run time.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["STATIC_DIR", "INDEX_HTML"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
INDEX_HTML = STATIC_DIR / "index.html"
