"""Languages: English and Simplified Chinese, chosen by the user, a link, or Accept-Language."""
from flask import Flask, g, request, session
from flask_login import current_user

from signage.extensions import babel
from signage.template_names import template_globals
from signage.security import is_public_path
from signage.translation import catalog

SUPPORTED = ("en", "zh_Hans")
#: Public pages name languages by BCP 47 tag; the catalogs by Babel locale.
TAGS = {"en": "en", "zh_Hans": "zh-Hans"}
LOCALES_BY_TAG = {tag: locale for locale, tag in TAGS.items()}


def locale_from_tag(tag: str | None) -> str | None:
    """Map a language tag such as zh-CN, zh-Hans or en-GB to a supported locale."""
    if not tag:
        return None
    tag = tag.replace("_", "-").lower()
    if tag.startswith("zh"):
        # Traditional-script regions get English rather than the wrong script
        return None if any(part in tag for part in ("hant", "-tw", "-hk", "-mo")) else "zh_Hans"
    if tag.startswith("en"):
        return "en"
    return None


def negotiated_locale(accept_languages) -> str:
    """Pick the first supported language the browser lists, English otherwise."""
    for tag, _quality in accept_languages:
        locale = locale_from_tag(tag)
        if locale:
            return locale
    return "en"


def select_locale() -> str:
    """Choose the language for this request."""
    # a language in the path (/n/CODE/en/) is the page's own; ?lang= is a link's choice
    chosen = LOCALES_BY_TAG.get((request.view_args or {}).get("lang")) or locale_from_tag(request.args.get("lang"))
    if chosen:
        return chosen
    if is_public_path(request.path):  # public pages read no cookie: the browser's languages decide
        if "public_locale" not in g:  # asked several times a page; the header does not change
            g.public_locale = negotiated_locale(request.accept_languages)
        return g.public_locale
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED:
        return current_user.locale
    if session.get("locale") in SUPPORTED:
        return session["locale"]
    return negotiated_locale(request.accept_languages)


def register_i18n(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector and expose helpers to templates."""
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="../translations")
    # templates translate through the catalog looked up once per block (signage.translation), not per string
    app.jinja_env.install_gettext_callables(gettext=lambda text: catalog().ugettext(text),
                                            ngettext=lambda one, many, n: catalog().ungettext(one, many, n),
                                            newstyle=True)
    app.jinja_env.globals["language_tags"] = TAGS
    app.jinja_env.globals.update(template_globals())
    app.jinja_env.add_extension("jinja2.ext.do")
