"""Typesetting for signs and cover sheets, in mm: the page grid of each size, type sizes and scales, text
wrapped per language into lines, and the display list's items (texts, the QR symbol, the page)."""
from dataclasses import dataclass

from signage.fonts import font_runs
from .spec import SIZES
from .wrap import wrap

PT = 25.4 / 72  # mm per point
LEAD = 1.22
FLOOR_PT = 7.0  # no text is set smaller than this, not even on the sticker
#: The printed URL alone may go a little below the floor rather than split across lines: it is typed from,
#: read close up beside the QR code, which is what most people use.
URL_FLOOR_PT = 5.5
SECOND = 0.78  # size of the second and later languages relative to the first
SCALES = (1.3, 1.2, 1.1, 1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.64, 0.6)
SHRINK = SCALES[SCALES.index(1.0):]  # heading, QR panel and footer never grow
INK, PAPER, BAND, SOFT, RULE = "#000000", "#FFFFFF", "#FFD100", "#1F1F1F", "#8A8A8A"


@dataclass(frozen=True)
class Text:
    """One line of text; (x, y) is the baseline start in mm from the top-left, size in pt."""

    x: float
    y: float
    size: float
    runs: tuple[tuple[str, str], ...]  # (font key, text)
    color: str


@dataclass(frozen=True)
class QRSymbol:
    """The QR symbol; (x, y) is the top-left of its first module in mm, quiet zone outside it."""

    x: float
    y: float
    module: float
    url: str


@dataclass(frozen=True)
class Page:
    """A laid-out sign: page size in mm and the items to draw in order."""

    width: float
    height: float
    title: str
    items: tuple
    #: Elements left to the full notice because the body did not fit at the minimum sizes.
    moved: tuple[str, ...] = ()
    #: The body's type sizes in pt: first language, second language.
    body_pt: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class Grid:
    width: float
    height: float
    margin: float
    pad: float
    line: float
    body: float  # normal size of the first language's element text, pt

    @property
    def left(self) -> float:
        return self.margin + self.pad

    @property
    def right(self) -> float:
        return self.width - self.margin - self.pad


def page_grid(size: str) -> Grid:
    w, h = SIZES[size]
    margin = min(max(0.035 * w, 3.5), 10)
    return Grid(w, h, margin, 0.035 * w, max(0.005 * w, 0.45), max(0.075 * w, 10))


def set_size(base: float, scale: float) -> float:
    return max(base * scale, min(base, FLOOR_PT))


def wrapped(texts, sizes, width: float, bold=(True, False), url: bool = False):
    """Wrap each language's text within width mm; None when a word is wider than the line.

    The first language is set at sizes[0] in weight bold[0], the others at sizes[1], bold[1].
    """
    out = []
    for i, text in enumerate(texts):
        size, bold_ = (sizes[0], bold[0]) if i == 0 else (sizes[1], bold[1])
        lines = wrap(text, size, width / PT, bold_, url)
        if lines is None:
            return None
        out.append((lines, size, bold_, INK if i == 0 else SOFT))
    return tuple(out)


def height_of(parts) -> float:
    return sum(len(lines) * size * LEAD * PT for lines, size, _, _ in parts)


def text_items(parts, x: float, y: float) -> list[Text]:
    items = []
    for lines, size, bold, color in parts:
        for line in lines:
            items.append(Text(x, y + 0.95 * size * PT, size, font_runs(line, bold), color))
            y += size * LEAD * PT
    return items


def largest_fitting(build, avail: float, scales=SHRINK):
    """Return build(scale) for the largest scale whose (height, ...) fits avail, else None."""
    for scale in scales:
        found = build(scale)
        if found is not None and found[0] <= avail + 1e-6:
            return found
    return None


def culprit(named) -> str:
    """Name the element to shorten: one with an unbreakable word, else the tallest."""
    for key, parts in named:
        if parts is None:
            return key
    return max(named, key=lambda kp: height_of(kp[1]))[0]
