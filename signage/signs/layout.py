"""Lay a sign out as a display list in mm: heading band, elements, QR panel and footer."""
from dataclasses import replace

from signage.fonts import em_width
from .qr import QUIET_ZONE, qr_matrix
from .shapes import Shape, pictogram, rect
from .spec import QR_MIN_MM, SignSpec, TextTooLong
from .typeset import (BAND, FLOOR_PT, INK, LEAD, PAPER, PT, RULE, SCALES, SECOND, SHRINK, URL_FLOOR_PT, Grid, Page,
                      QRSymbol, culprit, height_of, largest_fitting, page_grid, set_size, text_items, wrapped)

#: side of the QR symbol per size in mm, above QR_MIN_MM where the paper allows
QR_SIDE_MM = {"A5": 52, "A4": 74, "A3": 110, "LETTER": 74, "STICKER": 32}
HIGHLIGHT = frozenset({"disclosure", "nyc_statement"})  # surprising processing stands out
#: On A4 the headline is set at 28 pt at least and the body at 12 pt (first language) and 9 pt (second), in
#: proportion on other sizes; the sticker, read from arm's length, has its own minimums.
A4_WIDTH, HEADLINE_MIN_PT, BODY_MIN_PT = 210, 28.0, (12.0, 9.0)
STICKER_BODY_MIN_PT = (FLOOR_PT, FLOOR_PT)
#: What a sign may leave to the full notice (one QR scan away) when its body does not fit at the minimum
#: sizes, first to go first. Who runs the cameras, why, whom to ask and what the law wants on the sign itself
#: (the disclosure of categorisation, New York City's statement) always stay.
MOVABLE = ("legal_basis", "recipients", "capture_area", "retention", "alternative")


def _heading(spec: SignSpec, g: Grid) -> tuple[list, float]:
    # a sticker is mostly its warning and its QR code: a deeper band, a larger pictogram and headline
    sticker = spec.size == "STICKER"
    h = (0.17 if sticker else 0.145) * g.width
    inset = (0.1 if sticker else 0.14) * h
    side = h - 2 * inset
    x = g.margin + inset + side + inset * 1.3
    base = max((0.15 if sticker else 0.125) * g.width, HEADLINE_MIN_PT * g.width / A4_WIDTH)

    def build(scale):
        parts = wrapped(spec.heading, (set_size(base, scale), set_size(base * 0.62, scale)),
                       g.width - g.margin - inset - x, (True, True))
        return None if not parts else (height_of(parts), parts)

    found = largest_fitting(build, side)
    if found is None:
        raise TextTooLong("heading", spec.size)
    band = [Shape(rect(g.margin, g.margin, g.width - 2 * g.margin, h, 2 * g.line, 0), BAND),
            Shape(rect(g.margin, g.margin + h - g.line / 2, g.width - 2 * g.margin, g.line), INK)]
    icon = pictogram(g.margin + inset, g.margin + inset, side, INK, BAND)
    return band + list(icon) + text_items(found[1], x, g.margin + (h - found[0]) / 2), g.margin + h


def _footer(spec: SignSpec, g: Grid, *, lines: int = 3) -> tuple[list, float]:
    """Lay the footer out in at most `lines` lines at the bottom; the placement is cut if it must be."""
    base = max(0.036 * g.width, FLOOR_PT)

    def build(scale, text=spec.footer):
        parts = wrapped((text,), (set_size(base, scale),) * 2, g.right - g.left, (False, False))
        return None if parts is None else (height_of(parts), parts)

    avail = lines * base * LEAD * PT + 1e-6
    found = largest_fitting(build, avail)
    if found is None and spec.placement and spec.footer.startswith(spec.placement):
        found = _footer_with_short_placement(spec, build, avail)
    if found is None:
        raise TextTooLong("footer", spec.size)
    top = g.height - g.margin - 0.45 * g.pad - found[0]
    rule = Shape(rect(g.margin, top - 0.4 * g.pad, g.width - 2 * g.margin, g.line / 3), INK)
    return [rule] + text_items(found[1], g.left, top), top - 0.4 * g.pad


def _footer_with_short_placement(spec: SignSpec, build, avail: float):
    """Cut the placement in the footer, with an ellipsis, to the longest start that fits: the footer only
    tells the installer which sign this is, and the dashboard and the API give it whole."""
    rest = spec.footer[len(spec.placement):]

    def attempt(count: int):
        cut = f"{spec.placement[:count].rstrip()}…{rest}" if count else rest.removeprefix(" · ")
        return largest_fitting(lambda scale: build(scale, cut), avail)

    low, high = 0, len(spec.placement) - 1  # attempt(low) is tried last if nothing longer fits
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if attempt(middle) is not None else (low, middle - 1)
    return attempt(low)


def _one_line_size(text: str, size: float, width: float) -> float:
    """Shrink a URL or phone number (down to the floor) so that it stays on one line if it can."""
    return max(min(size, width / PT / em_width(text, True)), min(size, FLOOR_PT))


def _qr_texts(spec: SignSpec, g: Grid, width: float, scale: float):
    big, small = set_size(g.body, scale), set_size(g.body * SECOND, scale)
    shown = spec.printed_url or spec.url
    # the URL is not split: bold if it fits on one line at the floor size, else in the narrower regular weight,
    # down to its own floor
    fitting = 0.98 * width / PT  # a hair under the column, so rounding in the wrap never breaks the line
    bold = fitting / em_width(shown, True) >= min(small, FLOOR_PT)
    url = max(min(small, fitting / em_width(shown, bold)), min(small, URL_FLOOR_PT))
    named = [("qr_caption", wrapped(spec.qr_caption, (big, small), width)),
             ("url", wrapped((shown,), (url, url), width, (bold, bold), url=True))]
    if spec.phone:
        phone = _one_line_size(spec.phone, big, width)
        named.append(("phone", wrapped((spec.phone,), (phone, phone), width, (True, True))))
    return named


def _stacked_qr_texts(spec: SignSpec, g: Grid, width: float, gap: float):
    """Return build(scale): the caption, URL and phone stacked within width mm, as (height, parts), or None
    when one of them cannot be set at that scale."""
    def build(scale):
        named = _qr_texts(spec, g, width, scale)
        if any(parts is None for _, parts in named):
            return None
        return sum(height_of(p) for _, p in named) + gap * (len(named) - 1), [p for _, p in named]
    return build


def _qr_panel(spec: SignSpec, g: Grid, bottom: float) -> tuple[list, float]:
    side = max(QR_SIDE_MM[spec.size], QR_MIN_MM[spec.size], 20)
    module = side / len(qr_matrix(spec.url))
    h = side + 2 * QUIET_ZONE * module
    x, width = g.left + h, g.right - g.left - h
    gap = 0.4 * g.body * PT
    found = largest_fitting(_stacked_qr_texts(spec, g, width, gap), h)
    if found is None:
        raise TextTooLong(culprit(_qr_texts(spec, g, width, SHRINK[-1])), spec.size)
    items, y = [], bottom - h + (h - found[0]) / 2
    for parts in found[1]:
        items += text_items(parts, x, y)
        y += height_of(parts) + gap
    symbol = QRSymbol(g.left + QUIET_ZONE * module, bottom - h + QUIET_ZONE * module, module, spec.url)
    return [symbol] + items, bottom - h


def _body_blocks(spec: SignSpec, g: Grid, scale: float):
    sizes = (set_size(g.body, scale), set_size(g.body * SECOND, scale))
    return [(line.key, wrapped(line.texts, sizes, g.right - g.left)) for line in spec.lines], sizes[0]


def _body_scales(spec: SignSpec, g: Grid) -> tuple[float, ...]:
    """Return the scales the body may take: none that sets it below the size's minimums."""
    first, second = STICKER_BODY_MIN_PT if spec.size == "STICKER" else \
        tuple(max(FLOOR_PT, minimum * g.width / A4_WIDTH) for minimum in BODY_MIN_PT)
    allowed = tuple(scale for scale in SCALES if set_size(g.body, scale) >= first - 1e-6
                    and set_size(g.body * SECOND, scale) >= second - 1e-6)
    return allowed or SCALES[:1]


def _body(spec: SignSpec, g: Grid, top: float, bottom: float) -> tuple[list, tuple[str, ...], tuple]:
    """Lay the elements out as large as fits, never below the minimums: what does not fit then moves to the
    notice, in MOVABLE's order, before any text is refused."""
    scales = _body_scales(spec, g)

    def build(lines):
        def at(scale):
            named, size = _body_blocks(replace(spec, lines=lines), g, scale)
            if any(parts is None for _, parts in named):
                return None
            gap = 0.9 * size * PT
            return sum(height_of(p) for _, p in named) + gap * max(len(named) - 1, 0), named, gap, scale
        return largest_fitting(at, bottom - top, scales)

    lines, moved = spec.lines, []
    found = build(lines)
    for key in MOVABLE:
        if found is not None:
            break
        if any(line.key == key for line in lines):
            lines = tuple(line for line in lines if line.key != key)
            moved.append(key)
            found = build(lines)
    if found is None:
        raise TextTooLong(culprit(_body_blocks(replace(spec, lines=lines), g, scales[-1])[0]), spec.size)
    for key in reversed(moved[:-1]):  # what went before the last one out, and fits again, comes back
        kept = tuple(line for line in spec.lines if line.key not in moved or line.key == key)
        again = build(kept)
        if again is not None:
            found = again
            moved.remove(key)
    height, named, gap, scale = found
    spare = bottom - top - height
    extra = min(spare / (len(named) + 1), gap) if len(named) > 1 else 0.0
    items = _place_blocks(named, g, top + (spare - extra * (len(named) - 1)) / 2, gap + extra)
    return items, tuple(moved), (set_size(g.body, scale), set_size(g.body * SECOND, scale))


def _place_blocks(named, g: Grid, y: float, gap: float) -> list:
    items = []
    for i, (key, parts) in enumerate(named):
        if i:
            items.append(Shape(rect(g.left, y - gap / 2, g.right - g.left, g.line / 4), RULE))
        if key in HIGHLIGHT:
            h = height_of(parts)
            items.append(Shape(rect(g.left - g.pad / 3, y - gap / 4, g.right - g.left + 2 * g.pad / 3,
                                    h + gap / 2, g.line), BAND))
        items += text_items(parts, g.left, y)
        y += height_of(parts) + gap
    return items


def _qr_strip(spec: SignSpec, g: Grid, bottom: float) -> tuple[list, float]:
    """The sticker's caption, URL and phone across its width above the footer; return the items and top."""
    width = g.right - g.left
    gap = 0.25 * g.body * PT
    found = largest_fitting(_stacked_qr_texts(spec, g, width, gap), 0.3 * g.height)
    if found is None:
        raise TextTooLong(culprit(_qr_texts(spec, g, width, SHRINK[-1])), spec.size)
    items, y = [], bottom - found[0]
    for parts in found[1]:
        items += text_items(parts, g.left, y)
        y += height_of(parts) + gap
    return items, bottom - found[0]


def _sticker_lower_part(spec: SignSpec, g: Grid, head_bottom: float, *, footer_lines: int):
    """A sticker's own layout, for a square read at arm's length: the QR code beside the few lines it
    carries, and the caption, URL and phone in one strip beneath them both."""
    foot, foot_top = _footer(spec, g, lines=footer_lines)
    strip, strip_top = _qr_strip(spec, g, foot_top - 0.35 * g.pad)
    rule = Shape(rect(g.margin, strip_top - 0.45 * g.pad, g.width - 2 * g.margin, g.line / 3), INK)
    side = max(QR_SIDE_MM[spec.size], QR_MIN_MM[spec.size])
    module = side / len(qr_matrix(spec.url))
    h = side + 2 * QUIET_ZONE * module
    top, bottom = head_bottom + 0.2 * g.pad, strip_top - 0.45 * g.pad
    x = g.width - g.margin - g.line - h  # the quiet zone inside the frame
    symbol = QRSymbol(x + QUIET_ZONE * module, top + (bottom - top - h) / 2 + QUIET_ZONE * module, module, spec.url)
    # the body's column ends where the QR code's quiet zone begins
    column = replace(g, width=x + g.margin + 0.6 * g.pad)
    body, moved, body_pt = _body(spec, column, top + 0.5 * g.pad, bottom - 0.5 * g.pad)
    # the strip's top stands for the panel's: the QR code and its texts sit above it
    return foot, strip_top, [symbol, rule] + strip, strip_top, body, moved, body_pt


def _lower_part(spec: SignSpec, g: Grid, head_bottom: float, *, footer_lines: int):
    if spec.size == "STICKER":
        return _sticker_lower_part(spec, g, head_bottom, footer_lines=footer_lines)
    foot, foot_top = _footer(spec, g, lines=footer_lines)
    panel, panel_top = _qr_panel(spec, g, foot_top - 0.3 * g.pad)
    body, moved, body_pt = _body(spec, g, head_bottom + 0.7 * g.pad, panel_top - 0.5 * g.pad)
    return foot, foot_top, panel, panel_top, body, moved, body_pt


def layout(spec: SignSpec) -> Page:
    """Lay the sign out; raise TextTooLong naming the element that cannot fit at the minimum size."""
    g = page_grid(spec.size)
    head, head_bottom = _heading(spec, g)
    # a long placement's footer lines are the body's too: the installer's label gives way to the public's
    # text, both when the body would not fit and when it would leave an element to the notice
    best, first_error = None, None
    for footer_lines in (3, 2, 1) if spec.placement else (3,):
        try:
            found = _lower_part(spec, g, head_bottom, footer_lines=footer_lines)
        except TextTooLong as error:
            first_error = first_error or error  # what to shorten is what failed with the footer as written
            continue
        if best is None or len(found[5]) < len(best[5]):  # fewer elements moved; else more footer lines
            best = found
        if not best[5]:
            break
    if best is None:
        raise first_error
    foot, foot_top, panel, panel_top, body, moved, body_pt = best
    rule = () if spec.size == "STICKER" else \
        (Shape(rect(g.margin, panel_top - 0.25 * g.pad, g.width - 2 * g.margin, g.line / 3), INK),)
    frame = Shape(rect(g.margin, g.margin, g.width - 2 * g.margin, g.height - 2 * g.margin, 2 * g.line),
                  None, INK, g.line)
    page = Shape(rect(0, 0, g.width, g.height), PAPER)
    items = (page, *head, *body, *rule, *panel, *foot, frame)
    return Page(g.width, g.height, f"{spec.heading[0]} · {spec.serial}", items, moved, body_pt)
