"""Role checks for API callers."""
from flask import g

from signage.errors import Forbidden


def require_role(action: str):
    """Refuse the call unless the caller's role allows the action."""
    if not g.user.can(action):
        raise Forbidden(f"Your role ({g.user.role}) does not allow this.")
