"""Who is signed in, and what their role lets them do."""
from functools import wraps

from flask import Flask, abort, g
from flask_login import LoginManager, current_user, login_required

from signage.auth.models import User
from signage.extensions import db


def load_user(session_id: str) -> User | None:
    """Return the active user a session names, if the session is still one of theirs.

    Sessions name "<user id>:<session generation>"; signing out moves the user to the next
    generation, so a copy of the cookie taken before sign-out opens nothing afterwards.
    """
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()) or int(user_id) > 2**31 - 1:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def register_login(app: Flask, login_manager: LoginManager) -> None:
    """Bind Flask-Login: sign-in page, strong session protection and our session check."""
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    login_manager.init_app(app)


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
