"""Draw laid-out sign pages on a reportlab canvas: vector shapes, embedded font subsets, a vector QR."""
import io
from functools import cache, lru_cache

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from signage.fonts import BOLD_STROKE, FAKE_BOLD, PDF_NAMES, pdf_font
from .typeset import PT, Page, QRSymbol, Text
from .qr import qr_runs
from .shapes import Shape


@cache
def _binary_streams() -> None:
    # ASCII85 only serves 7-bit mail transport: it costs a quarter more bytes and
    # encoding time. reportlab reads this process-wide setting as each page starts.
    rl_config.useA85 = 0


def new_canvas(buffer: io.BytesIO, title: str) -> Canvas:
    """Open a compressed, reproducible PDF canvas (no timestamps, so equal signs give equal bytes)."""
    _binary_streams()
    pdf_font("latin")  # the page preamble names a font: ours, so no unembedded Helvetica appears
    canvas = Canvas(buffer, pageCompression=1, invariant=1, initialFontName=PDF_NAMES["latin"])
    canvas.setTitle(title)
    canvas.setCreator("signage")
    return canvas


def draw_page(canvas: Canvas, page: Page) -> None:
    """Draw one page and close it; the page size comes from the page."""
    canvas.setPageSize((page.width / PT, page.height / PT))
    for item in page.items:
        _DRAW[type(item)](canvas, item, page.height)
    canvas.showPage()


@lru_cache(maxsize=64)
def _color(hex_color: str) -> HexColor:
    return HexColor(hex_color)


def _rgb(hex_color: str) -> str:
    return " ".join(_n(int(hex_color[i:i + 2], 16) / 255) for i in (1, 3, 5))


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") or "0"


@lru_cache(maxsize=4096)
def _shape_ops(shape: Shape, height: float) -> str:
    """Return the shape as PDF operators in its own graphics state (q ... Q), in pt with y up."""
    out = ["q"]
    if shape.fill:
        out.append(f"{_rgb(shape.fill)} rg")
    if shape.stroke:
        out.append(f"{_rgb(shape.stroke)} RG {_n(shape.line / PT)} w 1 J 1 j")
    for op, *xy in shape.ops:
        pts = " ".join(_n(v / PT if i % 2 == 0 else (height - v) / PT) for i, v in enumerate(xy))
        out.append(f"{pts} {_PATH_OPS[op]}" if pts else _PATH_OPS[op])
    out.append(("B" if shape.fill else "S") if shape.stroke else "f")
    out.append("Q")
    return " ".join(out)


def _shape(canvas: Canvas, shape: Shape, height: float) -> None:
    # formatted once per shape and page height: a pack repeats its frames and pictograms
    canvas.addLiteral(_shape_ops(shape, height))


def _text(canvas: Canvas, text: Text, height: float) -> None:
    if any(key in FAKE_BOLD for key, _ in text.runs):
        canvas.setLineWidth(BOLD_STROKE * text.size)
    obj = canvas.beginText(text.x / PT, (height - text.y) / PT)
    obj.setFillColor(_color(text.color))
    for key, part in text.runs:
        pdf_font(key)
        obj.setFont(PDF_NAMES[key], text.size)
        if key in FAKE_BOLD:  # fill and stroke: the one-weight CJK font drawn bold
            obj.setStrokeColor(_color(text.color))
            obj.setTextRenderMode(2)
        obj.textOut(part)
        if key in FAKE_BOLD:
            obj.setTextRenderMode(0)
    canvas.drawText(obj)


@lru_cache(maxsize=256)
def _qr_ops(qr: QRSymbol, height: float) -> str:
    """Return the QR symbol as one path of row-run rectangles, filled at once: no seams, no image."""
    m = qr.module / PT
    x0, top = qr.x / PT, (height - qr.y) / PT
    rects = " ".join(f"{_n(x0 + col * m)} {_n(top - (row + 1) * m)} {_n(length * m)} {_n(m)} re"
                     for row, col, length in qr_runs(qr.url))
    return f"q 0 0 0 rg {rects} f Q"


def _qr(canvas: Canvas, qr: QRSymbol, height: float) -> None:
    canvas.addLiteral(_qr_ops(qr, height))


_PATH_OPS = {"M": "m", "L": "l", "C": "c", "Z": "h"}
_DRAW = {Shape: _shape, Text: _text, QRSymbol: _qr}
