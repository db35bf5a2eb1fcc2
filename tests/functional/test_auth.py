"""Signing in, lock-out, roles, CSRF, cookies, tokens and the account commands."""
import re

import pytest

from signage.audit.models import AuditEntry
from signage.auth.models import ApiToken, User

from helpers import PASSWORD


def test_login_and_logout(client, auth, owner):
    response = auth.login(owner)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(client, auth, owner):
    response = auth.login(owner, password="wrong password!")
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_repeated_failures_throttle_that_address_for_that_account_only(make_app, owner, make_user):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="100 per minute", RATELIMIT_LOGIN_FAILURES="3 per minute")
    guesser = app.test_client()
    wrong = {"email": owner.email, "password": "wrong password!"}
    assert [guesser.post("/login", data=wrong).status_code for _ in range(4)] == [401, 401, 401, 429]
    # the guesser now cannot get in even with the right password ...
    assert guesser.post("/login", data={"email": owner.email, "password": PASSWORD}).status_code == 429
    # ... but the real owner, elsewhere, is not locked out, and other accounts still work from here
    elsewhere = app.test_client()
    response = elsewhere.post("/login", data={"email": owner.email, "password": PASSWORD},
                              environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 302
    colleague = make_user("editor", organisation=owner.organisation)
    assert guesser.post("/login", data={"email": colleague.email, "password": PASSWORD}).status_code == 302


def test_login_is_rate_limited_per_address(make_app, owner):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    statuses = [client.post("/login", data={"email": f"x{n}@y.example", "password": "nope"}).status_code
                for n in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_open_redirect_after_login_is_refused(client, owner):
    response = client.post("/login", data={"email": owner.email, "password": PASSWORD,
                                            "_next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_forms_need_a_csrf_token(make_app, owner):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/login", data={"email": owner.email, "password": PASSWORD}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": owner.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_session_cookie_is_secure_httponly_and_samesite(make_app, owner):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.post("/login", data={"email": owner.email, "password": PASSWORD},
                           base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers_and_strict_csp(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp and "script-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "style=" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role, allowed", [("owner", 200), ("editor", 403), ("auditor", 403)])
def test_only_owners_manage_users(client, auth, make_user, role, allowed):
    user = make_user(role)
    auth.login(user)
    assert client.get("/users").status_code == allowed


def test_owner_adds_a_user_and_it_is_audited(client, auth, owner, db):
    auth.login(owner)
    response = client.post("/users", data={"email": "new.editor@operator.example", "role": "editor",
                                           "password": "a long enough password"})
    assert response.status_code == 302
    user = db.session.scalars(db.select(User).where(User.email == "new.editor@operator.example")).one()
    assert user.organisation_id == owner.organisation_id and user.password_hash != "a long enough password"
    from signage.audit.services import entries_for
    assert entries_for("users", user.id)[0]["action"] == "user.created"


def test_short_password_is_refused_naming_the_field(client, auth, owner):
    auth.login(owner)
    response = client.post("/users", data={"email": "a@b.example", "role": "editor", "password": "short"})
    assert response.status_code == 422
    assert "12 characters" in response.get_data(as_text=True)


def test_last_owner_cannot_be_demoted(client, auth, owner):
    auth.login(owner)
    response = client.post(f"/users/{owner.id}", data={"role": "editor"})
    assert response.status_code == 409


def test_token_is_shown_once_stored_hashed_and_revocable(client, auth, owner, db):
    auth.login(owner)
    page = client.post("/tokens", data={"name": "ERP"}).get_data(as_text=True)
    plain = re.search(r"(sgn_[A-Za-z0-9_\-]{20,})", page).group(1)
    token = db.session.scalars(db.select(ApiToken)).one()
    assert token.token_hash != plain and plain not in client.get("/tokens").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/sites", headers=headers).status_code == 200
    client.post(f"/tokens/{token.id}/revoke")
    assert client.get("/api/v1/sites", headers=headers).status_code == 401


def test_cli_creates_users_and_tokens(runner, db, monkeypatch):
    monkeypatch.setenv("SIGNAGE_PASSWORD", "a long enough password")
    result = runner.invoke(args=["users", "create", "--org", "CLI Org", "--email", "Cli@Example.org",
                                 "--role", "owner"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(db.select(User).where(User.email == "cli@example.org")).one()
    assert user.organisation.legal_name == "CLI Org"
    result = runner.invoke(args=["tokens", "create", "--email", "cli@example.org"])
    assert result.exit_code == 0 and result.output.strip().startswith("sgn_")
    duplicate = runner.invoke(args=["users", "create", "--org", "CLI Org", "--email", "cli@example.org",
                                    "--role", "owner"])
    assert duplicate.exit_code != 0 and "Already in use" in duplicate.output


def test_language_choice_is_remembered_and_is_not_a_record_change(client, auth, owner, db):
    from sqlalchemy import func, select
    from signage.audit.models import AuditEntry
    auth.login(owner)
    logged = db.session.scalar(select(func.count()).select_from(AuditEntry))
    client.post("/locale", data={"locale": "zh_Hans", "_next": "/"})
    assert db.session.get(User, owner.id).locale == "zh_Hans"
    assert 'lang="zh-Hans"' in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == logged  # a preference, not logged


def test_accept_language_chooses_chinese_before_login(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert 'lang="zh-Hans"' in page


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after(make_app, owner, db):
    app = make_app()
    browser = app.test_client()
    browser.post("/login", data={"email": owner.email, "password": PASSWORD})
    stolen = browser.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 200
    browser.post("/logout")
    assert thief.get("/").status_code == 302 and "/login" in thief.get("/").headers["Location"]
    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "user.signed_out" and entry.subject_id == owner.id


@pytest.mark.parametrize("path", ["/", "/sites", "/audit", "/users", "/tokens", "/organisation"])
def test_dashboard_pages_are_never_cached(client, auth, owner, path):
    auth.login(owner)
    response = client.get(path)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role, allowed", [("owner", True), ("auditor", True), ("editor", False)])
def test_the_audit_api_allows_the_roles_the_dashboard_allows(client, auth, make_user, make_token, role, allowed):
    user = make_user(role)
    headers = make_token(user)
    auth.login(user)
    dashboard = client.get("/audit").status_code
    for path in ("/api/v1/audit", "/api/v1/audit/verify"):
        assert client.get(path, headers=headers).status_code == (200 if allowed else 403)
    assert dashboard == (200 if allowed else 403)


def test_an_account_given_twice_is_refused_before_any_password_is_checked(make_app, owner):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="100 per minute", RATELIMIT_LOGIN_FAILURES="3 per minute")
    guesser = app.test_client()
    wrong = {"email": owner.email, "password": "wrong password!"}
    assert [guesser.post("/login", data=wrong).status_code for _ in range(3)] == [401, 401, 401]
    doubled = guesser.post("/login", data={"email": ["decoy@x.example", owner.email], "password": PASSWORD})
    assert doubled.status_code == 422 and "Location" not in doubled.headers  # no password was tried
    assert guesser.post("/login", data={"email": owner.email, "password": PASSWORD}).status_code == 429


def test_deactivating_a_user_ends_their_sessions_for_good(make_app, make_user, owner, db):
    app = make_app()
    colleague = make_user("editor", organisation=owner.organisation)
    theirs, admin = app.test_client(), app.test_client()
    theirs.post("/login", data={"email": colleague.email, "password": PASSWORD})
    cookie = theirs.get_cookie("session").value
    admin.post("/login", data={"email": owner.email, "password": PASSWORD})
    admin.post(f"/users/{colleague.id}", data={"active": "false"})
    admin.post(f"/users/{colleague.id}", data={"active": "true"})
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/").status_code == 302
