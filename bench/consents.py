"""Consent recording through the API beside site registration through the API, in the same run, and the
ledger export's rate and memory at many consents.

Usage: .venv/bin/python bench/consents.py [--consents 100000] [--rounds 15] [--database-url URL]
"""
import argparse
import time
import tracemalloc
import uuid
from datetime import datetime, timezone

from _setup import bench_app

from api_sites import SITE

from signage.auth import services as accounts
from signage.consent.models import ConsentRecord
from signage.extensions import db
from sqlalchemy import func, insert, select, text
from signage.rules.packs import PackSettings
from signage.signs.services import issue_sign
from signage.sites.services import change_status, register_site

T0 = datetime(2026, 11, 26, 10, tzinfo=timezone.utc)
ROUND = 20
GYM = {**SITE, "site_name": "Gym turnstile", "purpose": "access_control", "function": "verification_1to1",
       "purpose_text": "Opening the turnstile.", "legal_basis_cn": "separate_consent", "consent_bundled": False,
       "non_fr_alternative": "Show your card.", "venue_class": "business_premises_public_access",
       "pia_completed_on": datetime(2026, 1, 1).date(), "pia_version": "1", "filing": {"status": "not_required"},
       "pia_report_url": "https://bench.example/pia.pdf", "text_translations": {"zh-Hans": {
           "site_name": "健身房闸机", "capture_area_description": "闸门。", "purpose_text": "打开闸机。",
           "necessity_justification": "人流量大。", "non_fr_alternative": "出示会员卡。"}}}
ANSWER = {"language": "zh-Hans", "purposes": {"primary": True}, "collection_method": "kiosk", "age_band": "adult"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--consents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    app = bench_app(args.database_url, WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False)
    with app.app_context():
        organisation = accounts.create_organisation({"legal_name": "Bench Ltd.", "contact_email": "p@bench.example"},
                                                    by="bench", now=T0)
        user = accounts.create_user(organisation, {"email": "bench@bench.example", "password": "bench password 1",
                                                   "role": "owner"}, by="bench", now=T0)
        _token, plain = accounts.create_token(user, "bench", by="bench", now=T0)
        settings = PackSettings()
        gym = register_site(organisation, GYM, by=user, now=T0, settings=settings)
        issue_sign(gym, {"placement": "Turnstile", "size": "A4", "languages": ["zh-Hans", "en"]}, by=user, now=T0,
                   settings=settings)
        change_status(gym, "active", reason="bench", by=user, now=T0, settings=settings)
        db.session.commit()
        client, headers = app.test_client(), {"Authorization": f"Bearer {plain}"}
        counter = iter(range(10**9))

        def register():
            assert client.post("/api/v1/sites", json=SITE, headers=headers).status_code == 201

        def consent():
            body = {**ANSWER, "subject_ref": f"M-{next(counter)}"}
            assert client.post(f"/api/v1/sites/{gym.id}/consents", json=body, headers=headers).status_code == 201

        spent = {register: 0.0, consent: 0.0}
        for _round in range(args.rounds):  # alternating rounds: a neighbour's load spike falls on both alike
            for side in spent:
                started = time.perf_counter()
                for _ in range(ROUND):
                    side()
                spent[side] += time.perf_counter() - started
        done = args.rounds * ROUND
        site_rate, consent_rate = done / spent[register], done / spent[consent]
        print(f"backend: {(args.database_url or 'sqlite').split(':')[0].split('+')[0]}")
        print(f"POST /api/v1/sites: {site_rate:,.0f}/s; POST /api/v1/sites/{{id}}/consents: {consent_rate:,.0f}/s "
              f"({done} each, alternating rounds of {ROUND})")
        print(f"consent time / registration time: {site_rate / consent_rate:.2f} (target at most 2)")

        # the ledger's rows, copied in bulk from one recorded through the service: the export reads records,
        # and making 100,000 through the API would take the bench's whole budget
        template = db.session.execute(select(ConsentRecord.__table__)).mappings().first()
        client.post("/login", data={"email": "bench@bench.example", "password": "bench password 1"})
        for target in (args.consents // 10, args.consents):
            _grow(template, target)
            total = db.session.scalar(select(func.count(ConsentRecord.id)))
            for fmt in ("csv", "json"):
                rate, size = _export(client, fmt, total)
                peak = _export_peak(client, fmt)
                print(f"export.{fmt} at {total:,} consents: {rate:,.0f} rows/s ({size / 1e6:.1f} MB streamed; peak "
                      f"Python memory while streaming {peak / 1e6:.1f} MB; target at least 50,000 rows/s)")


def _grow(template, target: int) -> None:
    have = db.session.scalar(select(func.count(ConsentRecord.id)))
    columns = {key: value for key, value in template.items() if key != "id"}
    for start in range(have, target, 5000):
        db.session.execute(insert(ConsentRecord), [{**columns, "record_uuid": str(uuid.uuid4()),
                                                    "subject_ref": f"M-{number}"}
                                                   for number in range(start, min(start + 5000, target))])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # as autovacuum would soon after: without it the first read of rows just bulk-written also writes
        # their hint bits, and the export measured would be that one-off cost, not the export's
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE) consent_records"))


def _export(client, fmt: str, total: int) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(f"/consents/export.{fmt}", buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    return total / (time.perf_counter() - started), size


def _export_peak(client, fmt: str) -> int:
    """Measure again under tracemalloc, which slows Python down: memory only, not the rate."""
    tracemalloc.start()
    response = client.get(f"/consents/export.{fmt}", buffered=False)
    for _chunk in response.response:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


if __name__ == "__main__":
    main()
