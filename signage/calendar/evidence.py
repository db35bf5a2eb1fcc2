"""What a file attached as evidence is, judged by its content, never by its name or the type a client
claims. Pure."""
import io

from PIL import Image, UnidentifiedImageError

#: The largest file kept as evidence: a resized photo or a scanned receipt fits, and the request body stays
#: under the app's 2 MB limit even as base64 in the API's JSON.
EVIDENCE_MAX_BYTES = 1_400_000
#: The images Pillow must be able to open for a file to count as one.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def evidence_media_type(content: bytes) -> str | None:
    """Return the media type of a PDF, PNG, JPEG or WebP file that is what it starts as, else None."""
    if content.startswith(b"%PDF-"):
        # a whole PDF ends with %%EOF (followed by at most a line end or two)
        return "application/pdf" if b"%%EOF" in content[-1024:] else None
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    return IMAGE_TYPES.get(kind)


def evidence_problem(content: bytes) -> str | None:
    """Return why a file cannot be kept as evidence, or None when it can."""
    if not content:
        return "The file is empty."
    if len(content) > EVIDENCE_MAX_BYTES:
        return f"The file is larger than {EVIDENCE_MAX_BYTES // 1000:,} kB."
    if evidence_media_type(content) is None:
        return "Attach a PDF, PNG, JPEG or WebP file."
    return None
