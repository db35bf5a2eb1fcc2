"""Write a laid-out sign page as standalone SVG in mm, with text as glyph outlines."""
from xml.sax.saxutils import escape, quoteattr

from signage.fonts import BOLD_STROKE, FAKE_BOLD, glyph, pdf_font, units_per_em
from .typeset import PT, Page, QRSymbol, Text
from .qr import qr_runs
from .shapes import Shape

_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def _n(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") or "0"


def _d(ops) -> str:
    return "".join(op + " ".join(_n(v) for v in xy) for op, *xy in ops)


def page_svg(page: Page) -> str:
    """Return the page as an SVG document whose user unit is one millimetre."""
    defs: dict[str, str] = {}
    body = [_DRAW[type(item)](item, defs) for item in page.items]
    w, h = _n(page.width), _n(page.height)
    return "".join([
        f'<svg {_NS} width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" role="img">',
        f"<title>{escape(page.title)}</title><defs>", *defs.values(), "</defs>", *body, "</svg>"])


def _shape(shape: Shape, defs: dict) -> str:
    fill = shape.fill or "none"
    stroke = (f' stroke="{shape.stroke}" stroke-width="{_n(shape.line)}"'
              ' stroke-linecap="round" stroke-linejoin="round"') if shape.stroke else ""
    return f'<path d="{_d(shape.ops)}" fill="{fill}"{stroke}/>'


def _run(key: str, part: str, x: float, text: Text, defs: dict) -> str:
    scale = text.size * PT / units_per_em(key)
    uses, advance = [], 0
    for ch in part:
        name, d, width = glyph(key, ch)
        if d:
            gid = f"{FAKE_BOLD.get(key, key)}-{name}"
            defs.setdefault(gid, f'<path id={quoteattr(gid)} d="{d}"/>')
            uses.append(f'<use xlink:href="#{escape(gid)}" x="{advance}"/>')
        advance += width
    bold = (f' stroke="{text.color}" stroke-width="{_n(BOLD_STROKE * units_per_em(key))}"'
            ' stroke-linejoin="round"') if key in FAKE_BOLD else ""
    return (f'<g transform="translate({_n(x)} {_n(text.y)}) scale({scale:.6g} {-scale:.6g})"{bold}>'
            + "".join(uses) + "</g>")


def _text(text: Text, defs: dict) -> str:
    label = "".join(part for _, part in text.runs)
    out, x = [], text.x
    for key, part in text.runs:
        out.append(_run(key, part, x, text, defs))
        x += pdf_font(key).stringWidth(part, text.size) * PT  # runs start where the PDF starts them
    return f'<g fill="{text.color}" aria-label={quoteattr(label)}>' + "".join(out) + "</g>"


def _qr(qr: QRSymbol, defs: dict) -> str:
    d = "".join(f"M{col} {row}h{length}v1h-{length}z" for row, col, length in qr_runs(qr.url))
    return (f'<path transform="translate({_n(qr.x)} {_n(qr.y)}) scale({qr.module:.6g})" '
            f'd="{d}" fill="#000000"/>')


_DRAW = {Shape: _shape, Text: _text, QRSymbol: _qr}
