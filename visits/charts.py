"""Charts drawn on the server as inline SVG: no JavaScript, no library, no CDN.

Each function returns markup ready to put in a page: an <svg role="img"> with a title and a
description (screen readers), bars with their values in <title> tooltips. The pages also show
the same figures as tables.
"""

import itertools
import math

from markupsafe import Markup, escape

GREEN, RED, AMBER, GREY, BLUE, DARK = "#1e7e34", "#b5121b", "#d98e04", "#9aa0a6", "#2f6db5", "#343a40"
FONT = 'font-family="system-ui, Segoe UI, Roboto, Noto Sans, DejaVu Sans, Arial, sans-serif"'
_ids = itertools.count(1)


def _fmt(value):
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def _open(width, height, title, desc):
    n = next(_ids)
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="visit-chart" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-labelledby="chart-t{n} chart-d{n}" {FONT} font-size="12">',
            f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>']


def _nice_max(value):
    """The smallest 1, 2, 2.5 or 5 times a power of ten not below value (the axis top)."""
    if value <= 0:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def stacked_columns(labels, series, title, desc, height=260):
    """Vertical stacked columns: series = [(name, values, colour)], one value per label."""
    left, bottom, top, right = 44, 54, 28, 10
    width = max(420, left + right + 26 * len(labels))
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values, _ in series) for i in range(len(labels))]
    ymax = _nice_max(max(totals, default=0))
    parts = _open(width, height, title, desc)
    for tick in range(5 + 1):
        value = ymax * tick / 5
        y = top + plot_h - plot_h * tick / 5
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="#555">{_fmt(value)}</text>')
    slot = plot_w / max(1, len(labels))
    bar = max(4.0, slot * 0.7)
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for name, values, colour in series:
            value = values[i]
            if not value:
                continue
            h = plot_h * value / ymax
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(label)} - {escape(name)}: {value}</title></rect>')
        if len(labels) <= 16 or i % 2 == 0:
            cx = left + slot * i + slot / 2
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="end" fill="#333" '
                         f'font-size="10" transform="rotate(-45 {cx:.1f} {top + plot_h + 14})">'
                         f'{escape(label)}</text>')
    x = left
    for name, _values, colour in series:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="16" fill="#333">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))


def ratio_bars(rows, target, title, desc, target_label="1/3"):
    """Horizontal bars of ratios (0..1) with the target drawn as a dashed line.

    rows: [(label, ratio, text shown after the bar)]; a bar reaching the target is green."""
    label_w, right, row_h, top = 190, 70, 22, 30
    width = 760
    plot_w = width - label_w - right
    xmax = max([target * 1.5] + [ratio for _, ratio, _ in rows])
    height = top + row_h * max(1, len(rows)) + 10
    parts = _open(width, height, title, desc)
    target_x = label_w + plot_w * target / xmax
    for i, (label, ratio, note) in enumerate(rows):
        y = top + row_h * i
        w = plot_w * ratio / xmax
        colour = GREEN if ratio + 1e-9 >= target else RED
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" '
                     f'fill="#222">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
                     f'fill="{colour}"><title>{escape(label)}: {escape(note)}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" fill="#333">{escape(note)}</text>')
    parts.append(f'<line x1="{target_x:.1f}" x2="{target_x:.1f}" y1="{top - 6}" y2="{height - 4}" '
                 f'stroke="{DARK}" stroke-width="2" stroke-dasharray="5 3"/>'
                 f'<text x="{target_x + 4:.1f}" y="{top - 10}" fill="{DARK}" font-weight="bold">'
                 f'Mục tiêu {escape(target_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def coverage_bars(rows, stale_days, title, desc):
    """Days since the last visit per locality; stale ones red, never visited drawn full and grey,
    remote ones marked with a triangle. rows: [(label, days_since or None, stale, remote)]."""
    label_w, right, row_h, top = 210, 90, 20, 30
    width = 760
    plot_w = width - label_w - right
    known = [days for _, days, _, _ in rows if days is not None]
    xmax = max([stale_days * 1.25] + known)
    height = top + row_h * max(1, len(rows)) + 10
    parts = _open(width, height, title, desc)
    for i, (label, days, stale, remote) in enumerate(rows):
        y = top + row_h * i
        text = f"{days} ngày" if days is not None else "chưa đến"
        w = plot_w * (days if days is not None else xmax) / xmax
        colour = GREY if days is None else (RED if stale else GREEN)
        marker = "▲ " if remote else ""
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" '
                     f'fill="{RED if stale else "#222"}">'
                     f'{escape(marker + label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 7}" '
                     f'fill="{colour}">'
                     f'<title>{escape(label)}: {escape(text)}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" fill="#333">{escape(text)}</text>')
    line_x = label_w + plot_w * stale_days / xmax
    parts.append(f'<line x1="{line_x:.1f}" x2="{line_x:.1f}" y1="{top - 6}" y2="{height - 4}" '
                 f'stroke="{DARK}" '
                 f'stroke-width="2" stroke-dasharray="5 3"/>'
                 f'<text x="{line_x + 4:.1f}" y="{top - 10}" fill="{DARK}" font-weight="bold">'
                 f'Ngưỡng {stale_days} ngày</text>'
                 f'<text x="4" y="{top - 10}" fill="#333">▲ vùng sâu, vùng xa</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def count_bars(rows, title, desc, colour=RED):
    """Horizontal bars of counts: rows = [(label, count)]."""
    label_w, right, row_h, top = 260, 50, 22, 10
    width = 700
    plot_w = width - label_w - right
    xmax = max([1] + [count for _, count in rows])
    height = top + row_h * max(1, len(rows)) + 10
    parts = _open(width, height, title, desc)
    if not rows:
        parts.append(f'<text x="10" y="{top + 14}" fill="#555">Không có dữ liệu.</text>')
    for i, (label, count) in enumerate(rows):
        y = top + row_h * i
        w = plot_w * count / xmax
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" '
                     f'fill="#222">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 8}" '
                     f'fill="{colour}">'
                     f'<title>{escape(label)}: {count}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" fill="#333">{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
