"""Signed written releases (BIPA 15(b)(3)): checked by their content, kept outside the database under their
SHA-256, which the consent record holds as its evidence."""
import hashlib
import io
import os
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from PIL import Image, UnidentifiedImageError

from signage.audit.services import append_entry
from signage.errors import InvalidInput

#: The largest release accepted: a scanned page or a phone photo of one.
RELEASE_MAX = 5 * 1024 * 1024
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}
NOT_A_RELEASE = "Send the signed release as a PDF, PNG or JPEG file of at most 5 MB."


def release_kind(data: bytes) -> str | None:
    """Return pdf, png or jpeg when the bytes are such a file, by their content and never their name."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()  # the whole file parses, not only its first bytes
                return {"PNG": "png", "JPEG": "jpeg"}.get(image.format)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
    return None


class StoredRelease(NamedTuple):
    """A kept release: its SHA-256 (the consent's evidence), where it is, and whether this call wrote it."""

    sha256: str
    path: Path
    created: bool


def store_release(site, data: bytes, *, by, now: datetime, directory: Path) -> StoredRelease:
    """Keep a signed release for a site's consent and log it, in the caller's transaction."""
    kind = release_kind(data) if len(data) <= RELEASE_MAX else None
    if kind is None:
        raise InvalidInput(NOT_A_RELEASE, errors={"release": [NOT_A_RELEASE]})
    sha256 = hashlib.sha256(data).hexdigest()
    path = release_path(directory, site.organisation_id, sha256)
    created = path is None
    if created:
        folder = Path(directory) / str(site.organisation_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{sha256}.{EXTENSIONS[kind]}"
        draft = folder / f".{sha256}.{os.getpid()}"
        draft.write_bytes(data)
        draft.chmod(0o600)
        os.replace(draft, path)
    append_entry("consent.release_stored", actor=by, subject=site, now=now,
                 changes={"sha256": [None, sha256], "kind": [None, kind], "bytes": [None, len(data)]})
    return StoredRelease(sha256, path, created)


def release_path(directory: Path, organisation_id: int, sha256: str) -> Path | None:
    """Return where the organisation's release with this hash is kept, or None when it has none."""
    folder = Path(directory) / str(organisation_id)
    for extension in EXTENSIONS.values():
        path = folder / f"{sha256}.{extension}"
        if path.is_file():
            return path
    return None
