"""The JSON API for signs: issue, files that scan, bad input, reprint flags, status changes, notices."""
import re
import io

import pypdfium2
import pytest
import resvg_py
import zxingcpp
from PIL import Image

from signage.audit.models import AuditEntry
from signage.signs.models import Sign
from signage.signs.spec import SIZES
from signage.sites.services import change_status, update_site

from helpers import T0, in_chinese, pdf_text


@pytest.fixture
def headers(owner, make_token):
    return make_token(owner)


@pytest.fixture
def site(make_site):
    return make_site()


def issue(client, headers, site_id, **body):
    return client.post(f"/api/v1/sites/{site_id}/signs", json={"placement": "North entrance", **body},
                       headers=headers)


def image_of(data: bytes, fmt: str, dpi: int) -> Image.Image:
    if fmt == "pdf":
        document = pypdfium2.PdfDocument(data)
        try:
            return document[0].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
    if fmt == "svg":
        return Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=data.decode(), dpi=dpi))))
    return Image.open(io.BytesIO(data))


def scanned(image: Image.Image) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def entries(db, action):
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_issue_returns_201_with_location_short_url_and_audit_entry(client, headers, site, db):
    response = issue(client, headers, site.id, size="A3", languages=["en", "zh-Hans"])
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/signs/{body['serial']}")
    assert body["url"] == f"HTTPS://SIGNS.EXAMPLE/S/{body['serial']}"
    assert (body["size"], body["languages"]) == ("A3", ["en", "zh-Hans"])
    assert (body["status"], body["stale"], body["stale_fields"]) == ("issued", False, [])
    assert body["files"]["pdf"].endswith(f"/api/v1/signs/{body['serial']}.pdf")
    entry = entries(db, "sign.issued")[-1]
    assert entry.subject_type == "signs" and entry.organisation_id == site.organisation_id
    assert client.get(response.headers["Location"], headers=headers).get_json() == body


def test_languages_default_to_simplified_chinese_then_english(client, headers, site):
    body = issue(client, headers, site.id).get_json()
    assert (body["languages"], body["size"]) == (["zh-Hans", "en"], "A4")


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("fmt", ["pdf", "svg", "png"])
def test_every_size_and_format_scans_to_the_signs_short_url(client, headers, site, size, fmt):
    sign = issue(client, headers, site.id).get_json()
    response = client.get(f"/api/v1/signs/{sign['serial']}.{fmt}?size={size}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == {"pdf": "application/pdf", "svg": "image/svg+xml", "png": "image/png"}[fmt]
    image = image_of(response.data, fmt, 150 if size != "STICKER" else 300)
    if fmt == "png":
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.05)
        image = image.reduce(2) if size != "STICKER" else image
    assert image.height / image.width == pytest.approx(SIZES[size][1] / SIZES[size][0], rel=0.01)
    assert scanned(image) == [sign["url"]]


def test_pdf_prints_operator_purpose_short_url_and_footer(client, headers, make_site, owner):
    site = make_site(text_translations=in_chinese(purpose_text="查找警方名单上的人员。"))
    sign = issue(client, headers, site.id).get_json()
    text = "".join(pdf_text(client.get(sign["files"]["pdf"], headers=headers).data).split())
    for expected in (owner.organisation.legal_name, "Finding people on the police watch list.", "查找警方名单上的人员。",
                     "此处使用人脸识别", f"signs.example/S/{sign['serial']}",
                     f"North entrance · 标识 {sign['serial']} · 告知第 1 版 · 印制于"):
        assert "".join(expected.split()) in text


@pytest.mark.parametrize("size", ["A5", "STICKER"])
def test_a_placement_of_the_longest_allowed_kind_is_issued_its_footer_cut_with_an_ellipsis(client, headers, site,
                                                                                        size):
    response = issue(client, headers, site.id, placement="0" * 100, size=size)
    assert response.status_code == 201, response.get_json()
    sign = response.get_json()
    assert sign["placement"] == "0" * 100  # kept whole: the dashboard and the pack's cover sheet show it
    text = "".join(pdf_text(client.get(sign["files"]["pdf"], headers=headers).data).split())
    assert f"…·标识{sign['serial']}" in text and "0" * 100 not in text


@pytest.mark.parametrize("body, field", [
    ({"size": "A2"}, "size"),
    ({"size": "poster"}, "size"),
    ({"languages": ["fr", "en"]}, "languages"),
    ({"languages": ["en", "en"]}, "languages"),
    ({"languages": ["zh-Hans"]}, "languages"),
    ({"placement": "x" * 101}, "placement"),
    ({"placement": "   "}, "placement"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_issued(client, headers, site, db, body, field):
    response = issue(client, headers, site.id, **body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count(Sign.id))) == 0


def test_decommissioned_site_gets_no_signs(client, headers, site, owner, settings, db):
    change_status(site, "decommissioned", reason="closed", by=owner, now=T0, settings=settings)
    db.session.commit()
    response = issue(client, headers, site.id)
    assert response.status_code == 409 and "decommissioned" in response.get_json()["detail"]


def test_text_too_long_for_the_size_is_refused_naming_the_site_field(client, headers, make_site):
    site = make_site(purpose_text="Finding " + "x" * 160)
    response = issue(client, headers, site.id, size="A5")
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["purpose_text"]
    assert re.fullmatch(r"Too long for a A5 sign: cut about \d+ characters from the en text, or choose a larger "
                        r"size\.", message)
    roomy = make_site(purpose_text="Finding people on the watch list.")
    sign = issue(client, headers, roomy.id, size="A5").get_json()
    assert client.get(f"/api/v1/signs/{sign['serial']}.pdf?size=A3", headers=headers).status_code == 200
    assert client.get(f"/api/v1/signs/{sign['serial']}.pdf?size=B5", headers=headers).get_json()["errors"]["size"]


def test_changing_a_printed_field_flags_the_sign_and_blocks_its_files(client, headers, site, owner, settings, db):
    sign = issue(client, headers, site.id).get_json()
    update_site(site, {"purpose_text": "Finding lost children."}, by=owner, now=T0, settings=settings)
    db.session.commit()
    body = client.get(f"/api/v1/signs/{sign['serial']}", headers=headers).get_json()
    assert body["stale"] is True and body["stale_fields"] == ["purpose_text"]
    assert [row["serial"] for row in client.get("/api/v1/signs?stale=true", headers=headers).get_json()] == [
        sign["serial"]]
    refused = client.get(f"/api/v1/signs/{sign['serial']}.pdf", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["errors"] == {"stale_fields": ["purpose_text"]}


def test_reprint_issues_a_fresh_serial_and_retires_the_stale_sign(client, headers, site, owner, settings, db):
    old = issue(client, headers, site.id, size="A3").get_json()
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=settings)
    db.session.commit()
    response = client.post(f"/api/v1/signs/{old['serial']}/reprint", headers=headers)
    assert response.status_code == 201
    new = response.get_json()
    assert new["serial"] != old["serial"] and (new["placement"], new["size"], new["stale"]) == (
        old["placement"], "A3", False)
    retired = client.get(f"/api/v1/signs/{old['serial']}", headers=headers).get_json()
    assert retired["status"] == "retired" and retired["retired_at"]
    assert client.get("/api/v1/signs?stale=true", headers=headers).get_json() == []
    assert entries(db, "sign.issued")[-1].canonical and b'"replaces"' in entries(db, "sign.issued")[-1].canonical
    assert b'"replaced_by"' in entries(db, "sign.status_changed")[-1].canonical
    assert client.post(f"/api/v1/signs/{old['serial']}/reprint", headers=headers).status_code == 409


def test_status_patch_records_dates_and_audit_entries(client, headers, site, db):
    sign = issue(client, headers, site.id).get_json()
    url = f"/api/v1/signs/{sign['serial']}"
    installed = client.patch(url, json={"status": "installed", "reason": "Put up by Li"}, headers=headers)
    assert installed.status_code == 200 and installed.get_json()["installed_at"]
    entry = entries(db, "sign.status_changed")[-1]
    assert b'"installed_at"' in entry.canonical and b"Put up by Li" in entry.canonical
    assert client.patch(url, json={"status": "installed"}, headers=headers).status_code == 409
    assert "status" in client.patch(url, json={"status": "lost"}, headers=headers).get_json()["errors"]
    retired = client.patch(url, json={"status": "retired"}, headers=headers).get_json()
    assert retired["status"] == "retired" and retired["retired_at"]
    assert len(entries(db, "sign.status_changed")) == 2
    assert client.get(f"{url}.pdf", headers=headers).status_code == 409


def test_other_organisations_signs_and_sites_do_not_exist(client, headers, site, make_user, make_token):
    sign = issue(client, headers, site.id).get_json()
    stranger = make_token(make_user("owner"))
    assert client.get(f"/api/v1/signs/{sign['serial']}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/signs/{sign['serial']}.png", headers=stranger).status_code == 404
    assert client.patch(f"/api/v1/signs/{sign['serial']}", json={"status": "retired"},
                        headers=stranger).status_code == 404
    assert issue(client, stranger, site.id).status_code == 404


def test_auditors_read_signs_but_cannot_issue_them(client, site, owner, make_user, make_token):
    auditor = make_token(make_user("auditor", organisation=owner.organisation))
    assert issue(client, auditor, site.id).status_code == 403
    assert client.get(f"/api/v1/sites/{site.id}/signs", headers=auditor).get_json() == []


def test_site_notices_list_published_versions_with_public_urls(client, headers, site, owner, settings, db):
    assert client.get(f"/api/v1/sites/{site.id}/notices", headers=headers).get_json() == []
    issue(client, headers, site.id)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    versions = client.get(f"/api/v1/sites/{site.id}/notices", headers=headers).get_json()
    assert [v["number"] for v in versions] == [1]
    assert versions[0]["url"] == f"https://signs.example/n/{site.code}/v1" and len(versions[0]["sha256"]) == 64


def test_sign_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [("/api/v1/sites/{site_id}/signs", "post"), ("/api/v1/signs/{serial}", "get"),
                         ("/api/v1/signs/{serial}", "patch"), ("/api/v1/signs/{serial}.pdf", "get"),
                         ("/api/v1/signs/{serial}.svg", "get"), ("/api/v1/signs/{serial}.png", "get"),
                         ("/api/v1/sites/{site_id}/notices", "get")]:
        assert method in paths[path]
    assert "Sign" in client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
