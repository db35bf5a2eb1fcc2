"""The static export at 10,000 sites: a full run into an empty folder, a second run with nothing changed, and
one after 1% of the sites changed, each beside the time the file system takes to copy the same files (the
floor any export pays), in the same run. Prints time, files, megabytes and peak memory of each run.

Usage: .venv/bin/python bench/static_export.py [--sites 10000] [--changed 100] [--database-url URL]

A fresh instance grows through `flask --app wsgi demo seed --sites N` (half the sites active with a
published notice and a sign) and `flask --app wsgi housekeeping` (stored pages, register rows, the log and
a checkpoint), then `flask --app wsgi export-static DIR` runs as an operator's scheduler would run it.
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _setup import ROOT
from sqlalchemy import select, text

from signage.app import create_app
from signage.config import pack_settings
from signage.database import utcnow
from signage.extensions import db
from signage.sites.models import Site
from signage.sites.services import update_site
from signage.auth.models import User

BIN = ROOT / ".venv" / "bin"
BASE_URL = "https://signs.example"
SUMMARY = re.compile(r"asked ([\d,]+) addresses in ([\d.]+) s; wrote ([\d,]+) files \(([\d.]+) MB\), ([\d,]+) "
                     r"unchanged, removed ([\d,]+); the copy holds ([\d.]+) MB")


def flask(env: dict, *command: str) -> tuple[str, float, float]:
    """Run a flask command; return its output, its wall time and the peak resident memory (MB) of the command
    or of the largest worker it forked and waited for (wait4's usage of that one child)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env,
                                 stdout=out, stderr=subprocess.STDOUT, text=True)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if child.returncode:
        raise SystemExit(f"flask {' '.join(command)} failed:\n{output}")
    return output, seconds, usage.ru_maxrss / 1024


def export(env: dict, folder: Path, label: str) -> dict:
    output, seconds, peak = flask(env, "export-static", str(folder))
    found = SUMMARY.search(output)
    assert found, output
    asked, _inner, written, written_mb, unchanged, removed, total_mb = found.groups()
    files = sum(1 for path in folder.rglob("*") if path.is_file())
    print(f"{label:34} {seconds:7.1f} s  asked {asked:>7}  wrote {written:>7} files ({float(written_mb):7.1f} MB)  "
          f"unchanged {unchanged:>7}  removed {removed:>4}  copy {files:,} files, {float(total_mb):.1f} MB  "
          f"peak RSS {peak:.0f} MB", flush=True)
    return {"seconds": seconds, "files": files, "mb": float(total_mb)}


def copy_floor(source: Path, target: Path) -> float:
    """What writing the same files costs without any export: a plain copy of the folder."""
    started = time.perf_counter()
    shutil.copytree(source, target)
    return time.perf_counter() - started


def change_sites(app, count: int) -> None:
    """Edit a printed field of `count` live sites through the services, as their operator would: each
    publishes a new notice version, and its signs go stale."""
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.role == "owner").order_by(User.id))
        sites = db.session.scalars(select(Site).where(Site.status == "active").order_by(Site.id).limit(count)).all()
        for site in sites:
            update_site(site, {"retention_period_days": (site.retention_period_days or 30) + 1}, by=owner,
                        now=utcnow(), settings=pack_settings(), reason="bench")
        db.session.commit()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as folder:
        run(args, Path(folder))


def run(args, folder: Path) -> None:
    url = args.database_url or f"sqlite:///{folder}/signage.db"
    env = {**os.environ, "SIGNAGE_INSTANCE_PATH": str(folder), "SIGNAGE_DATABASE_URL": url,
           "SIGNAGE_PUBLIC_BASE_URL": BASE_URL}
    os.environ.update(SIGNAGE_INSTANCE_PATH=str(folder), SIGNAGE_DATABASE_URL=url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PUBLIC_BASE_URL": BASE_URL})
    backend = url.split(":")[0].split("+")[0]
    if backend == "postgresql":
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    print(f"backend: {backend}; code: {_code_version()}", flush=True)
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "demo", "seed")
    flask(env, "demo", "seed", "--sites", str(args.sites))
    _output, housekeeping, _peak = flask(env, "housekeeping")
    print(f"seeded {args.sites:,} sites and ran housekeeping ({housekeeping:.0f} s) in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    copy = Path(folder) / "copy"
    full = export(env, copy, "full, into an empty folder")
    floor = copy_floor(copy, Path(folder) / "floor")
    print(f"{'copying the same files (floor)':34} {floor:7.1f} s", flush=True)
    again = export(env, copy, "again, nothing changed")
    change_sites(app, args.changed)
    flask(env, "housekeeping")
    changed = export(env, copy, f"after {args.changed} sites changed")
    print(f"ratios: full / copy floor {full['seconds'] / floor:.1f}; nothing changed / full "
          f"{again['seconds'] / full['seconds']:.3f}; {args.changed} changed / full "
          f"{changed['seconds'] / full['seconds']:.3f}", flush=True)


def _code_version() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
