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


def polygon(points) -> tuple:
    """Outline a closed polygon through the points."""
    (x0, y0), rest = points[0], points[1:]
    return (("M", x0, y0),) + tuple(("L", x, y) for x, y in rest) + (("Z",),)


def _triangle(x: float, y: float, s: float, inset: float = 0.0) -> tuple:
    """The points of an equilateral triangle standing on its base, s wide, centred in the s × s square at
    (x, y), moved `inset` mm inwards from each side."""
    height = s * 3 ** 0.5 / 2
    top, base = y + (s - height) / 2, y + (s + height) / 2
    cx, cy = x + s / 2, base - height / 3  # the centroid, which insetting keeps
    scale = 1 - inset / (height / 3)  # the inradius is a third of the height
    return tuple((cx + (px - cx) * scale, cy + (py - cy) * scale)
                 for px, py in ((x + s / 2, top), (x + s, base), (x, base)))


def pictogram(x: float, y: float, s: float, ink: str, paper: str) -> tuple[Shape, ...]:
    """Draw our facial-recognition warning sign in an s × s square: a yellow triangle with a black band, as
    ISO 3864-1 and GB 2894 draw a warning, holding a camera that looks at a face with a straight mouth (a
    warning sign does not smile). `paper` is the triangle's yellow."""
    corner = 0.035 * s  # a stroke with round joins softens the corners, as printed signs have them
    outer, inner = _triangle(x, y, s, corner / 2), _triangle(x, y, s, 0.08 * s)
    top = y + (s - s * 3 ** 0.5 / 2) / 2
    # camera and face side by side, in the triangle's widest part; u is the drawing's unit
    u = 1.3 * s
    cx, cy = x + s / 2 + 0.03 * u, top + 0.665 * s  # the pair centred across
    # the camera, on the left: body, a lens hood widening towards the face, and the stem it hangs from
    body = rect(cx - 0.215 * u, cy - 0.045 * u, 0.15 * u, 0.09 * u, 0.012 * u)
    hood = polygon(((cx - 0.07 * u, cy - 0.045 * u), (cx - 0.025 * u, cy - 0.068 * u),
                    (cx - 0.025 * u, cy + 0.068 * u), (cx - 0.07 * u, cy + 0.045 * u)))
    stem = rect(cx - 0.155 * u, cy - 0.1 * u, 0.026 * u, 0.06 * u)
    # the face, on the right: head outline, eyes, and a straight mouth
    fx, line = cx + 0.09 * u, 0.022 * u
    head = ellipse(fx, cy, 0.06 * u, 0.078 * u)
    eyes = ellipse(fx - 0.024 * u, cy - 0.016 * u, 0.011 * u, 0.011 * u) + \
        ellipse(fx + 0.024 * u, cy - 0.016 * u, 0.011 * u, 0.011 * u)
    mouth = (("M", fx - 0.022 * u, cy + 0.036 * u), ("L", fx + 0.022 * u, cy + 0.036 * u))
    return (Shape(polygon(outer), ink, ink, corner),
            Shape(polygon(inner), paper),
            Shape(body + hood + stem, ink),
            Shape(head, None, ink, line),
            Shape(eyes, ink),
            Shape(mouth, None, ink, line * 0.8))
