# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app wsgi
SIGNAGE_PORT ?= 5000
#: 0.0.0.0 serves the network too, so a phone can open the QR codes (with SIGNAGE_PUBLIC_BASE_URL set to match)
SIGNAGE_HOST ?= 127.0.0.1
TEST_DB ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
CATALOG := translations/zh_Hans/LC_MESSAGES/messages

.PHONY: run test test-sqlite test-postgresql setup catalogs browser bench bench-tools clean

setup: $(STAMP) $(CATALOG).mo

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(CATALOG).mo: $(CATALOG).po $(STAMP)
	$(BIN)/pybabel compile -d translations

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@echo "Dashboard: http://127.0.0.1:$(SIGNAGE_PORT)/  (stop with Ctrl-C)"
	@echo "To scan a sign with a phone on the same network, start with this machine's address, e.g."
	@echo "  SIGNAGE_HOST=0.0.0.0 SIGNAGE_PUBLIC_BASE_URL=http://192.168.1.20:$(SIGNAGE_PORT) make run"
	@echo "and download the sign again: its QR code carries the address it was printed with."
	SIGNAGE_PUBLIC_BASE_URL=$${SIGNAGE_PUBLIC_BASE_URL:-http://127.0.0.1:$(SIGNAGE_PORT)} \
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(SIGNAGE_HOST):$(SIGNAGE_PORT) wsgi:app

# Browser tests drive Debian's chromium; browsers cannot be downloaded here.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# both passes at once, one core each (tests/both_databases.sh); `make test-sqlite` or `make test-postgresql` runs one
test: setup browser
	bash tests/both_databases.sh

test-sqlite:
	env -u SIGNAGE_TEST_DATABASE_URL $(BIN)/python -m pytest -q

test-postgresql:
	SIGNAGE_TEST_DATABASE_URL=$${SIGNAGE_TEST_DATABASE_URL:-$(TEST_DB)} $(BIN)/python -m pytest -q

# wrk drives bench/notice_page.py; it comes from Debian's packages
bench-tools:
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y wrk; }

bench: setup bench-tools
	$(BIN)/python bench/audit_verify.py
	$(BIN)/python bench/api_sites.py
	$(BIN)/python bench/sign_pdf.py
	$(BIN)/python bench/notice_page.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/consents.py

clean:
	rm -rf $(VENV) instance/*.db
