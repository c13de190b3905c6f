"""Inline SVG charts of the entity page: articles over time per edition, and the ego network.

Both are plain SVG strings (no script, nothing fetched); tick labels name months in the page
language (:func:`kg.messages.format_day`).

>>> svg = mentions_chart({("e1", "2023-10-30"): 3, ("e2", "2023-10-31"): 1}, {"e1": "A", "e2": "B"})
>>> svg.startswith("<svg") and svg.count("<rect") == 4  # two bars, two legend keys
True
>>> bucket_days(["2023-10-01", "2024-03-05"])["2024-03-05"], bucket_days(["2023-10-01", "2024-07-05"])["2024-07-05"]
('2024-03-04', '2024-07')
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from html import escape

__all__ = ["mentions_chart", "bucket_days", "ego_svg", "EDITION_COLOURS", "TYPE_COLOUR"]

TYPE_COLOUR = {"PER": "#e15759", "ORG": "#4e79a7", "LOC": "#59a14f", "EVENT": "#f28e2b", "OTHER": "#9c755f"}
EDITION_COLOURS = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948",
                   "#9c755f", "#ff9da7", "#bab0ac"]


def bucket_days(days: list[str]) -> dict[str, str]:
    """Day -> bar: the day itself over at most 45 days, its week's Monday up to 180, else its month."""
    valid = sorted(d for d in days if len(d) >= 10 and d[:4].isdigit())
    if not valid:
        return {}
    first, last = date.fromisoformat(valid[0][:10]), date.fromisoformat(valid[-1][:10])
    span = (last - first).days
    out = {}
    for d in valid:
        day = date.fromisoformat(d[:10])
        if span <= 45:
            out[d] = day.isoformat()
        elif span <= 180:
            out[d] = (day - timedelta(days=day.weekday())).isoformat()
        else:
            out[d] = day.isoformat()[:7]
    return out


def mentions_chart(counts: dict[tuple[str, str], int], edition_names: dict[str, str],
                   fmt: Callable[[str], str] = str, width: int = 640, height: int = 160) -> str:
    """Articles per day (or week, or month) and edition as an inline SVG bar chart, one colour per
    edition; ``fmt`` writes a bar's date for the axis (e.g. with month names)."""
    bars = bucket_days([d for _, d in counts])
    if not bars:
        return ""
    summed: dict[tuple[str, str], int] = defaultdict(int)
    for (ed, day), n in counts.items():
        if day in bars:
            summed[(ed, bars[day])] += n
    days = sorted({b for _, b in summed})
    editions = sorted({e for e, _ in summed})
    top = max(summed.values())
    band = (width - 40) / len(days)
    bar = max(1.0, band / max(1, len(editions)) - 1)
    rows = (len(editions) + 3) // 4  # legend: four editions a row
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
             f'height="{height + 26 + 16 * rows}" role="img" direction="ltr" '
             f'style="background:#fff;border:1px solid #ddd">']
    for i, day in enumerate(days):
        x0 = 30 + i * band
        for j, ed in enumerate(editions):
            n = summed.get((ed, day), 0)
            if not n:
                continue
            h = (height - 20) * n / top
            parts.append(f'<rect x="{x0 + j * bar:.1f}" y="{height - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{EDITION_COLOURS[j % len(EDITION_COLOURS)]}">'
                         f'<title>{escape(edition_names.get(ed, ed))} {escape(fmt(day))}: {n}</title></rect>')
        if len(days) <= 10 or i % max(1, math.ceil(len(days) / 8)) == 0:
            parts.append(f'<text x="{x0:.1f}" y="{height + 14}" font-size="10">{escape(fmt(day))}</text>')
    parts.append(f'<text x="2" y="12" font-size="10">{top}</text>')
    for j, ed in enumerate(editions):
        x, y = 30 + (j % 4) * 150, height + 22 + 16 * (j // 4)
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" '
                     f'fill="{EDITION_COLOURS[j % len(EDITION_COLOURS)]}"/>'
                     f'<text x="{x + 14}" y="{y + 9}" font-size="10">'
                     f'{escape(edition_names.get(ed, ed)[:22])}</text>')
    return "".join(parts) + "</svg>"


def ego_svg(ego: tuple[str, str, str], alters: list[tuple[str, str, str, int]],
            ties: list[tuple[str, str, int]], href: Callable[[str], str | None],
            width: int = 460, height: int = 360) -> str:
    """The entity (``(iri, label, type)``) in the middle, its alters (``(iri, label, type,
    articles together)``) around it, line widths by shared articles; ``ties`` join alters.
    Each node links to its page when ``href`` gives one.

    >>> svg = ego_svg(("a", "A", "ORG"), [("b", "B", "PER", 3), ("c", "C", "LOC", 1)],
    ...               [("b", "c", 1)], lambda iri: "#" + iri)
    >>> svg.count("<line"), svg.count('<a href="#'), svg.count("<circle")
    (3, 3, 3)
    """
    if not alters:
        return ""
    cx, cy, r = width / 2, height / 2 - 6, min(width, height) / 2 - 42
    top = max(n for *_, n in alters)
    pos = {ego[0]: (cx, cy)}
    for i, (iri, *_rest) in enumerate(alters):
        angle = -math.pi / 2 + 2 * math.pi * i / len(alters)
        pos[iri] = (cx + r * math.cos(angle), cy + r * math.sin(angle))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ego" width="{width}" height="{height}" '
             f'role="img" direction="ltr" style="background:#fff;border:1px solid #ddd">']
    tie_top = max((n for *_, n in ties), default=1)
    for x, y, n in ties:
        if x in pos and y in pos:
            parts.append(_line(pos[x], pos[y], 0.5 + 2 * n / tie_top, "#ccc", n))
    for iri, _label, _type, n in alters:
        parts.append(_line(pos[ego[0]], pos[iri], 1 + 5 * n / top, "#8aa", n))
    for iri, label, kind, *rest in [(*ego, 0), *alters]:
        x, y = pos[iri]
        size = 14 if iri == ego[0] else 6 + 6 * rest[0] / top
        node = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{TYPE_COLOUR.get(kind, "#999")}" '
                f'stroke="#fff"/><text x="{x:.1f}" y="{y + size + 11:.1f}" font-size="11" text-anchor="middle" '
                f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(label[:28])}</text>')
        link = href(iri)
        parts.append(f'<a href="{escape(link)}">{node}</a>' if link else node)
    return "".join(parts) + "</svg>"


def _line(a: tuple[float, float], b: tuple[float, float], width: float, colour: str, n: int) -> str:
    return (f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}" '
            f'stroke="{colour}" stroke-width="{width:.1f}"><title>{n}</title></line>')
