"""Requests in the API: the public side files and follows without a token; the operator lists, reads and acts."""
from sqlalchemy import select

from signage.requests.models import PublicRequest


def test_an_app_files_a_report_without_a_token_and_follows_it(client, live_site, db):
    site, sign = live_site
    response = client.post(f"/api/v1/public/notices/{site.code}/requests",
                           json={"category": "sign", "kind": "covered", "sign": sign.serial.lower()})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "received" and body["status_url"].endswith(f"/q/{body['reference_code']}")
    assert db.session.scalar(select(PublicRequest)).sign_id == sign.id
    status = client.get(f"/api/v1/public/requests/{body['reference_code']}")
    assert status.status_code == 200 and status.get_json()["kind"] == "covered"
    assert "reply_contact" not in status.get_json() and "description" not in status.get_json()
    assert client.get("/api/v1/public/requests/ABCDEFGHJKLMNPQRS").status_code == 404
    assert client.post("/api/v1/public/notices/NOSUCH/requests",
                       json={"category": "sign", "kind": "covered"}).status_code == 404


def test_bad_public_input_names_the_field_and_saves_nothing(client, live_site, db):
    site, _sign = live_site
    for body, field in (({"category": "rights", "kind": "missing"}, "kind"),
                        ({"category": "rights", "kind": "access", "reply_contact": "x@y.example"}, "reply_channel"),
                        ({"category": "rights", "kind": "access", "extra": 1}, "extra"),
                        ({"category": "sign", "kind": "moved", "description": "d" * 2001}, "description")):
        response = client.post(f"/api/v1/public/notices/{site.code}/requests", json=body)
        assert response.status_code == 422 and field in response.get_json()["errors"], (body, response.get_json())
    assert db.session.scalar(select(PublicRequest)) is None


def test_the_operator_lists_reads_and_acts_through_the_api(client, live_site, api_token, db, make_org, make_user,
                                                           make_token):
    site, _sign = live_site
    filed = client.post(f"/api/v1/public/notices/{site.code}/requests", json={
        "category": "rights", "kind": "access", "reply_channel": "phone", "reply_contact": "+86 21 5555 0100"})
    code = filed.get_json()["reference_code"]
    listed = client.get("/api/v1/requests", headers=api_token)
    assert listed.status_code == 200
    [item] = listed.get_json()
    assert item["reply_contact"] == "+86 21 5555 0100" and item["clock"] == "running" and item["due_on"]
    acted = client.post(f"/api/v1/requests/{item['id']}/actions", headers=api_token,
                        json={"action": "answer", "message": "We keep no footage of you."})
    assert acted.status_code == 200 and acted.get_json()["state"] == "answered"
    assert [step["action"] for step in acted.get_json()["steps"]] == ["received", "answer"]
    assert client.post(f"/api/v1/requests/{item['id']}/actions", headers=api_token,
                       json={"action": "answer"}).status_code == 422
    assert client.post(f"/api/v1/requests/{item['id']}/actions", headers=api_token,
                       json={"action": "acknowledge"}).status_code == 409
    public = client.get(f"/api/v1/public/requests/{code}").get_json()
    assert public["steps"][-1]["message"] == "We keep no footage of you."
    stranger = make_token(make_user("owner", organisation=make_org(legal_name="Other Ltd.")))
    assert client.get(f"/api/v1/requests/{item['id']}", headers=stranger).status_code == 404
    assert client.get("/api/v1/requests", headers=stranger).get_json() == []
    assert client.get("/api/v1/requests").status_code == 401
