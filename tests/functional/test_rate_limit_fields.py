"""Throttled responses carry the RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers,
parsed back here as RFC 9651 Structured Fields by a parser of the test's own, and a 429 says Retry-After."""
import base64
import re

import pytest

from signage.config import ConfigurationError

from helpers import PASSWORD

TOKEN = re.compile(r"[A-Za-z*][A-Za-z0-9:/!#$%&'*+\-.^_`|~]*")
KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
INTEGER = re.compile(r"-?[0-9]{1,15}(?![0-9.])")


class Parser:
    """RFC 9651, section 4.2: a List of Items with their Parameters (no Inner Lists, which no field here sends)."""

    def __init__(self, text: str):
        self.text, self.at = text, 0

    def fail(self, why):
        raise ValueError(f"{why} at {self.at} in {self.text!r}")

    def ows(self):
        while self.text[self.at:self.at + 1] in (" ", "\t") and self.at < len(self.text):
            self.at += 1

    def list(self) -> list[tuple]:
        self.text = self.text.strip(" ")
        members = []
        while self.at < len(self.text):
            members.append((self.bare_item(), self.parameters()))
            self.ows()
            if self.at == len(self.text):
                return members
            if self.text[self.at] != ",":
                self.fail("expected a comma")
            self.at += 1
            self.ows()
            if self.at == len(self.text):
                self.fail("trailing comma")
        return members

    def bare_item(self):
        rest = self.text[self.at:]
        if rest.startswith('"'):
            return self.string()
        if rest.startswith(":"):
            end = rest.index(":", 1)
            self.at += end + 1
            return base64.b64decode(rest[1:end], validate=True)
        if rest.startswith("?"):
            self.at += 2
            return {"?1": True, "?0": False}[rest[:2]]
        for pattern in (INTEGER, TOKEN):
            match = pattern.match(rest)
            if match:
                self.at += match.end()
                return int(match.group()) if pattern is INTEGER else ("token", match.group())
        self.fail("no bare item")

    def string(self) -> str:
        self.at += 1
        out = []
        while self.at < len(self.text):
            character = self.text[self.at]
            self.at += 1
            if character == "\\":
                escaped = self.text[self.at:self.at + 1]
                if escaped not in ('"', "\\"):
                    self.fail("bad escape")
                out.append(escaped)
                self.at += 1
            elif character == '"':
                return "".join(out)
            elif not " " <= character <= "~":
                self.fail("not printable ASCII")
            else:
                out.append(character)
        self.fail("unterminated string")

    def parameters(self) -> dict:
        parameters = {}
        while self.text[self.at:self.at + 1] == ";":
            self.at += 1
            self.ows()
            match = KEY.match(self.text, self.at) or self.fail("bad key")
            self.at = match.end()
            value = True
            if self.text[self.at:self.at + 1] == "=":
                self.at += 1
                value = self.bare_item()
            parameters[match.group()] = value
        return parameters


def policies(response) -> dict[str, dict]:
    """Return {policy: {q, w, r, t}} from a response's two fields, checking each is a well-formed List of
    Strings whose parameters have the types the draft says."""
    policy = Parser(response.headers["RateLimit-Policy"]).list()
    limit = Parser(response.headers["RateLimit"]).list()
    assert [name for name, _ in policy] == [name for name, _ in limit]
    merged = {}
    for (name, declared), (_, current) in zip(policy, limit):
        assert isinstance(name, str)
        assert {type(declared["q"]), type(declared["w"]), type(current["r"]), type(current["t"])} == {int}
        assert declared["q"] >= 0 and declared["w"] > 0 and 0 <= current["r"] <= declared["q"]
        assert 0 <= current["t"] <= declared["w"]
        merged[name] = {**declared, **current}
    return merged


def test_the_parser_reads_the_drafts_own_examples():
    assert Parser('"burst";q=100;w=60,"daily";q=1000;w=86400').list() == [
        ("burst", {"q": 100, "w": 60}), ("daily", {"q": 1000, "w": 86400})]
    assert Parser('"default";r=999;pk=:dHJpYWwxMjEzMjM=:').list() == [("default", {"r": 999, "pk": b"trial121323"})]
    for broken in ('"default";r=5,', '"default;r=5', 'default;r=5 t=3'):
        with pytest.raises(ValueError):
            Parser(broken).list()


@pytest.fixture
def limited(app, make_app):
    """An app with its limits on, small enough to reach in a test; made after `app`, as the limiter is one
    object and takes the settings of the app made last."""
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_API="4 per minute", RATELIMIT_VERIFY="2 per minute",
                    RATELIMIT_RECEIPT_LOOKUP="3 per minute", RATELIMIT_LOGIN="5 per minute",
                    RATELIMIT_LOGIN_FAILURES="3 per minute")


def test_every_api_response_tells_the_tokens_quota_and_the_429_says_when_to_retry(limited, owner, make_token, db):
    client, headers = limited.test_client(), make_token(owner)
    answers = [client.get("/api/v1/sites", headers=headers) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    told = [policies(answer)["api"] for answer in answers]
    assert [(state["q"], state["w"]) for state in told] == [(4, 60)] * 5
    assert [state["r"] for state in told] == [3, 2, 1, 0, 0]
    throttled = answers[-1]
    assert throttled.mimetype == "application/problem+json" and throttled.get_json()["status"] == 429
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    assert int(throttled.headers["Retry-After"]) >= told[-1]["t"]  # not before the policy resets
    for answer in answers:
        assert not [name for name in answer.headers.keys() if name.lower().startswith("x-ratelimit")]
        assert ("Retry-After" in answer.headers) == (answer.status_code == 429)
    other = make_token(owner, name="other")  # each token has its own quota
    assert policies(client.get("/api/v1/sites", headers=other))["api"]["r"] == 3


def test_an_operation_with_its_own_limit_tells_both_policies(limited, make_user, make_token):
    client, headers = limited.test_client(), make_token(make_user("auditor"))
    first = client.get("/api/v1/audit/verify", headers=headers)
    assert first.status_code == 200
    assert {name: state["r"] for name, state in policies(first).items()} == {"api": 3, "verify": 1}
    client.get("/api/v1/audit/verify", headers=headers)
    third = client.get("/api/v1/audit/verify", headers=headers)
    assert third.status_code == 429
    told = policies(third)
    assert told["verify"]["r"] == 0 and int(third.headers["Retry-After"]) >= told["verify"]["t"]


def test_public_lookups_and_forms_tell_their_limits(limited):
    client = limited.test_client()
    answers = [client.get("/r/") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [policies(answer)["receipt-lookup"]["r"] for answer in answers] == [2, 1, 0, 0]
    assert int(answers[-1].headers["Retry-After"]) >= 1
    status = client.get("/api/v1/public/requests/ABCDEFGH")  # the API's public lookup has its own count
    assert status.status_code == 404 and policies(status)["receipt-lookup"]["q"] == 3


def test_sign_in_tells_both_its_limits_and_counts_failures_before_telling(limited, owner):
    client = limited.test_client()
    wrong = client.post("/login", data={"email": owner.email, "password": "wrong password!"})
    assert wrong.status_code == 401
    assert {name: state["r"] for name, state in policies(wrong).items()} == {"login": 4, "login-failures": 2}
    right = client.post("/login", data={"email": owner.email, "password": PASSWORD})
    assert right.status_code == 302
    assert {name: state["r"] for name, state in policies(right).items()} == {"login": 3, "login-failures": 2}


def test_what_is_not_throttled_tells_no_limit(limited, owner, make_token):
    client = limited.test_client()
    for response in (client.get("/register"), client.get("/api/v1/register"), client.get("/api/v1/sites")):
        assert "RateLimit" not in response.headers and "RateLimit-Policy" not in response.headers


def test_a_limit_store_that_is_down_costs_the_fields_not_the_answer(make_app, owner, make_token):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")
    response = app.test_client().get("/api/v1/sites", headers=make_token(owner))
    assert response.status_code == 200 and "RateLimit" not in response.headers


def test_the_openapi_document_lists_the_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["components"]["headers"]) == {"RateLimit-Policy", "RateLimit", "Retry-After"}
    created = document["paths"]["/api/v1/sites"]["post"]["responses"]
    assert {"RateLimit-Policy", "RateLimit", "Location"} <= set(created["201"]["headers"])
    assert "403" in created and "403" in document["paths"]["/api/v1/sites/{site_id}"]["patch"]["responses"]
    too_many = document["components"]["responses"]["TOO_MANY_REQUESTS"]
    assert "Retry-After" in too_many["headers"]
    public = document["paths"]["/api/v1/public/requests/{code}"]["get"]["responses"]["200"]
    assert "RateLimit" in public["headers"]
    assert "RateLimit" not in document["paths"]["/api/v1/register"]["get"]["responses"]["200"]["headers"]


def test_the_api_limit_is_set_from_the_environment_and_a_bad_one_stops_the_start(make_app, monkeypatch):
    monkeypatch.setenv("SIGNAGE_RATELIMIT_API", "30 per minute")
    assert make_app().config["RATELIMIT_API"] == "30 per minute"
    monkeypatch.setenv("SIGNAGE_RATELIMIT_API", "lots")
    with pytest.raises(ConfigurationError, match="SIGNAGE_RATELIMIT_API"):
        make_app()
