"""Build vector outlines in mm: rectangles, ellipses and the facial-recognition pictogram."""
from dataclasses import dataclass

KAPPA = 0.5523  # control-point distance that makes four cubic Béziers a circle


@dataclass(frozen=True)
class Shape:
    """A filled and/or stroked outline; ops are ("M", x, y), ("L", x, y), ("C", x1, y1, x2, y2, x, y), ("Z",)."""

    ops: tuple[tuple, ...]
    fill: str | None
    stroke: str | None = None
    line: float = 0.0  # stroke width in mm; strokes have round caps and joins


def rect(x: float, y: float, w: float, h: float, r: float = 0.0, r_bottom: float | None = None) -> tuple:
    """Outline a rectangle, rounding the top corners by r and the bottom ones by r_bottom (default r)."""
    b = r if r_bottom is None else r_bottom
    k = 1 - KAPPA
    return (("M", x + r, y), ("L", x + w - r, y), ("C", x + w - k * r, y, x + w, y + k * r, x + w, y + r),
            ("L", x + w, y + h - b), ("C", x + w, y + h - k * b, x + w - k * b, y + h, x + w - b, y + h),
            ("L", x + b, y + h), ("C", x + k * b, y + h, x, y + h - k * b, x, y + h - b),
            ("L", x, y + r), ("C", x, y + k * r, x + k * r, y, x + r, y), ("Z",))


def ellipse(cx: float, cy: float, rx: float, ry: float) -> tuple:
    """Outline an ellipse with four cubic Béziers."""
    kx, ky = KAPPA * rx, KAPPA * ry
    return (("M", cx + rx, cy), ("C", cx + rx, cy + ky, cx + kx, cy + ry, cx, cy + ry),
            ("C", cx - kx, cy + ry, cx - rx, cy + ky, cx - rx, cy),
            ("C", cx - rx, cy - ky, cx - kx, cy - ry, cx, cy - ry),
            ("C", cx + kx, cy - ry, cx + rx, cy - ky, cx + rx, cy), ("Z",))


def _corners(x: float, y: float, s: float) -> tuple:
    """Four viewfinder brackets around the face, as open polylines."""
    a, b, n = 0.13 * s, 0.87 * s, 0.2 * s
    ops = []
    for cx, cy, dx, dy in ((a, a, 1, 1), (b, a, -1, 1), (a, b, 1, -1), (b, b, -1, -1)):
        ops += [("M", x + cx, y + cy + dy * n), ("L", x + cx, y + cy), ("L", x + cx + dx * n, y + cy)]
    return tuple(ops)


def _face(x: float, y: float, s: float) -> tuple:
    """A stylised head: outline, and a straight mouth (a warning sign's face does not smile)."""
    head = ellipse(x + 0.5 * s, y + 0.5 * s, 0.19 * s, 0.235 * s)
    mouth = (("M", x + 0.44 * s, y + 0.6 * s), ("L", x + 0.56 * s, y + 0.6 * s))
    return head + mouth


def pictogram(x: float, y: float, s: float, ink: str, paper: str) -> tuple[Shape, ...]:
    """Draw our facial-recognition pictogram: a face inside viewfinder corners on a dark tile."""
    line = 0.055 * s
    eyes = ellipse(x + 0.43 * s, y + 0.455 * s, 0.03 * s, 0.03 * s) + \
        ellipse(x + 0.57 * s, y + 0.455 * s, 0.03 * s, 0.03 * s)
    scan = (rect(x + 0.2 * s, y + 0.488 * s, 0.085 * s, 0.024 * s)  # a scan beam meeting the face
            + rect(x + 0.715 * s, y + 0.488 * s, 0.085 * s, 0.024 * s))
    return (Shape(rect(x, y, s, s, 0.16 * s), ink),
            Shape(_corners(x, y, s), None, paper, line),
            Shape(_face(x, y, s), None, paper, line * 0.8),
            Shape(eyes + scan, paper))
