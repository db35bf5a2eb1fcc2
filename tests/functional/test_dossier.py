"""The filing dossier download: one ZIP per site and kind, its PDF and JSON saying the same, its README
hashing both, in a fixed number of statements, and nobody else's site."""
import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select

from signage.audit.transparency import sign_checkpoint
from signage.notices.models import NoticeVersion
from signage.requests.services import act, file_request
from signage.rules.packs import PackSettings

from helpers import ILLINOIS_GYM, T0, pdf_text


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return zipfile.ZipFile(io.BytesIO(response.data))


def _section(document: dict, key: str) -> dict:
    return next(section for section in document["sections"] if section["key"] == key)


def _item(section: dict, field: str) -> dict:
    return next(item for item in section["items"] if item["field"] == field)


def test_the_cn_dossier_holds_the_pdf_the_json_and_a_readme_hashing_both(client, auth, owner, live_site, db):
    site, sign = live_site
    sign_checkpoint(now=T0)
    db.session.commit()
    auth.login(owner)

    response = client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_filing")

    archive = _zip(response)
    assert sorted(archive.namelist()) == ["README.txt", "dossier.json", "dossier.pdf"]
    assert response.headers["Content-Disposition"] == f'attachment; filename="dossier-{site.code}-cn_filing.zip"'
    assert response.headers["Cache-Control"] == "no-store"
    readme = archive.read("README.txt").decode()
    for name in ("dossier.pdf", "dossier.json"):
        assert f"{hashlib.sha256(archive.read(name)).hexdigest()}  {name}" in readme
    assert "regulation.md" not in readme


def test_the_json_names_the_notice_hash_the_signs_and_the_checkpoint(client, auth, owner, live_site, db):
    site, sign = live_site
    checkpoint = sign_checkpoint(now=T0)
    db.session.commit()
    auth.login(owner)

    document = json.loads(_zip(client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_filing")).read("dossier.json"))

    version = db.session.scalar(select(NoticeVersion).where(NoticeVersion.site_id == site.id))
    assert _item(_section(document, "notice"), "notice.sha256")["value"] == version.sha256
    signs = _section(document, "signs")["tables"][0]["rows"]
    assert [row["serial"] for row in signs] == [sign.serial]
    audit = _section(document, "audit")
    assert _item(audit, "checkpoint.note")["value"] == checkpoint.note
    assert audit["tables"][0]["rows"] and all(row["in_checkpoint"] for row in audit["tables"][0]["rows"])
    assert _section(document, "operator")["maps_to"] == "处理者基本情况"
    assert _item(_section(document, "storage"), "retention_period_days")["value"] == 7


def test_the_audit_extract_says_when_no_checkpoint_is_signed_yet(client, auth, owner, make_site):
    site = make_site()  # a draft: no notice was published, so nothing signed a checkpoint
    auth.login(owner)

    document = json.loads(_zip(client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_change")).read("dossier.json"))

    audit = _section(document, "audit")
    assert _item(audit, "checkpoint.note")["value"] is None
    assert [row["action"] for row in audit["tables"][0]["rows"]] == ["site.registered"]
    assert not audit["tables"][0]["rows"][0]["in_checkpoint"]
    assert document["duty"] == "cn_change_report"


def test_the_cn_pdf_is_in_chinese_with_the_site_name(client, auth, owner, live_site):
    site, _sign = live_site
    auth.login(owner)

    text = pdf_text(_zip(client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_filing")).read("dossier.pdf"))

    for label in ("人脸识别技术应用备案材料", "处理者基本情况", "处理目的和方式", "存储及安全保护措施",
                  "存储人脸信息数量", "处理规则", "个人信息保护影响评估报告", "storage_mode"):
        assert label in text
    assert "北门" in text and "North gate" in text


def test_the_evidence_file_of_an_illinois_site_is_in_english(client, auth, owner, make_site):
    site = make_site(**ILLINOIS_GYM)
    auth.login(owner)

    archive = _zip(client.get(f"/calendar/dossier/{site.id}.zip?kind=evidence"))

    document = json.loads(archive.read("dossier.json"))
    assert document["language"] == "en" and "count" not in [section["key"] for section in document["sections"]]
    assert _item(_section(document, "storage"), "retention_policy_url")["value"] == "https://gym.example/retention"
    assert "Compliance evidence file" in pdf_text(archive.read("dossier.pdf"))


def test_another_organisation_s_site_has_no_dossier(client, auth, make_user, live_site):
    site, _sign = live_site
    auth.login(make_user("owner"))

    assert client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_filing").status_code == 404


@pytest.mark.parametrize("query", ["kind=nonsense", "", "kind=cn_filing&extra=1"])
def test_a_bad_kind_is_refused_naming_kind(client, auth, owner, live_site, query):
    site, _sign = live_site
    auth.login(owner)

    response = client.get(f"/calendar/dossier/{site.id}.zip?{query}")

    assert response.status_code == 422
    assert ("kind" if "extra" not in query else "extra") in response.get_data(as_text=True)


def test_a_site_outside_china_has_no_cn_filing(client, auth, owner, make_site):
    site = make_site(**ILLINOIS_GYM)
    auth.login(owner)

    response = client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_filing")

    assert response.status_code == 422 and "kind" in response.get_data(as_text=True)


def test_signing_out_readers_are_sent_to_sign_in(client, live_site):
    site, _sign = live_site

    assert client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_filing").status_code in (302, 401)


def _statements(db, client, url) -> int:
    seen = []

    def count(*_args):
        seen.append(1)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_statement_count_does_not_grow_with_the_signs(client, auth, owner, live_site, make_sign, db):
    site, _sign = live_site
    make_sign(site, placement="South entrance")
    auth.login(owner)
    url = f"/calendar/dossier/{site.id}.zip?kind=cn_filing"
    with_two = _statements(db, client, url)
    for number in range(18):
        make_sign(site, placement=f"Door {number}")

    with_twenty = _statements(db, client, url)

    rows = _section(json.loads(_zip(client.get(url)).read("dossier.json")), "signs")["tables"][0]["rows"]
    assert len(rows) == 20 and with_twenty == with_two


def test_requests_answered_after_their_local_due_day_count_as_late(client, auth, owner, live_site, db):
    site, _sign = live_site
    owner.organisation.time_zone = "Asia/Shanghai"
    answered = []
    for hour in (10, 17):  # 18:00 on the due day in Shanghai, then 01:00 the day after
        filed, _code = file_request(site, {"category": "rights", "kind": "access", "language": "en"}, now=T0,
                                    settings=PackSettings())
        due = filed.effective_due_on
        act(filed, "answer", {"message": "We hold nothing."}, by=owner,
            now=datetime(due.year, due.month, due.day, hour, tzinfo=timezone.utc), settings=PackSettings())
        answered.append(filed)
    db.session.commit()
    auth.login(owner)

    document = json.loads(_zip(client.get(f"/calendar/dossier/{site.id}.zip?kind=cn_filing")).read("dossier.json"))

    requests = _section(document, "requests")
    assert _item(requests, "requests.total")["value"] == 2
    assert _item(requests, "requests.answered_late")["value"] == 1
