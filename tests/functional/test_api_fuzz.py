"""schemathesis drives the API from its own OpenAPI document: no server error, no status code or
content type the document does not declare, every response in its schema, invalid input refused and
valid input accepted (hardening finding 12). Runs in the PostgreSQL pass of `make test` only."""
import subprocess
import sys
from pathlib import Path

import pytest

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
#: Fixed, so a red run can be replayed; change it (or pass --seed) to explore further.
SEED = "20261201"
EXAMPLES = "40"
#: One: with two, hypothesis describes its filters by parsing their source in two threads at once, which
#: CPython 3.11.7 does not survive ("SystemError: AST constructor recursion depth mismatch"), and the
#: run ends in errors that say nothing about the API.
WORKERS = "1"
#: The document says what base64 is, never whether its bytes are a PDF or a PNG: a schema-valid body can carry
#: an evidence file the calendar refuses by its content (422), and the fuzzer finds the duties to send it to.
CONFIG = """[[operations]]
include-path = "/api/v1/duties/{duty_id}/done"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


@pytest.mark.postgresql
def test_the_api_does_exactly_what_its_document_says(live_server, owner, make_token, make_site, make_sign, tmp_path):
    make_sign(make_site())  # a site and a sign to find, besides those the stateful phase creates
    token = make_token(owner)["Authorization"]
    (tmp_path / "schemathesis.toml").write_text(CONFIG)  # read from the working directory
    result = subprocess.run(
        [str(SCHEMATHESIS), "run", f"{live_server}/api/v1/openapi.json", "--header", f"Authorization: {token}",
         "--checks", "all", "--max-examples", EXAMPLES, "--workers", WORKERS, "--seed", SEED, "--no-color"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its caches stay out of the checkout
    report = result.stdout[-6000:]
    assert result.returncode == 0, report
    assert "generated" in report and "failures" not in report.splitlines()[-1], report
