"""Render a receipt as a printable A4 PDF with a QR code of its page, for the kiosk's printer and for keeping."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer

from signage.fonts import pdf_font
from signage.notices.pdf import BODY, H1, H2, LABEL, SMALL, paragraph
from signage.signs.qr import QUIET_ZONE, qr_runs, qr_matrix

QR_SIZE = 40 * mm


class QRCode(Flowable):
    """A QR code drawn as vector rectangles, so it prints sharp at any resolution."""

    def __init__(self, url: str, size: float):
        super().__init__()
        self.url, self.size = url, size
        self.width = self.height = size

    def draw(self):
        modules = len(qr_matrix(self.url)) + 2 * QUIET_ZONE
        unit = self.size / modules
        self.canv.setFillColorRGB(0, 0, 0)
        for row, column, length in qr_runs(self.url):
            top = self.size - (row + QUIET_ZONE + 1) * unit
            self.canv.rect((column + QUIET_ZONE) * unit, top, length * unit, unit, stroke=0, fill=1)


def receipt_pdf(page: dict, *, url: str) -> bytes:
    """Lay out a receipt: its title and code, the QR code of its page, the answers and the notice shown."""
    for key in ("latin", "latin-bold", "cjk"):
        pdf_font(key)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=page["title"], creator="signage", invariant=1)
    story = [paragraph(page["title"], H1, bold=True), paragraph(page["state_text"], BODY, bold=True),
             paragraph(page["labels"]["code"], LABEL, bold=True), paragraph(page["code"], H2, bold=True),
             QRCode(url, QR_SIZE), paragraph(url, SMALL), Spacer(1, 3 * mm)]
    for label, value in page["facts"]:
        story += [paragraph(label, LABEL, bold=True), paragraph(value, BODY)]
    story.append(paragraph(page["labels"]["asked"], H2, bold=True))
    for purpose in page["purposes"]:
        story += [paragraph(purpose["text"], BODY), paragraph(f"{page['labels']['answer']} {purpose['answer']}",
                                                               BODY, bold=True)]
    for line in page["lines"]:
        story.append(paragraph(line, BODY))
    story += [Spacer(1, 3 * mm), paragraph(page["labels"]["notice"], H2, bold=True),
              paragraph(page["notice_line"], SMALL), paragraph(page["labels"]["keep"], SMALL)]
    doc.build(story)
    return buffer.getvalue()
