"""Render a filing dossier document (dossier_content) as an A4 PDF: each section with the filing item it
answers, its items as label (our field name beside it) and text, its tables; Chinese in the embedded CJK font."""
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from signage.fonts import PDF_NAMES, pdf_font
from signage.notices.pdf import font_runs, paragraph

BODY = ParagraphStyle("dossier-body", fontName=PDF_NAMES["latin"], fontSize=9, leading=12, wordWrap="CJK")
SMALL = ParagraphStyle("dossier-small", parent=BODY, fontSize=7, leading=9)
H1 = ParagraphStyle("dossier-h1", parent=BODY, fontSize=16, leading=21, spaceAfter=4)
H2 = ParagraphStyle("dossier-h2", parent=BODY, fontSize=12, leading=16, spaceBefore=10, spaceAfter=3)
MAPS_TO = ParagraphStyle("dossier-maps", parent=BODY, fontSize=8, leading=11, textColor="#444444", spaceAfter=3)
WIDTH = 174 * mm
ITEM_COLUMNS = (58 * mm, WIDTH - 58 * mm)
#: Column widths of each table, by its key; the hashes need the room.
TABLE_COLUMNS = {
    "earlier_versions": (14 * mm, 36 * mm, 84 * mm, 40 * mm),
    "signs": (26 * mm, 52 * mm, 22 * mm, 37 * mm, 37 * mm),
    "duties": (54 * mm, 24 * mm, 24 * mm, 26 * mm, 46 * mm),
    "entries": (16 * mm, 36 * mm, 40 * mm, 82 * mm),
}
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
                   ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                   ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
HEADED = TableStyle([*GRID.getCommands(), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])
MAPS_TO_LABEL = {"zh-Hans": "备案事项：", "en": "Filing item: "}


def dossier_pdf(document: dict) -> bytes:
    """Lay the dossier out on A4 pages, numbered in the footer with the site's code."""
    for key in ("latin", "latin-bold", "cjk"):
        pdf_font(key)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=document["title"], creator="signage", invariant=1)
    footer = _footer(f"{document['site']['code']} · {document['kind']} · {document['generated_at']}")
    doc.build(_story(document), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _story(document: dict) -> list:
    site = document["site"]
    name = site["site_name"] if not site["site_name_translated"] else f"{site['site_name_translated']} · {site['site_name']}"
    story = [_para(document["title"], H1, bold=True), _para(name, H2, bold=True),
             _para(f"{site['code']} · {document['generated_at']}", SMALL)]
    for section in document["sections"]:
        story.append(_para(section["title"], H2, bold=True))
        if section["maps_to"]:
            story.append(_para(MAPS_TO_LABEL[document["language"]] + section["maps_to"], MAPS_TO))
        if section["items"]:
            rows = [[_label(item), _cell(item["text"])] for item in section["items"]]
            story.append(Table(rows, colWidths=ITEM_COLUMNS, style=GRID))
        for table in section["tables"]:
            story += _table(table)
    return story


def _table(table: dict) -> list:
    header = [[_label(column) for column in table["columns"]]]
    rows = header + [[_cell(text, SMALL) for text in texts] for texts in table["texts"]]
    flowables = [Spacer(1, 2 * mm), Table(rows, colWidths=TABLE_COLUMNS.get(table["key"]), style=HEADED,
                                          repeatRows=1)]
    if table["more_text"]:
        flowables.append(_para(table["more_text"], SMALL))
    return flowables


def _label(item: dict) -> Paragraph:
    """The label in bold with our field name beside it, smaller and grey."""
    return Paragraph(f'{font_runs(item["label"], True)} <font size="6.5" color="#666666">'
                     f'{font_runs(item["field"], False)}</font>', SMALL)


def _cell(text: str, style: ParagraphStyle = BODY) -> list[Paragraph]:
    """A cell of text whose line breaks are kept (a signed checkpoint is one line per statement)."""
    return [_para(line, style) for line in str(text).split("\n")]


def _para(text, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    return paragraph(text, style, bold=bold)


def _footer(text: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(PDF_NAMES["latin"], 7)
        canvas.drawString(18 * mm, 9 * mm, f"{text} · {doc.page}")
        canvas.restoreState()
    return draw
