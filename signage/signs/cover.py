"""Lay out a sign pack's cover sheet on A4: which page hangs where, and the installation checklist."""
from signage.fonts import font_runs
from .typeset import INK, LEAD, PAPER, PT, Page, Text, page_grid
from .shapes import Shape, rect
from .wrap import wrap

#: Rows of the cover sheet's table per A4 page.
COVER_ROWS = 36


def cover_pages(rows: list[tuple[str, ...]], texts: dict, first_sign_page: int | None = None) -> list[Page]:
    """Lay out a pack's cover sheet on A4: a table of each sign's page, serial, site, placement and size,
    for the installer to hang each page at its place, then the installation checklist.

    rows hold (serial, site, placement, size); texts the title, the column names and the checklist, already
    in the reader's language. Pages are numbered as printed: the signs follow the cover.
    """
    g = page_grid("A4")
    width = g.right - g.left
    chunks = [rows[start:start + COVER_ROWS] for start in range(0, len(rows), COVER_ROWS)] or [[]]
    covers = len(chunks) + (1 if len(chunks[-1]) > COVER_ROWS - 12 else 0)  # the checklist needs room
    first = first_sign_page or covers + 1
    columns = (0.0, 0.09, 0.24, 0.55, 0.9)  # page, serial, site, placement, size: shares of the width
    pages, number = [], 0
    for index in range(covers):
        items, y = [Shape(rect(0, 0, g.width, g.height), PAPER)], g.margin + g.pad
        for lines, size, bold in ((wrap(texts["title"], 16, width / PT, True) or (texts["title"],), 16, True),):
            for line in lines:
                items.append(Text(g.left, y + 0.95 * size * PT, size, font_runs(line, bold), INK))
                y += size * LEAD * PT
        y += 0.5 * g.pad
        chunk = chunks[index] if index < len(chunks) else []
        if chunk:
            for share, name in zip(columns, texts["columns"]):
                items.append(Text(g.left + share * width, y + 0.95 * 9 * PT, 9, font_runs(name, True), INK))
            y += 9 * LEAD * PT
            items.append(Shape(rect(g.left, y, width, g.line / 3), INK))
            y += 0.3 * g.pad
        for row in chunk:
            cells = (str(first + number),) + tuple(row)
            for i, (share, cell) in enumerate(zip(columns, cells)):
                room = ((columns[i + 1] if i + 1 < len(columns) else 1.0) - share) * width / PT - 4
                shown = (wrap(cell, 9, room) or (cell,))[0]
                shown = shown if shown == cell else shown.rstrip() + "…"
                items.append(Text(g.left + share * width, y + 0.95 * 9 * PT, 9, font_runs(shown, False), INK))
            y += 9 * LEAD * PT * 1.25
            number += 1
        if index == covers - 1:
            y += g.pad
            items.append(Text(g.left, y + 0.95 * 12 * PT, 12, font_runs(texts["checklist_title"], True), INK))
            y += 12 * LEAD * PT + 0.3 * g.pad
            box = 10 * 0.7 * PT  # a tick box the installer marks, drawn: no font has to hold it
            for step in texts["checklist"]:
                items.append(Shape(rect(g.left, y + 0.2 * 10 * PT, box, box), None, INK, g.line / 2))
                for line in wrap(step, 10, width / PT - 10 * 1.5) or (step,):
                    items.append(Text(g.left + box * 1.8, y + 0.95 * 10 * PT, 10, font_runs(line, False), INK))
                    y += 10 * LEAD * PT
                y += 0.25 * g.pad
        pages.append(Page(g.width, g.height, texts["title"], tuple(items)))
    return pages
