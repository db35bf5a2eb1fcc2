"""API site-creation throughput, beside the same registration called as a service in the same run.

Usage: .venv/bin/python bench/api_sites.py [--sites 300] [--database-url URL]
"""
import argparse
import time
from datetime import date, datetime, timezone

from _setup import bench_app

from signage.auth import services as accounts
from signage.extensions import db
from signage.rules.packs import PackSettings
from signage.sites.services import register_site

T0 = datetime(2026, 11, 26, 10, tzinfo=timezone.utc)
ROUND = 20
SITE = {
    "site_name": "Gate", "address": "1 Example Road, Shanghai", "city": "Shanghai", "geo": {"lat": 31.2, "lng": 121.4},
    "jurisdictions": ["CN"], "venue_class": "public_place", "capture_area_description": "The gate.",
    "function": "identification_1toN", "live_mode": "realtime", "operator_kind": "private",
    "purpose": "public_security", "purpose_text": "Watch list.", "necessity_justification": "Crowds.",
    "legal_basis_cn": "public_security_art26", "storage_mode": "local_server", "raw_image_retained": False,
    "retention_period_days": 7, "sensitive_trait_analysis": False, "security_measures": ["encryption"],
    "pia_id": "PIA-1", "pia_completed_on": "2026-01-01",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        organisation = accounts.create_organisation({"legal_name": "Bench Ltd."}, by="bench", now=T0)
        user = accounts.create_user(organisation, {"email": "bench@bench.example", "password": "bench password 1",
                                                   "role": "owner"}, by="bench", now=T0)
        _token, plain = accounts.create_token(user, "bench", by="bench", now=T0)
        db.session.commit()
        client, headers = app.test_client(), {"Authorization": f"Bearer {plain}"}

        service_data = {**SITE, "pia_completed_on": date(2026, 1, 1)}
        settings = PackSettings()

        def through_api():
            assert client.post("/api/v1/sites", json=SITE, headers=headers).status_code == 201

        def as_service():
            register_site(organisation, service_data, by=user, now=T0, settings=settings)
            db.session.commit()

        # the two sides alternate in small rounds, so a neighbour's load spike falls on both alike
        spent = {through_api: 0.0, as_service: 0.0}
        for _round in range(args.sites // ROUND):
            for side in spent:
                started = time.perf_counter()
                for _ in range(ROUND):
                    side()
                spent[side] += time.perf_counter() - started
        done = args.sites // ROUND * ROUND
        api_rate, service_rate = done / spent[through_api], done / spent[as_service]
    print(f"backend: {(args.database_url or 'sqlite').split(':')[0].split('+')[0]}")
    print(f"POST /api/v1/sites: {api_rate:,.0f} sites/s ({done} sites, alternating rounds of {ROUND}, token auth, schema, audit entry)")
    print(f"register_site() called directly, same data: {service_rate:,.0f} sites/s")
    print(f"ratio API/service: {api_rate / service_rate:.2f}")


if __name__ == "__main__":
    main()
