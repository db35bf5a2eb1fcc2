"""FR sites: the deployments an organisation registers, under the law's rules."""
from flask import Blueprint

bp = Blueprint("sites", __name__, url_prefix="/sites")

from signage.sites import views  # noqa: E402,F401
