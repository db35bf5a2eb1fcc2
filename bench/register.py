"""The public register at 100,000 sites beside the same register at 10, in the same run: every list page's
p50 and p95 time and SQL statements, the downloads' rows/s and peak Python memory at 10,000 rows and at
the full size, and, on PostgreSQL, the plan of every statement a list page runs.

Usage: .venv/bin/python bench/register.py [--sites 100000] [--runs 40] [--database-url URL]

One fresh instance grows in steps through `flask --app wsgi demo seed --sites` (half the sites active with
a published notice, their register rows written in the same batches): first 10 sites, whose pages are the
baseline; then up to 20,000 (a register of about 10,000 rows), for the downloads' memory; then the rest.
The pages and downloads are requested through the app's test client in this process, with no cookie, as
a passer-by's browser or a data user's script would. Ratios, never timed assertions: the machine is noisy.
"""
import argparse
import html
import os
import re
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from _setup import ROOT
from scale import Statements
from sqlalchemy import func, select, text

from signage.app import create_app
from signage.extensions import db
from signage.pagination import MAX_LIMIT
from signage.register.models import RegisterEntry
from signage.sites.models import Site

BIN = ROOT / ".venv" / "bin"
BASE_URL = "https://signs.example"
TARGET_MS, TARGET_RATE = 50, 50_000
SMALL_SITES, MEMORY_ROWS = 10, 10_000
FOLLOWED = 50  # next links followed from the first page to reach a late page
ROUNDS = 3  # interleaved download rounds, medians
#: The list pages, as query parameters. The demo's sites are half CN metro stations in five cities (all at
#: the station's coordinates, purpose public_security) and half EU office lobbies in four (access_control);
#: every one has "<n> <city> Road" for its address, and "#<n>" in its name; the demo's own New York store
#: is the one US-NYC row, and the only one in New York.
PAGES = {
    "first page": {},
    "status=all": {"status": "all"},
    "city=Shanghai (1 in 10)": {"city": "Shanghai"},
    "purpose=access_control (1/2)": {"purpose": "access_control"},
    "jurisdiction=CN (1/2)": {"jurisdiction": "CN"},
    "jurisdiction=US-NYC (1 row)": {"jurisdiction": "US-NYC"},
    "q=road (every row)": {"q": "road"},
    "q=berlin (1/2)": {"q": "berlin"},
    "q=#1234 (a few)": {"q": "#1234"},
    "bbox around Shanghai (1/2)": {"bbox": "121.3,31.1,121.6,31.3"},
    "bbox around New York (1 row)": {"bbox": "-74.1,40.6,-73.8,40.9"},
    "sort=city": {"sort": "city"},
    "sort=newest": {"sort": "newest"},
}
LATE, FAR = f"page {FOLLOWED + 1} (next x {FOLLOWED})", "cursor 90% into the list"
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')
ENTRY = '<li class="entry"'


def flask(env: dict, *command: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def grow(app, env: dict, extra: int, database_url: str | None) -> int:
    """Add `extra` demo sites through the CLI; make sure every published site has its register row (running
    housekeeping if not); return the register's rows."""
    started = time.perf_counter()
    flask(env, "demo", "seed", "--sites", str(extra))
    seeded = time.perf_counter() - started
    with app.app_context():
        db.engine.dispose()  # the CLI wrote from another process: fresh connections, fresh statistics
        rows, sites, published = _counts()
        note = ""
        if rows < published:
            started = time.perf_counter()
            flask(env, "housekeeping")
            rows, sites, published = _counts()
            note = f"; housekeeping filled the missing rows in {time.perf_counter() - started:.0f} s"
        if database_url:  # as autovacuum would soon after a bulk load: visibility map and hint bits set
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE) register_entries"))
                connection.execute(text("VACUUM (ANALYZE) register_jurisdictions"))
        db.engine.dispose()
    print(f"seeded {extra:,} more sites in {seeded:.0f} s: {sites:,} sites, {published:,} published, "
          f"register_entries {rows:,} rows{note}", flush=True)
    return rows


def _counts() -> tuple[int, int, int]:
    rows = db.session.scalar(select(func.count()).select_from(RegisterEntry))
    sites = db.session.scalar(select(func.count(Site.id)))
    published = db.session.scalar(select(func.count(Site.id)).where(Site.status != "draft"))
    db.session.rollback()
    return rows, sites, published


def far_path(client, app, limit: int | None) -> str:
    """The address of the page a reader reaches 90% of the way down the default list (active, by name),
    by the app's own next links: long pages followed to there, then the cursor alone (with `limit`)."""
    with app.app_context():
        active = db.session.scalar(select(func.count()).select_from(RegisterEntry)
                                   .where(RegisterEntry.status_rank == 0))
        db.session.rollback()
    target = int(active * 0.9)
    step = min(MAX_LIMIT, max(1, target))
    path = f"/register?limit={step}"
    for _ in range(max(1, target // step)):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found = NEXT_LINK.search(response.get_data(as_text=True))
        if not found:
            break
        path = html.unescape(found.group(1))
    cursor = parse_qs(urlsplit(path).query).get("cursor", [None])[0]
    extra = {"limit": limit} if limit else {}
    return "/register" + (f"?{urlencode({'cursor': cursor, **extra} if cursor else extra)}"
                          if cursor or extra else "")


def late_path(client, limit: int | None) -> str:
    """Follow the first page's next link FOLLOWED times (or until there is none); return the last address."""
    path = "/register" + (f"?limit={limit}" if limit else "")
    for _ in range(FOLLOWED):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found = NEXT_LINK.search(response.get_data(as_text=True))
        if not found:
            break
        path = html.unescape(found.group(1))
    return path


def paths(client, app, limit: int | None) -> dict[str, str]:
    extra = {"limit": limit} if limit else {}
    found = {name: "/register" + (f"?{urlencode({**query, **extra})}" if query or extra else "")
             for name, query in PAGES.items()}
    found[LATE] = late_path(client, limit)
    found[FAR] = far_path(client, app, limit)
    return found


def measure(client, path: str, runs: int, counter: Statements) -> dict:
    response = client.get(path)  # warm: templates compiled, statements cached, pages in the OS cache
    assert response.status_code == 200, (path, response.status_code, response.get_data()[:300])
    times = []
    for _ in range(runs):
        with counter:
            started = time.perf_counter()
            response = client.get(path)
            body = response.get_data(as_text=True)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return {"p50": statistics.median(times), "p95": statistics.quantiles(times, n=20, method="inclusive")[-1],
            "statements": len(counter.seen), "rows": body.count(ENTRY), "seen": counter.seen}


def measure_pages(client, app, runs: int, counter: Statements, limit: int | None = None) -> dict:
    return {name: measure(client, path, runs, counter) for name, path in paths(client, app, limit).items()}


def download(client, fmt: str, counter: Statements | None = None) -> tuple[float, int, int]:
    """Stream the whole register (status=all) in a format; return (seconds, bytes, statements)."""
    with counter or _Nothing():
        started = time.perf_counter()
        response = client.get(f"/register.{fmt}?status=all", buffered=False)
        assert response.status_code == 200, (fmt, response.status_code)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        seconds = time.perf_counter() - started
    return seconds, size, len(counter.seen) if counter else 0


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        return False


def download_peak(client, fmt: str) -> int:
    """The download again under tracemalloc, which slows Python down: memory only, not the rate."""
    tracemalloc.start()
    response = client.get(f"/register.{fmt}?status=all", buffered=False)
    for _chunk in response.response:
        pass
    response.close()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def downloads(client, counter: Statements, rows: int, *, rate: bool) -> dict:
    results = {}
    if rate:
        for fmt in ("csv", "json", "geojson"):
            download(client, fmt)  # warm
        rounds = {fmt: [] for fmt in ("csv", "json", "geojson")}
        for _round in range(ROUNDS):  # interleaved, so a neighbour's load spike falls on every format alike
            for fmt in rounds:
                rounds[fmt].append(download(client, fmt, counter))
        for fmt, runs in rounds.items():
            seconds = statistics.median(run[0] for run in runs)
            results[fmt] = {"rate": rows / seconds, "mb": runs[0][1] / 1e6, "statements": runs[0][2]}
    for fmt in ("csv", "json", "geojson"):
        results.setdefault(fmt, {})["peak"] = download_peak(client, fmt)
    return results


def explain(app, name: str, seen) -> list[str]:
    """Run again and explain every SELECT a page ran, with its parameters: EXPLAIN (FORMAT JSON) on
    PostgreSQL, EXPLAIN QUERY PLAN on SQLite; return a line per statement (its time alone and its plan's
    shape), marking a sequential scan of register_entries."""
    lines = []
    with app.app_context():
        connection = db.session.connection()
        postgresql = connection.dialect.name == "postgresql"
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            connection.exec_driver_sql(statement, parameters).all()
            ms = (time.perf_counter() - started) * 1000
            which = ("count" if "count(*)" in statement.lower() else
                     "page" if "LIMIT" in statement.upper() else "cursor's row")
            if postgresql:
                plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
                plan = (plan[0] if isinstance(plan, list) else plan)["Plan"]
                scans = {node.get("Relation Name") for node in _nodes(plan) if node["Node Type"] == "Seq Scan"}
                shape = f"cost {plan['Total Cost']:.0f}: {_shape(plan)}"
                flag = " <-- Seq Scan on register_entries" if "register_entries" in scans else ""
                other = sorted(scans - {"register_entries"})
                flag += f" (Seq Scan on {', '.join(other)})" if other else ""
            else:
                steps = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
                shape = " | ".join(steps)
                flag = " <-- SCAN of register_entries" if any(
                    re.match(r"SCAN register_entries\b(?! USING)", step) for step in steps) else ""
                flag += " (sorts every match)" if any("TEMP B-TREE FOR" in step and "ORDER BY" in step
                                                      for step in steps) else ""
            lines.append(f"  {name} [{which}] {ms:.1f} ms, {shape}{flag}")
        db.session.rollback()
    return lines


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _shape(plan: dict) -> str:
    label = plan["Node Type"]
    if plan.get("Index Name"):
        label += f" using {plan['Index Name']}"
    elif plan.get("Relation Name"):
        label += f" on {plan['Relation Name']}"
    children = plan.get("Plans", [])
    if not children:
        return label
    return label + " > " + (_shape(children[0]) if len(children) == 1 else
                            "(" + " ; ".join(_shape(child) for child in children) + ")")


def code_version() -> str:
    """The commit measured, and the files under signage/ that differ from it (the tree may be mid-change)."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--", "signage"], capture_output=True,
                             text=True).stdout.split("\n")
    changed = [line[3:] for line in changed if line.strip()]
    return head + (f" with uncommitted changes to {', '.join(changed)}" if changed else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests of each page")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as folder:
        run(args, Path(folder))


def run(args, folder: Path) -> None:
    started = time.perf_counter()
    url = args.database_url or f"sqlite:///{folder}/signage.db"
    env = {**os.environ, "SIGNAGE_INSTANCE_PATH": str(folder), "SIGNAGE_DATABASE_URL": url,
           "SIGNAGE_PUBLIC_BASE_URL": BASE_URL}
    os.environ.update(SIGNAGE_INSTANCE_PATH=str(folder), SIGNAGE_DATABASE_URL=url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "PUBLIC_BASE_URL": BASE_URL})
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
    print(f"backend: {backend}; code: {code_version()}")
    with app.app_context():
        if backend == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.engine.dispose()
    flask(env, "db", "upgrade")
    with app.app_context():
        counter = Statements(db.engine)
    client = app.test_client()  # requests outside any app context of ours: each gets its own session

    small_rows = grow(app, env, SMALL_SITES, args.database_url)
    small = measure_pages(client, app, args.runs, counter)
    done = SMALL_SITES
    memory = {}
    if args.sites > 2 * MEMORY_ROWS:
        middle_rows = grow(app, env, 2 * MEMORY_ROWS - done, args.database_url)
        done = 2 * MEMORY_ROWS
        memory[middle_rows] = downloads(client, counter, middle_rows, rate=False)
    rows = grow(app, env, args.sites - done, args.database_url)
    large = measure_pages(client, app, args.runs, counter)
    cut = measure_pages(client, app, args.runs, counter, limit=10)
    full = downloads(client, counter, rows, rate=True)
    memory[rows] = full

    print(f"\nlist pages, {args.runs} requests each (test client, no cookie); register of {rows:,} rows "
          f"({args.sites:,} sites) beside one of {small_rows:,} rows ({SMALL_SITES} sites)")
    print(f"{'page':30}| {rows:>7,} rows: p50   p95 stmts rows | limit=10: p50 |"
          f" {small_rows:>3} rows: p50   p95 stmts rows | ratio  @10")
    missed = []
    for name, big in large.items():
        little, ten = small[name], cut[name]
        print(f"{name:30}|{big['p50']:>18.1f} {big['p95']:>5.1f} {big['statements']:>5} {big['rows']:>4} |"
              f"{ten['p50']:>14.1f} |{little['p50']:>15.1f} {little['p95']:>5.1f} {little['statements']:>5}"
              f" {little['rows']:>4} | {big['p50'] / little['p50']:>5.2f} {ten['p50'] / little['p50']:>4.2f}")
        if big["p50"] > TARGET_MS:
            missed.append(name)
    print(f"target: list page p50 <= {TARGET_MS} ms at {rows:,} rows; missed by: {', '.join(missed) or 'none'}. "
          f"ratio: p50 against the {small_rows}-row register's; @10: the large register's page cut to 10 rows "
          f"(limit=10) against it, so both render about as many rows")

    print(f"\ndownloads of the whole register (status=all), {rows:,} rows, medians of {ROUNDS} interleaved rounds:")
    for fmt, result in full.items():
        print(f"  register.{fmt:8} {result['rate']:>9,.0f} rows/s  {result['mb']:6.1f} MB  "
              f"{result['statements']} statements  (target >= {TARGET_RATE:,} rows/s)")
    sizes = sorted(memory)
    print("  peak Python memory while streaming (tracemalloc): " + "; ".join(
        f"{fmt} " + " / ".join(f"{memory[size][fmt]['peak'] / 1e6:.1f} MB" for size in sizes)
        + (f" (x{memory[sizes[-1]][fmt]['peak'] / memory[sizes[0]][fmt]['peak']:.2f})" if len(sizes) > 1 else "")
        for fmt in ("csv", "json", "geojson")) + f" at {' / '.join(f'{size:,}' for size in sizes)} rows "
        f"(target: flat)")

    how = "EXPLAIN (FORMAT JSON)" if backend == "postgresql" else "EXPLAIN QUERY PLAN"
    print(f"\n{how} of every SELECT of the {rows:,}-row register's list pages, with their parameters, and "
          f"each statement's time run alone once:")
    lines = [line for name, measured in large.items() for line in explain(app, name, measured["seen"])]
    for line in lines:
        print(line)
    offenders = [line for line in lines if "<--" in line]
    print(f"{len(offenders)} of {len(lines)} statements scan register_entries sequentially"
          + (": " + "; ".join(line.split(" [")[0].strip() + " [" + line.split(" [")[1].split("]")[0] + "]"
                              for line in offenders) if offenders else ""))
    with app.app_context():
        db.engine.dispose()
    print(f"\nbench took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
