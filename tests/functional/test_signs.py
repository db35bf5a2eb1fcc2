"""Signs on the dashboard and the command line, and the activation rules that count them."""
import io
import re
import zipfile

import pypdfium2
import pytest
import zxingcpp

from signage.audit.models import AuditEntry
from signage.rules.packs import PackSettings
from signage.errors import RuleViolation
from signage.signs import packs
from signage.signs.cli import signs_cli
from signage.signs.models import Sign
from signage.sites.services import change_status, update_site

from helpers import T0, in_chinese, pdf_text

NYC_SITE = {"jurisdictions": ["US-NYC"], "venue_class": "business_premises_public_access",
            "nyc_establishment_type": "retail_store", "customer_entrances": ["North entrance", "South entrance"],
            "purpose": "access_control", "function": "verification_1to1", "live_mode": None,
            "non_fr_alternative": "Show your card at the desk.", "legal_basis_cn": None,
            "text_translations": in_chinese(non_fr_alternative="在服务台出示会员卡。")}


#: Every pack file opens with its cover sheet (one page for up to two dozen signs).
COVER = 1


def pages(data: bytes) -> int:
    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def first_page_codes(data: bytes, page: int = 0) -> list[str]:
    """Decode the QR codes on one page of a PDF (in a pack, the first sign follows its cover: page=COVER)."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    return [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def rule_ids(error: RuleViolation) -> set[str]:
    return {finding["rule_id"] for finding in error.findings}


@pytest.fixture
def site(make_site):
    return make_site()


def test_issue_form_creates_a_sign_and_returns_to_the_site(client, auth, owner, site, db):
    auth.login(owner)
    response = client.post(f"/sites/{site.id}/signs", data={"placement": "West door", "size": "LETTER",
                                                            "languages": ["en", "zh-Hans"]})
    assert response.status_code == 303
    sign = db.session.scalars(db.select(Sign)).one()
    assert (sign.placement, sign.size, sign.languages) == ("West door", "LETTER", ["en", "zh-Hans"])
    assert response.headers["Location"].endswith(f"/sites/{site.id}#sign-{sign.serial}")
    page = client.get(f"/sites/{site.id}/signs").get_data(as_text=True)
    assert sign.serial in page and f"HTTPS://SIGNS.EXAMPLE/S/{sign.serial}" in page and "West door" in page


def test_issue_form_names_the_field_to_fix(client, auth, owner, site, db):
    auth.login(owner)
    response = client.post(f"/sites/{site.id}/signs", data={"placement": "x" * 101, "size": "A4"})
    assert response.status_code == 422
    assert 'id="err-placement"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Sign.id))) == 0


def test_issue_form_refuses_text_too_long_naming_the_site_field(client, auth, owner, make_site):
    site = make_site(purpose_text="Finding " + "x" * 160)  # the purpose stays on every sign: it cannot move
    auth.login(owner)
    response = client.post(f"/sites/{site.id}/signs", data={"placement": "Gate", "size": "A5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Too long for a A5 sign" in page
    assert f"/sites/{site.id}/edit#field-purpose_text" in page


def test_dashboard_download_scans_to_the_short_url(client, auth, owner, site, make_sign):
    sign = make_sign(site)
    auth.login(owner)
    response = client.get(f"/signs/{sign.serial}.pdf?size=A5")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"]
    assert first_page_codes(response.data) == [f"HTTPS://SIGNS.EXAMPLE/S/{sign.serial}"]
    svg = client.get(f"/signs/{sign.serial}.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data[:300]


def test_site_pack_has_a_page_per_current_sign(client, auth, owner, site, make_sign, db):
    for placement in ("North entrance", "South entrance", "Lift lobby"):
        make_sign(site, placement=placement)
    make_sign(site, placement="Old door", size="STICKER")
    auth.login(owner)
    old = db.session.scalars(db.select(Sign).where(Sign.placement == "Old door")).one()
    assert client.post(f"/signs/{old.serial}/status", data={"status": "retired"}).status_code == 303
    response = client.get(f"/sites/{site.id}/signs/pack.pdf")
    assert response.status_code == 200 and pages(response.data) == COVER + 3


def test_organisation_pack_covers_active_sites_only(client, auth, owner, make_site, make_sign, settings, db):
    live, draft = make_site(), make_site(site_name="Back office")
    make_sign(live)
    make_sign(live, placement="South entrance")
    make_sign(draft)
    change_status(live, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    auth.login(owner)
    response = client.get("/signs/pack.pdf")
    assert response.status_code == 200 and pages(response.data) == COVER + 2


def test_cli_pack_for_an_organisation_writes_a_file(runner, owner, make_site, make_sign, settings, db, tmp_path):
    site = make_site()
    for placement in ("North entrance", "South entrance"):
        make_sign(site, placement=placement)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    output = tmp_path / "pack.pdf"
    result = runner.invoke(signs_cli, ["pack", "--org", owner.organisation.legal_name, "--size", "a3",
                                       "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 signs" in result.output and pages(output.read_bytes()) == COVER + 2
    page = pypdfium2.PdfDocument(output.read_bytes())
    assert round(page[COVER].get_size()[0] / 72 * 25.4) == 297  # the signs at A3; the cover sheet is A4
    page.close()


def test_a_pack_larger_than_one_file_comes_as_a_zip_of_pdfs(client, auth, owner, make_site, make_sign, settings,
                                                            db, monkeypatch):
    monkeypatch.setattr(packs, "PACK_PAGES", 2)
    first, second = make_site(), make_site(site_name="Back office")
    for site in (first, second):
        make_sign(site)
        make_sign(site, placement="South entrance")
        change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    make_sign(first, placement="Lift lobby")
    db.session.commit()
    auth.login(owner)
    reprint_page = client.get("/signs/reprint").get_data(as_text=True)
    assert "/signs/pack.zip" in reprint_page and "more than 2 (ZIP of PDFs)" in reprint_page
    too_many = client.get("/signs/pack.pdf")
    assert too_many.status_code == 409 and "ZIP" in too_many.get_data(as_text=True)
    response = client.get("/signs/pack.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)
    assert [pages(archive.read(name)) for name in names] == [COVER + 2, COVER + 2, COVER + 1]
    serials = {sign.serial for sign in db.session.scalars(db.select(Sign))}
    codes = {code for name in names for code in first_page_codes(archive.read(name), page=COVER)}
    assert codes <= {f"HTTPS://SIGNS.EXAMPLE/S/{serial}" for serial in serials} and len(codes) == 3


def test_a_zip_pack_with_nothing_to_print_is_refused(client, auth, owner):
    auth.login(owner)
    response = client.get("/signs/pack.zip")
    assert response.status_code == 409 and "no current signs" in response.get_data(as_text=True)


def test_cli_pack_writes_a_zip_when_asked_or_when_too_large(runner, site, make_sign, tmp_path, monkeypatch):
    for placement in ("North entrance", "South entrance", "Lift lobby"):
        make_sign(site, placement=placement)
    asked = tmp_path / "site.zip"
    assert runner.invoke(signs_cli, ["pack", "--site", str(site.id), "--output", str(asked)]).exit_code == 0
    assert [pages(zipfile.ZipFile(asked).read(name)) for name in zipfile.ZipFile(asked).namelist()] == [COVER + 3]
    monkeypatch.setattr(packs, "PACK_PAGES", 2)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(signs_cli, ["pack", "--site", str(site.id)])
    assert result.exit_code == 0 and f"signs-{site.code}.zip" in result.output
    archive = zipfile.ZipFile(tmp_path / f"signs-{site.code}.zip")
    assert [pages(archive.read(name)) for name in archive.namelist()] == [COVER + 2, COVER + 1]


def test_cli_pack_for_a_site_and_its_mistakes(runner, site, make_sign, tmp_path):
    make_sign(site)
    output = tmp_path / "site.pdf"
    assert runner.invoke(signs_cli, ["pack", "--site", str(site.id), "--output", str(output)]).exit_code == 0
    assert pages(output.read_bytes()) == COVER + 1
    assert runner.invoke(signs_cli, ["pack"]).exit_code != 0
    assert "No site with id 999" in runner.invoke(signs_cli, ["pack", "--site", "999"]).output


def test_marking_installed_records_the_date_and_an_audit_entry(client, auth, owner, site, make_sign, db):
    sign = make_sign(site)
    auth.login(owner)
    assert client.post(f"/signs/{sign.serial}/status", data={"status": "installed"}).status_code == 303
    db.session.refresh(sign)
    assert sign.status == "installed" and sign.installed_at is not None
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "sign.status_changed")).one()
    assert entry.subject_id == sign.id and b'"installed"' in entry.canonical


def test_stale_signs_are_listed_with_what_changed_and_reprinted(client, auth, owner, site, make_sign, settings, db):
    sign = make_sign(site)
    update_site(site, {"capture_area_description": "The whole station."}, by=owner, now=T0, settings=settings)
    db.session.commit()
    auth.login(owner)
    page = client.get("/signs/reprint").get_data(as_text=True)
    assert sign.serial in page and "Capture area" in page
    assert "Reprint" in client.get(f"/sites/{site.id}/signs").get_data(as_text=True)
    assert client.get(f"/signs/{sign.serial}.pdf").status_code == 409
    response = client.post(f"/signs/{sign.serial}/reprint", data={"_next": "reprints"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/signs/reprint")
    db.session.refresh(sign)
    assert sign.status == "retired"
    fresh = db.session.scalars(db.select(Sign).where(Sign.status == "issued")).one()
    assert fresh.placement == sign.placement and not fresh.stale_fields
    after = client.get("/signs/reprint").get_data(as_text=True)
    assert f"Sign {fresh.serial} replaces {sign.serial}, now retired" in after  # said once, after the reprint
    assert f'<th scope="row" class="mono">{sign.serial}</th>' not in after  # and no longer listed
    assert sign.serial not in client.get("/signs/reprint").get_data(as_text=True)


def test_other_organisations_signs_and_sites_are_not_found(client, auth, site, make_sign, make_user):
    sign = make_sign(site)
    auth.login(make_user("owner"))
    assert client.get(f"/signs/{sign.serial}.pdf").status_code == 404
    assert client.get(f"/sites/{site.id}/signs").status_code == 404
    assert client.post(f"/signs/{sign.serial}/status", data={"status": "retired"}).status_code == 404
    assert client.post(f"/sites/{site.id}/signs", data={"placement": "Gate"}).status_code == 404


def test_public_place_cannot_go_live_without_a_sign(owner, site, make_sign, settings, db):
    with pytest.raises(RuleViolation) as refused:
        change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    assert "ACT-SIGN" in rule_ids(refused.value)
    db.session.rollback()
    make_sign(site)
    assert change_status(site, "active", reason=None, by=owner, now=T0, settings=settings).status == "active"


def test_nyc_needs_a_sign_at_every_customer_entrance(owner, make_site, make_sign, settings, db):
    site = make_site(**NYC_SITE)
    make_sign(site, placement="north entrance ")
    with pytest.raises(RuleViolation) as refused:
        change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    finding = next(f for f in refused.value.findings if f["rule_id"] == "NYC-ENTRANCE-SIGNS")
    assert "South entrance" in finding["message"] and "North" not in finding["message"]
    db.session.rollback()
    make_sign(site, placement="South entrance", size="LETTER", languages=["en", "zh-Hans"])
    assert change_status(site, "active", reason=None, by=owner, now=T0, settings=settings).status == "active"


def test_a_zip_pack_that_meets_a_sign_too_long_for_its_size_ends_readably_saying_which(
        client, auth, owner, make_site, make_sign, settings, db, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(packs, "PACK_PAGES", 1)
    fits, too_long = make_site(site_name="A"), make_site(site_name="B", purpose_text="Finding " + "x" * 160)
    for site in (fits, too_long):
        make_sign(site)
        change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    auth.login(owner)
    response = client.get("/signs/pack.zip?size=A5")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None and archive.namelist()[-1] == "ERRORS.txt"
    assert [pages(archive.read(name)) for name in archive.namelist()[:-1]] == [COVER + 1]
    errors = archive.read("ERRORS.txt").decode()
    serial = db.session.scalar(db.select(Sign.serial).where(Sign.site_id == too_long.id))
    assert f"Sign {serial}: the purpose_text text does not fit on a A5 sign" in errors
    output = tmp_path / "all.zip"
    result = runner.invoke(signs_cli, ["pack", "--org", owner.organisation.legal_name, "--size", "a5",
                                       "--output", str(output)])
    assert result.exit_code == 1 and serial in result.output and "ERRORS.txt" in result.output
    assert zipfile.ZipFile(output).namelist()[-1] == "ERRORS.txt"


def test_a_zip_pack_over_stored_text_no_font_prints_ends_readably_and_is_logged(client, auth, owner, make_site,
                                                                                make_sign, settings, db, caplog):
    from sqlalchemy import text
    site = make_site()
    make_sign(site)
    change_status(site, "active", reason=None, by=owner, now=T0, settings=settings)
    db.session.commit()
    # text stored before the check existed: refused while the pack's signs are read, not while rendered
    db.session.execute(text("UPDATE sites SET purpose_text = :t WHERE id = :id"), {"t": "Gate 😀", "id": site.id})
    db.session.commit()
    auth.login(owner)
    response = client.get("/signs/pack.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None and archive.namelist() == ["ERRORS.txt"]
    assert "U+1F600" in archive.read("ERRORS.txt").decode()
    assert "sign pack of organisation" in caplog.text and "Gate" not in caplog.text


def test_no_sign_file_for_a_site_a_rule_refuses_except_for_missing_signs(client, auth, owner, make_site, make_sign,
                                                                         make_token):
    lawful = make_site(site_name="Gate")  # refused only by ACT-SIGN until its sign is up: printable
    fine = make_sign(lawful)
    hotel = make_site(site_name="Room 1203", venue_class="private_space", private_space_type="hotel_guest_room")
    forbidden = make_sign(hotel)
    auth.login(owner)
    assert client.get(f"/signs/{fine.serial}.pdf").status_code == 200
    refused = client.get(f"/signs/{forbidden.serial}.pdf")
    assert refused.status_code == 409 and "CN-PRIVATE-SPACE" in refused.get_data(as_text=True)
    assert client.get(f"/sites/{hotel.id}/signs/pack.pdf").status_code == 409
    headers = make_token(owner)
    api = client.get(f"/api/v1/signs/{forbidden.serial}.png", headers=headers)
    assert api.status_code == 409 and "CN-PRIVATE-SPACE" in {f["rule_id"] for f in api.get_json()["findings"]}


def test_issuing_a_sticker_names_the_field_by_its_label_and_how_much_to_cut_and_that_cut_fits(
        client, auth, owner, make_site, db):
    auth.login(owner)
    english = ("Finding people on the police watch list at the north gate, the ticket hall, the platforms "
               "and every stairway between them, day and night, and telling the station's police officers on "
               "duty so that they can come and deal with it.")
    chinese = ("在北门、售票厅、站台以及它们之间的每一段楼梯上，日夜查找公安布控名单上的人员，并通知车站值班民警"
               "到场处理，处理结果记入车站的值班日志。")
    site = make_site(purpose_text=english, text_translations=in_chinese(purpose_text=chinese))
    form = {"placement": "Gate A", "size": "STICKER", "languages": ["zh-Hans", "en"]}

    refused = client.post(f"/sites/{site.id}/signs", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Purpose in your own words" in page
    cuts = {language: int(count) for count, language in
            re.findall(r"cut about (\d+) characters from the (Chinese|English) text", page)}
    assert cuts and set(cuts) <= {"Chinese", "English"}

    db.session.rollback()
    from signage.sites.services import update_site
    update_site(site, {"purpose_text": english[:len(english) - cuts.get("English", 0)],
                       "text_translations": in_chinese(purpose_text=chinese[:len(chinese) - cuts.get("Chinese", 0)])},
                by=owner, now=T0, settings=PackSettings())
    db.session.commit()
    assert client.post(f"/sites/{site.id}/signs", data=form).status_code == 303


def test_an_edit_that_would_no_longer_fit_an_issued_sticker_says_so_before_saving(
        client, auth, owner, make_site, make_sign, db):
    from helpers import form_values
    auth.login(owner)
    site = make_site()
    sign = make_sign(site, size="STICKER")
    pairs = form_values(client.get(f"/sites/{site.id}/edit").get_data(as_text=True))
    pairs["purpose_text"] = "Finding people on the police watch list " * 10
    page = client.post(f"/sites/{site.id}", data=pairs).get_data(as_text=True)
    assert "could no longer be reprinted at its size" in page and sign.serial in page
    assert "cut about" in page


def test_issuing_says_what_the_sign_leaves_to_the_notice_at_its_size(client, auth, owner, make_site, db):
    area = "The ticket hall, the gates, the platforms and every stairway between them. " * 12
    site = make_site(capture_area_description=area, text_translations=in_chinese(capture_area_description="售票厅。" * 80))
    auth.login(owner)
    issued = client.post(f"/sites/{site.id}/signs", data={"placement": "Gate", "size": "A5"}, follow_redirects=True)
    page = issued.get_data(as_text=True)
    assert "leaves to the full notice" in page and "Capture area" in page
    serial = db.session.scalar(db.select(Sign.serial).where(Sign.site_id == site.id))
    text = pdf_text(client.get(f"/signs/{serial}.pdf").data)
    assert "售票厅。售票厅。" not in text and "Finding people on the police watch list." in text


def test_a_pack_opens_with_a_cover_sheet_naming_each_pages_placement_and_the_installation_checklist(
        client, auth, owner, site, make_sign, db):
    signs = [make_sign(site, placement=placement) for placement in ("东出口", "Ticket hall west")]
    auth.login(owner)
    response = client.get(f"/sites/{site.id}/signs/pack.pdf")
    document = pypdfium2.PdfDocument(response.data)
    try:
        cover = document[0].get_textpage().get_text_bounded()
        later = [document[i].get_textpage().get_text_bounded() for i in range(1, len(document))]
    finally:
        document.close()
    assert "Installation checklist" in cover and "Scan each QR code" in cover
    for page_number, sign in enumerate(signs, start=2):  # each row names the page its sign is printed on
        row = next(line for line in cover.splitlines() if sign.serial in line)
        assert str(page_number) in row and sign.placement in row
        assert sign.serial in later[page_number - 2]
