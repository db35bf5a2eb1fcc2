"""Validation and service messages in the reader's language: marshmallow's stock messages and ours, and
those that carry numbers, matched by pattern and translated with the numbers kept."""
import re

from signage.labels import choice_label, tr
from signage.rules.findings import N_
from signage.translation import gettext

#: marshmallow's stock messages, marked so they are translated when shown.
INPUT_MESSAGES = (
    N_("Missing data for required field."), N_("Not a valid integer."), N_("Not a valid number."),
    N_("Not a valid URL."), N_("Not a valid date."), N_("Not a valid boolean."), N_("Not a valid email address."),
    N_("Field may not be null."), N_("Unknown field."), N_("Not a valid string."), N_("Not a valid list."),
    N_("Invalid value."), N_("Invalid input type."), N_("Use a two-letter ISO country code, such as CN or DE."),
    N_("Not a JSON object."), N_("Not a current warning for this site."),
    N_("Not a valid URL: use http:// or https:// and plain ASCII, as in https://example.com/policy."),
    N_("Already registered by another organisation."), N_("Not a field of this form."),
    N_("Not a time zone: give its IANA name, such as Asia/Shanghai or Europe/Berlin."), N_("Choose a time zone."),
    N_("Use TYPE:ID, e.g. sites:12."), N_("Use a user's id, or system."),
)
#: Details the services raise and the pages show, and the commonest rule source.
SERVICE_MESSAGES = (
    N_("The site cannot go live yet."), N_("This change would break the rules for an active site."),
    N_("A decommissioned site can no longer be changed."), N_("No such site."), N_("No such sign."),
    N_("Only a current warning can be acknowledged."), N_("This warning is already acknowledged."),
    N_("This token is already revoked."), N_("The password is too short."), N_("Design decision"),
    N_("Another organisation is registered under this name."),
    N_("The token was not created."), N_("Choose today or a later day."),
)
_PATTERNS = (
    (re.compile(r"^Longer than maximum length (\d+)\.$"), N_("Use at most %(n)s characters.")),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), N_("Use at least %(n)s characters.")),
    (re.compile(r"^Must be one of: .*\.$"), N_("Choose one of the listed options.")),
    (re.compile(r"^Enter a number of days from (\d+) to (\d+)\.$"), N_("Enter a number of days from %(n)s to %(m)s.")),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     N_("Enter a number from %(n)s to %(m)s.")),
    (re.compile(r"^Use at most (\d+) rows\.$"), N_("Use at most %(n)s rows.")),
    (re.compile(r"^The file is larger than ([\d,]+) kB\.$"), N_("The file is larger than %(n)s kB.")),
    (re.compile(r"^Done on (\d{4}-\d{2}-\d{2})\.$"), N_("Done on %(n)s.")),
    (re.compile(r"^Use (\d{4}-\d{2}-\d{2}), when it began, or a later day\.$"),
     N_("Use %(n)s, when it began, or a later day.")),
    (re.compile(r"^Use (\d{4}-\d{2}-\d{2}), when the site was registered, or a later day\.$"),
     N_("Use %(n)s, when the site was registered, or a later day.")),
    (re.compile(r"^Use (\d{4}-\d{2}-\d{2}), when the law took effect, or a later day\.$"),
     N_("Use %(n)s, when the law took effect, or a later day.")),
    (re.compile(r"^Choose a day at most (\d+) days from today\.$"), N_("Choose a day at most %(n)s days from today.")),
    (re.compile(r"^Too long for a (\S+) sign: cut about (\d+) characters from the (\S+) text, or choose a larger "
                r"size\.$"),
     N_("Too long for a %(n)s sign: cut about %(m)s characters from the %(k)s text, or choose a larger size.")),
    (re.compile(r"^Too long for a (\S+) sign: shorten it or choose a larger size\.$"),
     N_("Too long for a %(n)s sign: shorten it or choose a larger size.")),
    (re.compile(r"^Contains (U\+[0-9A-F]{4,6}), an invisible or control character; remove it\.$"),
     N_("Contains %(n)s, an invisible or control character; remove it.")),
    (re.compile(r"^Contains (U\+[0-9A-F]{4,6}) \((.)\), which signs and printed notices cannot show: use Latin, "
                r"Greek, Cyrillic or Chinese characters\.$"),
     N_("Contains %(n)s (%(m)s), which signs and printed notices cannot show: use Latin, Greek, Cyrillic or "
        "Chinese characters.")),
)


def error_text(message) -> str:
    """Return a validation message in the current language."""
    message = str(message)
    for pattern, msgid in _PATTERNS:
        match = pattern.match(message)
        if match:
            groups = match.groups() + ("", "", "")
            # a language tag in a message is named in the reader's language
            return gettext(msgid, n=groups[0], m=groups[1], k=choice_label("language", groups[2]))
    return tr(message)
