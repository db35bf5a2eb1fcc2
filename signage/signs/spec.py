"""Describe a sign as plain data: paper sizes, QR minimums, the spec and its one error."""
from dataclasses import dataclass

#: paper sizes in mm, portrait (width, height)
SIZES = {"A5": (148, 210), "A4": (210, 297), "A3": (297, 420), "LETTER": (215.9, 279.4), "STICKER": (100, 100)}
#: minimum side of the QR symbol itself (no quiet zone) per size in mm; never below 20 (regulation §5.4)
QR_MIN_MM = {"A5": 50, "A4": 70, "A3": 100, "LETTER": 70, "STICKER": 30}


@dataclass(frozen=True)
class SignLine:
    """One element of regulation §5.2, already translated, one text per sign language."""

    key: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class SignSpec:
    """Everything a printed sign shows; the renderer lays it out and draws it, nothing more."""

    serial: str
    url: str
    size: str
    languages: tuple[str, ...]
    heading: tuple[str, ...]
    lines: tuple[SignLine, ...]
    qr_caption: tuple[str, ...]
    phone: str | None
    footer: str
    #: The URL as people read and type it, printed beside the QR code (the QR code itself encodes `url`).
    printed_url: str = ""
    #: Where the sign hangs and the site's name, for a pack's cover sheet.
    placement: str = ""
    site_name: str = ""


class TextTooLong(ValueError):
    """An element does not fit on the sign even at the minimum type size."""

    def __init__(self, field: str, size: str):
        self.field = field
        super().__init__(f"The {field!r} text does not fit on a {size} sign even at the smallest "
                         f"readable type size; shorten {field!r} or choose a larger size.")
