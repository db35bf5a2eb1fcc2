"""Printable warning signs: the first layer, each a record with a QR code."""
from flask import Blueprint

bp = Blueprint("signs", __name__)

from signage.signs import views  # noqa: E402,F401
