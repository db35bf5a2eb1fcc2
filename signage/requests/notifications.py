"""The operator's notifications about requests, in English and Chinese in one message (a team reads both):
a new request or report, and a deadline near or passed. Nothing the person wrote or gave is in them: the
message names the kind, the site, the sign and the date, and links to the dashboard."""
from flask import current_app, has_request_context

from signage.labels import choice_label
from signage.translation import force_locale, gettext

LOCALES = ("en", "zh_Hans")


def in_both_languages(compose) -> str:
    """Return what compose() writes in each language, one after the other."""
    return "\n\n".join(_each(compose))


def received_message(request, site_name: str, serial: str | None, link: str) -> tuple[str, str]:
    """Return the subject and body that tell the operator of a new request or report."""
    def subject():
        return gettext("New: %(kind)s, %(site)s", kind=choice_label("request_kind", request.kind), site=site_name)

    def body():
        lines = [gettext("%(category)s at %(site)s: %(kind)s.", category=choice_label("request_category",
                                                                                   request.category),
                         site=site_name, kind=choice_label("request_kind", request.kind))]
        if serial:
            lines.append(gettext("Sign: %(serial)s.", serial=serial))
        lines.append(gettext("Answer by: %(date)s.", date=request.effective_due_on.isoformat())
                     if request.effective_due_on else gettext("No period is set for answering this."))
        lines.append(link)
        return "\n".join(lines)
    return subject_in_both(subject), in_both_languages(body)


def deadline_message(request, site_name: str, serial: str | None, link: str, *, overdue: bool) -> tuple[str, str]:
    """Return the subject and body of a reminder that a request is due soon, or overdue."""
    def names() -> dict:  # in each language: the kind is named in it
        return {"kind": choice_label("request_kind", request.kind), "site": site_name,
                "date": request.effective_due_on.isoformat()}

    def subject():
        if overdue:
            return gettext("Overdue: %(kind)s, %(site)s", **names())
        return gettext("Due %(date)s: %(kind)s, %(site)s", **names())

    def body():
        lines = [gettext("The answer was due on %(date)s.", **names()) if overdue
                 else gettext("The answer is due on %(date)s.", **names())]
        if serial:
            lines.append(gettext("Sign: %(serial)s.", serial=serial))
        return "\n".join(lines + [link])
    return subject_in_both(subject), in_both_languages(body)


def subject_in_both(compose) -> str:
    """Return a subject in each language, joined by a slash and cut to the outbox's 200 characters."""
    return " / ".join(_each(compose))[:200]


def _each(compose) -> list[str]:
    if not has_request_context():  # housekeeping writes reminders: Flask-Babel reads the locale per request
        with current_app.test_request_context():
            return _each(compose)
    parts = []
    for locale in LOCALES:
        with force_locale(locale):
            parts.append(compose())
    return parts
