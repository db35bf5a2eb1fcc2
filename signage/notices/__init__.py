"""Public notices: the second layer behind every sign's QR code."""
from flask import Blueprint

bp = Blueprint("notices", __name__)

from signage.notices import views  # noqa: E402,F401
