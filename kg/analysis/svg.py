"""Small inline-SVG charts for the report (no JavaScript, nothing fetched).

>>> svg = bar_chart([("BBC", 3), ("Al Mayadeen", 5)], title="Articles")
>>> svg.startswith("<svg") and "Al Mayadeen" in svg
True
"""

from __future__ import annotations

from html import escape

__all__ = ["PALETTE", "bar_chart", "line_chart", "stacked_bars"]

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac"]

_FONT = 'font-family="Noto Sans, DejaVu Sans, Arial, sans-serif" font-size="12"'


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, int) or float(x).is_integer() else f"{x:.3g}"


def bar_chart(items: list[tuple[str, float]], title: str = "", width: int = 640,
              bar: int = 18) -> str:
    """Horizontal bars, one per ``(label, value)``, in the given order."""
    label_w, pad = 220, 6
    height = 28 + len(items) * (bar + pad)
    top = max((v for _, v in items), default=0) or 1
    span = width - label_w - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" {_FONT}>',
             f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 24 + i * (bar + pad)
        w = max(1.0, span * value / top)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 5}" text-anchor="end">'
                     f'{escape(_short(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" '
                     f'fill="{PALETTE[0]}"><title>{escape(label)}: {_fmt(value)}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 5}">{_fmt(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(x_labels: list[str], series: dict[str, list[float]], title: str = "",
               width: int = 820, height: int = 300) -> str:
    """One polyline per series over shared x labels, with a legend below."""
    left, right, top_m, bottom = 48, 12, 26, 46
    legend_rows = (len(series) + 2) // 3
    total_h = height + legend_rows * 18
    plot_w, plot_h = width - left - right, height - top_m - bottom
    top = max((max(v, default=0) for v in series.values()), default=0) or 1
    n = max(len(x_labels) - 1, 1)

    def px(i: int) -> float:
        return left + plot_w * i / n

    def py(v: float) -> float:
        return top_m + plot_h * (1 - v / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_h}" '
             f'role="img" aria-label="{escape(title)}" {_FONT}>',
             f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top_m + plot_h}" x2="{left + plot_w}" y2="{top_m + plot_h}" '
             'stroke="#888"/>',
             f'<line x1="{left}" y1="{top_m}" x2="{left}" y2="{top_m + plot_h}" stroke="#888"/>',
             f'<text x="{left - 4}" y="{top_m + 4}" text-anchor="end">{_fmt(top)}</text>',
             f'<text x="{left - 4}" y="{top_m + plot_h}" text-anchor="end">0</text>']
    step = max(1, len(x_labels) // 10)
    ticks = sorted(set(range(0, len(x_labels), step)) | {len(x_labels) - 1})
    for i in ticks:
        if 0 < len(x_labels) - 1 - i < step * 0.6:
            continue  # too close to the last tick
        anchor = "start" if i == 0 else "end" if i == len(x_labels) - 1 else "middle"
        parts.append(f'<text x="{px(i):.1f}" y="{top_m + plot_h + 16}" text-anchor="{anchor}" '
                     f'font-size="10">{escape(x_labels[i])}</text>')
    for k, (name, values) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}">'
                     f'<title>{escape(name)}</title></polyline>')
        lx, ly = 10 + (k % 3) * (width // 3), height + (k // 3) * 18
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="4" fill="{color}"/>')
        parts.append(f'<text x="{lx + 18}" y="{ly - 4}">{escape(_short(name, 40))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(rows: list[tuple[str, dict[str, float]]], keys: list[str],
                 key_names: dict[str, str] | None = None, title: str = "",
                 width: int = 820, bar: int = 16) -> str:
    """One 100% bar per row, split by ``keys`` (e.g. each edition's share of an entity)."""
    key_names = key_names or {}
    label_w, pad = 220, 5
    legend_rows = (len(keys) + 2) // 3
    height = 28 + len(rows) * (bar + pad) + legend_rows * 18 + 8
    span = width - label_w - 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title)}" {_FONT}>',
             f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>']
    for i, (label, shares) in enumerate(rows):
        y = 24 + i * (bar + pad)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 4}" text-anchor="end">'
                     f'{escape(_short(label))}</text>')
        x = float(label_w)
        for k, key in enumerate(keys):
            share = shares.get(key, 0.0)
            if share <= 0:
                continue
            w = span * share
            name = key_names.get(key, key)
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                         f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(label)} - '
                         f'{escape(name)}: {share:.0%}</title></rect>')
            x += w
    y0 = 24 + len(rows) * (bar + pad) + 12
    for k, key in enumerate(keys):
        lx, ly = 10 + (k % 3) * (width // 3), y0 + (k // 3) * 18
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="12" height="10" '
                     f'fill="{PALETTE[k % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 18}" y="{ly}">{escape(_short(key_names.get(key, key), 40))}'
                     '</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
