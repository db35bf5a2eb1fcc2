"""The operator's home page: what needs attention today."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from signage.dashboard import views  # noqa: E402,F401
