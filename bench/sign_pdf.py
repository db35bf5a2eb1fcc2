"""Time the A4 zh-Hans/en sign PDF against a bare reportlab page, and a 1,000-sign pack.

Run from anywhere: .venv/bin/python bench/sign_pdf.py [--runs N] [--pack N]
"""
import argparse
import itertools
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from signage.fonts import PDF_NAMES, font_runs, pdf_font  # noqa: E402
from signage.signs.qr import qr_runs  # noqa: E402
from signage.signs.render import SignLine, SignSpec, pack_pdf, sign_pdf  # noqa: E402

LINES = (
    ("operator", "运营方：上海示例物业管理有限公司", "Operator: Shanghai Example Property Management Co., Ltd."),
    ("purpose", "用途：大楼门禁与访客登记", "Purpose: building access control and visitor registration"),
    ("legal_basis", "法律依据：取得您的单独同意", "Legal basis: your separate consent"),
    ("capture_area", "摄像头覆盖大堂和电梯", "Cameras cover the lobby and lifts"),
    ("retention", "不录制视频；人脸特征保存 30 天", "No video is recorded; face templates are kept for 30 days"),
    ("recipients", "数据不向第三方提供，不出境", "Data is not shared with third parties or transferred abroad"),
    ("alternative", "不愿使用？请刷卡或联系前台工作人员", "Prefer not to? Use your card or ask staff at reception"),
    ("rights", "您有权查阅、更正和删除您的数据：dpo@example.cn", "You may access, correct and delete your data: dpo@example.cn"),
)


def a4_spec(serial: str = "S7K2Q9", size: str = "A4") -> SignSpec:
    """Return the benchmark's zh-Hans/en sign."""
    return SignSpec(
        serial=serial, url=f"HTTPS://SIGNAGE.EXAMPLE/S/{serial}", size=size, languages=("zh-Hans", "en"),
        heading=("人脸识别使用中", "Facial recognition in use"),
        lines=tuple(SignLine(key, (zh, en)) for key, zh, en in LINES),
        qr_caption=("扫码查看完整告知", "Scan for the full notice"), phone="+86 21 5555 0100",
        footer=f"Sign {serial} · Notice v3 (2026-11-01) · Printed 2026-11-26")


def bare_page(strings, url: str) -> bytes:
    """Draw the same strings (one line each, fonts chosen in advance) and the same vector QR."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595.28, 841.89), pageCompression=1, invariant=1)
    y = 800.0
    for runs, size in strings:
        text = canvas.beginText(40, y)
        for key, part in runs:
            text.setFont(PDF_NAMES[key], size)
            text.textOut(part)
        canvas.drawText(text)
        y -= size * 1.2
    path = canvas.beginPath()
    for row, col, length in qr_runs(url):
        path.rect(40 + col * 8, 240 - row * 8, length * 8, 8)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def baseline_strings(spec: SignSpec):
    """Return every string of the sign with its runs in the sign's fonts and weights, at 12 pt."""
    bold = [*spec.heading, *(line.texts[0] for line in spec.lines), spec.qr_caption[0], spec.url, spec.phone]
    regular = [*(t for line in spec.lines for t in line.texts[1:]), *spec.qr_caption[1:], spec.footer]
    for key in PDF_NAMES:
        pdf_font(key)
    return [(font_runs(text, True), 12.0) for text in bold] + [(font_runs(text), 12.0) for text in regular]


def median_ms(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pack", type=int, default=1000)
    args = parser.parse_args()
    spec = a4_spec()
    strings = baseline_strings(spec)
    # a fresh serial every time, as every real sign has: nothing keyed by its URL is reused
    serials = (f"F{number:07d}" for number in itertools.count())
    ours = median_ms(lambda: sign_pdf(a4_spec(next(serials))), args.runs)
    bare = median_ms(lambda: bare_page(strings, f"HTTPS://SIGNAGE.EXAMPLE/S/{next(serials)}"), args.runs)
    print(f"A4 zh-Hans/en sign_pdf, a new serial each time: median {ours:.2f} ms over {args.runs} runs ({len(sign_pdf(spec)) / 1024:.0f} KiB)")
    print(f"bare reportlab page, same strings, QR and fonts: median {bare:.2f} ms; ratio {ours / bare:.2f}x")
    sizes = ("A4", "A3", "A5", "LETTER")
    specs = [a4_spec(f"S{i:05d}", sizes[i % 4]) for i in range(args.pack)]
    start = time.perf_counter()
    data = pack_pdf(specs)
    seconds = time.perf_counter() - start
    print(f"pack_pdf of {args.pack} signs (A4/A3/A5/LETTER): {seconds:.2f} s, {len(data) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
