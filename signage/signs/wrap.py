"""Break text into lines: Latin at spaces, CJK between any two characters."""
import unicodedata
from functools import lru_cache

from signage.fonts import em_width

# kinsoku: these never start a line / never end one
_NO_START = set("，。、；：？！）》」』】〉〕…‥・ー々,.;:?!)]}%”’")
_NO_END = set("（《「『【〈〔([{“‘")
_URL_BREAKS = set("/.")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _breakable(prev: str, ch: str, url: bool) -> bool:
    if ch in _NO_START or prev in _NO_END:
        return False
    return _wide(prev) or _wide(ch) or (url and prev in _URL_BREAKS)


@lru_cache(maxsize=4096)
def tokens(text: str, url: bool = False) -> tuple[tuple[str, bool], ...]:
    """Split text into unbreakable pieces, each with whether a space precedes it."""
    out: list[list] = []
    space = False
    for ch in text:
        if ch.isspace():
            space = bool(out)
        elif out and not space and not _breakable(out[-1][0][-1], ch, url):
            out[-1][0] += ch
        else:
            out.append([ch, space])
            space = False
    return tuple((piece, gap) for piece, gap in out)


@lru_cache(maxsize=16384)
def wrap(text: str, size: float, width: float, bold: bool = False, url: bool = False) -> tuple[str, ...] | None:
    """Return the lines of text set at size pt within width pt, or None if a piece alone is wider."""
    space = em_width(" ", bold) * size
    lines: list[str] = []
    line, used = "", 0.0
    for piece, gap in tokens(text, url):
        w = em_width(piece, bold) * size
        if w > width:
            return None
        extra = space if gap and line else 0.0
        if line and used + extra + w > width:
            lines.append(line)
            line, used = piece, w
        else:
            line, used = line + (" " if extra else "") + piece, used + extra + w
    return tuple(lines + [line]) if line else ()
