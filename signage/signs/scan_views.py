"""What a scanned sign opens: the site's current notice, naming the sign and where it should hang."""
from dataclasses import dataclass

from flask import Blueprint
from signage.translation import gettext as _

from signage.labels import reader_tag
from signage.database import DriverRead
from signage.notices.state import head_statement
from signage.notices.views import answer, cached_head, not_found
from signage.rules.texts import placement_in
from signage.signs.models import Sign
from signage.sites.models import Site

bp = Blueprint("scan", __name__)

_signs = Sign.__table__
SIGN_HEAD = DriverRead(head_statement(
    _signs.c.serial, _signs.c.placement, _signs.c.text_translations.label("sign_translations"),
    _signs.c.status.label("sign_status"), _signs.c.notice_version, _signs.c.stale_since,
    joined=_signs.join(Site.__table__, _signs.c.site_id == Site.__table__.c.id), key_column=_signs.c.serial))


@bp.get("/S/<code:serial>")
@bp.get("/s/<code:serial>")
@bp.get("/S/<code:serial>/<language:lang>/")
@bp.get("/S/<code:serial>/<language:lang>/notice.json", defaults={"fmt": "json"})
def scan(serial, lang=None, fmt=None):
    """Show the current notice of a scanned sign's site, naming the sign and where it should hang; each
    language at its own address too, as on a notice's own page."""
    head = cached_head("sign", serial, SIGN_HEAD)
    if head is None:
        return not_found()
    return answer(head, panel=ScannedSign(head), fmt=fmt, base=f"/S/{head.serial}")


@dataclass(frozen=True)
class ScannedSign:
    """The scanned sign's panel on the notice page; its key turns the page's ETag over when the sign changes."""

    head: object

    @property
    def key(self) -> tuple:
        head = self.head
        return (head.serial, head.placement, reader_tag(), head.sign_status, head.notice_version,
                head.stale_since.isoformat() if head.stale_since else None)

    def build(self, latest: int | None) -> dict:
        """Name the sign and its placement, and say whether it is outdated (SIGN-STALE)."""
        return sign_panel(self.head, latest)


def sign_panel(sign, latest: int | None) -> dict:
    """Name the scanned sign and its placement, and say whether it is outdated (SIGN-STALE)."""
    outdated = None
    if sign.sign_status == "retired":
        outdated = _("This sign has been retired and should no longer hang anywhere.")
    elif sign.stale_since:
        outdated = _("This sign is outdated: it was printed with notice version %(printed)s and its text may "
                     "no longer be right.", printed=sign.notice_version)
    # a newer notice that changed nothing printed on the sign leaves the sign right
    older = latest is not None and sign.notice_version < latest and outdated is None
    placement = placement_in(sign.placement, sign.sign_translations, reader_tag())
    return {"older_text": _("This sign was printed with notice version %(printed)s; below is version %(current)s, "
                            "the current one. What the sign says is still right.", printed=sign.notice_version,
                            current=latest) if older else None,
            "serial": sign.serial, "placement": placement, "printed_version": sign.notice_version,
            "status": sign.sign_status, "outdated": outdated is not None,
            "text": _("You scanned sign %(serial)s. It should hang at: %(placement)s.", serial=sign.serial,
                      placement=placement),
            "check": _("If it hangs somewhere else, it may have been put over the real sign: please tell us."),
            "outdated_text": (outdated + " " + _("This page shows the current notice.")) if outdated else None}
