"""An evidence file counts only if a real decoder reads it whole and nothing follows its end: judged by its
content with PDFium and Pillow, never by its name."""
import io

import pytest
from PIL import Image
from pypdf import PdfWriter

from signage.calendar.evidence import (EVIDENCE_MAX_BYTES, EVIDENCE_MAX_PIXELS, NOT_A_FILE_WE_KEEP, NOT_WHOLE,
                                       PDF_LOCKED, TOO_MANY_PIXELS, evidence_name, judge_evidence)


def image_bytes(kind: str, size=(16, 12), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(out, format=kind)
    return out.getvalue()


def a_pdf() -> bytes:
    """A one-page PDF as another program writes it (pypdf), like a scanned filing receipt."""
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("kind, media_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_a_whole_image_is_kept_with_the_type_its_content_shows(kind, media_type):
    assert judge_evidence(image_bytes(kind)) == (media_type, None)


def test_a_whole_pdf_is_kept():
    assert judge_evidence(a_pdf()) == ("application/pdf", None)


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_a_png_or_webp_with_another_file_appended_is_refused(kind):
    assert judge_evidence(image_bytes(kind) + b"PK\x03\x04 a zip hidden behind the picture") == (None, NOT_WHOLE)


def test_a_phone_jpeg_is_kept_with_what_phones_add():
    # Samsung phones write a trailer after the end-of-image marker; Ultra HDR and camera files are MPO
    assert judge_evidence(image_bytes("JPEG") + b"SEFH\x00\x00 Samsung trailer SEFT") == ("image/jpeg", None)
    assert judge_evidence(image_bytes("MPO")) == ("image/jpeg", None)
    progressive = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(progressive, format="JPEG", progressive=True)
    assert judge_evidence(progressive.getvalue()) == ("image/jpeg", None)


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_an_image_cut_short_is_refused(kind):
    whole = image_bytes(kind, size=(64, 64))
    assert judge_evidence(whole[: len(whole) * 2 // 3])[0] is None


def test_a_png_whose_pixels_were_altered_is_refused_by_its_checksum():
    damaged = bytearray(image_bytes("PNG", size=(64, 64)))
    damaged[damaged.find(b"IDAT") + 6] ^= 0xFF  # inside the pixel data; IEND still ends the file
    assert judge_evidence(bytes(damaged)) == (None, NOT_WHOLE)


def test_a_pdf_without_pages_or_behind_a_password_is_refused_saying_which():
    empty, locked = io.BytesIO(), io.BytesIO()
    PdfWriter().write(empty)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    writer.write(locked)
    assert judge_evidence(empty.getvalue())[0] is None
    assert judge_evidence(locked.getvalue()) == (None, PDF_LOCKED)


def test_a_pdf_header_on_something_else_is_refused():
    assert judge_evidence(b"%PDF-1.7\nnothing that PDFium reads\n%%EOF\n") == (None, NOT_WHOLE)
    assert judge_evidence(a_pdf()[:-200]) == (None, NOT_WHOLE)  # cut before its end


def test_text_a_gif_or_an_empty_file_is_refused_saying_what_is_kept():
    assert judge_evidence(b"MZ\x90\x00 an executable") == (None, NOT_A_FILE_WE_KEEP)
    assert judge_evidence(image_bytes("GIF")) == (None, NOT_A_FILE_WE_KEEP)
    assert judge_evidence(b"")[1] == "The file is empty."


def test_a_file_over_the_limit_is_refused_naming_the_limit():
    assert judge_evidence(b"\0" * (EVIDENCE_MAX_BYTES + 1)) == (None, "The file is larger than 1,400 kB.")


def test_an_image_of_more_pixels_than_a_photo_has_is_refused_before_it_is_decoded():
    side = int(EVIDENCE_MAX_PIXELS ** 0.5) + 10
    bomb = image_bytes("PNG", size=(side, side), mode="1")  # one colour: a few kB that decode to 50 megapixels
    assert len(bomb) < EVIDENCE_MAX_BYTES
    assert judge_evidence(bomb) == (None, TOO_MANY_PIXELS)
    beyond_pillow = image_bytes("PNG", size=(20_000, 20_000), mode="1")  # over Pillow's own bomb limit
    assert judge_evidence(beyond_pillow) == (None, TOO_MANY_PIXELS)


@pytest.mark.parametrize("sent, shown", [("north.png", "north.png"), ("C:\\fakepath\\north.png", "north.png"),
                                         ("../../etc/north.png", "north.png"), ("north\u202e.png", "north.png"),
                                         ("\x00\x07", "evidence"), ("n" * 300, "n" * 200)])
def test_an_uploaded_file_is_shown_by_its_own_name_only(sent, shown):
    assert evidence_name(sent) == shown
