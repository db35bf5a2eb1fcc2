"""What a file attached as evidence is, judged by its content, never by its name or the type a client
claims. Pure.

A file counts only if a real decoder reads it whole (PDFium for a PDF, Pillow for an image) and nothing
follows its end: a photo with another file appended, or a PDF header on something else, is refused.
"""
import io
import unicodedata

from PIL import Image, UnidentifiedImageError
from pypdfium2 import PdfiumError

from signage.pdfium import pdf_document
from signage.rules.findings import N_

#: The largest file kept as evidence: a resized photo or a scanned receipt fits, and the request body stays
#: under the app's 2 MB limit even as base64 in the API's JSON.
EVIDENCE_MAX_BYTES = 1_400_000
#: The most pixels an image may have: a 50-megapixel photo decodes in about 150 MB; more is a bomb, not a photo.
EVIDENCE_MAX_PIXELS = 50_000_000
#: The images Pillow must be able to open for a file to count as one.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
#: Why a file is refused, in the words the form shows.
NOT_A_FILE_WE_KEEP = N_("Attach a PDF, PNG, JPEG or WebP file.")
NOT_WHOLE = N_("The file does not open as the PDF or image it starts as, or has other data after its end.")
TOO_MANY_PIXELS = N_("The image is larger than 50 megapixels: resize it.")
EMPTY = N_("The file is empty.")


def judge_evidence(content: bytes) -> tuple[str | None, str | None]:
    """Return the media type of a whole PDF, PNG, JPEG or WebP file and None, or None and why the file
    cannot be kept as evidence."""
    if not content:
        return None, EMPTY
    if len(content) > EVIDENCE_MAX_BYTES:
        return None, f"The file is larger than {EVIDENCE_MAX_BYTES // 1000:,} kB."
    return _judged(content)


def evidence_name(filename: str) -> str:
    """Return the name an uploaded file is shown with: its last path part (browsers and tools send
    C:\\fakepath\\… or a/b/…), without control or invisible characters, at most 200 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    return name[:200] or "evidence"


def _judged(content: bytes) -> tuple[str | None, str | None]:
    if content.startswith(b"%PDF-"):
        return ("application/pdf", None) if _whole_pdf(content) else (None, NOT_WHOLE)
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in IMAGE_TYPES:
                return None, NOT_A_FILE_WE_KEEP
            if width * height > EVIDENCE_MAX_PIXELS:
                return None, TOO_MANY_PIXELS
            image.load()  # decodes every pixel: a cut-off or corrupt image fails here
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return None, NOT_A_FILE_WE_KEEP
    except (OSError, SyntaxError, ValueError, EOFError):
        return None, NOT_WHOLE
    return (IMAGE_TYPES[kind], None) if _ends_where_it_should(kind, content) else (None, NOT_WHOLE)


def _whole_pdf(content: bytes) -> bool:
    """A PDF ends with %%EOF (then at most line ends) and PDFium opens it with at least one page; PDFium
    repairs broken cross-references, so the ending is checked apart."""
    if not content.rstrip(b"\r\n\x00 ").endswith(b"%%EOF"):
        return False
    try:
        with pdf_document(content) as document:
            return len(document) > 0
    except PdfiumError:
        return False


def _ends_where_it_should(kind: str, content: bytes) -> bool:
    """Nothing after the image's own end: PNG's IEND chunk, JPEG's end-of-image marker, WebP's RIFF size."""
    if kind == "PNG":
        return content.endswith(b"IEND\xaeB`\x82")
    if kind == "JPEG":
        return content.endswith(b"\xff\xd9")
    return len(content) >= 12 and int.from_bytes(content[4:8], "little") + 8 == len(content)
