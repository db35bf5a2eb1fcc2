"""Render a notice as an A4 PDF in both languages, for reception desks (regulation.md §6.4)."""
import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from signage.fonts import PDF_NAMES, font_key, pdf_font

BODY = ParagraphStyle("body", fontName=PDF_NAMES["latin"], fontSize=10, leading=14, spaceAfter=3,
                      wordWrap="CJK")
LABEL = ParagraphStyle("label", parent=BODY, fontSize=9.5, spaceAfter=0, textColor="#333333")
H1 = ParagraphStyle("h1", parent=BODY, fontSize=17, leading=22, spaceAfter=6)
H2 = ParagraphStyle("h2", parent=BODY, fontSize=12.5, leading=17, spaceBefore=8, spaceAfter=4)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)


def notice_pdf(document: dict) -> bytes:
    """Lay out each language block (title, status, summary, details, version, history) on A4 pages."""
    for key in ("latin", "latin-bold", "cjk"):
        pdf_font(key)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=document["title"], creator="signage", invariant=1)
    story = []
    for index, block in enumerate(document["blocks"]):
        if index:
            story.append(PageBreak())
        story += _block(block, document["url"])
    doc.build(story)
    return buffer.getvalue()


def _block(block: dict, url: str) -> list:
    story = [paragraph(block["title"], H1, bold=True), paragraph(block["banner"], BODY, bold=True)]
    if block.get("superseded"):
        story.append(paragraph(block["superseded"], BODY, bold=True))
    story.append(paragraph(block["summary_title"], H2, bold=True))
    for item in block["summary"]:
        story += [paragraph(item["label"], LABEL, bold=True), paragraph(item["text"], BODY)]
    story.append(paragraph(block["details_title"], H2, bold=True))
    for section in block["sections"]:
        story.append(paragraph(section["title"], H2, bold=True))
        for item in section["items"]:
            if item.get("label"):
                story.append(paragraph(item["label"], LABEL, bold=True))
            story.append(paragraph(item["text"], BODY))
    story += [Spacer(1, 4 * mm), paragraph(block["history_title"], H2, bold=True)]
    for row in block["history"]:
        story.append(paragraph(f"v{row['number']} · {row['date']} · {row['changes']}", BODY))
    story += [Spacer(1, 4 * mm), paragraph(block["version_line"], SMALL), paragraph(url, SMALL)]
    return story


def paragraph(text, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    """Set text in runs of Vera and Droid Sans Fallback, so Latin and CJK each get a real glyph."""
    return Paragraph(font_runs(str(text or ""), bold), style)


def font_runs(text: str, bold: bool) -> str:
    """Return text as reportlab markup in runs of the font that draws each character (Latin, CJK)."""
    runs: list[list[str]] = []
    for ch in " ".join(text.split()):
        try:
            key = font_key(ch, bold)
        except ValueError:
            # input refuses such characters; text published before that check names the code point
            key, ch = ("latin-bold" if bold else "latin"), f"[U+{ord(ch):04X}]"
        if runs and runs[-1][0] == key:
            runs[-1][1] += ch
        else:
            runs.append([key, ch])
    return "".join(f'<font name="{PDF_NAMES[key]}">{escape(part)}</font>' for key, part in runs)
