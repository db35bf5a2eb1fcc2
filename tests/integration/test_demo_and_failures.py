"""The demo data obeys its own rules, and a database failure mid-request leaves nothing half-written."""
from sqlalchemy.exc import OperationalError

from signage.audit.models import AuditEntry
from signage.notices.models import NoticeVersion
from signage.signs.models import Sign
from signage.sites.lists import site_counts
from signage.sites.models import Site
from signage.sites.services import site_findings
from signage.sites.summaries import SUMMARY_COLUMNS, fresh_summaries

from helpers import SITE_DEFAULTS, T0


def test_demo_data_passes_its_own_rules_except_the_refused_draft(runner, db, settings):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0 and "owner@demo.signage.example" in result.output
    sites = db.session.scalars(db.select(Site)).all()
    assert {site.status for site in sites} == {"active", "draft"}
    assert len({code for site in sites for code in site.jurisdictions}) >= 3
    for site in sites:
        errors = [f["rule_id"] for f in site_findings(site, today=T0.date(), settings=settings)
                  if f["severity"] == "error"]
        if site.status == "active":
            assert errors == [], (site.site_name, errors)
        else:
            assert "CN-PUBLIC-PURPOSE" in errors
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    assert "already" in runner.invoke(args=["demo", "seed"]).output  # never seeds twice


def test_every_demo_login_printed_signs_in_with_its_role(runner, client, db):
    import re
    output = runner.invoke(args=["demo", "seed"]).output
    password = re.search(r"Sign in with the password (\S+) as", output).group(1)
    logins = re.findall(r"^  (\S+@\S+)\s+(owner|editor|auditor):", output, re.MULTILINE)
    assert {role for _email, role in logins} == {"owner", "editor", "auditor"}
    for email, role in logins:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        assert role.capitalize() in client.get("/").get_data(as_text=True)
        client.post("/logout")
    assert "Sign in with the password" in runner.invoke(args=["demo", "seed"]).output  # also when seeded before


def test_database_failure_mid_request_saves_nothing(client, owner, make_token, db, monkeypatch):
    import signage.sites.services as site_services
    real_append = site_services.append_entry

    def append_then_fail(*args, **kwargs):
        real_append(*args, **kwargs)  # the site row and its entry are flushed ...
        raise OperationalError("INSERT INTO audit_entries", {}, Exception("disk I/O error"))  # ... then the disk fails

    headers = make_token(owner)
    entries_before = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    monkeypatch.setattr(site_services, "append_entry", append_then_fail)
    response = client.post("/api/v1/sites", json={**SITE_DEFAULTS, "pia_completed_on": "2026-01-01"},
                           headers=headers)
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "nothing was saved" in response.get_json()["detail"]
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 0
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == entries_before


def test_seeding_for_size_adds_sites_to_the_demo_that_verify_and_show(runner, db, client, settings):
    assert "already" not in runner.invoke(args=["demo", "seed", "--sites", "5"]).output
    before = db.session.scalar(db.select(db.func.count(Site.id)))
    result = runner.invoke(args=["demo", "seed", "--sites", "40"])  # again, as after `make run`
    assert result.exit_code == 0 and "Added 40 sites" in result.output, result.output
    db.session.expire_all()
    sites = db.session.scalars(db.select(Site).order_by(Site.id).offset(before)).all()
    assert len(sites) == 40 and len({site.code for site in sites}) == 40
    active = [site for site in sites if site.status == "active"]
    assert len(active) == 20
    signs = db.session.scalar(db.select(db.func.count(Sign.id)).where(Sign.site_id.in_([s.id for s in active])))
    versions = db.session.scalar(db.select(db.func.count(NoticeVersion.id))
                                 .where(NoticeVersion.site_id.in_([s.id for s in active])))
    assert signs == versions == 20
    for site in sites[:8]:  # each kind twice: the summary stored is what the rules say
        fresh = fresh_summaries([site], today=site.findings_at.date(), settings=settings)[site.id]
        assert {name: getattr(site, name) for name in SUMMARY_COLUMNS} == fresh
    by_status, _attention = site_counts(sites[0].organisation_id)
    assert sum(by_status.values()) == before + 40
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # the seed published notices, so the log's latest checkpoint covers every entry, as a publication's does
    checkpoint = client.get("/log/checkpoint").get_data(as_text=True)
    assert int(checkpoint.splitlines()[1]) == db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    sign = db.session.scalars(db.select(Sign).where(Sign.site_id == active[-1].id)).one()
    page = client.get(f"/S/{sign.serial}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and active[-1].site_name in page.get_data(as_text=True)


def test_seeding_for_size_needs_the_demo_organisation(runner, owner):
    result = runner.invoke(args=["demo", "seed", "--sites", "3"])
    assert result.exit_code != 0 and "demo organisation is not here" in result.output
