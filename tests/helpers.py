"""What tests share besides fixtures: the fixed clock, the default site, and helpers that read what
users, printers and auditors get (PDF text, the verify command, tampering as a database owner would)."""
import os
from contextlib import contextmanager
from datetime import date, datetime, timezone

import pypdfium2
from sqlalchemy import text

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery staple"
POSTGRES_URL = os.environ.get("SIGNAGE_TEST_DATABASE_URL")

SITE_DEFAULTS = {
    "site_name": "North gate", "address": "1 Example Road, Shanghai", "city": "Shanghai",
    "geo": {"lat": 31.23, "lng": 121.47}, "jurisdictions": ["CN"], "venue_class": "public_place",
    "capture_area_description": "The north gate and its ticket hall.", "function": "identification_1toN",
    "live_mode": "realtime", "operator_kind": "private", "purpose": "public_security",
    "purpose_text": "Finding people on the police watch list.", "necessity_justification": "Large crowds.",
    "legal_basis_cn": "public_security_art26", "storage_mode": "local_server", "raw_image_retained": False,
    "retention_period_days": 7, "sensitive_trait_analysis": False, "minors_expected": False,
    "security_measures": ["encryption", "audit"], "pia_id": "PIA-1", "pia_version": "1",
    "pia_completed_on": date(2026, 1, 1), "automated_decisions": False,
    "pia_report_url": "https://operator.example/pia-1.pdf", "filing": {"status": "not_required"},
    "text_translations": {"zh-Hans": {"site_name": "北门", "capture_area_description": "北门及其售票厅。",
                                      "purpose_text": "查找公安布控名单上的人员。", "necessity_justification": "人流量大。"}},
}


def in_chinese(**texts) -> dict:
    """Return SITE_DEFAULTS' Chinese texts with some replaced: what a site made with other words needs."""
    return {"zh-Hans": {**SITE_DEFAULTS["text_translations"]["zh-Hans"], **texts}}


#: A CN site's own words in Chinese, as the notice tests print and read them.
NORTH_GATE_ZH = in_chinese(site_name="北门", purpose_text="发现公安布控名单上的人员。",
                           capture_area_description="北门和售票厅。")


def grow_log(db, site, owner, settings, *, entries: int) -> int:
    """Edit a site until the audit log holds at least `entries` entries; return the last entry's id."""
    from signage.audit.models import AuditEntry
    from signage.sites.services import update_site
    days = 30
    while db.session.scalar(db.select(db.func.count(AuditEntry.id))) < entries:
        days -= 1
        update_site(site, {"retention_period_days": days}, by=owner, now=T0, settings=settings)
    db.session.commit()
    return db.session.scalar(db.select(db.func.max(AuditEntry.id)))


def photo_png(colour=(200, 30, 30)) -> bytes:
    """Return a small real PNG, as a phone's photo of a sign would be one (Pillow writes it)."""
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="PNG")
    return out.getvalue()


def photo_evidence() -> dict:
    """Return a photo as the calendar's service takes evidence: an inspection is done only with one."""
    return {"name": "north.png", "media_type": "image/png", "content": photo_png()}


def pdf_text(data: bytes) -> str:
    """Return the text of every page of a PDF, as pdfium extracts it."""
    document = pypdfium2.PdfDocument(data)
    try:
        return "".join(document[i].get_textpage().get_text_bounded() for i in range(len(document)))
    finally:
        document.close()


def verify(runner):
    """Run `flask audit verify` as the service's operator would."""
    return runner.invoke(args=["audit", "verify"])


@contextmanager
def tampering(db):
    """Act as someone holding the database's owner rights: the append-only triggers do not stop them."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        for table in ("audit_entries", "notice_versions", "consent_events", "consent_receipts"):
            for event in ("update", "delete"):
                db.session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{event}"))
    yield db.session
    db.session.commit()


def rewrite_history(session, old: bytes, new: bytes):
    """Replace `old` by `new` in every entry's bytes and recompute the whole hash chain, as someone owning the
    database would to hide an edit from `audit verify`; return the rows as they were."""
    from signage.audit.chain import GENESIS_HASH, entry_hash
    rows = session.execute(text("SELECT id, canonical FROM audit_entries ORDER BY id")).all()
    prev = GENESIS_HASH
    for row in rows:
        canonical = bytes(row.canonical).replace(old, new)
        digest = entry_hash(prev, canonical)
        session.execute(text("UPDATE audit_entries SET canonical = :c, prev_hash = :p, hash = :h WHERE id = :id"),
                        {"c": canonical, "p": prev, "h": digest, "id": row.id})
        prev = digest
    return rows


def form_values(page: str, form_class: str = "site-form"):
    """Return what a browser would submit from the page's form: every named input, textarea and chosen
    option, as a MultiDict in page order."""
    from html.parser import HTMLParser
    from werkzeug.datastructures import MultiDict

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inside, self.pairs, self.text_of, self.select = False, [], None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.inside = form_class in (attrs.get("class") or "").split()
            elif not self.inside:
                return
            elif tag == "input" and attrs.get("name"):
                kind = attrs.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                self.pairs.append((attrs["name"], attrs.get("value", "")))
            elif tag == "textarea":
                self.text_of = [attrs.get("name"), ""]
            elif tag == "select":
                self.select = [attrs.get("name"), None]
            elif tag == "option" and self.select is not None and ("selected" in attrs or self.select[1] is None):
                self.select[1] = attrs.get("value", "")

        def handle_data(self, data):
            if self.text_of is not None:
                self.text_of[1] += data

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "textarea" and self.text_of is not None:
                self.pairs.append((self.text_of[0], self.text_of[1].removeprefix("\n")))
                self.text_of = None
            elif tag == "select" and self.select is not None:
                self.pairs.append(tuple(self.select))
                self.select = None

    reader = Reader()
    reader.feed(page)
    return MultiDict(reader.pairs)


def browser_sign_in(browser, live_server: str, user, password: str = PASSWORD):
    """Open a page in the browser and sign the user in through the login form, as they would."""
    page = browser.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", password)
    follow(page, page.locator("main form button"))
    return page


def follow(page, target) -> None:
    """Click a link or submit button and wait until the page it leads to has loaded. A bare click returns
    once the navigation starts, so reading the page straight after can still see half of it."""
    with page.expect_navigation(wait_until="load"):
        target.click()


#: A gym in Shanghai whose turnstile recognises members who consent, with a card for those who do not, and
#: one optional purpose asked separately.
GYM_SITE = {
    "site_name": "Gym turnstile", "purpose": "access_control", "function": "verification_1to1",
    "purpose_text": "Opening the turnstile for members who agree.", "legal_basis_cn": "separate_consent",
    "non_fr_alternative": "Show your membership card at the desk.", "consent_bundled": False,
    "venue_class": "business_premises_public_access",
    "secondary_uses": [{"use": "Counting visits for your training log.", "consent_mode": "separate_consent",
                        "text_translations": {"zh-Hans": {"use": "为您的训练记录统计到访次数。"}}}],
    "text_translations": in_chinese(site_name="健身房闸机", purpose_text="为同意的会员打开闸机。",
                                    non_fr_alternative="在前台出示会员卡。"),
}

#: What a kiosk sends for an adult who says yes to the turnstile and no to the training log.
CONSENT_DEFAULTS = {"subject_ref": "GYM-004213", "language": "zh-Hans",
                    "purposes": {"primary": True, "secondary_1": False}, "collection_method": "kiosk",
                    "age_band": "adult"}


#: The gym's turnstile in Chicago: Illinois asks for a signed written release before any face is enrolled.
ILLINOIS_GYM = {
    **GYM_SITE, "jurisdictions": ["US-IL"], "legal_basis_cn": None, "secondary_uses": [],
    "address": "1 Example Street, Chicago", "city": "Chicago", "security_measures": [], "filing": None,
    "retention_policy_url": "https://gym.example/retention", "retention_criteria_text": "Deleted when membership ends.",
    "pia_id": None, "pia_version": None, "pia_completed_on": None, "pia_report_url": None,
    "text_translations": in_chinese(site_name="健身房闸机", purpose_text="为同意的会员打开闸机。",
                                    non_fr_alternative="在前台出示会员卡。", retention_criteria_text="会员资格结束时删除。"),
}
