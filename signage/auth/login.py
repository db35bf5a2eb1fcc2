"""Who is signed in, and what their role lets them do."""
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from signage.auth.models import User
from signage.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def require(action: str):
    """Protect a dashboard view: signed in, and a role that allows the action (read, edit, manage, audit)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.can(action):
                abort(403)
            g.user = current_user._get_current_object()
            return view(*args, **kwargs)

        return wrapped

    return decorator
