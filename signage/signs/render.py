"""Render a first-layer FR sign (regulation §5.2) as PDF, SVG or PNG from a plain SignSpec."""
import io
from collections.abc import Callable, Iterable

from signage.pdfium import pdf_document

from .cover import cover_pages
from .layout import layout
from .pdf import draw_page, new_canvas
from .qr import qr_matrix
from .spec import QR_MIN_MM, SIZES, SignLine, SignSpec, TextTooLong
from .svg import page_svg

__all__ = ["SIZES", "QR_MIN_MM", "SignLine", "SignSpec", "TextTooLong",
           "qr_matrix", "sign_pdf", "sign_svg", "sign_png", "pack_pdf"]


def sign_pdf(spec: SignSpec) -> bytes:
    """Return the sign as a one-page PDF with embedded font subsets and a vector QR code."""
    return pack_pdf((spec,))


def sign_svg(spec: SignSpec) -> str:
    """Return the sign as standalone SVG in mm; text is outlined, so no fonts are needed to view it."""
    return page_svg(layout(spec))


def sign_png(spec: SignSpec, dpi: int = 300) -> bytes:
    """Return the sign rasterised from its PDF at dpi, with the dpi recorded in the PNG."""
    with pdf_document(sign_pdf(spec)) as document:
        image = document[0].render(scale=dpi / 72).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(dpi, dpi), compress_level=3)
    return buffer.getvalue()


def pack_pdf(specs: Iterable[SignSpec], on_page: Callable[[int], None] | None = None,
             cover: dict | None = None) -> bytes:
    """Return one PDF with a page per sign; pages share font subsets; on_page(i) follows page i.

    Given the cover's texts, the signs follow a cover sheet listing each page's serial, site, placement and
    size, with the installation checklist.
    """
    buffer = io.BytesIO()
    canvas = None
    if cover is not None:
        specs = list(specs)
        for page in cover_pages([(s.serial, s.site_name, s.placement, s.size) for s in specs], cover):
            canvas = canvas or new_canvas(buffer, page.title)
            draw_page(canvas, page)
    for i, spec in enumerate(specs):
        page = layout(spec)
        canvas = canvas or new_canvas(buffer, page.title)
        draw_page(canvas, page)
        if on_page is not None:
            on_page(i)
    if canvas is None:
        raise ValueError("pack_pdf needs at least one sign")
    canvas.save()
    return buffer.getvalue()
