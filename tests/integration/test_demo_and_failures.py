"""The demo data obeys its own rules, and a database failure mid-request leaves nothing half-written."""
from sqlalchemy.exc import OperationalError

from signage.audit.models import AuditEntry
from signage.sites.models import Site
from signage.sites.services import site_findings

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
