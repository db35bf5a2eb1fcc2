"""Illinois: no consent is given without the person's signed written release, uploaded (by the API or at the
kiosk), checked by its content, kept outside the database and named in the record by its SHA-256."""
import base64
import hashlib
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from signage.consent.models import ConsentRecord

from helpers import CONSENT_DEFAULTS
from test_consent_capture import fields_of, step


def signed_release_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, api_token, site, data: bytes):
    return client.post(f"/api/v1/sites/{site.id}/releases", headers=api_token,
                       json={"data": base64.b64encode(data).decode()})


def test_illinois_accepts_a_given_consent_with_the_uploaded_release(client, api_token, illinois_site, instance_dir, db):
    release = signed_release_png()
    uploaded = upload(client, api_token, illinois_site, release)
    assert uploaded.status_code == 201 and uploaded.json["sha256"] == hashlib.sha256(release).hexdigest()
    stored = list((instance_dir / "releases").rglob("*.png"))
    assert [path.read_bytes() for path in stored] == [release]
    given = client.post(f"/api/v1/sites/{illinois_site.id}/consents", headers=api_token, json={
        **CONSENT_DEFAULTS, "language": "en", "purposes": {"primary": True},
        "evidence_sha256": uploaded.json["sha256"]})
    assert given.status_code == 201, given.json
    answer = db.session.scalars(select(ConsentRecord)).one().events[0].content
    assert answer["evidence_ref"] == uploaded.json["sha256"] and answer["consent_type"] == "written"


@pytest.mark.parametrize("data", [b"%PDF-1.7 but never ends", b"\x89PNG\r\n\x1a\n" + b"0" * 50, b"GIF89a...",
                                  b"<svg xmlns='http://www.w3.org/2000/svg'/>"])
def test_a_release_is_checked_by_its_content_not_its_name(client, api_token, illinois_site, data):
    response = upload(client, api_token, illinois_site, data)
    assert response.status_code == 422 and "release" in response.json["errors"]


def test_a_release_over_5_mb_is_refused(client, api_token, illinois_site):
    big = b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF"
    assert upload(client, api_token, illinois_site, big).status_code == 422
    # a body beyond any release's base64 is refused before it is read
    huge = client.post(f"/api/v1/sites/{illinois_site.id}/releases", headers=api_token,
                       data=b"{" + b" " * (8 * 1024 * 1024) + b"}", content_type="application/json")
    assert huge.status_code == 413


def test_a_release_hash_nobody_uploaded_is_refused(client, api_token, illinois_site):
    response = client.post(f"/api/v1/sites/{illinois_site.id}/consents", headers=api_token, json={
        **CONSENT_DEFAULTS, "language": "en", "purposes": {"primary": True}, "evidence_sha256": "0" * 64})
    assert response.status_code == 422 and "evidence_sha256" in response.json["errors"]


def test_the_kiosk_asks_for_the_signed_release_before_recording_a_yes(client, auth, owner, illinois_site, db):
    auth.login(owner)
    made = client.post("/consents/channels", data={"site_id": illinois_site.id, "kind": "kiosk", "label": "Desk"})
    url = re.search(r"(/k/[\w-]+)", made.get_data(as_text=True)).group(1)
    auth.logout()
    page = client.get(url + "?lang=en").get_data(as_text=True)
    _, page = step(client, url, page)
    _, page = step(client, url, page, ref="GYM-55", age="adult")
    _, page = step(client, url, page, answer="yes")
    assert "The signed written release" in page and 'enctype="multipart/form-data"' in page
    wrong = client.post(url, data={**fields_of(page), "release": (io.BytesIO(b"not a release"), "release.pdf")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 422
    done = client.post(url, data={**fields_of(page), "release": (io.BytesIO(signed_release_png()), "scan.png")},
                       content_type="multipart/form-data")
    assert done.status_code == 201, done.get_data(as_text=True)[:500]
    answer = db.session.scalars(select(ConsentRecord)).one().events[0].content
    assert answer["evidence_ref"] == hashlib.sha256(signed_release_png()).hexdigest()
