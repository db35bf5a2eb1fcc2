"""The tamper-evident audit log: every change to a record appends one entry."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from signage.audit import views  # noqa: E402,F401
