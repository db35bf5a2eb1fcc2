"""The fonts that print signs and notices: which one draws each character, and whether any can.

Noto Sans (SIL OFL, from the pinned pymupdf-fonts package) draws Latin, Greek and Cyrillic; Droid Sans
Fallback (Apache 2.0, in font_files/) draws CJK. Both have TrueType outlines, so reportlab embeds
subsets and fontTools outlines glyphs for SVG. Text that neither font covers is refused on input
(`unprintable`), so no renderer ever substitutes a stand-in.
"""
import importlib
import io
import itertools
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont as OutlineFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_OURS = Path(__file__).parent / "font_files"
#: Where each font's bytes come from: a module of pymupdf-fonts, or a file of ours.
FONT_SOURCES = {
    "latin": "pymupdf_fonts.NotoSans_Regular",
    "latin-bold": "pymupdf_fonts.NotoSans_Bold",
    "cjk": _OURS / "DroidSansFallbackFull.ttf",
}
#: the CJK font has one weight; "cjk-bold" is the same font drawn with a thin outline stroke
FAKE_BOLD = {"cjk-bold": "cjk"}
BOLD_STROKE = 0.045  # em; stroke width that makes the CJK weight match Noto Sans Bold
PDF_NAMES = {"latin": "SignageNotoSans", "latin-bold": "SignageNotoSansBold", "cjk": "SignageDroidFallback",
             "cjk-bold": "SignageDroidFallback"}
#: Whitespace that text may carry; renderers collapse it into spaces.
ALLOWED_CONTROLS = frozenset("\t\n\r")
#: Unicode categories that have no business on a printed sign: controls, invisible format
#: characters (zero-width spaces and joiners, bidi overrides, byte-order marks), private use,
#: surrogates and unassigned code points.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


@cache
def font_bytes(key: str) -> bytes:
    """Return one font file's bytes, read once per process."""
    source = FONT_SOURCES[FAKE_BOLD.get(key, key)]
    if isinstance(source, Path):
        return source.read_bytes()
    # pymupdf-fonts keeps each font in its own module, decompressed at import: load only the ones drawn
    return bytes(importlib.import_module(source).fontbuffer)


@cache
def pdf_font(key: str) -> TTFont:
    """Parse and register one sign font with reportlab, once per process."""
    if key in FAKE_BOLD:
        return pdf_font(FAKE_BOLD[key])
    font = TTFont(PDF_NAMES[key], io.BytesIO(font_bytes(key)))
    pdfmetrics.registerFont(font)
    return font


@cache
def _charset(key: str) -> frozenset[int]:
    return frozenset(_cmap(FAKE_BOLD.get(key, key)))


def font_key(ch: str, bold: bool) -> str:
    """Return the font that draws `ch`: Noto Sans when it has the glyph, else the CJK font."""
    if ord(ch) in _charset("latin"):
        return "latin-bold" if bold else "latin"
    if ord(ch) in _charset("cjk"):
        return "cjk-bold" if bold else "cjk"
    raise ValueError(f"U+{ord(ch):04X} is in neither sign font")


def printable_form(text: str) -> str:
    """Return text in the form it is stored and printed: NFC, so accents combine into one character."""
    return unicodedata.normalize("NFC", text)


def unprintable(text: str) -> str | None:
    """Say why text cannot be printed, naming the first offending character, or return None."""
    allowed = printable_characters()
    for ch in text:
        if ch in allowed:
            continue
        name = f"U+{ord(ch):04X}"
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            return f"Contains {name}, an invisible or control character; remove it."
        return (f"Contains {name} ({ch}), which signs and printed notices cannot show: use Latin, Greek, "
                "Cyrillic or Chinese characters.")
    return None


@cache
def printable_characters() -> frozenset[str]:
    """Return every character text may hold: drawn by a sign font, or whitespace, and never a control,
    an invisible format character or a code point outside the Basic Multilingual Plane."""
    drawn = (chr(code) for code in _charset("latin") | _charset("cjk") if code <= 0xFFFF)
    spaces = (chr(code) for code in range(0x10000) if chr(code).isspace())
    return frozenset(ch for ch in itertools.chain(drawn, spaces)
                     if unicodedata.category(ch) not in REFUSED_CATEGORIES) | ALLOWED_CONTROLS


def _class(characters: frozenset[str]) -> str:
    """Return a regular-expression character class of exactly these characters, as ranges."""
    runs: list[list[int]] = []
    for code in sorted(map(ord, characters)):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs) + "]"


def _pattern(characters: frozenset[str]) -> str:
    """Return a JSON Schema pattern that matches exactly the strings made of these characters."""
    return f"^{_class(characters)}*$"


def printable_pattern(*, visible: bool = False) -> str:
    """Return the JSON Schema pattern of printable text, for the OpenAPI document; with visible, of printable
    text with at least one character that is not whitespace (for fields stripped before they are checked)."""
    characters = printable_characters()
    if not visible:
        return _pattern(characters)
    spaces = frozenset(ch for ch in characters if ch.isspace() or not ch.strip())
    return f"^{_class(spaces)}*{_class(characters - spaces)}{_class(characters)}*$"


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
    return OutlineFont(io.BytesIO(font_bytes(FAKE_BOLD.get(key, key))), lazy=True)


@cache
def units_per_em(key: str) -> int:
    """Return the font's design units per em, the scale of its glyph outlines."""
    return _outline_font(key)["head"].unitsPerEm


@cache
def _cmap(key: str) -> dict[int, str]:
    return _outline_font(key).getBestCmap()


@lru_cache(maxsize=8192)
def glyph(key: str, ch: str) -> tuple[str, str, int]:
    """Return (glyph name, SVG path data in font units with y up, advance in font units)."""
    font = _outline_font(key)
    name = _cmap(key)[ord(ch)]
    glyphs = font.getGlyphSet()
    pen = SVGPathPen(glyphs)
    glyphs[name].draw(pen)
    return name, pen.getCommands(), font["hmtx"][name][0]
