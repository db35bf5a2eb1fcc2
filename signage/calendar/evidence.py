"""What a file attached as evidence is, judged by its content, never by its name or the type a client
claims. Pure.

A file counts if a real decoder opens it as what it starts as: PDFium a PDF with at least one page, Pillow
every pixel of an image (a PNG's checksums too). A PNG or WebP must also end where its format says it ends,
as every encoder writes them; a JPEG may carry data after its end, as Samsung phones and motion photos
add. This refuses files that are not what they claim or were cut short; it does not prove a file hides
nothing (a PDF or a JPEG has room for more), which the audit log's SHA-256 of the stored bytes makes moot.
"""
import io
import threading
import unicodedata

from PIL import Image, UnidentifiedImageError
from pypdfium2 import PdfiumError

from signage.pdfium import pdf_document
from signage.rules.findings import N_

#: The largest file kept as evidence: a resized photo or a scanned receipt fits, and the request body stays
#: under the app's 2 MB limit even as base64 in the API's JSON.
EVIDENCE_MAX_BYTES = 1_400_000
#: The most pixels an image may have: a 50-megapixel photo; more is a bomb, not a photo.
EVIDENCE_MAX_PIXELS = 50_000_000
#: The images Pillow must be able to open for a file to count as one; MPO is the JPEG of phones that add a
#: gain map or of cameras that add a preview (Multi-Picture Format), a JPEG to every viewer.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp"}
#: Images decoded at once: a 50-megapixel PNG takes 200 MB while it is checked, and a worker runs threads.
_DECODING = threading.BoundedSemaphore(2)
#: Why a file is refused, in the words the form shows.
NOT_A_FILE_WE_KEEP = N_("Attach a PDF, PNG, JPEG or WebP file.")
NOT_WHOLE = N_("The file does not open as the PDF or image it starts as, or has other data after its end.")
TOO_MANY_PIXELS = N_("The image is larger than 50 megapixels: resize it.")
PDF_LOCKED = N_("The PDF is protected by a password: attach a copy that opens without one.")
PDF_EMPTY = N_("The PDF has no pages.")
EMPTY = N_("The file is empty.")


def judge_evidence(content: bytes) -> tuple[str | None, str | None]:
    """Return the media type of a PDF, PNG, JPEG or WebP file and None, or None and why the file cannot be
    kept as evidence."""
    if not content:
        return None, EMPTY
    if len(content) > EVIDENCE_MAX_BYTES:
        return None, f"The file is larger than {EVIDENCE_MAX_BYTES // 1000:,} kB."
    if content.startswith(b"%PDF-"):
        problem = _pdf_problem(content)
        return (None, problem) if problem else ("application/pdf", None)
    return _judged_image(content)


def evidence_name(filename: str) -> str:
    """Return the name an uploaded file is shown with: its last path part (browsers and tools send
    C:\\fakepath\\… or a/b/…), without control or invisible characters, at most 200 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    return name[:200] or "evidence"


def _judged_image(content: bytes) -> tuple[str | None, str | None]:
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in IMAGE_TYPES:
                return None, NOT_A_FILE_WE_KEEP
            if width * height > EVIDENCE_MAX_PIXELS:
                return None, TOO_MANY_PIXELS
            if kind == "PNG":
                image.verify()  # every chunk's CRC; a verified image must be opened again to decode it
        with _DECODING, Image.open(io.BytesIO(content)) as image:
            if kind in ("JPEG", "MPO"):
                image.draft(image.mode, (width // 8, height // 8))  # every block decoded, at an eighth of the size
            image.load()  # a cut-off or corrupt image fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # over Pillow's own limit, far above ours (a warning is an error where warnings are, as in tests)
        return None, TOO_MANY_PIXELS
    except UnidentifiedImageError:
        return None, NOT_A_FILE_WE_KEEP
    except (OSError, SyntaxError, ValueError, EOFError):
        return None, NOT_WHOLE
    return (IMAGE_TYPES[kind], None) if _ends_where_it_should(kind, content) else (None, NOT_WHOLE)


def _pdf_problem(content: bytes) -> str | None:
    """A PDF ends with %%EOF (then at most line ends) and PDFium opens it with at least one page; PDFium
    repairs broken cross-references, so the ending is checked apart."""
    if not content.rstrip(b"\r\n\x00 ").endswith(b"%%EOF"):
        return NOT_WHOLE
    try:
        with pdf_document(content) as document:
            return None if len(document) > 0 else PDF_EMPTY
    except PdfiumError:
        # PDFium answers a password error for a PDF without pages too: the trailer's /Encrypt tells them apart
        return PDF_LOCKED if b"/Encrypt" in content else NOT_WHOLE


def _ends_where_it_should(kind: str, content: bytes) -> bool:
    """Nothing after a PNG's IEND chunk or beyond a WebP's RIFF size; a JPEG's end is not checked."""
    if kind == "PNG":
        return content.endswith(b"IEND\xaeB`\x82")
    if kind == "WEBP":
        return len(content) >= 12 and int.from_bytes(content[4:8], "little") + 8 == len(content)
    return True
