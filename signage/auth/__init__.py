"""Organisations, their users, API tokens and sign-in."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from signage.auth import views  # noqa: E402,F401
