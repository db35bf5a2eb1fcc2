"""What a page costs does not grow with the organisation: the same number of SQL statements at 5 sites and
at 50, for the home page, the site list, the API list, a sign pack and an operator change (issue 8)."""
import pytest
from sqlalchemy import event

from signage.sites.services import change_status

from helpers import T0


@pytest.fixture
def statements(db):
    """Count the statements the database is sent while a block runs."""
    class Counter:
        def __init__(self):
            self.seen = []

        def __enter__(self):
            self.seen.clear()
            event.listen(db.engine, "before_cursor_execute", self._count)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._count)

        def _count(self, conn, cursor, statement, *args):
            self.seen.append(statement)

        @property
        def count(self):
            return len(self.seen)
    return Counter()


@pytest.fixture
def grow(make_site, make_sign, owner, db, settings):
    """Bring the owner's organisation up to n sites, every other one active with a notice and a sign."""
    made = []

    def to(n):
        while len(made) < n:
            site = make_site(site_name=f"Gate {len(made)}")
            make_sign(site)
            if len(made) % 2 == 0:
                change_status(site, "active", reason="live", by=owner, now=T0, settings=settings)
            db.session.commit()
            made.append(site)
        return made
    return to


def cost(statements, request):
    with statements:
        response = request()
    assert response.status_code < 400, response.status_code
    return statements.count


@pytest.mark.parametrize("path", ["/", "/sites", "/sites?blocking=true", "/sites?jurisdiction=CN",
                                  "/sites?q=Gate", "/audit", "/signs/reprint", "/users", "/tokens", "/calendar",
                                  "/calendar?status=all", "/calendar/month?month=2026-11"])
def test_a_dashboard_page_costs_the_same_at_5_and_at_50_sites(client, auth, owner, grow, statements, path):
    auth.login(owner)
    grow(5)
    at_5 = cost(statements, lambda: client.get(path))
    grow(50)
    at_50 = cost(statements, lambda: client.get(path))
    assert at_50 == at_5 and at_5 <= 20, (at_5, at_50)


@pytest.mark.parametrize("path", ["/api/v1/sites", "/api/v1/signs", "/api/v1/audit"])
def test_an_api_list_costs_the_same_at_5_and_at_50_sites(client, owner, make_token, grow, statements, path):
    headers = make_token(owner)
    grow(5)
    at_5 = cost(statements, lambda: client.get(path, headers=headers))
    grow(50)
    at_50 = cost(statements, lambda: client.get(path, headers=headers))
    assert at_50 == at_5 and at_5 <= 20, (at_5, at_50)


def test_a_sign_pack_costs_the_same_at_5_and_at_50_sites(client, auth, owner, grow, statements):
    auth.login(owner)
    grow(5)
    at_5 = cost(statements, lambda: client.get("/signs/pack.pdf"))
    grow(50)
    at_50 = cost(statements, lambda: client.get("/signs/pack.pdf"))
    assert at_50 == at_5, (at_5, at_50)


def test_saving_an_operator_change_costs_the_same_at_5_and_at_50_sites(client, auth, owner, grow, statements):
    auth.login(owner)
    details = {"legal_name": owner.organisation.legal_name, "contact_email": "privacy@operator.example"}
    grow(5)
    at_5 = cost(statements, lambda: client.post("/organisation", data={**details, "contact_phone": "+86 1"}))
    grow(50)
    at_50 = cost(statements, lambda: client.post("/organisation", data={**details, "contact_phone": "+86 2"}))
    assert at_50 == at_5, (at_5, at_50)
