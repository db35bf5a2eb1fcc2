"""Pick a sign font for every character, then measure, register and outline the text."""
import io
from functools import cache, lru_cache
from pathlib import Path

import reportlab
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont as OutlineFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_BUNDLED = Path(reportlab.__file__).parent / "fonts"
_OURS = Path(__file__).parent / "fonts"
#: Vera covers Latin-1; Droid Sans Fallback covers CJK but has no Latin letters
FONT_FILES = {
    "latin": _BUNDLED / "Vera.ttf",
    "latin-bold": _BUNDLED / "VeraBd.ttf",
    "cjk": _OURS / "DroidSansFallbackFull.ttf",
}
#: the CJK font has one weight; "cjk-bold" is the same font drawn with a thin outline stroke
FAKE_BOLD = {"cjk-bold": "cjk"}
BOLD_STROKE = 0.045  # em; stroke width that makes the CJK weight match Vera Bold
PDF_NAMES = {"latin": "SignageVera", "latin-bold": "SignageVeraBd", "cjk": "SignageDroidFallback",
             "cjk-bold": "SignageDroidFallback"}


@cache
def pdf_font(key: str) -> TTFont:
    """Parse and register one sign font with reportlab, once per process."""
    if key in FAKE_BOLD:
        return pdf_font(FAKE_BOLD[key])
    font = TTFont(PDF_NAMES[key], str(FONT_FILES[key]))
    pdfmetrics.registerFont(font)
    return font


@cache
def _charset(key: str) -> frozenset[int]:
    return frozenset(pdf_font(key).face.charToGlyph)


def font_key(ch: str, bold: bool) -> str:
    """Return the font that draws `ch`: Vera when it has the glyph, else the CJK font."""
    if ord(ch) in _charset("latin"):
        return "latin-bold" if bold else "latin"
    if ord(ch) in _charset("cjk"):
        return "cjk-bold" if bold else "cjk"
    raise ValueError(f"The character {ch!r} (U+{ord(ch):04X}) is in neither sign font; "
                     "replace it with a character the sign fonts can print.")


@lru_cache(maxsize=8192)
def font_runs(text: str, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """Split text into runs of (font key, text) so every character gets a real glyph."""
    runs: list[list[str]] = []
    for ch in text:
        key = font_key(ch, bold)
        if runs and runs[-1][0] == key:
            runs[-1][1] += ch
        else:
            runs.append([key, ch])
    return tuple((key, part) for key, part in runs)


@lru_cache(maxsize=16384)
def em_width(text: str, bold: bool = False) -> float:
    """Return the advance width of text set at 1 pt, in pt."""
    return sum(pdf_font(key).stringWidth(part, 1.0) for key, part in font_runs(text, bold))


@cache
def _outline_font(key: str) -> OutlineFont:
    # lazy: the CJK font's glyf table is 4 MB, and a sign outlines a few hundred glyphs
    if key in FAKE_BOLD:
        return _outline_font(FAKE_BOLD[key])
    return OutlineFont(io.BytesIO(FONT_FILES[key].read_bytes()), lazy=True)  # no file left open


@cache
def units_per_em(key: str) -> int:
    """Return the font's design units per em, the scale of its glyph outlines."""
    return _outline_font(key)["head"].unitsPerEm


@cache
def _cmap(key: str) -> dict[int, str]:
    return _outline_font(FAKE_BOLD.get(key, key)).getBestCmap()


@lru_cache(maxsize=8192)
def glyph(key: str, ch: str) -> tuple[str, str, int]:
    """Return (glyph name, SVG path data in font units with y up, advance in font units)."""
    font = _outline_font(key)
    name = _cmap(key)[ord(ch)]
    glyphs = font.getGlyphSet()
    pen = SVGPathPen(glyphs)
    glyphs[name].draw(pen)
    return name, pen.getCommands(), font["hmtx"][name][0]
