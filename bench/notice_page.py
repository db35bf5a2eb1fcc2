"""Requests per second for the public notice under gunicorn, driven by wrk: over many random sign URLs
(what a city's passers-by scan) beside one hot URL (the render cache's best case), in the same run.

The instance gets the demo data plus --sites more (`flask demo seed --sites`, half of them active with
a notice and a sign), then `flask housekeeping` renders their pages ahead, as a server does in the
background; wrk then asks for /S/<serial> of --urls random active signs, each request a
random one, and for one serial only, in interleaved rounds. The target is random/hot >= 0.5. The app
runs under gunicorn with the project's gunicorn.conf.py on 127.0.0.1. wrk comes from Debian's
packages: `make bench-tools` installs it.

Run from anywhere: .venv/bin/python bench/notice_page.py [--sites 100000] [--urls 20000]
    [--duration 10] [--connections 16] [--database-url URL]
"""
import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
ROUNDS = 3
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
RANDOM_PATHS = """
local paths = {}
for line in io.lines(os.getenv("NOTICE_BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Language"] = "%s", ["Accept"] = "text/html"})
end
""" % ACCEPT_LANGUAGE
ONE_PATH = """
request = function()
  return wrk.format("GET", os.getenv("NOTICE_BENCH_PATH"), {["Accept-Language"] = "%s", ["Accept"] = "text/html"})
end
""" % ACCEPT_LANGUAGE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_instance(instance: Path, sites: int, database_url: str | None) -> dict:
    """Migrate and seed a fresh instance with the demo data and `sites` more; return its environment."""
    env = {**os.environ, "SIGNAGE_INSTANCE_PATH": str(instance), "SIGNAGE_DATABASE_URL": database_url or "",
           "SIGNAGE_PUBLIC_BASE_URL": "https://signs.example"}
    if database_url:
        subprocess.run([str(BIN / "python"), "-c", "import sqlalchemy as s, sys; e = s.create_engine(sys.argv[1]); "
                        "c = e.connect(); c.exec_driver_sql('DROP SCHEMA public CASCADE; CREATE SCHEMA public'); "
                        "c.commit()", database_url], check=True)
    started = time.perf_counter()
    for command in (["db", "upgrade"], ["demo", "seed", "--sites", str(sites)]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    print(f"seeded the demo and {sites:,} more sites in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()  # what the server's own housekeeping does in the background after seeding
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "housekeeping"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    print(f"housekeeping rendered the current notices' pages ahead in {time.perf_counter() - started:.0f} s")
    return env


def active_serials(env: dict, count: int) -> list[str]:
    """Return `count` random serials of current signs of active sites, read through the app's own engine."""
    script = ("from signage.app import create_app; from signage.extensions import db; import sys\n"
              "app = create_app()\n"
              "with app.app_context():\n"
              "    rows = db.session.execute(db.text(\"SELECT signs.serial FROM signs JOIN sites ON sites.id = "
              "signs.site_id WHERE sites.status = 'active' AND signs.status != 'retired'\")).scalars().all()\n"
              "    print('\\n'.join(rows))")
    output = subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True).stdout.split()
    return random.Random(20261201).sample(output, min(count, len(output)))


def start_gunicorn(env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # the project's own settings (one worker process with threads, as `make run` and production use)
    process = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--log-level", "warning",
                                "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def size_of(port: int, path: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": ACCEPT_LANGUAGE})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        return len(response.read())


def wrk(port: int, script: Path, env: dict, duration: int, connections: int) -> float:
    """Run wrk against the server with a Lua script; return requests/s, refusing any non-200 answer."""
    result = subprocess.run(["wrk", "--threads", "2", "--connections", str(connections), "--duration",
                             f"{duration}s", "--script", str(script), f"http://127.0.0.1:{port}"],
                            env=env, check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    if errors or "Socket errors" in result:
        raise RuntimeError(f"wrk saw failed requests:\n{result}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--urls", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make bench-tools` (apt-get install wrk).")
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as tmp:
        folder = Path(tmp)
        env = prepare_instance(folder / "instance", args.sites, args.database_url)
        serials = active_serials(env, args.urls)
        paths = folder / "paths.txt"
        paths.write_text("".join(f"/S/{serial}\n" for serial in serials))
        (folder / "random.lua").write_text(RANDOM_PATHS)
        (folder / "one.lua").write_text(ONE_PATH)
        wrk_env = {**os.environ, "NOTICE_BENCH_PATHS": str(paths), "NOTICE_BENCH_PATH": f"/S/{serials[0]}"}
        server, port = start_gunicorn(env)
        try:
            size = size_of(port, f"/S/{serials[0]}")
            wrk(port, folder / "one.lua", wrk_env, 2, args.connections)  # warm the worker up
            # interleaved rounds and medians, so a neighbour's load spike does not land on one side only
            rounds = [(wrk(port, folder / "random.lua", wrk_env, args.duration, args.connections),
                       wrk(port, folder / "one.lua", wrk_env, args.duration, args.connections))
                      for _ in range(ROUNDS)]
        finally:
            server.terminate()
            server.wait(timeout=30)
    random_rps, hot_rps = (statistics.median(side) for side in zip(*rounds))
    backend = "postgresql" if args.database_url else "sqlite"
    print(f"backend: {backend}; {args.sites:,} extra sites; page of {size:,} bytes, 200 each time")
    print(f"notice over {len(serials):,} random sign URLs: {random_rps:8.0f} requests/s")
    print(f"notice of one hot sign URL:            {hot_rps:8.0f} requests/s")
    print(f"ratio random/hot: {random_rps / hot_rps:.3f} (target >= 0.5); medians of {ROUNDS} interleaved "
          f"rounds of {args.duration} s, wrk with {args.connections} connections, gunicorn with gunicorn.conf.py")


if __name__ == "__main__":
    main()
