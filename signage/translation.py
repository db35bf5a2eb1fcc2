"""Translating many strings at once, for pages that show a hundred of them.

Flask-Babel's gettext looks up the app, the domain, the locale and the catalog on every call (about
15 µs); a notice page spends more time there than in its template. Inside `translating()` the catalog
is looked up once, and `force_locale()` here switches it together with Flask-Babel's locale. Outside
such a block these functions ask Flask-Babel each time, as its own do.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import flask_babel

_catalog: ContextVar = ContextVar("signage_catalog", default=None)


@contextmanager
def translating() -> Iterator[None]:
    """Look the current locale's catalog up once for everything translated in the block."""
    token = _catalog.set(flask_babel.get_translations())
    try:
        yield
    finally:
        _catalog.reset(token)


@contextmanager
def force_locale(locale: str) -> Iterator[None]:
    """Translate into another locale within the block (Flask-Babel's force_locale, catalog included)."""
    with flask_babel.force_locale(locale):
        token = _catalog.set(flask_babel.get_translations() if _catalog.get() is not None else None)
        try:
            yield
        finally:
            _catalog.reset(token)


def catalog():
    """Return the catalog strings are translated with right now."""
    return _catalog.get() or flask_babel.get_translations()


def gettext(string: str, **variables) -> str:
    """Translate a string and fill in its %(name)s variables, as Flask-Babel's gettext does."""
    text = catalog().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate a string with a plural form chosen by num, available to it as %(num)s."""
    variables.setdefault("num", num)
    return catalog().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> flask_babel.LazyString:
    """Translate a string when it is shown, in the locale (and through the catalog) of that moment."""
    return flask_babel.LazyString(gettext, string, **variables)
