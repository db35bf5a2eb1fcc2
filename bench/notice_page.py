"""Requests per second for a sign's notice page under gunicorn, against a fixed-bytes route of the same server.

The app runs under gunicorn with the project's gunicorn.conf.py (one worker process, 8 threads) on
127.0.0.1, with an extra route that answers
fixed bytes of the page's size; a few client threads send a bounded number of requests over
http.client (no If-None-Match, so every answer is a full 200). The target is a ratio of at least
0.8: thanks to the ETag-keyed render cache, the page costs little more than shipping its bytes.
A bare WSGI app with the same bytes is measured too, for reference.

Run from anywhere: .venv/bin/python bench/notice_page.py [--requests N] [--clients N]
"""
import argparse
import http.client
import os
import socket
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
ROUNDS = 5
HEADERS = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8", "Accept": "text/html,*/*;q=0.8"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_instance(instance: Path) -> tuple[dict, str]:
    """Migrate and seed a fresh SQLite instance; return its environment and an active site's sign serial."""
    env = {**os.environ, "SIGNAGE_INSTANCE_PATH": str(instance), "SIGNAGE_DATABASE_URL": ""}
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    with sqlite3.connect(instance / "signage.db") as connection:
        serial, = connection.execute("SELECT signs.serial FROM signs JOIN sites ON sites.id = signs.site_id "
                                     "WHERE sites.status = 'active' ORDER BY signs.id LIMIT 1").fetchone()
    return env, serial


def start_gunicorn(target: str, env: dict, extra: list[str] = ()) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # the project's own settings (one worker process with threads, as `make run` and production use)
    process = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--log-level", "warning",
                                "--bind", f"127.0.0.1:{port}", *extra, target], cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"gunicorn for {target} did not start")


def fetch(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=HEADERS)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return body


def drive(port: int, path: str, requests: int, clients: int) -> float:
    """Send `requests` GETs from `clients` threads, reusing each connection while the server allows; return req/s."""
    errors = []

    def client(count: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for _ in range(count):
                connection.request("GET", path, headers=HEADERS)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
                if response.will_close:  # a server may close after any answer
                    connection.close()
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(requests // clients,)) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed: {sorted(set(errors))}")
    return (requests // clients) * clients / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    servers = []
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as tmp:
        try:
            env, serial = prepare_instance(Path(tmp) / "instance")
            probe, probe_port = start_gunicorn("wsgi:app", env)
            path = f"/S/{serial}"
            size = len(fetch(probe_port, path))
            probe.terminate()
            probe.wait(timeout=30)
            fixed_env = {**env, "NOTICE_BENCH_BYTES": str(size)}
            signage, port = start_gunicorn("fixed_bytes_app:flask_app()", fixed_env,
                                           ["--pythonpath", str(ROOT / "bench")])
            servers.append(signage)
            bare, bare_port = start_gunicorn("fixed_bytes_app:app", fixed_env, ["--pythonpath", str(ROOT / "bench")])
            servers.append(bare)
            assert len(fetch(port, "/fixed")) == len(fetch(bare_port, "/")) == size
            targets = ((port, path), (port, "/fixed"), (bare_port, "/"))
            for port, url in targets:
                drive(port, url, min(400, args.requests), args.clients)  # warm up workers and caches
            # interleaved rounds and medians, so a neighbour's load spike does not land on one target only
            rounds = [[drive(port, url, args.requests // ROUNDS, args.clients) for port, url in targets]
                      for _ in range(ROUNDS)]
            page_rps, fixed_rps, bare_rps = (statistics.median(column) for column in zip(*rounds))
        finally:
            for process in servers:
                process.terminate()
            for process in servers:
                process.wait(timeout=30)
    print(f"notice page {path} ({size} bytes, 200 each time): {page_rps:8.0f} requests/s")
    print(f"fixed-bytes route /fixed of the same server:        {fixed_rps:8.0f} requests/s")
    print(f"ratio: {page_rps / fixed_rps:.2f} (target >= 0.80); medians of {ROUNDS} interleaved rounds of "
          f"{args.requests // ROUNDS} requests, {args.clients} client threads, gunicorn with gunicorn.conf.py")
    print(f"for reference, a bare WSGI app with the same bytes: {bare_rps:8.0f} requests/s "
          f"(notice page / bare: {page_rps / bare_rps:.2f})")


if __name__ == "__main__":
    main()
