"""Sign-in limits hold for the whole server, however many workers it runs (hardening finding 10).

Each test starts the real server the way `make run` and production do (gunicorn with gunicorn.conf.py)
and signs in over HTTP, CSRF token and all.
"""
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS = "redis://127.0.0.1:6379/0"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve(database_url, instance_dir, owner, db):
    """Start gunicorn on the test database with extra environment; yield its base URL."""
    started = []

    def start(*args, **env):
        port = _free_port()
        environment = {**os.environ, "SIGNAGE_DATABASE_URL": str(database_url), "SIGNAGE_SECRET_KEY": "shared-limits",
                       "SIGNAGE_SECURE_COOKIES": "false", "SIGNAGE_INSTANCE_PATH": str(instance_dir),
                       "SIGNAGE_PUBLIC_BASE_URL": "https://signs.example", **env}
        process = subprocess.Popen([str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                                    *args, "wsgi:app"], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
        started.append(process)
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2):
                    return f"http://127.0.0.1:{port}"
            except OSError:
                if process.poll() is not None:
                    return process
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def sign_in(base: str, email: str, password: str, *, as_json: bool = False) -> int:
    """Sign in like a browser (or a script sending JSON) on a new connection; return the status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=10) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    fields = {"email": email, "password": password}
    if as_json:
        request = urllib.request.Request(f"{base}/login", data=json.dumps(fields).encode(),
                                         headers={"Content-Type": "application/json", "X-CSRFToken": token})
    else:
        request = urllib.request.Request(f"{base}/login",
                                         data=urllib.parse.urlencode({**fields, "csrf_token": token}).encode())
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_one_worker_with_threads_counts_failures_once_by_default(serve, owner):
    base = serve()
    statuses = [sign_in(base, owner.email, "wrong password", as_json=attempt % 2 == 1) for attempt in range(6)]
    assert statuses == [401] * 5 + [429]
    assert sign_in(base, "someone.else@operator.example", "wrong password") == 401  # only that account waits


def test_several_workers_share_the_counts_through_redis(serve, owner):
    base = serve(SIGNAGE_RATELIMIT_STORAGE_URI=REDIS, SIGNAGE_RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
                 WEB_CONCURRENCY="3")
    statuses = [sign_in(base, owner.email.upper() if attempt % 3 == 0 else owner.email, "wrong password",
                        as_json=attempt % 2 == 1) for attempt in range(6)]
    assert statuses == [401] * 5 + [429]


def test_spraying_many_accounts_from_one_address_stops_at_twenty(serve):
    base = serve(SIGNAGE_RATELIMIT_STORAGE_URI=REDIS, SIGNAGE_RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
                 WEB_CONCURRENCY="2")
    statuses = [sign_in(base, f"nobody{n}@operator.example", "wrong password") for n in range(21)]
    assert statuses == [401] * 20 + [429]


def test_several_workers_without_a_shared_store_refuse_to_start(serve):
    process = serve("--workers", "2", SIGNAGE_RATELIMIT_STORAGE_URI="")
    assert isinstance(process, subprocess.Popen) and process.returncode != 0
    assert b"shared rate-limit store" in process.stdout.read()
