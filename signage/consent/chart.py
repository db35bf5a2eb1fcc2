"""A small bar chart of consents given, refused and withdrawn per month, as inline SVG. Pure functions.

Colours are presentation attributes, not styles: the Content-Security-Policy forbids inline styles.
"""
from xml.sax.saxutils import escape

KINDS = ("given", "refused", "withdrawn")
COLOURS = {"given": "#1e7b3a", "refused": "#8a6d00", "withdrawn": "#b3261e"}
WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 200, 16, 36, 36


def monthly_counts_svg(months: list[dict], *, labels: dict) -> str:
    """Draw months ([{"month": "2026-11", "given": 3, ...}], oldest first) as grouped bars with a legend.

    Each bar carries a <title> with its number, and the figure a text alternative, so it reads without sight.
    """
    peak = max([month[kind] for month in months for kind in KINDS] + [1])
    slot = (WIDTH - LEFT) / max(len(months), 1)
    bar = max(min(slot / 4, 18), 2)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 24}" role="img" '
             f'aria-labelledby="chart-title" class="chart"><title id="chart-title">{escape(labels["title"])}</title>',
             f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - BOTTOM}" stroke="#4a4a4a"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11" fill="#333">{peak}</text>']
    usable = HEIGHT - BOTTOM - TOP
    for index, month in enumerate(months):
        x0 = LEFT + index * slot + (slot - 3 * bar) / 2
        for offset, kind in enumerate(KINDS):
            height = usable * month[kind] / peak
            parts.append(f'<rect x="{x0 + offset * bar:.1f}" y="{HEIGHT - BOTTOM - height:.1f}" width="{bar:.1f}" '
                         f'height="{height:.1f}" fill="{COLOURS[kind]}"><title>{escape(month["month"])} · '
                         f'{escape(labels[kind])}: {month[kind]}</title></rect>')
        parts.append(f'<text x="{LEFT + index * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
                     f'font-size="11" fill="#333">{escape(month["month"][2:])}</text>')
    for offset, kind in enumerate(KINDS):
        x = LEFT + offset * 130
        parts.append(f'<rect x="{x}" y="{HEIGHT + 6}" width="12" height="12" fill="{COLOURS[kind]}"/>'
                     f'<text x="{x + 18}" y="{HEIGHT + 16}" font-size="12" fill="#1a1a1a">{escape(labels[kind])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def last_months(now_month: tuple[int, int], count: int) -> list[str]:
    """Return the `count` months up to and including now_month, oldest first, as YYYY-MM."""
    year, month = now_month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))
