"""The sign renderer, checked with real decoders: pdfium, resvg, pypdf, fontTools and zxing-cpp."""
import dataclasses
import io
import math
import re

import pypdfium2
import pytest
import resvg_py
import zxingcpp
from fontTools.ttLib import TTFont
from PIL import Image, ImageFilter
from pypdf import PdfReader
from pypdf.generic import ContentStream

from signage.fonts import FONT_SOURCES, font_bytes
from helpers import pdf_text
from signage.signs.layout import layout
from signage.signs.render import (
    QR_MIN_MM, SIZES, SignLine, SignSpec, TextTooLong, pack_pdf, qr_matrix, sign_pdf, sign_png, sign_svg)

URL = "HTTPS://SIGNAGE.EXAMPLE/S/S7K2Q9"
OPERATOR = ("运营方：上海示例物业管理有限公司", "Operator: Shanghai Example Property Management Co., Ltd.")
PURPOSE = ("用途：大楼门禁与访客登记", "Purpose: building access control and visitor registration")
LINES = (
    SignLine("operator", OPERATOR),
    SignLine("purpose", PURPOSE),
    SignLine("legal_basis", ("法律依据：取得您的单独同意", "Legal basis: your separate consent")),
    SignLine("capture_area", ("摄像头覆盖大堂和电梯", "Cameras cover the lobby and lifts")),
    SignLine("retention", ("不录制视频；人脸特征保存 30 天", "No video is recorded; face templates are kept for 30 days")),
    SignLine("alternative", ("不愿使用？请刷卡或联系前台", "Prefer not to? Use your card or ask staff")),
    SignLine("rights", ("您有权查阅、更正和删除您的数据", "You may access, correct and delete your data")),
    SignLine("disclosure", ("本系统不识别情绪，也不对人分类", "This system does not detect emotions or categorise people")),
)
STICKER_LINES = ("operator", "purpose", "rights")
PDF_FONT_FILES = {"DroidSansFallback": "cjk", "NotoSans-Bold": "latin-bold", "NotoSans-Regular": "latin"}


def make_spec(size: str = "A4", **overrides) -> SignSpec:
    lines = LINES if size != "STICKER" else tuple(l for l in LINES if l.key in STICKER_LINES)
    fields = dict(serial="S7K2Q9", url=URL, size=size, languages=("zh-Hans", "en"),
                  heading=("人脸识别使用中", "Facial recognition in use"), lines=lines,
                  qr_caption=("扫码查看完整告知", "Scan for the full notice"), phone="+86 21 5555 0100",
                  footer="Sign S7K2Q9 · Notice v3 (2026-11-01) · Printed 2026-11-26")
    return SignSpec(**{**fields, **overrides})


def pdf_image(data: bytes, dpi: float, page: int = 0) -> Image.Image:
    document = pypdfium2.PdfDocument(data)
    try:
        return document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def decode_qr(image: Image.Image):
    found = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, "exactly one QR code on the sign"
    return found[0]


def raster(spec: SignSpec, fmt: str, dpi: float) -> Image.Image:
    if fmt == "pdf":
        return pdf_image(sign_pdf(spec), dpi)
    if fmt == "svg":
        return Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=sign_svg(spec), dpi=dpi))))
    image = Image.open(io.BytesIO(sign_png(spec, dpi=int(dpi))))
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)  # pHYs stores pixels per metre
    return image


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("fmt", ["pdf", "svg", "png"])
def test_every_size_and_format_scans_to_the_short_url(size, fmt):
    image = raster(make_spec(size), fmt, 150 if size != "STICKER" else 300)
    w_mm, h_mm = SIZES[size]
    assert image.height / image.width == pytest.approx(h_mm / w_mm, rel=0.01)
    assert decode_qr(image).text == URL


def test_png_defaults_to_300_dpi_on_the_full_page():
    image = Image.open(io.BytesIO(sign_png(make_spec("STICKER"))))
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.05)
    assert image.size[0] == image.size[1] == pytest.approx(100 / 25.4 * 300, abs=1)


def test_svg_is_standalone_in_mm_with_text_as_outlines():
    svg = sign_svg(make_spec())
    head = svg[:300]
    assert 'width="210mm"' in head and 'height="297mm"' in head and 'viewBox="0 0 210 297"' in head
    assert "<text" not in svg and "font-family" not in svg and "<image" not in svg
    assert 'aria-label="Operator: Shanghai Example Property Management Co., Ltd."' in svg


def test_pdf_text_has_operator_purpose_url_and_chinese():
    text = squeeze(pdf_text(sign_pdf(make_spec())))
    for expected in (*OPERATOR, *PURPOSE, URL, "人脸识别使用中", "+86 21 5555 0100"):
        assert squeeze(expected) in text


def _to_unicode(font) -> dict[int, int]:
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    return {int(code, 16): int(uni, 16) for code, uni in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]{4,})>", data)}


@pytest.fixture(scope="module")
def originals():
    return {key: TTFont(io.BytesIO(font_bytes(key))) for key in FONT_SOURCES}


def _codes_drawn(reader: PdfReader, page) -> dict[str, set[int]]:
    """Read the page's content stream: which character codes each font really draws."""
    drawn: dict[str, set[int]] = {}
    font = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            font = operands[0]
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else operands
            for s in strings:
                if isinstance(s, (bytes, str)):  # pypdf decodes strings; the codes are the raw bytes
                    drawn.setdefault(font, set()).update(s if isinstance(s, bytes) else s.get_original_bytes())
    return drawn


def test_every_pdf_font_is_an_embedded_subset_with_the_real_glyphs(originals):
    reader = PdfReader(io.BytesIO(sign_pdf(make_spec())))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    drawn = _codes_drawn(reader, page)
    assert set(drawn) == set(fonts) and len(fonts) == 3
    for name, ref in fonts.items():
        font = ref.get_object()
        assert font["/Subtype"] == "/TrueType"
        subset = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
        original = originals[PDF_FONT_FILES[font["/BaseFont"].split("+", 1)[1]]]
        to_unicode = _to_unicode(font)
        _assert_same_glyphs(subset, original, {code: to_unicode.get(code, 0) for code in drawn[name]})


def _assert_same_glyphs(subset: TTFont, original: TTFont, to_unicode: dict[int, int]) -> None:
    """Every code the PDF uses draws the original font's glyph for its character, never .notdef."""
    codes, cmap = subset["cmap"].getcmap(1, 0).cmap, original.getBestCmap()  # reportlab: code -> glyph
    assert to_unicode
    for code, uni in to_unicode.items():
        assert uni, f"code {code} draws no character"
        assert uni in cmap, f"U+{uni:04X} missing from {original['name'].getDebugName(4)}"
        mine, theirs = subset["glyf"][codes[code]], original["glyf"][cmap[uni]]
        assert codes[code] != ".notdef"
        assert list(mine.getCoordinates(subset["glyf"])[0]) == list(theirs.getCoordinates(original["glyf"])[0])


def test_a_character_in_neither_font_is_refused_by_name():
    spec = make_spec(phone="☎ +86 21 5555 0100")
    with pytest.raises(ValueError, match="U\\+260E"):
        sign_pdf(spec)


def test_small_blurred_rotated_jpeg_of_an_a4_sign_still_scans():
    spec = make_spec()
    module_mm = _qr_side_mm(spec) / len(qr_matrix(URL))
    dpi = 2.9 * 25.4 / module_mm  # under 3 pixels per module
    image = pdf_image(sign_pdf(spec), dpi).convert("L")
    image = image.rotate(7, resample=Image.BICUBIC, expand=True, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(0.7))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    assert decode_qr(Image.open(buffer)).text == URL


def _qr_side_mm(spec: SignSpec, dpi: float = 300) -> float:
    barcode = decode_qr(pdf_image(sign_pdf(spec), dpi))
    p = barcode.position
    return (p.top_right.x - p.top_left.x + 1) / dpi * 25.4


@pytest.mark.parametrize("size", sorted(SIZES))
def test_qr_is_at_least_the_minimum_size_with_a_four_module_quiet_zone(size):
    spec, dpi = make_spec(size), 200
    image = pdf_image(sign_pdf(spec), dpi).convert("L")
    p = decode_qr(image).position
    left, top, right, bottom = p.top_left.x, p.top_left.y, p.bottom_right.x + 1, p.bottom_right.y + 1
    side_mm = (right - left) / dpi * 25.4
    assert side_mm >= max(QR_MIN_MM[size], 20)
    quiet = math.floor(4 * (right - left) / len(qr_matrix(URL))) - 1  # 1 px of anti-aliasing
    ring = [(left - quiet, top - quiet, right + quiet, top - 1), (left - quiet, bottom + 1, right + quiet, bottom + quiet),
            (left - quiet, top, left - 1, bottom), (right + 1, top, right + quiet, bottom)]
    for box in ring:
        assert image.crop(box).getextrema()[0] >= 250, f"dark pixels in the quiet zone {box}"
    assert image.crop((left, top, right, bottom)).getextrema()[0] == 0


def test_absurdly_long_element_names_its_key():
    spec = make_spec(lines=(SignLine("purpose", ("用途。" * 400, "Purpose. " * 400)),) + LINES[1:3])
    with pytest.raises(TextTooLong) as caught:
        sign_pdf(spec)
    assert caught.value.field == "purpose"
    assert "purpose" in str(caught.value)


def test_what_does_not_fit_at_the_minimum_sizes_moves_to_the_notice_instead_of_shrinking():
    long_retention = SignLine("retention", ("保存三十天。" * 150, "Kept 30 days. " * 150))
    page = layout(make_spec(lines=LINES[:3] + (long_retention,)))
    assert page.moved == ("retention",) and page.body_pt[0] >= 12 and page.body_pt[1] >= 9
    text = pdf_text(sign_pdf(make_spec(lines=LINES[:3] + (long_retention,))))
    assert "Kept 30 days." not in text and all(line.texts[1].split()[0] in text for line in LINES[:3])


@pytest.mark.parametrize("size, first, second", [("A4", 12, 9), ("A3", 12 * 297 / 210, 9 * 297 / 210),
                                                  ("STICKER", 7, 7)])
def test_the_body_never_goes_below_its_size_minimums_and_the_a4_headline_is_28_pt(size, first, second):
    page = layout(make_spec(size=size))
    assert page.body_pt[0] >= first - 1e-6 and page.body_pt[1] >= second - 1e-6
    if size == "A4":
        assert max(item.size for item in page.items if hasattr(item, "runs")) >= 28


def test_absurdly_long_heading_is_named():
    with pytest.raises(TextTooLong) as caught:
        sign_svg(make_spec(heading=("人脸识别使用中" * 30, "Facial recognition in use " * 30)))
    assert caught.value.field == "heading"


def test_long_but_reasonable_text_wraps_and_is_all_printed():
    purpose = ("用途：为保障住户安全，本大楼在各入口使用人脸识别进行门禁管理和访客登记；"
               "系统仅在您经过闸机时比对已登记住户和已预约访客的人脸特征，不用于任何其他目的。",
               "Purpose: to keep residents safe, this building uses facial recognition at every entrance "
               "for access control and visitor registration; the system compares faces only with enrolled "
               "residents and pre-registered visitors as you pass the gates, and for no other purpose.")
    spec = make_spec(lines=(LINES[0], SignLine("purpose", purpose)) + LINES[2:])
    for size in ("A4", "A5"):
        text = squeeze(pdf_text(sign_pdf(dataclasses.replace(spec, size=size))))
        assert squeeze(purpose[0]) in text and squeeze(purpose[1]) in text


def test_pack_has_one_page_per_sign_at_its_own_size_and_reports_progress():
    sizes = ("A4", "A3", "STICKER")
    seen = []
    data = pack_pdf((make_spec(size) for size in sizes), on_page=seen.append)
    reader = PdfReader(io.BytesIO(data))
    assert seen == [0, 1, 2]
    assert len(reader.pages) == 3
    for page, size in zip(reader.pages, sizes):
        w_mm, h_mm = SIZES[size]
        assert float(page.mediabox.width) == pytest.approx(w_mm / 25.4 * 72, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(h_mm / 25.4 * 72, abs=0.1)
    assert decode_qr(pdf_image(data, 200, page=2)).text == URL


def test_pdf_is_reproducible_and_starts_like_a_pdf():
    first, second = sign_pdf(make_spec()), sign_pdf(make_spec())
    assert first.startswith(b"%PDF-") and first == second


def test_a_long_packs_cover_runs_over_pages_and_numbers_each_sign_by_the_page_it_is_printed_on():
    from signage.signs.cover import COVER_ROWS, cover_pages
    rows = [(f"S{i:07d}", "North gate", f"Door {i}", "A4") for i in range(2 * COVER_ROWS + 5)]
    texts = {"title": "Pack", "columns": ("Page", "Sign", "Site", "Placement", "Size"),
             "checklist_title": "Checklist", "checklist": ("Hang it.",)}
    covers = cover_pages(rows, texts)
    lines = [["".join(t for _f, t in item.runs) for item in page.items if hasattr(item, "runs")] for page in covers]
    assert len(covers) == 3 and "Checklist" in lines[-1] and "Checklist" not in lines[0]
    first_row = lines[0].index("S0000000")
    assert lines[0][first_row - 1] == str(len(covers) + 1)  # the first sign follows the three cover pages


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("placement", ["0" * 99, "Exit 3, north-west corner, the pillar beside the lifts "
                                                  "that go to the platforms of lines 2 and 10 and the bus hall"])
def test_a_placement_too_long_for_the_footer_is_cut_there_with_an_ellipsis(size, placement):
    rest = "Sign S7K2Q9 · Notice v3 (2026-11-01) · Printed 2026-11-26"
    page = layout(make_spec(size, placement=placement, footer=f"{placement} · {rest}"))
    # the footer is what follows its rule, the last shape before the frame
    rule = max(i for i, item in enumerate(page.items[:-1]) if not hasattr(item, "runs") and hasattr(item, "ops"))
    footer = "".join(text for item in page.items[rule:] if getattr(item, "runs", None) for _font, text in item.runs)
    assert footer.endswith(rest.replace(" ", "")) or squeeze(footer).endswith(squeeze(rest))
    printed = squeeze(footer)[:-len(squeeze(rest))]
    if printed != squeeze(placement) + "·":
        assert printed.endswith("…·") and squeeze(placement).startswith(printed[:-2]) and len(printed) > 3
    pdf = pdf_text(sign_pdf(make_spec(size, placement=placement, footer=f"{placement} · {rest}")))
    assert "S7K2Q9" in pdf


def test_a_sticker_sets_its_qr_code_beside_its_lines_and_its_url_beneath_both():
    page = layout(make_spec("STICKER"))
    symbol = next(item for item in page.items if hasattr(item, "module"))
    side = symbol.module * len(qr_matrix(symbol.url))
    texts = [item for item in page.items if hasattr(item, "runs")]
    body = [t for t in texts if any("用途" in part or "Purpose" in part for _font, part in t.runs)]
    url = next(t for t in texts if any("S7K2Q9" in part and "Sign" not in part for _font, part in t.runs))
    assert body and all(t.x < symbol.x and symbol.y - t.size * 0.36 < t.y < symbol.y + side for t in body)
    assert url.y > symbol.y + side  # the URL, caption and phone run under both, across the sticker
    assert symbol.x + side < SIZES["STICKER"][0] - 3  # with its quiet zone inside the frame
    # the A4 keeps its panel: the QR code at the bottom left, its texts beside it
    a4 = layout(make_spec("A4"))
    a4_symbol = next(item for item in a4.items if hasattr(item, "module"))
    assert a4_symbol.x < 30 and a4_symbol.y > a4.height / 2


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_pictogram_is_a_warning_triangle_standing_on_its_base_in_the_yellow_band(size):
    page = layout(make_spec(size))
    band = next(item for item in page.items if getattr(item, "fill", None) == "#FFD100")
    band_bottom = max(op[-1] for op in band.ops if len(op) > 1)
    triangles = [item for item in page.items if getattr(item, "ops", None) and [op[0] for op in item.ops]
                 == ["M", "L", "L", "Z"]]
    outer, inner = triangles[0], triangles[1]
    (ax, ay), (bx, by), (cx, cy) = (op[1:] for op in outer.ops[:3])
    assert outer.fill == "#000000" and inner.fill == "#FFD100"  # black band, yellow inside
    assert by == pytest.approx(cy) and ay < by and ax == pytest.approx((bx + cx) / 2)  # apex up, base flat
    assert abs(bx - cx) == pytest.approx(math.hypot(ax - bx, ay - by), rel=1e-6)  # equilateral
    assert by < band_bottom


@pytest.mark.parametrize("size", ["A5", "A4"])
def test_a_long_placement_never_sends_the_publics_text_to_the_notice(size):
    rest = "Sign S7K2Q9 · Notice v3 (2026-11-01) · Printed 2026-11-26"
    placement = ("北门地面层售票厅东侧靠近二号线换乘通道与无障碍电梯之间的立柱上方位置，面向进站闸机" * 2)[:100]
    # a body that just fits: with a three-line footer the legal basis would have to go to the notice
    lines = tuple(SignLine(line.key, ("摄像头覆盖大堂、电梯和站台楼梯。" * 7,
                                      "Cameras cover the lobby, the lifts and the platform stairs. " * 7))
                  if line.key == "capture_area" else line for line in LINES)
    short = layout(make_spec(size, lines=lines, placement="北门", footer=f"北门 · {rest}"))
    long = layout(make_spec(size, lines=lines, placement=placement, footer=f"{placement} · {rest}"))
    assert short.moved == () and long.moved == ()  # the body may be set smaller, never below its minimums
