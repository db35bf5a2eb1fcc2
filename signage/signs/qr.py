"""Encode a sign's short URL as a QR matrix and as row runs of dark modules."""
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white on every side (ISO/IEC 18004)
#: A sign's matrix is read by its layout and by its drawing; no two signs share a URL, so a pack of
#: thousands gains nothing from keeping more (each matrix is about 17 KB).
KEPT = 64


@lru_cache(maxsize=KEPT)
def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """Encode url at error correction M in the smallest version; True is a dark module, no quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(url)  # upper-case URLs use alphanumeric mode: fewer, larger modules
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


@lru_cache(maxsize=KEPT)
def qr_runs(url: str) -> tuple[tuple[int, int, int], ...]:
    """Return (row, first column, length) for every horizontal run of dark modules."""
    runs = []
    for r, row in enumerate(qr_matrix(url)):
        start = None
        for c, dark in enumerate(row + (False,)):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                runs.append((r, start, c - start))
                start = None
    return tuple(runs)
